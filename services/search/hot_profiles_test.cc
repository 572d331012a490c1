// Tests the in-process profile LRU: hits, the byte bound, expiry, and the
// fence that keeps a load racing with an invalidation from being kept.
#include "services/search/hot_profiles.h"

#include "gtest/gtest.h"
#include "prometheus/registry.h"

namespace microreach::search {
namespace {

HotProfiles::Bytes Value(std::string s) {
  return std::make_shared<const std::string>(std::move(s));
}

double Counter(prometheus::Registry& registry, const std::string& result) {
  for (const auto& family : registry.Collect()) {
    if (family.name != "microreach_cache_requests_total") continue;
    for (const auto& metric : family.metric) {
      bool local = false, match = false;
      for (const auto& label : metric.label) {
        if (label.name == "cache" && label.value == "profile_local") local = true;
        if (label.name == "result" && label.value == result) match = true;
      }
      if (local && match) return metric.counter.value;
    }
  }
  return -1;
}

TEST(HotProfilesTest, ServesWhatWasInsertedAndCountsHitsAndMisses) {
  prometheus::Registry registry;
  HotProfiles lru(1 << 20, absl::Minutes(1), &registry);
  EXPECT_EQ(lru.Get("a"), nullptr);
  lru.Insert("a", Value("profile-a"), lru.Ticket("a"));
  ASSERT_NE(lru.Get("a"), nullptr);
  EXPECT_EQ(*lru.Get("a"), "profile-a");
  EXPECT_EQ(Counter(registry, "hit"), 2);
  EXPECT_EQ(Counter(registry, "miss"), 1);
  EXPECT_EQ(lru.size(), 1u);
  EXPECT_GT(lru.bytes(), 9u);
}

TEST(HotProfilesTest, InvalidationDropsTheEntryAndFencesOutEarlierLoads) {
  HotProfiles lru(1 << 20, absl::Minutes(1), nullptr);
  lru.Insert("a", Value("v1"), lru.Ticket("a"));
  // A reader starts loading "a" (e.g. from Redis) ...
  const uint64_t ticket = lru.Ticket("a");
  // ... a write of "a" is applied meanwhile ...
  lru.Invalidate({"a"});
  EXPECT_EQ(lru.Get("a"), nullptr);
  // ... and the reader's (possibly old) value is not kept.
  lru.Insert("a", Value("v1"), ticket);
  EXPECT_EQ(lru.Get("a"), nullptr);
  // A load that starts after the invalidation is kept.
  lru.Insert("a", Value("v2"), lru.Ticket("a"));
  ASSERT_NE(lru.Get("a"), nullptr);
  EXPECT_EQ(*lru.Get("a"), "v2");
}

TEST(HotProfilesTest, NothingIsKeptBetweenAWritersBeginAndEnd) {
  HotProfiles lru(1 << 20, absl::Minutes(1), nullptr);
  lru.Insert("a", Value("v1"), lru.Ticket("a"));
  lru.BeginInvalidate({"a"});
  EXPECT_EQ(lru.Get("a"), nullptr);
  // A load that starts after the apply may still read Redis's old copy
  // (the writer has not deleted it yet): not kept, even with a fresh ticket.
  lru.Insert("a", Value("v1"), lru.Ticket("a"));
  EXPECT_EQ(lru.Get("a"), nullptr);
  const uint64_t before_end = lru.Ticket("a");
  lru.EndInvalidate({"a"});
  lru.Insert("a", Value("v1"), before_end);
  EXPECT_EQ(lru.Get("a"), nullptr);
  // After the writer is done, loads are kept again.
  lru.Insert("a", Value("v2"), lru.Ticket("a"));
  ASSERT_NE(lru.Get("a"), nullptr);
  EXPECT_EQ(*lru.Get("a"), "v2");
}

TEST(HotProfilesTest, StaysWithinItsBoundByEvictingTheLeastRecentlyUsed) {
  // 32 shards of 1 KiB: each holds a few 200-byte values.
  HotProfiles lru(32 << 10, absl::Minutes(1), nullptr);
  for (int i = 0; i < 1000; ++i) {
    const std::string id = "id" + std::to_string(i);
    lru.Insert(id, Value(std::string(200, 'x')), lru.Ticket(id));
    EXPECT_LE(lru.bytes(), size_t{32} << 10);
  }
  EXPECT_LT(lru.size(), 1000u);
  EXPECT_GT(lru.size(), 32u);
  // The newest entry is there, the oldest was evicted.
  EXPECT_NE(lru.Get("id999"), nullptr);
  EXPECT_EQ(lru.Get("id0"), nullptr);
  // A value larger than a shard's share is not kept at all.
  lru.Insert("big", Value(std::string(4096, 'x')), lru.Ticket("big"));
  EXPECT_EQ(lru.Get("big"), nullptr);
}

TEST(HotProfilesTest, AnEntryThatWasHitOutlivesOnesThatWereNot) {
  // One shard's worth: ids that land in one shard are not known up front,
  // so use a bound where every shard holds about four 200-byte values.
  HotProfiles lru(size_t{32} * 1400, absl::Minutes(1), nullptr);
  lru.Insert("hot", Value(std::string(200, 'h')), lru.Ticket("hot"));
  for (int i = 0; i < 2000; ++i) {
    ASSERT_NE(lru.Get("hot"), nullptr) << "evicted after " << i << " inserts";
    const std::string id = "cold" + std::to_string(i);
    lru.Insert(id, Value(std::string(200, 'c')), lru.Ticket(id));
  }
}

TEST(HotProfilesTest, EntriesExpire) {
  absl::Time now = absl::FromUnixSeconds(1000);
  HotProfiles lru(1 << 20, absl::Seconds(30), nullptr, [&] { return now; });
  lru.Insert("a", Value("v"), lru.Ticket("a"));
  now += absl::Seconds(29);
  EXPECT_NE(lru.Get("a"), nullptr);
  now += absl::Seconds(2);
  EXPECT_EQ(lru.Get("a"), nullptr);
  EXPECT_EQ(lru.size(), 0u);
  EXPECT_EQ(lru.bytes(), 0u);
}

}  // namespace
}  // namespace microreach::search
