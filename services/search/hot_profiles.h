// HotProfiles: a bounded in-process LRU of serialized profiles in front of
// the shared Redis cache, so a hot GetCreator costs a hash lookup instead of
// a Redis round trip and a parse.
#ifndef MICROREACH_SERVICES_SEARCH_HOT_PROFILES_H_
#define MICROREACH_SERVICES_SEARCH_HOT_PROFILES_H_

#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "prometheus/counter.h"
#include "prometheus/gauge.h"
#include "prometheus/registry.h"

namespace microreach::search {

// Thread-safe. Values are the profile's serialized Creator (output-only
// fields set), shared with callers without copying.
//
// Never stale with respect to this process: the catalog calls Invalidate()
// for every change it applies (its own writes and those read from the
// version feed), and a value loaded from Redis or the store is only kept if
// no invalidation of its shard happened since the loader took its Ticket()
// (so a load that raced with an apply is served once but not kept).
//
// Metrics (in the registry passed in):
//   microreach_cache_requests_total{cache="profile_local",result="hit|miss"}
//   microreach_cache_local_bytes{cache="profile_local"}  bytes held
//
// Example:
//   HotProfiles lru(256 << 20, absl::Minutes(1), &registry);
//   if (auto bytes = lru.Get(id)) return bytes;
//   const uint64_t ticket = lru.Ticket(id);
//   auto loaded = LoadFromRedisOrStore(id);
//   lru.Insert(id, loaded, ticket);
class HotProfiles {
 public:
  using Bytes = std::shared_ptr<const std::string>;

  using Clock = std::function<absl::Time()>;

  // `max_bytes` > 0 bounds the ids and values held (plus a fixed per-entry
  // overhead). An entry is dropped `ttl` after it was loaded, which bounds
  // how long a stale copy that Redis handed out (see ProfileCache's note on
  // the cache-aside race) can outlive its Redis entry. `registry` may be
  // null (no metrics).
  HotProfiles(size_t max_bytes, absl::Duration ttl, prometheus::Registry* registry,
              Clock clock = absl::Now);
  HotProfiles(const HotProfiles&) = delete;
  HotProfiles& operator=(const HotProfiles&) = delete;

  // The cached value, or null on a miss (counted).
  Bytes Get(absl::string_view id);
  // Take before loading the value of `id` from elsewhere; pass to Insert.
  uint64_t Ticket(absl::string_view id) const;
  // Keeps `bytes` as the value of `id` unless the id's shard was invalidated
  // after `ticket` was taken, evicting the least recently used entries to
  // stay within the bound. A value larger than a shard's share is not kept.
  void Insert(absl::string_view id, Bytes bytes, uint64_t ticket);
  // Drops the entries of `ids` and fences out loads that started before.
  void Invalidate(absl::Span<const std::string> ids);
  // For a writer whose Redis delete is still to come: like Invalidate, and
  // until the matching EndInvalidate(ids) (same ids) no value is kept in the
  // shards of `ids`, since a load meanwhile may return Redis's old copy.
  void BeginInvalidate(absl::Span<const std::string> ids);
  void EndInvalidate(absl::Span<const std::string> ids);

  size_t bytes() const;
  size_t size() const;

 private:
  static constexpr size_t kShards = 32;
  // Rough heap overhead of an entry beyond its id and value bytes.
  static constexpr size_t kEntryOverhead = 128;

  struct Entry {
    std::string id;
    Bytes bytes;
    size_t cost;
    absl::Time expires;
    bool referenced = false;  // hit since it was last at the front
  };
  struct Shard {
    mutable absl::Mutex mu;
    uint64_t epoch ABSL_GUARDED_BY(mu) = 0;
    int writers ABSL_GUARDED_BY(mu) = 0;  // BeginInvalidate without End
    size_t bytes ABSL_GUARDED_BY(mu) = 0;
    // Newest first; evicts from the back, giving entries hit since they
    // were last moved a second chance (CLOCK), which approximates LRU.
    std::list<Entry> lru ABSL_GUARDED_BY(mu);
    absl::flat_hash_map<absl::string_view, std::list<Entry>::iterator> index ABSL_GUARDED_BY(mu);
  };

  Shard& ShardOf(absl::string_view id);
  const Shard& ShardOf(absl::string_view id) const;
  void EraseLocked(Shard& shard, std::list<Entry>::iterator it)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(shard.mu);

  const size_t shard_capacity_;
  const absl::Duration ttl_;
  const Clock clock_;
  std::vector<std::unique_ptr<Shard>> shards_;
  prometheus::Counter* hit_ = nullptr;
  prometheus::Counter* miss_ = nullptr;
  prometheus::Gauge* bytes_gauge_ = nullptr;
};

}  // namespace microreach::search

#endif  // MICROREACH_SERVICES_SEARCH_HOT_PROFILES_H_
