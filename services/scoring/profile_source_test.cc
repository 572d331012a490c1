// ProfileSource against a real redis-server: hits, misses served by the
// loader, the negative sentinel, corrupt entries and a Redis outage.
#include "services/scoring/profile_source.h"

#include "gtest/gtest.h"
#include "prometheus/registry.h"
#include "tests/fixtures/redis_server.h"

namespace microreach::scoring {
namespace {

namespace cv1 = ::microreach::common::v1;

cv1::Creator Profile(const std::string& id, int64_t followers) {
  cv1::Creator c;
  c.set_creator_id(id);
  c.set_platform(cv1::PLATFORM_INSTAGRAM);
  c.mutable_stats()->set_followers(followers);
  return c;
}

// Serves a fixed catalog and records what it was asked.
class FakeLoader final : public CreatorLoader {
 public:
  absl::StatusOr<std::vector<cv1::Creator>> BatchGet(absl::Span<const std::string> ids,
                                                     const CallContext& call) override {
    asked.assign(ids.begin(), ids.end());
    last_call = call;
    if (!error.ok()) return error;
    std::vector<cv1::Creator> out;
    for (const std::string& id : ids) {
      if (id.rfind("search:", 0) == 0) out.push_back(Profile(id, 7));
    }
    return out;
  }
  std::vector<std::string> asked;
  CallContext last_call;
  absl::Status error;
};

class ProfileSourceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(redis_.Start().ok());
    redis::RedisOptions options;
    options.port = redis_.port();
    pool_ = std::make_unique<redis::RedisPool>(options);
    auto lease = pool_->Acquire();
    ASSERT_TRUE(lease.ok());
    ASSERT_TRUE((*lease)
                    ->Set("mr:v1:profile:cached:1", Profile("cached:1", 100).SerializeAsString(),
                          absl::Minutes(1))
                    .ok());
    ASSERT_TRUE((*lease)
                    ->Set("mr:v1:profile:gone:1", ProfileSourceOptions().negative_sentinel,
                          absl::Minutes(1))
                    .ok());
    ASSERT_TRUE(
        (*lease)->Set("mr:v1:profile:search:corrupt", "\x0a\xff\xff", absl::Minutes(1)).ok());
  }

  testing::RedisServer redis_;
  std::unique_ptr<redis::RedisPool> pool_;
  prometheus::Registry registry_;
  FakeLoader loader_;
};

TEST_F(ProfileSourceTest, HitsMissesNegativeAndCorruptEntries) {
  ProfileSource source(pool_.get(), loader_, {}, registry_);
  google::protobuf::Arena arena;
  CallContext call{absl::Now() + absl::Seconds(5), "Bearer t"};
  std::vector<std::string> ids = {"cached:1", "search:2", "gone:1", "nowhere:3", "search:corrupt"};
  auto got = source.Fetch(ids, call, &arena);
  ASSERT_TRUE(got.ok()) << got.status();
  ASSERT_EQ(got->size(), 5u);
  ASSERT_NE((*got)[0], nullptr);
  EXPECT_EQ((*got)[0]->stats().followers(), 100);  // from Redis
  ASSERT_NE((*got)[1], nullptr);
  EXPECT_EQ((*got)[1]->stats().followers(), 7);  // from the loader
  EXPECT_EQ((*got)[2], nullptr);                 // negatively cached: search not asked
  EXPECT_EQ((*got)[3], nullptr);                 // search does not know it
  ASSERT_NE((*got)[4], nullptr);                 // corrupt entry re-read from search
  EXPECT_EQ(loader_.asked, (std::vector<std::string>{"search:2", "nowhere:3", "search:corrupt"}));
  EXPECT_EQ(loader_.last_call.authorization, "Bearer t");
  // Read-only: the miss was not written back by scoring.
  auto lease = pool_->Acquire();
  ASSERT_TRUE(lease.ok());
  auto value = (*lease)->Get("mr:v1:profile:search:2");
  ASSERT_TRUE(value.ok());
  EXPECT_FALSE(value->has_value());
}

TEST_F(ProfileSourceTest, FailsOpenWhenRedisIsDownAndReportsLoaderErrors) {
  ProfileSource source(pool_.get(), loader_, {}, registry_);
  ASSERT_TRUE(redis_.Stop().ok());
  google::protobuf::Arena arena;
  std::vector<std::string> ids = {"cached:1", "search:2"};
  auto got = source.Fetch(ids, {}, &arena);
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ((*got)[0], nullptr);  // only search can answer now, and it does not know it
  EXPECT_NE((*got)[1], nullptr);
  EXPECT_EQ(loader_.asked, ids);
  loader_.error = absl::UnavailableError("search down");
  EXPECT_EQ(source.Fetch(ids, {}, &arena).status().code(), absl::StatusCode::kUnavailable);
}

TEST(ParseProfileForScoring, KeepsWhatTheModelsReadAndSkipsTheRest) {
  cv1::Creator full = Profile("instagram:full", 12'345);
  full.set_person_id("p1");
  full.set_handle("full");
  full.set_display_name("A long display name that is not needed");
  full.set_country_code("DE");
  full.add_categories(cv1::CATEGORY_FOOD);
  full.add_categories(cv1::CATEGORY_TRAVEL);
  full.mutable_stats()->set_engagement_rate(0.031);
  full.mutable_stats()->set_avg_views(1e5);
  full.mutable_stats()->set_follower_growth_30d(-0.01);
  full.mutable_stats()->set_likes_hidden(true);
  full.mutable_stats()->mutable_estimated_price()->set_currency_code("USD");
  full.mutable_content()->set_bio("a bio the scoring models never read");
  full.mutable_content()->add_hashtags("food");
  cv1::AudienceDemographics* a = full.mutable_audience();
  a->add_countries()->set_country_code("DE");
  a->add_cities()->set_city("Berlin");
  a->add_genders()->set_share(0.5);
  a->add_age_bands()->set_share(0.25);
  a->add_languages()->set_language_code("de");
  a->add_interests()->set_interest("cooking");
  a->add_brand_affinities()->set_brand("nike");
  a->set_reachability(0.7);
  a->set_credibility(0.8);
  cv1::Creator parsed;
  ASSERT_TRUE(ParseProfileForScoring(full.SerializeAsString(), &parsed));
  cv1::Creator expected = full;
  expected.clear_handle();
  expected.clear_display_name();
  expected.clear_content();
  expected.mutable_audience()->clear_cities();
  expected.mutable_audience()->clear_brand_affinities();
  expected.mutable_stats()->clear_estimated_price();
  EXPECT_EQ(parsed.SerializeAsString(), expected.SerializeAsString());
  EXPECT_FALSE(ParseProfileForScoring("\x0a\xff\xff", &parsed));
  // Without a brief targeting them, audience languages and interests stay out.
  ASSERT_TRUE(ParseProfileForScoring(full.SerializeAsString(), &parsed,
                                     {.audience_languages = false, .audience_interests = false}));
  expected.mutable_audience()->clear_languages();
  expected.mutable_audience()->clear_interests();
  EXPECT_EQ(parsed.SerializeAsString(), expected.SerializeAsString());
}

TEST(ProfileSource, WorksWithoutRedis) {
  prometheus::Registry registry;
  FakeLoader loader;
  ProfileSource source(nullptr, loader, {}, registry);
  google::protobuf::Arena arena;
  std::vector<std::string> ids = {"search:1"};
  auto got = source.Fetch(ids, {}, &arena);
  ASSERT_TRUE(got.ok());
  EXPECT_NE((*got)[0], nullptr);
}

}  // namespace
}  // namespace microreach::scoring
