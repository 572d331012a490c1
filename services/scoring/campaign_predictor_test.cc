// PredictCampaign's logic on two accounts of one person.
#include "services/scoring/campaign_predictor.h"

#include "gtest/gtest.h"

namespace microreach::scoring {
namespace {

namespace cv1 = ::microreach::common::v1;

cv1::Creator Account(const std::string& id, int64_t followers) {
  cv1::Creator c;
  c.set_creator_id(id);
  c.set_person_id("person-1");
  c.set_platform(cv1::PLATFORM_INSTAGRAM);
  c.mutable_stats()->set_followers(followers);
  c.mutable_stats()->set_engagement_rate(0.03);
  return c;
}

TEST(PredictCampaign, HandComputedTotals) {
  const ModelConfig config = DefaultModelConfig();
  cv1::CampaignBrief b;
  b.set_objective(cv1::CAMPAIGN_OBJECTIVE_SALES);
  const PreparedBrief brief = PrepareBrief(b, config, 1.0);
  ScoringContext ctx{.config = &config, .brief = &brief};

  const cv1::Creator big = Account("instagram:big", 50'000);
  const cv1::Creator small = Account("instagram:small", 20'000);
  v1::CreatorPlan two_posts;
  two_posts.set_creator_id("instagram:big");
  two_posts.add_deliverables(cv1::DELIVERABLE_TYPE_POST);
  two_posts.add_deliverables(cv1::DELIVERABLE_TYPE_POST);
  two_posts.mutable_fee()->set_currency_code("USD");
  two_posts.mutable_fee()->set_amount_micros(1'000'000'000);
  v1::CreatorPlan default_plan;
  default_plan.set_creator_id("instagram:small");
  std::vector<PlannedCreator> plans = {{&big, &two_posts}, {&small, &default_plan}};

  v1::PredictCampaignResponse r = PredictCampaign(ctx, plans);
  ASSERT_EQ(r.creators_size(), 2);
  const v1::CampaignPrediction& p = r.creators(0).prediction();
  // Two posts to 50,000 followers at 14.5% reach each: 50,000 x (1 - 0.855^2).
  EXPECT_NEAR(p.reach().expected(), 13'448.75, 1e-6);
  EXPECT_NEAR(p.impressions().expected(), 21'750, 1e-6);
  // Sales funnel: 21,750 x 0.8% = 174 clicks, x 2.5% = 4.35 conversions, x $50.
  EXPECT_NEAR(p.clicks().expected(), 174, 1e-6);
  EXPECT_NEAR(p.conversions().expected(), 4.35, 1e-9);
  EXPECT_EQ(p.revenue().expected_micros(), 217'500'000);
  EXPECT_EQ(p.cost().amount_micros(), 1'000'000'000);
  EXPECT_NEAR(p.roas().expected(), 0.2175, 1e-9);
  EXPECT_NEAR(p.roi().expected(), -0.7825, 1e-9);
  EXPECT_LE(p.roi().p10(), p.roi().expected());
  EXPECT_GE(p.roi().p90(), p.roi().expected());
  // EMV = 21,750 / 1000 x $6.50 = $141.375
  EXPECT_EQ(p.emv().expected_micros(), 141'375'000);

  // The small account's fee is estimated: 260.224 (rate card at 20,000)
  // x sqrt(0.03 / 0.0264575) = 277.098.
  EXPECT_NEAR(r.creators(1).prediction().cost().amount_micros() / 1e6, 277.098, 1e-3);
  // Same person: 13,448.75 + 0.5 x (20,000 x 14.5%) = 14,898.75.
  EXPECT_NEAR(r.total().reach().expected(), 14'898.75, 1e-6);
  EXPECT_NEAR(r.total().impressions().expected(), 21'750 + 4'350, 1e-6);
  EXPECT_NEAR(r.total().cost().amount_micros() / 1e6, 1'277.098, 1e-3);
}

TEST(PredictCampaign, NoCostMeansNoRoi) {
  const ModelConfig config = DefaultModelConfig();
  const PreparedBrief brief = PrepareBrief(cv1::CampaignBrief(), config, 1.0);
  ScoringContext ctx{.config = &config, .brief = &brief};
  const cv1::Creator c = Account("instagram:free", 10'000);
  v1::CreatorPlan plan;
  plan.mutable_fee()->set_currency_code("USD");
  plan.mutable_fee()->set_amount_micros(0);
  std::vector<PlannedCreator> plans = {{&c, &plan}};
  v1::PredictCampaignResponse r = PredictCampaign(ctx, plans);
  EXPECT_FALSE(r.total().has_roi());
  EXPECT_FALSE(r.total().has_roas());
}

}  // namespace
}  // namespace microreach::scoring
