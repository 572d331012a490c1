// The default constants and operator overrides of the price and prediction models.
#include "services/scoring/model_config.h"

#include "absl/strings/match.h"
#include "gtest/gtest.h"

namespace microreach::scoring {
namespace {

namespace cv1 = ::microreach::common::v1;

TEST(ModelConfig, DefaultsHitThePublishedAnchors) {
  ModelConfig c = DefaultModelConfig();
  // Tagger / Sprout: micro Instagram story ~ $99, mega photo ~ $49.5k.
  EXPECT_DOUBLE_EQ(c.Fee(cv1::PLATFORM_INSTAGRAM, cv1::TIER_MICRO, cv1::DELIVERABLE_TYPE_STORY),
                   99);
  EXPECT_DOUBLE_EQ(c.Fee(cv1::PLATFORM_INSTAGRAM, cv1::TIER_COUNTRY, cv1::DELIVERABLE_TYPE_POST),
                   49'500);
  EXPECT_DOUBLE_EQ(c.emv_cpm_usd, 6.50);
  EXPECT_EQ(c.ModelVersion(), kBaseModelVersion);
  EXPECT_EQ(*c.FxPerUsd("USD"), 1.0);
  EXPECT_FALSE(c.FxPerUsd("EUR").has_value());
}

TEST(ModelConfig, OverridesChangeTheNumbersAndTheVersion) {
  auto c = ApplyOverrides(DefaultModelConfig(), "instagram.micro.post=450, tiktok.nano.live=80",
                          "BR=0.6", "EUR=0.92", 7.5);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_DOUBLE_EQ(c->Fee(cv1::PLATFORM_INSTAGRAM, cv1::TIER_MICRO, cv1::DELIVERABLE_TYPE_POST),
                   450);
  EXPECT_DOUBLE_EQ(c->Fee(cv1::PLATFORM_TIKTOK, cv1::TIER_NANO, cv1::DELIVERABLE_TYPE_LIVE), 80);
  EXPECT_DOUBLE_EQ(c->country_index[static_cast<size_t>(CountryKey("BR"))], 0.6);
  EXPECT_DOUBLE_EQ(*c->FxPerUsd("EUR"), 0.92);
  EXPECT_DOUBLE_EQ(c->emv_cpm_usd, 7.5);
  EXPECT_TRUE(absl::StartsWith(c->ModelVersion(), "2026.11.2+cfg.")) << c->ModelVersion();
  // The same settings in another order give the same version.
  auto same = ApplyOverrides(DefaultModelConfig(), "tiktok.nano.live=80,instagram.micro.post=450",
                             "BR=0.6", "EUR=0.92", 7.5);
  ASSERT_TRUE(same.ok());
  EXPECT_EQ(same->ModelVersion(), c->ModelVersion());
}

TEST(ModelConfig, BadOverridesNameTheFlag) {
  auto bad_tier = ApplyOverrides(DefaultModelConfig(), "instagram.mega.post=1", "", "", 0);
  EXPECT_EQ(bad_tier.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(bad_tier.status().message(), "--rate_card")) << bad_tier.status();
  auto bad_value = ApplyOverrides(DefaultModelConfig(), "instagram.micro.post=-5", "", "", 0);
  EXPECT_FALSE(bad_value.ok());
  auto bad_country = ApplyOverrides(DefaultModelConfig(), "", "XYZ=0.6", "", 0);
  EXPECT_TRUE(absl::StrContains(bad_country.status().message(), "--country_index"));
  auto bad_fx = ApplyOverrides(DefaultModelConfig(), "", "", "euro=1", 0);
  EXPECT_TRUE(absl::StrContains(bad_fx.status().message(), "--fx_rates"));
}

TEST(ModelConfig, StandardDeliverables) {
  EXPECT_EQ(StandardDeliverable(cv1::PLATFORM_INSTAGRAM), cv1::DELIVERABLE_TYPE_POST);
  EXPECT_EQ(StandardDeliverable(cv1::PLATFORM_TIKTOK), cv1::DELIVERABLE_TYPE_SHORT_VIDEO);
  EXPECT_EQ(StandardDeliverable(cv1::PLATFORM_YOUTUBE), cv1::DELIVERABLE_TYPE_LONG_VIDEO);
  EXPECT_EQ(StandardDeliverable(cv1::PLATFORM_TWITCH), cv1::DELIVERABLE_TYPE_LIVE);
}

TEST(CountryKey, TwoLettersEitherCase) {
  EXPECT_EQ(CountryKey("AA"), 0);
  EXPECT_EQ(CountryKey("us"), CountryKey("US"));
  EXPECT_EQ(CountryKey("USA"), -1);
  EXPECT_EQ(CountryKey("1A"), -1);
}

}  // namespace
}  // namespace microreach::scoring
