// The scoring service end to end over gRPC: a real microreach-scoring reading
// profiles from a real redis-server and, on misses, from a real
// microreach-search process, as a campaign service or a buyer's tool calls it.
#include <algorithm>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/metrics/http_get.h"
#include "common/redis/redis_connection.h"
#include "common/status/status.h"
#include "gmock/gmock.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"
#include "microreach/scoring/v1/scoring_service.grpc.pb.h"
#include "microreach/search/v1/search_service.grpc.pb.h"
#include "tests/fixtures/free_port.h"
#include "tests/fixtures/redis_server.h"
#include "tests/fixtures/service_process.h"
#include "tests/fixtures/temp_dir.h"

namespace microreach {
namespace {

namespace cv1 = ::microreach::common::v1;
using ::testing::Contains;
using namespace scoring::v1;  // NOLINT(google-build-using-namespace): test brevity

constexpr char kToken[] = "scoring-test-token-0123456789";

cv1::Creator Profile(const std::string& handle, int64_t followers, double likes,
                     double female_share, double us_share, double credibility) {
  cv1::Creator c;
  c.set_creator_id("instagram:" + handle);
  c.set_platform(cv1::PLATFORM_INSTAGRAM);
  c.set_handle(handle);
  c.set_country_code("US");
  c.add_categories(cv1::CATEGORY_FITNESS);
  cv1::CreatorStats* s = c.mutable_stats();
  s->set_followers(followers);
  s->set_following(300);
  s->set_avg_likes(likes);
  s->set_avg_comments(likes / 20);
  s->set_engagement_rate(likes * 1.05 / static_cast<double>(followers));  // as the provider's
  cv1::AudienceDemographics* a = c.mutable_audience();
  cv1::CountryShare* us = a->add_countries();
  us->set_country_code("US");
  us->set_share(us_share);
  cv1::GenderShare* f = a->add_genders();
  f->set_gender(cv1::GENDER_FEMALE);
  f->set_share(female_share);
  cv1::GenderShare* m = a->add_genders();
  m->set_gender(cv1::GENDER_MALE);
  m->set_share(1 - female_share);
  a->set_credibility(credibility);
  a->set_reachability(0.8);
  return c;
}

cv1::CampaignBrief Brief() {
  cv1::CampaignBrief b;
  b.set_objective(cv1::CAMPAIGN_OBJECTIVE_SALES);
  b.mutable_budget()->set_currency_code("USD");
  b.mutable_budget()->set_amount_micros(10'000'000'000);
  b.add_categories(cv1::CATEGORY_FITNESS);
  cv1::WeightedCountry* us = b.mutable_target_audience()->add_countries();
  us->set_country_code("US");
  us->set_weight(1);
  b.mutable_target_audience()->add_genders()->set_gender(cv1::GENDER_FEMALE);
  return b;
}

class ScoringServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(redis_.Start().ok());
    search_address_ = absl::StrCat("127.0.0.1:", testing::FreePort());
    search_ = Start("search", search_address_,
                    {absl::StrCat("--data_dir=", data_.path()), "--catalog_writers=acme"});
    ASSERT_NE(search_, nullptr);
    scoring_address_ = absl::StrCat("127.0.0.1:", testing::FreePort());
    scoring_ = Start("scoring", scoring_address_,
                     {absl::StrCat("--search_address=", search_address_), "--fx_rates=EUR=0.5"});
    ASSERT_NE(scoring_, nullptr);
    stub_ = ScoringService::NewStub(
        grpc::CreateChannel(scoring_address_, grpc::InsecureChannelCredentials()));
    search_stub_ = search::v1::SearchService::NewStub(
        grpc::CreateChannel(search_address_, grpc::InsecureChannelCredentials()));
    SeedCatalog();
  }

  std::unique_ptr<testing::ServiceProcess> Start(const std::string& name,
                                                 const std::string& address,
                                                 std::vector<std::string> extra) {
    metrics_port_[name] = testing::FreePort();
    std::vector<std::string> flags = {
        absl::StrCat("--grpc_address=", address),
        absl::StrCat("--metrics_address=127.0.0.1:", metrics_port_[name]),
        absl::StrCat("--redis_address=", redis_.address()),
        absl::StrCat("--auth_tokens=", kToken, "=acme"), "--drain=0s"};
    flags.insert(flags.end(), extra.begin(), extra.end());
    auto process = testing::ServiceProcess::StartServing(
        testing::BuiltBinary(absl::StrCat("services/", name, "/microreach-", name)), flags,
        address);
    EXPECT_TRUE(process.ok()) << process.status();
    if (!process.ok()) return nullptr;
    return *std::move(process);
  }

