// ProfileCache: the shared cache-aside read path for hot creator profiles in
// Redis (ARCHITECTURE.md section 4, "Read a profile").
#ifndef MICROREACH_COMMON_REDIS_PROFILE_CACHE_H_
#define MICROREACH_COMMON_REDIS_PROFILE_CACHE_H_

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "common/redis/circuit_breaker.h"
#include "common/redis/jittered_ttl.h"
#include "common/redis/redis_pool.h"
#include "common/redis/single_flight.h"
#include "prometheus/counter.h"
#include "prometheus/gauge.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"

namespace microreach::redis {

struct ProfileCacheOptions {
  // The `cache` label of every metric; bounded by the number of caches.
  std::string name = "profile";
  // Keys are key_prefix + id. Bump the version when the value format changes.
  std::string key_prefix = "mr:v1:profile:";
  absl::Duration ttl = absl::Minutes(10);
  // Each TTL is ttl * (1 +- ttl_jitter), uniformly. In [0, 1).
  double ttl_jitter = 0.1;
  // How long a missing id is remembered as missing. Short, because a creator
  // that was just ingested must show up soon.
  absl::Duration negative_ttl = absl::Seconds(30);
  // Stored for missing ids. The default starts with byte 0xFF, which no
  // protobuf serialization can start with (wire type 7 does not exist), so
  // it never collides with a real profile. A loaded value equal to it is
  // returned but not cached.
  std::string negative_sentinel = std::string(
      "\xff"
      "mr:absent",
      10);
  CircuitBreakerOptions breaker;
  // Uniform [0, 1) source for the TTL jitter; null = seeded internally.
  JitteredTtl::UniformSource random;
  // Clock of the circuit breaker; null = absl::Now.
  CircuitBreaker::Clock clock;
};

// Cache-aside over opaque bytes (the services store serialized protobuf).
// Thread-safe; share one instance per process and cache name.
//
// Reads: Redis first; on a miss the loader (the source of truth, e.g.
// search.GetCreator) is called and its answer written back with a jittered
// TTL; a missing id (loader returns nullopt) is cached as missing for
// negative_ttl. Concurrent misses on one id in this process call the loader
// once and share its result (including its error).
//
// Fail-open: Redis errors and timeouts never fail a read. The loader answers
// instead, the error is counted, and after breaker.failure_threshold
// consecutive failures Redis is skipped entirely for breaker.cool_down
// (result="bypass"), after which a single probe decides whether to use it
// again. Loader errors are returned to the caller and never cached.
//
// Writes: delete-after-commit. A writer commits to its store first, then
// calls Invalidate(); the next read refills from the store. Invalidating
// before the commit would let a concurrent reader cache the old value again.
// A read that loaded the old value just before the commit can still write it
// back after the delete; the TTL bounds how long that stale entry lives.
//
// Metrics (registered in the registry passed in, once, at construction):
//   microreach_cache_requests_total{cache,result="hit|miss|negative_hit|bypass"}
//   microreach_cache_errors_total{cache,op="acquire|get|mget|set|mset|del"}
//   microreach_cache_breaker_state{cache}  0 closed, 1 open, 2 half-open
//   microreach_cache_operation_seconds{cache,op="get|mget|set|mset|del"}
//
// Example:
//   ProfileCache cache(pool, {}, registry);
//   absl::StatusOr<std::optional<std::string>> bytes = cache.Get(id,
//       [&](std::string_view id) { return LoadFromSearch(id); });
//   // After the store commit of an update:
//   cache.Invalidate(id).IgnoreError();  // counted in the metrics; TTL heals.
class ProfileCache {
 public:
  // nullopt: the id does not exist. An error status is passed to the caller.
  using Loader = std::function<absl::StatusOr<std::optional<std::string>>(std::string_view id)>;
  // Returns one entry per id, in the same order; nullopt for a missing id.
  using BatchLoader = std::function<absl::StatusOr<std::vector<std::optional<std::string>>>(
      absl::Span<const std::string> ids)>;

  // `pool` and `registry` must outlive the cache.
  ProfileCache(RedisPool& pool, ProfileCacheOptions options, prometheus::Registry& registry);
  ProfileCache(const ProfileCache&) = delete;
  ProfileCache& operator=(const ProfileCache&) = delete;

  // The profile bytes, nullopt if the id does not exist, or the loader's error.
  absl::StatusOr<std::optional<std::string>> Get(std::string_view id, const Loader& loader);

  // Results in the order of `ids` (duplicates allowed). One pipelined MGET,
  // then at most one loader call with the distinct missed ids, then one
  // pipelined SET of what it returned. Misses here are not coalesced with
  // concurrent Get() calls. Fails only if the loader fails or returns the
  // wrong number of entries.
  absl::StatusOr<std::vector<std::optional<std::string>>> BatchGet(
      absl::Span<const std::string> ids, const BatchLoader& loader);

  // Deletes the cached entries. Call after the store commit. Tried even when
  // the breaker is open (a missed invalidation serves stale data until the
  // TTL ends); the error is returned so the caller can log or retry.
  absl::Status Invalidate(std::string_view id);
  absl::Status InvalidateMany(absl::Span<const std::string> ids);

  std::string Key(std::string_view id) const;
  CircuitBreaker::State breaker_state() const { return breaker_.state(); }
  // Callers waiting on an in-flight load of id. For tests and debugging.
  int InFlightWaiters(std::string_view id) const { return flights_.Waiters(id); }

 private:
  struct OpMetrics {
    prometheus::Counter* errors;
    prometheus::Histogram* seconds;
  };

  // Runs fn on a pooled connection unless the breaker is open; records the
  // outcome in the breaker and the metrics. Returns kUnavailable when skipped.
  template <typename Fn>
  auto WithRedis(const OpMetrics& op, bool respect_breaker, Fn fn)
      -> decltype(fn(std::declval<RedisConnection&>()));

  RedisPool& pool_;
  const ProfileCacheOptions options_;
  JitteredTtl ttl_;
  CircuitBreaker breaker_;
  SingleFlight<absl::StatusOr<std::optional<std::string>>> flights_;

  prometheus::Counter* hit_;
  prometheus::Counter* miss_;
  prometheus::Counter* negative_hit_;
  prometheus::Counter* bypass_;
  prometheus::Counter* acquire_errors_;
  prometheus::Gauge* breaker_gauge_;
  OpMetrics get_;
  OpMetrics mget_;
  OpMetrics set_;
  OpMetrics mset_;
  OpMetrics del_;
};

}  // namespace microreach::redis

#endif  // MICROREACH_COMMON_REDIS_PROFILE_CACHE_H_
