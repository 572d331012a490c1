// Sharded LRU with per-shard invalidation epochs.
#include "services/search/hot_profiles.h"

#include <algorithm>
#include <utility>

#include "absl/hash/hash.h"

namespace microreach::search {

HotProfiles::HotProfiles(size_t max_bytes, absl::Duration ttl, prometheus::Registry* registry,
                         Clock clock)
    : shard_capacity_(std::max<size_t>(max_bytes / kShards, 1)),
      ttl_(ttl),
      clock_(std::move(clock)) {
  shards_.reserve(kShards);
  for (size_t i = 0; i < kShards; ++i) shards_.push_back(std::make_unique<Shard>());
  if (registry != nullptr) {
    // Same family as the Redis profile cache (common/redis/profile_cache.cc).
    auto& requests = prometheus::BuildCounter()
                         .Name("microreach_cache_requests_total")
                         .Help("Cache lookups by outcome; bypass = Redis skipped or failed.")
                         .Register(*registry);
    hit_ = &requests.Add({{"cache", "profile_local"}, {"result", "hit"}});
    miss_ = &requests.Add({{"cache", "profile_local"}, {"result", "miss"}});
    bytes_gauge_ = &prometheus::BuildGauge()
                        .Name("microreach_cache_local_bytes")
                        .Help("Bytes held by an in-process cache (ids, values, overhead).")
                        .Register(*registry)
                        .Add({{"cache", "profile_local"}});
  }
}

HotProfiles::Shard& HotProfiles::ShardOf(absl::string_view id) {
  return *shards_[absl::Hash<absl::string_view>()(id) % kShards];
}

const HotProfiles::Shard& HotProfiles::ShardOf(absl::string_view id) const {
  return *shards_[absl::Hash<absl::string_view>()(id) % kShards];
}

HotProfiles::Bytes HotProfiles::Get(absl::string_view id) {
  Shard& shard = ShardOf(id);
  Bytes out;
  {
    absl::MutexLock lock(&shard.mu);
    auto it = shard.index.find(id);
    if (it != shard.index.end()) {
      if (it->second->expires <= clock_()) {
        EraseLocked(shard, it->second);
      } else {
        // Second chance instead of a move to the front: a hit only marks
        // the entry, so the hot path does not touch the list.
        it->second->referenced = true;
        out = it->second->bytes;
      }
    }
  }
  if (out != nullptr) {
    if (hit_ != nullptr) hit_->Increment();
  } else if (miss_ != nullptr) {
    miss_->Increment();
  }
  return out;
}

uint64_t HotProfiles::Ticket(absl::string_view id) const {
  const Shard& shard = ShardOf(id);
  absl::MutexLock lock(&shard.mu);
  return shard.epoch;
}

void HotProfiles::EraseLocked(Shard& shard, std::list<Entry>::iterator it) {
  shard.bytes -= it->cost;
  if (bytes_gauge_ != nullptr) bytes_gauge_->Decrement(static_cast<double>(it->cost));
  shard.index.erase(absl::string_view(it->id));
  shard.lru.erase(it);
}

void HotProfiles::Insert(absl::string_view id, Bytes bytes, uint64_t ticket) {
  if (bytes == nullptr) return;
  const size_t cost = id.size() + bytes->size() + kEntryOverhead;
  if (cost > shard_capacity_) return;
  Shard& shard = ShardOf(id);
  absl::MutexLock lock(&shard.mu);
  // Invalidated since the load began, or a writer has not deleted its Redis
  // keys yet: the value may predate the change.
  if (shard.epoch != ticket || shard.writers > 0) return;
  if (auto it = shard.index.find(id); it != shard.index.end()) EraseLocked(shard, it->second);
  while (!shard.lru.empty() && shard.bytes + cost > shard_capacity_) {
    auto oldest = std::prev(shard.lru.end());
    if (oldest->referenced && oldest != shard.lru.begin()) {
      oldest->referenced = false;
      shard.lru.splice(shard.lru.begin(), shard.lru, oldest);
      continue;
    }
    EraseLocked(shard, oldest);
  }
  shard.lru.push_front(Entry{std::string(id), std::move(bytes), cost, clock_() + ttl_});
  shard.index.emplace(absl::string_view(shard.lru.front().id), shard.lru.begin());
  shard.bytes += cost;
  if (bytes_gauge_ != nullptr) bytes_gauge_->Increment(static_cast<double>(cost));
}

void HotProfiles::Invalidate(absl::Span<const std::string> ids) {
  for (const std::string& id : ids) {
    Shard& shard = ShardOf(id);
    absl::MutexLock lock(&shard.mu);
    ++shard.epoch;
    if (auto it = shard.index.find(absl::string_view(id)); it != shard.index.end()) {
      EraseLocked(shard, it->second);
    }
  }
}

void HotProfiles::BeginInvalidate(absl::Span<const std::string> ids) {
  for (const std::string& id : ids) {
    Shard& shard = ShardOf(id);
    absl::MutexLock lock(&shard.mu);
    ++shard.epoch;
    ++shard.writers;
    if (auto it = shard.index.find(absl::string_view(id)); it != shard.index.end()) {
      EraseLocked(shard, it->second);
    }
  }
}

void HotProfiles::EndInvalidate(absl::Span<const std::string> ids) {
  for (const std::string& id : ids) {
    Shard& shard = ShardOf(id);
    absl::MutexLock lock(&shard.mu);
    ++shard.epoch;
    --shard.writers;
    if (auto it = shard.index.find(absl::string_view(id)); it != shard.index.end()) {
      EraseLocked(shard, it->second);
    }
  }
}

size_t HotProfiles::bytes() const {
  size_t total = 0;
  for (const auto& shard : shards_) {
    absl::MutexLock lock(&shard->mu);
    total += shard->bytes;
  }
  return total;
}

size_t HotProfiles::size() const {
  size_t total = 0;
  for (const auto& shard : shards_) {
    absl::MutexLock lock(&shard->mu);
    total += shard->index.size();
  }
  return total;
}

}  // namespace microreach::search
