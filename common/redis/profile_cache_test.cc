// Integration tests of ProfileCache against a real redis-server: cache-aside,
// negative caching, single-flight, batch reads, invalidation and outages.
#include "common/redis/profile_cache.h"

#include <array>
#include <atomic>
#include <map>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "prometheus/registry.h"
#include "tests/fixtures/redis_server.h"

namespace microreach::redis {
namespace {

using ::microreach::testing::RedisServer;
using ::testing::Optional;
using State = CircuitBreaker::State;

// Bounded polling for a condition another thread or process makes true.
template <typename Fn>
bool Eventually(Fn condition, absl::Duration timeout = absl::Seconds(10)) {
  const absl::Time deadline = absl::Now() + timeout;
  while (!condition()) {
    if (absl::Now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

// A clock only the test moves; keeps breaker cool-downs out of wall time.
class FakeClock {
 public:
  absl::Time Now() {
    absl::MutexLock lock(&mu_);
    return now_;
  }
  void Advance(absl::Duration d) {
    absl::MutexLock lock(&mu_);
    now_ += d;
  }

 private:
  absl::Mutex mu_;
  absl::Time now_ ABSL_GUARDED_BY(mu_) = absl::FromUnixSeconds(1'700'000'000);
};

class ProfileCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const absl::Status started = server_.Start();
    ASSERT_TRUE(started.ok()) << started;
    redis_options_.port = server_.port();
    redis_options_.pool_size = 4;
    redis_options_.command_timeout = absl::Milliseconds(50);
    options_.breaker = {.failure_threshold = 3, .cool_down = absl::Seconds(5)};
    options_.clock = [this] { return clock_.Now(); };
  }

  ProfileCache& Cache() {
    if (cache_ == nullptr) {
      pool_ = std::make_unique<RedisPool>(redis_options_);
      cache_ = std::make_unique<ProfileCache>(*pool_, options_, registry_);
    }
    return *cache_;
  }

  // Current value of a counter or gauge, or a histogram's sample count.
  double Metric(std::string_view name, const std::map<std::string, std::string>& labels) {
    for (const prometheus::MetricFamily& family : registry_.Collect()) {
      if (family.name != name) continue;
      for (const prometheus::ClientMetric& metric : family.metric) {
        size_t matched = 0;
        for (const prometheus::ClientMetric::Label& label : metric.label) {
          auto it = labels.find(label.name);
          if (it != labels.end() && it->second == label.value) ++matched;
        }
        if (matched != labels.size()) continue;
        switch (family.type) {
          case prometheus::MetricType::Counter:
            return metric.counter.value;
          case prometheus::MetricType::Gauge:
            return metric.gauge.value;
          case prometheus::MetricType::Histogram:
            return static_cast<double>(metric.histogram.sample_count);
          default:
            return -1;
        }
      }
    }
    return -1;
  }
  double Requests(std::string_view result) {
    return Metric("microreach_cache_requests_total",
                  {{"cache", "profile"}, {"result", std::string(result)}});
  }
  double Errors(std::string_view op) {
    return Metric("microreach_cache_errors_total", {{"cache", "profile"}, {"op", std::string(op)}});
  }

  // A direct connection, to look at what the cache wrote.
  std::unique_ptr<RedisConnection> Admin() {
    RedisOptions o = redis_options_;
    o.command_timeout = absl::Seconds(5);
    auto c = RedisConnection::Connect(o);
    EXPECT_TRUE(c.ok()) << c.status();
    return c.ok() ? *std::move(c) : nullptr;
  }
  int64_t Pttl(std::string_view key) {
    const std::string_view argv[] = {"PTTL", key};
    auto reply = Admin()->Command(argv);
    return reply.ok() ? (*reply)->integer : -100;
  }

  // A loader over a map, counting its calls.
  ProfileCache::Loader CountingLoader(std::map<std::string, std::string>* store,
                                      std::atomic<int>* calls) {
    return [store, calls](std::string_view id) -> absl::StatusOr<std::optional<std::string>> {
      ++*calls;
      auto it = store->find(std::string(id));
      if (it == store->end()) return std::nullopt;
      return it->second;
    };
  }

  RedisServer server_;
  RedisOptions redis_options_;
  ProfileCacheOptions options_;
  FakeClock clock_;
  prometheus::Registry registry_;
  std::unique_ptr<RedisPool> pool_;
  std::unique_ptr<ProfileCache> cache_;
};

TEST_F(ProfileCacheTest, MissLoadsAndFillsThenHits) {
  std::map<std::string, std::string> store = {{"c1", "profile-1"}};
  std::atomic<int> calls{0};
  auto loader = CountingLoader(&store, &calls);

  auto first = Cache().Get("c1", loader);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_THAT(*first, Optional(std::string("profile-1")));
  auto second = Cache().Get("c1", loader);
  ASSERT_TRUE(second.ok());
  EXPECT_THAT(*second, Optional(std::string("profile-1")));

  EXPECT_EQ(calls.load(), 1);
  EXPECT_EQ(Requests("miss"), 1);
  EXPECT_EQ(Requests("hit"), 1);
  EXPECT_EQ(Admin()->Get("mr:v1:profile:c1")->value_or(""), "profile-1");
  // Default TTL 10 min +- 10%.
  EXPECT_GT(Pttl("mr:v1:profile:c1"), 539'000);
  EXPECT_LE(Pttl("mr:v1:profile:c1"), 660'000);
}

TEST_F(ProfileCacheTest, TtlsAreJitteredWithTheInjectedSource) {
  options_.ttl = absl::Seconds(100);
  options_.ttl_jitter = 0.2;
  std::atomic<int> n{0};
  // 0.0, 0.5, 0.999... in turn: the lower bound, the base, the upper bound.
  options_.random = [&n] { return std::array<double, 3>{0.0, 0.5, 0.999999999}[n++ % 3]; };
  std::map<std::string, std::string> store = {{"a", "1"}, {"b", "2"}, {"c", "3"}};
  std::atomic<int> calls{0};
  for (const char* id : {"a", "b", "c"}) {
    ASSERT_TRUE(Cache().Get(id, CountingLoader(&store, &calls)).ok());
  }
  EXPECT_NEAR(Pttl("mr:v1:profile:a"), 80'000, 1'000);
  EXPECT_NEAR(Pttl("mr:v1:profile:b"), 100'000, 1'000);
  EXPECT_NEAR(Pttl("mr:v1:profile:c"), 120'000, 1'000);
}

TEST_F(ProfileCacheTest, MissingIdIsCachedNegativelyWithAShortTtl) {
  options_.negative_ttl = absl::Seconds(7);
  std::map<std::string, std::string> store;
  std::atomic<int> calls{0};
  auto loader = CountingLoader(&store, &calls);

  for (int i = 0; i < 3; ++i) {
    auto got = Cache().Get("ghost", loader);
    ASSERT_TRUE(got.ok()) << got.status();
    EXPECT_EQ(*got, std::nullopt);
  }
  EXPECT_EQ(calls.load(), 1);
  EXPECT_EQ(Requests("miss"), 1);
  EXPECT_EQ(Requests("negative_hit"), 2);
  EXPECT_GT(Pttl("mr:v1:profile:ghost"), 0);
  EXPECT_LE(Pttl("mr:v1:profile:ghost"), 7'000);
}

TEST_F(ProfileCacheTest, LoaderErrorsReachTheCallerAndAreNotCached) {
  std::atomic<int> calls{0};
  auto failing = [&](std::string_view) -> absl::StatusOr<std::optional<std::string>> {
    ++calls;
    return absl::UnavailableError("search is down");
  };
  EXPECT_TRUE(absl::IsUnavailable(Cache().Get("c1", failing).status()));
  EXPECT_TRUE(absl::IsUnavailable(Cache().Get("c1", failing).status()));
  EXPECT_EQ(calls.load(), 2);
  EXPECT_FALSE(Admin()->Get("mr:v1:profile:c1")->has_value());
}

TEST_F(ProfileCacheTest, KeyPrefixIsConfigurable) {
  options_.key_prefix = "test:v9:p:";
  std::map<std::string, std::string> store = {{"c1", "x"}};
  std::atomic<int> calls{0};
  ASSERT_TRUE(Cache().Get("c1", CountingLoader(&store, &calls)).ok());
  EXPECT_EQ(Cache().Key("c1"), "test:v9:p:c1");
  EXPECT_EQ(Admin()->Get("test:v9:p:c1")->value_or(""), "x");
}

TEST_F(ProfileCacheTest, ConcurrentMissesOnOneIdCallTheLoaderOnce) {
  constexpr int kThreads = 16;
  std::atomic<int> calls{0};
  absl::Notification release;
  auto slow_loader = [&](std::string_view id) -> absl::StatusOr<std::optional<std::string>> {
    ++calls;
    release.WaitForNotification();
    return std::string("profile-") + std::string(id);
  };
  ProfileCache& cache = Cache();
  std::vector<absl::StatusOr<std::optional<std::string>>> results(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] { results[i] = cache.Get("hot", slow_loader); });
  }
  // Every other caller has missed in Redis and is parked on the leader's load.
  ASSERT_TRUE(Eventually([&] { return cache.InFlightWaiters("hot") == kThreads - 1; }));
  release.Notify();
  for (std::thread& t : threads) t.join();

  EXPECT_EQ(calls.load(), 1);
  for (const auto& r : results) {
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_THAT(*r, Optional(std::string("profile-hot")));
  }
  EXPECT_EQ(Requests("miss"), kThreads);
}

TEST_F(ProfileCacheTest, BatchGetUsesOneLoadForAllMissesAndFillsThem) {
  std::map<std::string, std::string> store;
  for (int i = 0; i < 300; ++i) store[absl::StrCat("c", i)] = absl::StrCat("profile-", i);
  std::atomic<int> single_calls{0};
  // Warm two ids (one existing, one missing) through the single-key path.
  ASSERT_TRUE(Cache().Get("c0", CountingLoader(&store, &single_calls)).ok());
  ASSERT_TRUE(Cache().Get("ghost", CountingLoader(&store, &single_calls)).ok());

  std::vector<std::string> ids;
  for (int i = 0; i < 300; ++i) ids.push_back(absl::StrCat("c", i));
  ids.push_back("ghost");
  ids.push_back("ghost2");
  ids.push_back("c5");  // A duplicate.

  std::vector<std::vector<std::string>> batches;
  ProfileCache::BatchLoader batch_loader = [&](absl::Span<const std::string> missed)
      -> absl::StatusOr<std::vector<std::optional<std::string>>> {
    batches.emplace_back(missed.begin(), missed.end());
    std::vector<std::optional<std::string>> out;
    for (const std::string& id : missed) {
      auto it = store.find(id);
      out.push_back(it == store.end() ? std::nullopt : std::optional<std::string>(it->second));
    }
    return out;
  };

  auto first = Cache().BatchGet(ids, batch_loader);
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_EQ(first->size(), ids.size());
  for (int i = 0; i < 300; ++i) EXPECT_THAT((*first)[i], Optional(absl::StrCat("profile-", i)));
  EXPECT_EQ((*first)[300], std::nullopt);
  EXPECT_EQ((*first)[301], std::nullopt);
  EXPECT_THAT((*first)[302], Optional(std::string("profile-5")));
  // One load with the distinct misses: not c0 or ghost (cached), c5 once.
  ASSERT_EQ(batches.size(), 1u);
  EXPECT_EQ(batches[0].size(), 300u);  // c1..c299 and ghost2.
  EXPECT_EQ(std::count(batches[0].begin(), batches[0].end(), "c5"), 1);
  EXPECT_EQ(std::count(batches[0].begin(), batches[0].end(), "c0"), 0);

  // Everything was filled (ghost2 negatively): the second batch loads nothing.
  auto second = Cache().BatchGet(ids, batch_loader);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(*second, *first);
  EXPECT_EQ(batches.size(), 1u);
  // ghost in the first batch (cached by Get), ghost and ghost2 in the second.
  EXPECT_EQ(Requests("negative_hit"), 3);
  EXPECT_GT(Pttl("mr:v1:profile:c299"), 0);
}

TEST_F(ProfileCacheTest, BatchLoaderReturningTheWrongCountIsAnError) {
  const std::vector<std::string> ids = {"a", "b"};
  auto bad =
      [](absl::Span<const std::string>) -> absl::StatusOr<std::vector<std::optional<std::string>>> {
    return std::vector<std::optional<std::string>>{"only-one"};
  };
  EXPECT_TRUE(absl::IsInternal(Cache().BatchGet(ids, bad).status()));
}

TEST_F(ProfileCacheTest, InvalidateMakesTheNextReadLoadAgain) {
  std::map<std::string, std::string> store = {{"c1", "v1"}, {"c2", "v1"}, {"c3", "v1"}};
  std::atomic<int> calls{0};
  auto loader = CountingLoader(&store, &calls);
  for (const char* id : {"c1", "c2", "c3"}) ASSERT_TRUE(Cache().Get(id, loader).ok());

  // Writer: commit to the store first, then invalidate.
  store["c1"] = "v2";
  store["c2"] = "v2";
  store["c3"] = "v2";
  ASSERT_TRUE(Cache().Invalidate("c1").ok());
  const std::vector<std::string> many = {"c2", "c3"};
  ASSERT_TRUE(Cache().InvalidateMany(many).ok());

  for (const char* id : {"c1", "c2", "c3"}) {
    EXPECT_THAT(*Cache().Get(id, loader), Optional(std::string("v2"))) << id;
  }
  EXPECT_EQ(calls.load(), 6);
}

TEST_F(ProfileCacheTest, InvalidateReportsAnUnreachableRedis) {
  ProfileCache& cache = Cache();
  ASSERT_TRUE(server_.Stop().ok());
  EXPECT_TRUE(absl::IsUnavailable(cache.Invalidate("c1")));
  EXPECT_EQ(Errors("acquire"), 1);
}

TEST_F(ProfileCacheTest, OutageFailsOpenThenRecovers) {
  constexpr int kIds = 20;
  std::atomic<int> loads{0};
  auto loader = [&](std::string_view id) -> absl::StatusOr<std::optional<std::string>> {
    ++loads;
    return "profile-" + std::string(id);
  };
  ProfileCache& cache = Cache();

  // A steady stream of reads; every one must get the loader's value.
  std::atomic<bool> stop{false};
  std::atomic<int> served{0};
  std::atomic<int> lost{0};
  constexpr int kReaders = 3;
  std::array<std::atomic<int>, kReaders> done{};  // Calls finished, per reader.
  std::vector<std::thread> readers;
  // Stops and joins the readers on every exit path, failed assertions included.
  struct Joiner {
    std::atomic<bool>& stop;
    std::vector<std::thread>& threads;
    ~Joiner() {
      stop = true;
      for (std::thread& t : threads) {
        if (t.joinable()) t.join();
      }
    }
  } joiner{stop, readers};
  for (int t = 0; t < kReaders; ++t) {
    readers.emplace_back([&, t] {
      for (int i = t; !stop; ++i) {
        const std::string id = absl::StrCat("c", i % kIds);
        auto got = cache.Get(id, loader);
        if (got.ok() && *got == "profile-" + id) {
          ++served;
        } else {
          ++lost;
        }
        ++done[t];
      }
    });
  }

  ASSERT_TRUE(Eventually([&] { return Requests("hit") >= 100; }));
  EXPECT_EQ(cache.breaker_state(), State::kClosed);

  ASSERT_TRUE(server_.Stop().ok());
  ASSERT_TRUE(Eventually([&] { return cache.breaker_state() == State::kOpen; }));
  EXPECT_EQ(Metric("microreach_cache_breaker_state", {{"cache", "profile"}}), 1);
  // While open, requests skip Redis entirely and are still served. Calls
  // that passed the breaker before it opened may still fail; once every
  // reader has finished two more calls, those are over and errors stop.
  auto errors = [&] { return Errors("get") + Errors("acquire") + Errors("set"); };
  std::array<int, kReaders> done_at_open;
  for (int t = 0; t < kReaders; ++t) done_at_open[t] = done[t];
  ASSERT_TRUE(Eventually([&] {
    for (int t = 0; t < kReaders; ++t) {
      if (done[t] < done_at_open[t] + 2) return false;
    }
    return true;
  }));
  const double errors_while_open = errors();
  const double bypass_while_open = Requests("bypass");
  ASSERT_TRUE(Eventually([&] { return Requests("bypass") >= bypass_while_open + 300; }));
  EXPECT_GE(errors_while_open, 3);
  EXPECT_EQ(errors(), errors_while_open);
  EXPECT_EQ(cache.breaker_state(), State::kOpen);

  // Redis comes back (empty); after the cool-down one probe closes the breaker.
  ASSERT_TRUE(server_.Start().ok());
  // Time passes: every cool-down lets one probe through. A probe may still
  // fail (a connection returned just before the outage), hence the loop.
  ASSERT_TRUE(Eventually([&] {
    if (cache.breaker_state() == State::kOpen) clock_.Advance(options_.breaker.cool_down);
    return cache.breaker_state() == State::kClosed;
  }));
  const double hits_after_recovery = Requests("hit");
  ASSERT_TRUE(Eventually([&] { return Requests("hit") >= hits_after_recovery + 100; }));
  EXPECT_EQ(Metric("microreach_cache_breaker_state", {{"cache", "profile"}}), 0);

  stop = true;
  for (std::thread& t : readers) t.join();
  EXPECT_EQ(lost.load(), 0);
  EXPECT_GT(served.load(), 500);
}

TEST_F(ProfileCacheTest, SlowRedisFailsOpenAndTheBreakerStopsTheWaiting) {
  std::map<std::string, std::string> store = {{"c1", "v1"}};
  std::atomic<int> calls{0};
  auto loader = CountingLoader(&store, &calls);
  ProfileCache& cache = Cache();
  ASSERT_TRUE(cache.Get("c1", loader).ok());  // Cached.

  // Accepts connections, never answers: every command hits the 50 ms timeout.
  ASSERT_TRUE(server_.Pause().ok());
  for (int i = 0; i < 6; ++i) {
    auto got = cache.Get("c1", loader);
    ASSERT_TRUE(got.ok()) << got.status();
    EXPECT_THAT(*got, Optional(std::string("v1")));
  }
  // Three timeouts opened the breaker; the last three calls did not wait on Redis.
  EXPECT_EQ(Errors("get"), 3);
  EXPECT_EQ(Metric("microreach_cache_operation_seconds", {{"cache", "profile"}, {"op", "get"}}), 4);
  EXPECT_EQ(Requests("bypass"), 6);
  EXPECT_EQ(cache.breaker_state(), State::kOpen);

  ASSERT_TRUE(server_.Resume().ok());
  clock_.Advance(options_.breaker.cool_down);
  const int loads_before = calls.load();
  auto got = cache.Get("c1", loader);  // The half-open probe: a hit.
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(cache.breaker_state(), State::kClosed);
  EXPECT_EQ(calls.load(), loads_before);
  EXPECT_EQ(Requests("hit"), 1);
}

}  // namespace
}  // namespace microreach::redis
