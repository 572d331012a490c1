// Hand-computed checks of the fee estimate (docs/metrics.md "Price").
#include "services/scoring/price_model.h"

#include <vector>

#include "gtest/gtest.h"

namespace microreach::scoring {
namespace {

namespace cv1 = ::microreach::common::v1;

TEST(RateCardFee, InterpolatesLogLinearlyBetweenTiers) {
  const ModelConfig c = DefaultModelConfig();
  // At the micro reference (31,623 followers) the card's $330.
  EXPECT_NEAR(RateCardFee(c, cv1::PLATFORM_INSTAGRAM, cv1::DELIVERABLE_TYPE_POST, 31'623), 330,
              1e-9);
  // Half way (in logs) between micro and macro: sqrt(330 * 4000) = 1148.91.
  EXPECT_NEAR(RateCardFee(c, cv1::PLATFORM_INSTAGRAM, cv1::DELIVERABLE_TYPE_POST, 100'000),
              1148.9077, 1e-3);
  // Below nano's reference, the nano-micro slope ln(3.3) / ln(31623 / 3162)
  // = 0.5185 extends: 100 * (100 / 3162)^0.5185 = 16.68; fewer than 100
  // followers price as 100.
  EXPECT_NEAR(RateCardFee(c, cv1::PLATFORM_INSTAGRAM, cv1::DELIVERABLE_TYPE_POST, 100), 16.6833,
              1e-3);
  EXPECT_DOUBLE_EQ(RateCardFee(c, cv1::PLATFORM_INSTAGRAM, cv1::DELIVERABLE_TYPE_POST, 10),
                   RateCardFee(c, cv1::PLATFORM_INSTAGRAM, cv1::DELIVERABLE_TYPE_POST, 100));
}

TEST(CountryMultiplier, AudienceWeightedWithDefaultForTheRest) {
  const ModelConfig c = DefaultModelConfig();
  // US 0.5 x 1 + FR 0.2 x 0.75 + BR 0.1 x 0.5 + unlisted 0.2 x 0.5 = 0.8
  std::vector<CountryShareKey> audience = {
      {CountryKey("US"), 0.5}, {CountryKey("FR"), 0.2}, {CountryKey("BR"), 0.1}};
  EXPECT_NEAR(CountryMultiplier(c, audience, -1), 0.8, 1e-12);
  EXPECT_DOUBLE_EQ(CountryMultiplier(c, {}, CountryKey("FR")), 0.75);
  EXPECT_DOUBLE_EQ(CountryMultiplier(c, {}, -1), 1.0);
}

TEST(EstimateFee, EngagementMultiplierIsTheRootOfTheRateOverThePeerMedian) {
  const ModelConfig c = DefaultModelConfig();
  std::vector<CountryShareKey> us = {{CountryKey("US"), 1.0}};
  PricingInputs in{.platform = cv1::PLATFORM_INSTAGRAM,
                   .followers = 31'623,
                   .engagement_rate = 0.035,
                   .audience_countries = us,
                   .creator_country_key = -1};
  // sqrt(0.035 / 0.0264575) = 1.150163; 330 x 1.150163 = 379.554
  FeeEstimate f = EstimateFee(c, in, cv1::DELIVERABLE_TYPE_POST);
  EXPECT_NEAR(f.engagement_multiplier, 1.150163, 1e-6);
  EXPECT_DOUBLE_EQ(f.country_multiplier, 1.0);
  EXPECT_NEAR(f.usd.mean, 379.5539, 1e-3);
  EXPECT_DOUBLE_EQ(f.usd.sigma, 0.35);
  in.engagement_rate = 0.001;  // sqrt(0.0378) = 0.19 -> clamped to 0.5
  EXPECT_DOUBLE_EQ(EstimateFee(c, in, cv1::DELIVERABLE_TYPE_POST).engagement_multiplier, 0.5);
  in.engagement_rate.reset();
  EXPECT_DOUBLE_EQ(EstimateFee(c, in, cv1::DELIVERABLE_TYPE_POST).engagement_multiplier, 1.0);
}

}  // namespace
}  // namespace microreach::scoring
