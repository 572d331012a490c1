// Hand-computed checks of the reach, engagement and funnel predictions.
#include "services/scoring/prediction_model.h"

#include <vector>

#include "gtest/gtest.h"

namespace microreach::scoring {
namespace {

namespace cv1 = ::microreach::common::v1;

ReachInputs MicroInstagram() {
  return {.platform = cv1::PLATFORM_INSTAGRAM,
          .tier = cv1::TIER_MICRO,
          .followers = 50'000,
          .engagement_rate = 0.03,
          .avg_views = std::nullopt};
}

TEST(PredictDeliverable, InstagramPostEarnsTheRateTimesFollowers) {
  const ModelConfig c = DefaultModelConfig();
  DeliverableOutcome o = PredictDeliverable(c, MicroInstagram(), cv1::DELIVERABLE_TYPE_POST);
  // reach 50,000 x 14.5% = 7,250; impressions x 1.5 = 10,875;
  // engagements = 10,875 x 0.03 / (0.145 x 1.5) = 1,500 = 0.03 x 50,000.
  EXPECT_NEAR(o.reach.mean, 7'250, 1e-9);
  EXPECT_NEAR(o.impressions.mean, 10'875, 1e-9);
  EXPECT_NEAR(o.engagements.mean, 1'500, 1e-9);
  EXPECT_DOUBLE_EQ(o.reach.sigma, 0.45);
  EXPECT_NEAR(o.engagements.sigma, 0.570088, 1e-6);  // sqrt(0.45^2 + 0.35^2)
}

TEST(PredictDeliverable, StoryUsesStoryReachAndOneImpressionPerReach) {
  const ModelConfig c = DefaultModelConfig();
  DeliverableOutcome o = PredictDeliverable(c, MicroInstagram(), cv1::DELIVERABLE_TYPE_STORY);
  // 50,000 x 4% = 2,000; engagements 2,000 x 0.137931 x 0.1 = 27.586
  EXPECT_NEAR(o.reach.mean, 2'000, 1e-9);
  EXPECT_NEAR(o.impressions.mean, 2'000, 1e-9);
  EXPECT_NEAR(o.engagements.mean, 27.5862, 1e-4);
}

TEST(PredictDeliverable, TikTokVideoUsesAverageViews) {
  const ModelConfig c = DefaultModelConfig();
  ReachInputs in{.platform = cv1::PLATFORM_TIKTOK,
                 .tier = cv1::TIER_MICRO,
                 .followers = 50'000,
                 .engagement_rate = 0.06,
                 .avg_views = 40'000};
  DeliverableOutcome o = PredictDeliverable(c, in, cv1::DELIVERABLE_TYPE_SHORT_VIDEO);
  EXPECT_NEAR(o.impressions.mean, 40'000, 1e-9);
  EXPECT_NEAR(o.reach.mean, 26'666.6667, 1e-3);
  EXPECT_NEAR(o.engagements.mean, 2'400, 1e-9);
  EXPECT_NEAR(o.engagements.sigma, 0.460977, 1e-6);  // sqrt(0.30^2 + 0.35^2)
  in.engagement_rate.reset();                        // peer median sqrt(0.07 x 0.04) = 0.052915
  o = PredictDeliverable(c, in, cv1::DELIVERABLE_TYPE_SHORT_VIDEO);
  EXPECT_NEAR(o.engagements.mean, 40'000 * 0.0529150, 1e-2);
  EXPECT_NEAR(o.engagements.sigma, 0.670820, 1e-6);  // sqrt(0.30^2 + 0.60^2)
}

TEST(PredictFunnel, ClicksConversionsRevenueEmv) {
  const ModelConfig c = DefaultModelConfig();
  DeliverableOutcome o{.reach = {}, .impressions = {10'000, 0.45}, .engagements = {}};
  FunnelRates rates{.click_through_rate = 0.01,
                    .conversion_rate = 0.05,
                    .average_order_value = 40,
                    .emv_cpm = 6.5};
  FunnelOutcome f = PredictFunnel(c, o, 0.5, rates);
  // 10,000 x 0.5 x 1% = 50 clicks; x 5% = 2.5 conversions; x 40 = 100.
  EXPECT_NEAR(f.clicks.mean, 50, 1e-9);
  EXPECT_NEAR(f.clicks.sigma, 0.672681, 1e-6);
  EXPECT_NEAR(f.conversions.mean, 2.5, 1e-9);
  EXPECT_NEAR(f.conversions.sigma, 0.838153, 1e-6);
  EXPECT_NEAR(f.revenue.mean, 100, 1e-9);
  EXPECT_NEAR(f.emv.mean, 65, 1e-9);  // 10,000 / 1000 x 6.5
}

TEST(Reach, SainsburyWithinACreatorHalfOverlapWithinAPerson) {
  // 10,000 x (1 - 0.8 x 0.7) = 4,400
  EXPECT_NEAR(CreatorReach(10'000, std::vector<Dist>{{2'000, 0.3}, {3'000, 0.45}}).mean, 4'400,
              1e-9);
  EXPECT_DOUBLE_EQ(CreatorReach(10'000, std::vector<Dist>{{2'000, 0.3}, {3'000, 0.45}}).sigma,
                   0.45);
  EXPECT_NEAR(CreatorReach(0, std::vector<Dist>{{2'000, 0}, {3'000, 0}}).mean, 5'000, 1e-9);
  // 4,000 + 0.5 x (1,000 + 2,000) = 5,500
  EXPECT_NEAR(PersonReach(std::vector<Dist>{{4'000, 0}, {1'000, 0}, {2'000, 0}}).mean, 5'500, 1e-9);
}

}  // namespace
}  // namespace microreach::scoring