  std::unique_ptr<grpc::ClientContext> Context(const char* token = kToken) {
    return testing::BearerContext(token);
  }

  void SeedCatalog() {
    // "fit": her audience is the brief's; "off": a mostly male, non-US one;
    // "fake": a low-credibility account.
    Upsert({Profile("fit", 40'000, 1'500, 0.8, 0.7, 0.9),
            Profile("off", 40'000, 1'500, 0.2, 0.1, 0.9),
            Profile("fake", 40'000, 150, 0.8, 0.7, 0.4)});
  }

  void Upsert(const std::vector<cv1::Creator>& creators) {
    auto ctx = Context();
    search::v1::UpsertCreatorsResponse response;
    auto writer = search_stub_->UpsertCreators(ctx.get(), &response);
    search::v1::UpsertCreatorsRequest request;
    for (const cv1::Creator& c : creators) *request.add_creators() = c;
    ASSERT_TRUE(writer->Write(request));
    writer->WritesDone();
    grpc::Status s = writer->Finish();
    ASSERT_TRUE(s.ok()) << s.error_message();
    ASSERT_EQ(response.created_count(), static_cast<int64_t>(creators.size()));
  }

  std::map<std::string, int> metrics_port_;
  testing::TempDir data_;
  testing::RedisServer redis_;
  std::string search_address_;
  std::string scoring_address_;
  std::unique_ptr<testing::ServiceProcess> search_;
  std::unique_ptr<testing::ServiceProcess> scoring_;
  std::unique_ptr<ScoringService::Stub> stub_;
  std::unique_ptr<search::v1::SearchService::Stub> search_stub_;
};

TEST_F(ScoringServiceTest, RanksForABriefAndExplainsEveryFactor) {
  ScoreCreatorsRequest request;
  request.add_creator_ids("instagram:off");
  request.add_creator_ids("instagram:fit");
  request.add_creator_ids("instagram:nobody");
  request.add_creator_ids("instagram:fit");  // duplicates are scored once
  request.add_creator_ids("instagram:fake");
  *request.mutable_brief() = Brief();
  request.set_view(SCORE_VIEW_FULL);
  ScoreCreatorsResponse response;
  grpc::Status s = stub_->ScoreCreators(Context().get(), request, &response);
  ASSERT_TRUE(s.ok()) << s.error_message() << scoring_->ReadLog();
  // Non-default settings (--fx_rates) show in the version.
  EXPECT_THAT(response.model_version(), ::testing::StartsWith("2026.11.2+cfg."));
  ASSERT_EQ(response.scores_size(), 3);
  EXPECT_EQ(response.scores(0).creator_id(), "instagram:off");  // request order
  EXPECT_THAT(response.missing_creator_ids(), ::testing::ElementsAre("instagram:nobody"));
  auto score_of = [&](const std::string& id) {
    for (const CreatorScore& c : response.scores()) {
      if (c.creator_id() == id) return c;
    }
    return CreatorScore();
  };
  const CreatorScore fit = score_of("instagram:fit");
  const CreatorScore off = score_of("instagram:off");
  const CreatorScore fake = score_of("instagram:fake");
  EXPECT_GT(fit.fit().score(), off.fit().score());
  EXPECT_GT(fit.fit().score(), fake.fit().score());
  // Every factor: value x weight = contribution, contributions sum to score.
  for (const CreatorScore& c : {fit, off, fake}) {
    double sum = 0;
    double weights = 0;
    std::vector<std::string> names;
    for (const cv1::ScoreFactor& f : c.fit().factors()) {
      EXPECT_NEAR(f.value() * f.weight(), f.contribution(), 1e-9) << f.name();
      sum += f.contribution();
      weights += f.weight();
      names.push_back(f.name());
    }
    EXPECT_NEAR(sum, c.fit().score(), 1e-9);
    EXPECT_NEAR(weights, 1, 1e-9);
    EXPECT_THAT(names, Contains("audience_fit"));
    EXPECT_THAT(names, Contains("predicted_return"));
  }
  // Audience fit, factor by dimension: gender 0.5 / 0.6, country 0.1 / 0.6.
  ASSERT_EQ(fit.audience_fit().dimensions_size(), 2);
  EXPECT_NEAR(fit.audience_fit().score(), 100 * (0.7 / 6 + 0.8 * 5 / 6), 1e-6);
  // (1,500 + 75) / 40,000
  EXPECT_NEAR(fit.engagement().rate(), 0.039375, 1e-12);
  EXPECT_EQ(fit.engagement().band(), ENGAGEMENT_BAND_HIGH);
  EXPECT_EQ(fit.price().fee().currency_code(), "USD");
  EXPECT_GT(fit.predicted().impressions().p90(), fit.predicted().impressions().expected());
  ASSERT_GT(fake.authenticity().anomalies_size(), 0);
  EXPECT_EQ(fake.authenticity().anomalies(0).type(), ANOMALY_TYPE_LOW_CREDIBILITY);
  EXPECT_FALSE(fake.authenticity().anomalies(0).description().empty());

  // The default view: the same scores without the explanation.
  request.clear_view();
  ScoreCreatorsResponse basic;
  ASSERT_TRUE(stub_->ScoreCreators(Context().get(), request, &basic).ok());
  ASSERT_EQ(basic.scores_size(), 3);
  for (int i = 0; i < 3; ++i) {
    const CreatorScore& b = basic.scores(i);
    EXPECT_EQ(b.creator_id(), response.scores(i).creator_id());
    EXPECT_EQ(b.fit().score(), response.scores(i).fit().score());
    EXPECT_EQ(b.fit().factors_size(), 0);
    EXPECT_EQ(b.audience_fit().dimensions_size(), 0);
    EXPECT_EQ(b.engagement().tier_percentile(), response.scores(i).engagement().tier_percentile());
  }
  EXPECT_LT(basic.ByteSizeLong(), response.ByteSizeLong());
}

TEST_F(ScoringServiceTest, SameInputSameOutputAndMissesFillTheCacheThroughSearch) {
  ScoreCreatorsRequest request;
  request.add_creator_ids("instagram:fit");
  request.add_creator_ids("instagram:off");
  *request.mutable_brief() = Brief();
  ScoreCreatorsResponse first, second;
  ASSERT_TRUE(stub_->ScoreCreators(Context().get(), request, &first).ok());
  // The first call missed the cache; search answered and filled it.
  redis::RedisOptions options;
  options.port = redis_.port();
  auto redis = redis::RedisConnection::Connect(options);
  ASSERT_TRUE(redis.ok());
  auto cached = (*redis)->Get("mr:v1:profile:instagram:fit");
  ASSERT_TRUE(cached.ok());
  EXPECT_TRUE(cached->has_value());
  ASSERT_TRUE(stub_->ScoreCreators(Context().get(), request, &second).ok());
  EXPECT_EQ(first.SerializeAsString(), second.SerializeAsString());
  // Operators see the calls, the outgoing search call and the cache results.
  auto scrape = metrics::HttpGet("127.0.0.1", metrics_port_["scoring"], "/metrics");
  ASSERT_TRUE(scrape.ok()) << scrape.status();
  EXPECT_THAT(scrape->body, ::testing::ContainsRegex(
                                "grpc_server_handled_total\\{[^}]*grpc_method=\"ScoreCreators\""));
  EXPECT_THAT(scrape->body,
              ::testing::ContainsRegex(
                  "grpc_client_handled_total\\{[^}]*grpc_method=\"BatchGetCreators\""));
  EXPECT_THAT(scrape->body,
              ::testing::ContainsRegex(
                  "microreach_cache_requests_total\\{[^}]*result=\"hit\"[^}]*\\} [1-9]"));
  // Still served when search is gone, from the cache alone.
  ASSERT_TRUE(search_->Stop().ok());
  ScoreCreatorsResponse third;
  grpc::Status s = stub_->ScoreCreators(Context().get(), request, &third);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(third.SerializeAsString(), first.SerializeAsString());
  // A miss with search gone: UNAVAILABLE, retryable.
  request.add_creator_ids("instagram:unknown");
  EXPECT_EQ(stub_->ScoreCreators(Context().get(), request, &third).error_code(),
            grpc::StatusCode::UNAVAILABLE);
}

TEST_F(ScoringServiceTest, PercentileWithinTheCatalogsTierMovesWithTheCatalog) {
  // Rates exact in binary (search keeps them as floats): 1.05 x likes / followers.
  Upsert({Profile("low", 53'760, 800, 0.5, 0.5, 0.9),     // 1/64
          Profile("mid", 26'880, 800, 0.5, 0.5, 0.9),     // 1/32
          Profile("high", 13'440, 800, 0.5, 0.5, 0.9)});  // 1/16
  // A scoring replica that re-reads the catalog's quantiles on every call and
  // trusts cells of 5 rates.
  const std::string address = absl::StrCat("127.0.0.1:", testing::FreePort());
  auto scoring = Start("scoring", address,
                       {absl::StrCat("--search_address=", search_address_),
                        "--peer_refresh_interval=0s", "--peer_min_samples=5"});
  ASSERT_NE(scoring, nullptr);
  auto stub =
      ScoringService::NewStub(grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
  ScoreCreatorsRequest request;
  request.add_creator_ids("instagram:mid");
  // Refreshes run beside the calls; poll until one has landed and shows `want`.
  auto score_until = [&](auto want) {
    ScoreCreatorsResponse response;
    for (int attempt = 0; attempt < 200; ++attempt) {
      grpc::Status s = stub->ScoreCreators(Context().get(), request, &response);
      EXPECT_TRUE(s.ok()) << s.error_message();
      if (!s.ok() || want(response)) break;
      absl::SleepFor(absl::Milliseconds(20));
    }
    return response;
  };
  // Instagram micro in the catalog: 0.0039375, 1/64, 1/32, 0.039375 twice,
  // 1/16. At 101 points the k-th sits at position k x 5 / 100, so 1/32
  // (position 2) is exactly point 40: percentile 40.
  ScoreCreatorsResponse first = score_until([](const ScoreCreatorsResponse& r) {
    return r.scores(0).engagement().peer_distribution() == PEER_DISTRIBUTION_CATALOG;
  });
  ASSERT_EQ(first.scores(0).engagement().peer_distribution(), PEER_DISTRIBUTION_CATALOG);
  EXPECT_NEAR(first.scores(0).engagement().tier_percentile(), 40, 1e-9);
  EXPECT_GT(first.peer_catalog_version(), 0);

  // Two stronger creators join the tier: 1/32 falls between points 28
  // (position 1.96: 1/64 + 0.96 x 1/64 = 0.030625) and 29 (position 2.03:
  // 1/32 + 0.03 x (0.039375 - 1/32) = 0.03149375): 28 + 0.000625 / 0.00086875
  // = 28.719.
  Upsert({Profile("higher", 13'440, 1'600, 0.5, 0.5, 0.9),     // 1/8
          Profile("highest", 13'440, 3'200, 0.5, 0.5, 0.9)});  // 1/4
  ScoreCreatorsResponse second = score_until([&](const ScoreCreatorsResponse& r) {
    return r.peer_catalog_version() > first.peer_catalog_version();
  });
  EXPECT_GT(second.peer_catalog_version(), first.peer_catalog_version());
  EXPECT_NEAR(second.scores(0).engagement().tier_percentile(), 28.719, 1e-3);
  EXPECT_EQ(second.scores(0).engagement().rate(), first.scores(0).engagement().rate());

  // The default replica (cells of at least 100 rates) keeps the reference.
  ScoreCreatorsResponse reference;
  ASSERT_TRUE(stub_->ScoreCreators(Context().get(), request, &reference).ok());
  EXPECT_EQ(reference.scores(0).engagement().peer_distribution(), PEER_DISTRIBUTION_REFERENCE);
  EXPECT_EQ(reference.peer_catalog_version(), 0);
}

TEST_F(ScoringServiceTest, ADailyFollowerSeriesRevealsAStaircase) {
  ScoreCreatorsRequest request;
  request.add_creator_ids("instagram:fit");
  request.set_view(SCORE_VIEW_FULL);
  ScoreCreatorsResponse without;
  ASSERT_TRUE(stub_->ScoreCreators(Context().get(), request, &without).ok());
  // The profile has no growth rates either: growth is not judged.
  EXPECT_EQ(without.scores(0).authenticity().growth_evidence(), GROWTH_EVIDENCE_UNSPECIFIED);

  // Three purchases a week apart on top of +20 a day.
  FollowerHistory* history = request.add_follower_histories();
  history->set_creator_id("instagram:fit");
  int64_t followers = 37'000;
  history->add_daily_followers(followers);
  for (int day = 1; day <= 28; ++day) {
    followers += day == 7 ? 900 : day == 14 ? 1'200 : day == 21 ? 800 : 20;
    history->add_daily_followers(followers);
  }
  ScoreCreatorsResponse with;
  grpc::Status s = stub_->ScoreCreators(Context().get(), request, &with);
  ASSERT_TRUE(s.ok()) << s.error_message();
  const AuthenticityScore& a = with.scores(0).authenticity();
  EXPECT_EQ(a.growth_evidence(), GROWTH_EVIDENCE_DAILY_SERIES);
  bool staircase = false;
  for (const Anomaly& anomaly : a.anomalies()) {
    if (anomaly.type() != ANOMALY_TYPE_FOLLOWER_SPIKE) continue;
    staircase = true;
    EXPECT_EQ(anomaly.description(),
              "staircase: 3 follower spikes in the daily series, the largest +1200 on day 14");
  }
  EXPECT_TRUE(staircase);
  EXPECT_LT(a.audience_quality_score(), without.scores(0).authenticity().audience_quality_score());

  history->set_creator_id("instagram:off");  // not in creator_ids
  s = stub_->ScoreCreators(Context().get(), request, &with);
  ASSERT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  std::vector<std::string> fields;
  for (const auto& v : status::ViolationsOf(status::FromGrpc(s))) fields.push_back(v.field);
  EXPECT_THAT(fields, Contains("follower_histories[0].creator_id"));
}

TEST_F(ScoringServiceTest, BadInputNamesTheFieldAndTokensAreRequired) {
  ScoreCreatorsRequest request;
  request.add_creator_ids("instagram:fit");
  request.mutable_brief()->mutable_target_audience()->add_genders();  // GENDER_UNSPECIFIED
  request.set_deliverable_type(static_cast<cv1::DeliverableType>(99));
  ScoreCreatorsResponse response;
  grpc::Status s = stub_->ScoreCreators(Context().get(), request, &response);
  ASSERT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  std::vector<std::string> fields;
  for (const auto& v : status::ViolationsOf(status::FromGrpc(s))) fields.push_back(v.field);
  EXPECT_THAT(fields, Contains("brief.target_audience.genders[0].gender"));
  EXPECT_THAT(fields, Contains("deliverable_type"));
  EXPECT_EQ(stub_->ScoreCreators(Context(nullptr).get(), request, &response).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  ScoreCreatorsRequest empty;
  EXPECT_EQ(stub_->ScoreCreators(Context().get(), empty, &response).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(ScoringServiceTest, ClassifiesAccountsWithTheirTopSignals) {
  ClassifyAccountsRequest request;
  AccountSignals* bot = request.add_accounts();
  bot->set_account_id("bot");
  bot->set_followers(9);
  bot->set_following(9'999);
  bot->set_username_length(20);
  bot->set_username_digit_count(10);
  bot->set_account_age_days(3);
  AccountSignals* person = request.add_accounts();
  person->set_account_id("person");
  person->set_followers(800);
  person->set_following(400);
  person->set_posts(150);
  person->set_has_profile_picture(true);
  person->set_bio_length(60);
  person->set_username_length(9);
  ClassifyAccountsResponse response;
  grpc::Status s = stub_->ClassifyAccounts(Context().get(), request, &response);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_EQ(response.classifications_size(), 2);
  EXPECT_EQ(response.classifications(0).account_id(), "bot");
  EXPECT_EQ(response.classifications(0).account_class(), ACCOUNT_CLASS_SUSPICIOUS);
  EXPECT_GT(response.classifications(0).fake_probability(), 0.9);
  ASSERT_GT(response.classifications(0).top_signals_size(), 0);
  EXPECT_GT(response.classifications(0).top_signals(0).contribution(), 0);
  EXPECT_EQ(response.classifications(1).account_class(), ACCOUNT_CLASS_REAL);
  EXPECT_LT(response.classifications(1).fake_probability(), 0.1);
  EXPECT_FALSE(response.model_version().empty());
  // Read as a sample of one audience: 1 real of 2, Wilson 95% interval
  // (0.5 + z^2 / 4) / (1 + z^2 / 2) -+ z sqrt(0.125 + z^2 / 16) / (1 + z^2 / 2)
  // = [0.094531, 0.905469]: two accounts say almost nothing.
  const AudienceSample& sample = response.audience_sample();
  EXPECT_EQ(sample.sample_size(), 2);
  EXPECT_EQ(sample.real_count(), 1);
  EXPECT_DOUBLE_EQ(sample.credibility(), 0.5);
  EXPECT_NEAR(sample.credibility_lower(), 0.094531, 1e-6);
  EXPECT_NEAR(sample.credibility_upper(), 0.905469, 1e-6);
  EXPECT_DOUBLE_EQ(sample.confidence_level(), 0.95);
  EXPECT_DOUBLE_EQ(sample.mass_follower_share(), 0.5);  // the bot follows 9,999
}

TEST_F(ScoringServiceTest, EstimatesPricesInlineAndFromTheCatalog) {
  EstimatePriceRequest inline_request;
  inline_request.mutable_inputs()->set_platform(cv1::PLATFORM_INSTAGRAM);
  inline_request.mutable_inputs()->set_followers(31'623);
  inline_request.add_deliverable_types(cv1::DELIVERABLE_TYPE_POST);
  inline_request.add_deliverable_types(cv1::DELIVERABLE_TYPE_STORY);
  inline_request.set_currency_code("EUR");
  EstimatePriceResponse response;
  grpc::Status s = stub_->EstimatePrice(Context().get(), inline_request, &response);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_EQ(response.prices_size(), 2);
  // The micro reference fee, $330, at EUR 0.5 per USD.
  EXPECT_NEAR(response.prices(0).fee().expected_micros() / 1e6, 165, 1e-3);
  EXPECT_NEAR(response.prices(1).fee().expected_micros() / 1e6, 49.5, 1e-3);
  EXPECT_EQ(response.prices(0).fee().currency_code(), "EUR");
  EXPECT_GT(response.prices(0).cpm().amount_micros(), 0);

  EstimatePriceRequest by_id;
  by_id.set_creator_id("instagram:fit");
  ASSERT_TRUE(stub_->EstimatePrice(Context().get(), by_id, &response).ok());
  EXPECT_EQ(response.creator_id(), "instagram:fit");
  ASSERT_EQ(response.prices_size(), 1);
  EXPECT_EQ(response.prices(0).deliverable_type(), cv1::DELIVERABLE_TYPE_POST);
  by_id.set_creator_id("instagram:nobody");
  EXPECT_EQ(stub_->EstimatePrice(Context().get(), by_id, &response).error_code(),
            grpc::StatusCode::NOT_FOUND);
  by_id.set_currency_code("JPY");
  EXPECT_EQ(stub_->EstimatePrice(Context().get(), by_id, &response).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(ScoringServiceTest, PredictsACampaignAndRefusesUnknownCreators) {
  PredictCampaignRequest request;
  *request.mutable_brief() = Brief();
  CreatorPlan* fit = request.add_creators();
  fit->set_creator_id("instagram:fit");
  fit->add_deliverables(cv1::DELIVERABLE_TYPE_POST);
  fit->add_deliverables(cv1::DELIVERABLE_TYPE_STORY);
  fit->mutable_fee()->set_currency_code("USD");
  fit->mutable_fee()->set_amount_micros(500'000'000);
  request.add_creators()->set_creator_id("instagram:off");
  PredictCampaignResponse response;
  grpc::Status s = stub_->PredictCampaign(Context().get(), request, &response);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_EQ(response.creators_size(), 2);
  EXPECT_EQ(response.creators(0).prediction().cost().amount_micros(), 500'000'000);
  const CampaignPrediction& total = response.total();
  EXPECT_GT(total.cost().amount_micros(), 500'000'000);
  EXPECT_LE(total.reach().p10(), total.reach().expected());
  EXPECT_GE(total.reach().p90(), total.reach().expected());
  EXPECT_NEAR(total.roas().expected(),
              total.revenue().expected_micros() / static_cast<double>(total.cost().amount_micros()),
              1e-6);
  EXPECT_NEAR(total.roi().expected(), total.roas().expected() - 1, 1e-12);
  EXPECT_FALSE(response.model_version().empty());

  request.add_creators()->set_creator_id("instagram:nobody");
  s = stub_->PredictCampaign(Context().get(), request, &response);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(s.error_message(), ::testing::HasSubstr("instagram:nobody"));
  EXPECT_FALSE(s.error_details().empty());
}

}  // namespace
}  // namespace microreach
