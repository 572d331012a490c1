// Tests the upsert rules, normalisation and tier derivation of profiles.
#include "services/search/creator_rules.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace microreach::search {
namespace {

using common::v1::Creator;
using ::testing::Contains;
using ::testing::IsEmpty;

Creator Valid() {
  Creator c;
  c.set_creator_id("instagram:17841400001");
  c.set_platform(common::v1::PLATFORM_INSTAGRAM);
  c.set_handle("janedoe");
  c.set_country_code("de");
  c.add_language_codes("DE");
  c.mutable_stats()->set_followers(42'000);
  c.mutable_stats()->set_engagement_rate(0.031);
  auto* a = c.mutable_audience();
  auto* de = a->add_countries();
  de->set_country_code("DE");
  de->set_share(0.6);
  auto* at = a->add_countries();
  at->set_country_code("AT");
  at->set_share(0.3);
  c.mutable_content()->add_hashtags("#Running");
  c.mutable_content()->add_mentions("@Nike");
  c.set_version(99);
  return c;
}

std::vector<std::string> Fields(const status::FieldViolations& v) {
  std::vector<std::string> out;
  for (const auto& fv : v.violations()) out.push_back(fv.field);
  return out;
}

TEST(CreatorRulesTest, ValidProfilePasses) {
  EXPECT_THAT(Fields(ValidateCreator(Valid())), IsEmpty());
}

TEST(CreatorRulesTest, EveryBadFieldIsNamed) {
  Creator c = Valid();
  c.set_creator_id("bad id with spaces");
  c.set_platform(common::v1::PLATFORM_UNSPECIFIED);
  c.set_handle("@janedoe");
  c.mutable_stats()->set_followers(-1);
  c.mutable_stats()->set_engagement_rate(-0.1);
  c.mutable_audience()->mutable_countries(1)->set_share(0.5);  // sum 1.1
  c.mutable_audience()->set_credibility(1.5);
  c.add_categories(static_cast<common::v1::Category>(999));
  std::vector<std::string> fields = Fields(ValidateCreator(c));
  for (const char* f :
       {"creator_id", "platform", "handle", "stats.followers", "stats.engagement_rate",
        "audience.countries", "audience.credibility", "categories[0]"}) {
    EXPECT_THAT(fields, Contains(f)) << f;
  }
}

TEST(CreatorRulesTest, NormalizesCodesKeywordsAndOutputOnlyFields) {
  Creator c = Valid();
  NormalizeCreator(TierPolicy(), &c);
  EXPECT_EQ(c.country_code(), "DE");
  EXPECT_EQ(c.language_codes(0), "de");
  EXPECT_EQ(c.content().hashtags(0), "running");
  EXPECT_EQ(c.content().mentions(0), "nike");
  EXPECT_EQ(c.version(), 0);
  EXPECT_EQ(c.tier(), common::v1::TIER_MICRO);
}

TEST(TierPolicyTest, DefaultBoundsAreTheTradesFiveTiers) {
  TierPolicy p;
  EXPECT_EQ(p.TierOf(common::v1::PLATFORM_TIKTOK, 9'999), common::v1::TIER_NANO);
  EXPECT_EQ(p.TierOf(common::v1::PLATFORM_TIKTOK, 10'000), common::v1::TIER_MICRO);
  EXPECT_EQ(p.TierOf(common::v1::PLATFORM_TIKTOK, 100'000), common::v1::TIER_MACRO);
  EXPECT_EQ(p.TierOf(common::v1::PLATFORM_TIKTOK, 1'000'000), common::v1::TIER_COUNTRY);
  EXPECT_EQ(p.TierOf(common::v1::PLATFORM_TIKTOK, 10'000'000), common::v1::TIER_GLOBAL);
}

TEST(TierPolicyTest, PerPlatformBoundsOverrideTheDefault) {
  auto p = TierPolicy::Parse("youtube=5000:50000:500000:5000000");
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->TierOf(common::v1::PLATFORM_YOUTUBE, 6'000), common::v1::TIER_MICRO);
  EXPECT_EQ(p->TierOf(common::v1::PLATFORM_INSTAGRAM, 6'000), common::v1::TIER_NANO);
  EXPECT_FALSE(TierPolicy::Parse("myspace=1:2:3:4").ok());
  EXPECT_FALSE(TierPolicy::Parse("youtube=5:4:3:2").ok());
  EXPECT_FALSE(TierPolicy::Parse("youtube=5000").ok());
}

}  // namespace
}  // namespace microreach::search
