// Bad requests are refused with field violations naming each bad field.
#include "services/scoring/request_validation.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace microreach::scoring {
namespace {

using ::testing::Contains;

std::vector<std::string> Fields(const absl::Status& s) {
  std::vector<std::string> out;
  for (const auto& v : status::ViolationsOf(s)) out.push_back(v.field);
  return out;
}

TEST(ValidateScoreCreators, NamesEveryBadField) {
  const ModelConfig config = DefaultModelConfig();
  v1::ScoreCreatorsRequest r;
  r.add_creator_ids("instagram:ok");
  r.add_creator_ids("bad id");
  r.set_currency_code("EUR");
  common::v1::CampaignBrief* b = r.mutable_brief();
  b->mutable_target_audience()->add_countries()->set_country_code("usa");
  b->mutable_target_audience()->add_genders()->set_weight(-1);
  b->mutable_target_audience()->add_age_bands();
  r.set_view(static_cast<v1::ScoreView>(7));
  absl::Status s = ValidateScoreCreators(r, config);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  std::vector<std::string> fields = Fields(s);
  EXPECT_THAT(fields, Contains("creator_ids[1]"));
  EXPECT_THAT(fields, Contains("currency_code"));  // EUR is not configured
  EXPECT_THAT(fields, Contains("brief.target_audience.countries[0].country_code"));
  EXPECT_THAT(fields, Contains("brief.target_audience.genders[0].gender"));
  EXPECT_THAT(fields, Contains("brief.target_audience.genders[0].weight"));
  EXPECT_THAT(fields, Contains("brief.target_audience.age_bands[0].age_band"));
  EXPECT_THAT(fields, Contains("view"));
}

TEST(ValidateScoreCreators, EmptyAndOversizedBatches) {
  const ModelConfig config = DefaultModelConfig();
  v1::ScoreCreatorsRequest empty;
  EXPECT_THAT(Fields(ValidateScoreCreators(empty, config)), Contains("creator_ids"));
  v1::ScoreCreatorsRequest big;
  for (int i = 0; i <= kMaxScoreBatch; ++i) big.add_creator_ids("x");
  EXPECT_THAT(Fields(ValidateScoreCreators(big, config)), Contains("creator_ids"));
  v1::ScoreCreatorsRequest ok;
  ok.add_creator_ids("instagram:1");
  EXPECT_TRUE(ValidateScoreCreators(ok, config).ok());
}

TEST(ValidateScoreCreators, FollowerHistoriesBelongToRequestedCreators) {
  const ModelConfig config = DefaultModelConfig();
  v1::ScoreCreatorsRequest r;
  r.add_creator_ids("instagram:a");
  auto add = [&r](const std::string& id, int days, int64_t value) {
    v1::FollowerHistory* h = r.add_follower_histories();
    h->set_creator_id(id);
    for (int d = 0; d < days; ++d) h->add_daily_followers(value);
  };
  add("instagram:a", 7, 1'000);
  EXPECT_TRUE(ValidateScoreCreators(r, config).ok());
  add("instagram:a", 7, 1'000);    // a second series for the same creator
  add("instagram:b", 7, 1'000);    // not requested
  add("instagram:a", 6, 1'000);    // too short
  add("instagram:a", 401, 1'000);  // too long
  add("instagram:a", 7, -1);       // negative
  std::vector<std::string> fields = Fields(ValidateScoreCreators(r, config));
  EXPECT_THAT(fields, Contains("follower_histories[1].creator_id"));
  EXPECT_THAT(fields, Contains("follower_histories[2].creator_id"));
  EXPECT_THAT(fields, Contains("follower_histories[3].daily_followers"));
  EXPECT_THAT(fields, Contains("follower_histories[4].daily_followers"));
  EXPECT_THAT(fields, Contains("follower_histories[5].daily_followers"));
  EXPECT_THAT(fields, ::testing::Not(Contains("follower_histories[0].creator_id")));
}

TEST(ValidateClassifyAccounts, SignalsMustBeSane) {
  v1::ClassifyAccountsRequest r;
  v1::AccountSignals* a = r.add_accounts();
  a->set_followers(-1);
  a->set_username_length(0);
  a->set_account_age_days(-3);
  std::vector<std::string> fields = Fields(ValidateClassifyAccounts(r));
  EXPECT_THAT(fields, Contains("accounts[0].followers"));
  EXPECT_THAT(fields, Contains("accounts[0].username_length"));
  EXPECT_THAT(fields, Contains("accounts[0].account_age_days"));
}

TEST(ValidatePredictCampaign, BriefRequiredAndFeesInItsCurrency) {
  const ModelConfig config = DefaultModelConfig();
  v1::PredictCampaignRequest r;
  r.add_creators()->set_creator_id("instagram:1");
  EXPECT_THAT(Fields(ValidatePredictCampaign(r, config)), Contains("brief"));
  r.mutable_brief()->mutable_budget()->set_currency_code("USD");
  r.mutable_creators(0)->mutable_fee()->set_currency_code("GBP");
  r.mutable_creators(0)->add_deliverables(common::v1::DELIVERABLE_TYPE_UNSPECIFIED);
  r.mutable_assumptions()->set_click_through_rate(2);
  std::vector<std::string> fields = Fields(ValidatePredictCampaign(r, config));
  EXPECT_THAT(fields, Contains("creators[0].fee.currency_code"));
  EXPECT_THAT(fields, Contains("creators[0].deliverables[0]"));
  EXPECT_THAT(fields, Contains("assumptions.click_through_rate"));
}

TEST(ValidateEstimatePrice, SubjectRequired) {
  const ModelConfig config = DefaultModelConfig();
  v1::EstimatePriceRequest r;
  EXPECT_THAT(Fields(ValidateEstimatePrice(r, config)), Contains("subject"));
  r.mutable_inputs()->set_followers(-5);
  std::vector<std::string> fields = Fields(ValidateEstimatePrice(r, config));
  EXPECT_THAT(fields, Contains("inputs.platform"));
  EXPECT_THAT(fields, Contains("inputs.followers"));
}

}  // namespace
}  // namespace microreach::scoring
