// ProfileCache: cache-aside reads with single-flight, negative caching and a
// fail-open circuit breaker; every Redis call goes through WithRedis().
#include "common/redis/profile_cache.h"

#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"

namespace microreach::redis {
namespace {

absl::string_view Sv(std::string_view s) { return absl::string_view(s.data(), s.size()); }

const absl::Status& StatusOf(const absl::Status& status) { return status; }
template <typename T>
const absl::Status& StatusOf(const absl::StatusOr<T>& status_or) {
  return status_or.status();
}

// Only a Redis that is unreachable or slow should trip the breaker; an error
// reply means it answered.
bool IsTransportFailure(const absl::Status& status) {
  return absl::IsUnavailable(status) || absl::IsDeadlineExceeded(status) ||
         absl::IsFailedPrecondition(status);
}

const prometheus::Histogram::BucketBoundaries& LatencyBuckets() {
  // Redis round trips are sub-millisecond when healthy; the top buckets show
  // command timeouts.
  static const auto* buckets = new prometheus::Histogram::BucketBoundaries{
      0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1};
  return *buckets;
}

}  // namespace

ProfileCache::ProfileCache(RedisPool& pool, ProfileCacheOptions options,
                           prometheus::Registry& registry)
    : pool_(pool),
      options_(std::move(options)),
      ttl_(options_.ttl, options_.ttl_jitter, options_.random),
      breaker_(options_.breaker, options_.clock, [this](CircuitBreaker::State state) {
        breaker_gauge_->Set(static_cast<double>(state));
      }) {
  const std::string& cache = options_.name;
  auto& requests = prometheus::BuildCounter()
                       .Name("microreach_cache_requests_total")
                       .Help("Cache lookups by outcome; bypass = Redis skipped or failed.")
                       .Register(registry);
  hit_ = &requests.Add({{"cache", cache}, {"result", "hit"}});
  miss_ = &requests.Add({{"cache", cache}, {"result", "miss"}});
  negative_hit_ = &requests.Add({{"cache", cache}, {"result", "negative_hit"}});
  bypass_ = &requests.Add({{"cache", cache}, {"result", "bypass"}});

  auto& errors = prometheus::BuildCounter()
                     .Name("microreach_cache_errors_total")
                     .Help("Failed Redis operations of the cache (the request itself fails open).")
                     .Register(registry);
  auto& seconds = prometheus::BuildHistogram()
                      .Name("microreach_cache_operation_seconds")
                      .Help("Latency of Redis operations of the cache, pool wait included.")
                      .Register(registry);
  auto op_metrics = [&](const std::string& op) {
    return OpMetrics{&errors.Add({{"cache", cache}, {"op", op}}),
                     &seconds.Add({{"cache", cache}, {"op", op}}, LatencyBuckets())};
  };
  acquire_errors_ = &errors.Add({{"cache", cache}, {"op", "acquire"}});
  get_ = op_metrics("get");
  mget_ = op_metrics("mget");
  set_ = op_metrics("set");
  mset_ = op_metrics("mset");
  del_ = op_metrics("del");

  breaker_gauge_ = &prometheus::BuildGauge()
                        .Name("microreach_cache_breaker_state")
                        .Help("Circuit breaker in front of Redis: 0 closed, 1 open, 2 half-open.")
                        .Register(registry)
                        .Add({{"cache", cache}});
  breaker_gauge_->Set(static_cast<double>(breaker_.state()));
}

std::string ProfileCache::Key(std::string_view id) const {
  return absl::StrCat(options_.key_prefix, Sv(id));
}

template <typename Fn>
auto ProfileCache::WithRedis(const OpMetrics& op, bool respect_breaker, Fn fn)
    -> decltype(fn(std::declval<RedisConnection&>())) {
  if (respect_breaker && !breaker_.Allow()) {
    return absl::UnavailableError("redis skipped: circuit breaker open");
  }
  const absl::Time start = absl::Now();
  absl::StatusOr<RedisLease> lease = pool_.Acquire();
  if (!lease.ok()) {
    acquire_errors_->Increment();
    breaker_.RecordFailure();
    return lease.status();
  }
  auto result = fn(**lease);
  op.seconds->Observe(absl::ToDoubleSeconds(absl::Now() - start));
  const absl::Status& status = StatusOf(result);
  if (!status.ok()) op.errors->Increment();
  if (IsTransportFailure(status)) {
    breaker_.RecordFailure();
  } else {
    breaker_.RecordSuccess();
  }
  return result;
}

absl::StatusOr<std::optional<std::string>> ProfileCache::Get(std::string_view id,
                                                             const Loader& loader) {
  const std::string key = Key(id);
  absl::StatusOr<std::optional<std::string>> cached =
      WithRedis(get_, /*respect_breaker=*/true, [&](RedisConnection& c) { return c.Get(key); });
  bool fill = true;
  if (!cached.ok()) {
    // Fail open. Skip the write-back too: a Redis that just failed a read
    // would likely make this request wait for a second timeout.
    bypass_->Increment();
    fill = false;
  } else if (!cached->has_value()) {
    miss_->Increment();
  } else if (**cached == options_.negative_sentinel) {
    negative_hit_->Increment();
    return std::optional<std::string>();
  } else {
    hit_->Increment();
    return cached;
  }
  // Coalesced even when Redis is down: that is when the store needs it most.
  return flights_.Do(id, [&]() -> absl::StatusOr<std::optional<std::string>> {
    absl::StatusOr<std::optional<std::string>> loaded = loader(id);
    if (!loaded.ok() || !fill) return loaded;
    if (!loaded->has_value()) {
      WithRedis(set_, true, [&](RedisConnection& c) {
        return c.Set(key, options_.negative_sentinel, options_.negative_ttl);
      }).IgnoreError();  // Counted in the metrics; a failed fill only costs a later miss.
    } else if (**loaded != options_.negative_sentinel) {
      WithRedis(set_, true, [&](RedisConnection& c) {
        return c.Set(key, **loaded, ttl_.Next());
      }).IgnoreError();
    }
    return loaded;
  });
}

absl::StatusOr<std::vector<std::optional<std::string>>> ProfileCache::BatchGet(
    absl::Span<const std::string> ids, const BatchLoader& loader) {
  std::vector<std::optional<std::string>> results(ids.size());
  if (ids.empty()) return results;
  std::vector<std::string> keys;
  keys.reserve(ids.size());
  for (const std::string& id : ids) keys.push_back(Key(id));

  std::vector<bool> resolved(ids.size(), false);
  absl::StatusOr<std::vector<std::optional<std::string>>> cached =
      WithRedis(mget_, true, [&](RedisConnection& c) { return c.MGet(keys); });
  if (cached.ok()) {
    for (size_t i = 0; i < ids.size(); ++i) {
      std::optional<std::string>& value = (*cached)[i];
      if (!value.has_value()) {
        miss_->Increment();
      } else if (*value == options_.negative_sentinel) {
        negative_hit_->Increment();
        resolved[i] = true;
      } else {
        hit_->Increment();
        results[i] = std::move(value);
        resolved[i] = true;
      }
    }
  } else {
    bypass_->Increment(static_cast<double>(ids.size()));
  }

  // Distinct missed ids, each mapped to its slot in the loader's answer.
  absl::flat_hash_map<std::string_view, size_t> slot_of;
  std::vector<std::string> missed;
  for (size_t i = 0; i < ids.size(); ++i) {
    if (!resolved[i] && slot_of.emplace(ids[i], missed.size()).second) missed.push_back(ids[i]);
  }
  if (missed.empty()) return results;

  absl::StatusOr<std::vector<std::optional<std::string>>> loaded = loader(missed);
  if (!loaded.ok()) return loaded.status();
  if (loaded->size() != missed.size()) {
    return absl::InternalError(absl::StrCat("batch loader returned ", loaded->size(),
                                            " entries for ", missed.size(), " ids"));
  }
  for (size_t i = 0; i < ids.size(); ++i) {
    if (!resolved[i]) results[i] = (*loaded)[slot_of[ids[i]]];
  }

  if (cached.ok()) {
    std::vector<SetEntry> entries;
    entries.reserve(missed.size());
    for (size_t j = 0; j < missed.size(); ++j) {
      const std::optional<std::string>& value = (*loaded)[j];
      if (!value.has_value()) {
        entries.push_back({Key(missed[j]), options_.negative_sentinel, options_.negative_ttl});
      } else if (*value != options_.negative_sentinel) {
        entries.push_back({Key(missed[j]), *value, ttl_.Next()});
      }
    }
    WithRedis(mset_, true, [&](RedisConnection& c) { return c.MSet(entries); }).IgnoreError();
  }
  return results;
}

absl::Status ProfileCache::Invalidate(std::string_view id) {
  const std::string ids[] = {std::string(id)};
  return InvalidateMany(ids);
}

absl::Status ProfileCache::InvalidateMany(absl::Span<const std::string> ids) {
  if (ids.empty()) return absl::OkStatus();
  std::vector<std::string> keys;
  keys.reserve(ids.size());
  for (const std::string& id : ids) keys.push_back(Key(id));
  return StatusOf(
      WithRedis(del_, /*respect_breaker=*/false, [&](RedisConnection& c) { return c.Del(keys); }));
}

}  // namespace microreach::redis
