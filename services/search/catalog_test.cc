// Tests the catalog against a real SQLite store and a real redis-server:
// validation per record, version-ordered application, cache-aside reads with
// invalidation after commit, replicas catching up, and Redis outages.
#include "services/search/catalog.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "prometheus/registry.h"
#include "tests/fixtures/redis_server.h"
#include "tests/fixtures/temp_dir.h"

namespace microreach::search {
namespace {

using common::v1::Creator;
using ::testing::ElementsAre;

// Records what the index would receive.
class RecordingListener : public CatalogListener {
 public:
  void ApplyBatch(absl::Span<const CatalogChange> changes) override {
    for (const auto& c : changes) {
      versions.push_back(c.version);
      ids.push_back(c.deleted ? "-" + c.creator_id : c.creator_id);
    }
  }
  std::vector<int64_t> versions;
  std::vector<std::string> ids;
};

Creator Profile(const std::string& id, int64_t followers) {
  Creator c;
  c.set_creator_id("tiktok:" + id);
  c.set_platform(common::v1::PLATFORM_TIKTOK);
  c.set_handle(id);
  c.mutable_stats()->set_followers(followers);
  return c;
}

class CatalogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(redis_.Start().ok());
    redis::RedisOptions options;
    options.port = redis_.port();
    pool_ = std::make_unique<redis::RedisPool>(options);
    redis::ProfileCacheOptions cache_options;
    cache_options.breaker.cool_down = absl::Milliseconds(200);
    cache_ = std::make_unique<redis::ProfileCache>(*pool_, cache_options, registry_);
    store_ = OpenStore();
    catalog_ = std::make_unique<Catalog>(*store_, cache_.get(), listener_, TierPolicy());
    ASSERT_TRUE(catalog_->Load().ok());
  }

  std::unique_ptr<CreatorStore> OpenStore() {
    auto db = store::OpenDatabase("sqlite://" + dir_.path() + "/search.db", {});
    EXPECT_TRUE(db.ok()) << db.status();
    auto s = CreatorStore::Open(*std::move(db));
    EXPECT_TRUE(s.ok()) << s.status();
    return *std::move(s);
  }

  testing::TempDir dir_;
  testing::RedisServer redis_;
  prometheus::Registry registry_;
  std::unique_ptr<redis::RedisPool> pool_;
  std::unique_ptr<redis::ProfileCache> cache_;
  std::unique_ptr<CreatorStore> store_;
  RecordingListener listener_;
  std::unique_ptr<Catalog> catalog_;
};

TEST_F(CatalogTest, BadRecordsAreReportedByPositionAndTheRestLand) {
  Creator bad = Profile("bad", -5);
  bad.set_handle("");
  auto summary = catalog_->Upsert({Profile("a", 10), bad, Profile("b", 20)}, 100, false);
  ASSERT_TRUE(summary.ok()) << summary.status();
  EXPECT_EQ(summary->created, 2);
  ASSERT_EQ(summary->rejected.size(), 2u);
  EXPECT_EQ(summary->rejected[0].position, 101);
  EXPECT_EQ(summary->rejected[0].field, "handle");
  EXPECT_EQ(summary->rejected[1].field, "stats.followers");
  EXPECT_EQ(summary->catalog_version, 2);
  EXPECT_THAT(listener_.ids, ElementsAre("tiktok:a", "tiktok:b"));
  EXPECT_THAT(listener_.versions, ElementsAre(1, 2));
}

TEST_F(CatalogTest, LoadFromAppliesOnlyTheChangesAfterTheSnapshotVersion) {
  ASSERT_TRUE(catalog_->Upsert({Profile("a", 10), Profile("b", 20)}, 0, false).ok());
  ASSERT_TRUE(catalog_->Upsert({Profile("c", 30)}, 0, false).ok());
  ASSERT_TRUE(catalog_->Delete("tiktok:a").ok());
  // A process whose index came from a snapshot at version 2 (a and b).
  auto store = OpenStore();
  RecordingListener listener;
  Catalog restarted(*store, nullptr, listener, TierPolicy());
  ASSERT_EQ(*restarted.StoreVersion(), 4);
  ASSERT_TRUE(restarted.LoadFrom(2).ok());
  EXPECT_THAT(listener.ids, ElementsAre("tiktok:c", "-tiktok:a"));
  EXPECT_THAT(listener.versions, ElementsAre(3, 4));
  EXPECT_EQ(restarted.applied_version(), 4);
  EXPECT_GT(restarted.last_update_time(), absl::UnixEpoch());
}

TEST_F(CatalogTest, ValidateOnlyWritesNothing) {
  auto summary = catalog_->Upsert({Profile("a", 10)}, 0, true);
  ASSERT_TRUE(summary.ok());
  EXPECT_EQ(summary->created, 0);
  EXPECT_TRUE(listener_.ids.empty());
  EXPECT_FALSE(catalog_->Get("tiktok:a")->has_value());
}

TEST_F(CatalogTest, ReadsGoThroughTheCacheAndWritesInvalidateIt) {
  ASSERT_TRUE(catalog_->Upsert({Profile("a", 10)}, 0, false).ok());
  auto first = catalog_->Get("tiktok:a");
  ASSERT_TRUE(first.ok() && first->has_value());
  EXPECT_EQ((*first)->tier(), common::v1::TIER_NANO);
  // Now cached: visible in Redis under the documented key.
  redis::RedisOptions direct;
  direct.port = redis_.port();
  auto conn = redis::RedisConnection::Connect(direct);
  ASSERT_TRUE(conn.ok());
  auto raw = (*conn)->Get("mr:v1:profile:tiktok:a");
  ASSERT_TRUE(raw.ok() && raw->has_value());

  ASSERT_TRUE(catalog_->Upsert({Profile("a", 50'000)}, 0, false).ok());
  EXPECT_FALSE((*conn)->Get("mr:v1:profile:tiktok:a")->has_value());
  auto second = catalog_->Get("tiktok:a");
  ASSERT_TRUE(second.ok() && second->has_value());
  EXPECT_EQ((*second)->stats().followers(), 50'000);
  EXPECT_EQ((*second)->tier(), common::v1::TIER_MICRO);

  auto batch = catalog_->BatchGet({"tiktok:a", "tiktok:none", "tiktok:a"});
  ASSERT_TRUE(batch.ok()) << batch.status();
  ASSERT_EQ(batch->size(), 3u);
  EXPECT_TRUE((*batch)[0].has_value());
  EXPECT_FALSE((*batch)[1].has_value());
  EXPECT_EQ((*batch)[2]->version(), 2);
}

TEST_F(CatalogTest, ReplicaOnTheSameStoreCatchesUpWithWritesAndDeletes) {
  std::unique_ptr<CreatorStore> replica_store = OpenStore();
  RecordingListener replica_listener;
  Catalog replica(*replica_store, nullptr, replica_listener, TierPolicy());
  ASSERT_TRUE(replica.Load().ok());

  ASSERT_TRUE(catalog_->Upsert({Profile("a", 10), Profile("b", 20)}, 0, false).ok());
  ASSERT_TRUE(*catalog_->Delete("tiktok:a"));
  EXPECT_FALSE(*catalog_->Delete("tiktok:a"));
  ASSERT_TRUE(replica.CatchUp().ok());
  EXPECT_THAT(replica_listener.ids, ElementsAre("tiktok:b", "-tiktok:a"));
  EXPECT_EQ(replica.applied_version(), 3);

  // A write through the replica first applies what it had not seen.
  ASSERT_TRUE(catalog_->Upsert({Profile("c", 30)}, 0, false).ok());
  ASSERT_TRUE(replica.Upsert({Profile("d", 40)}, 0, false).ok());
  EXPECT_THAT(replica_listener.ids, ElementsAre("tiktok:b", "-tiktok:a", "tiktok:c", "tiktok:d"));
  EXPECT_THAT(replica_listener.versions, ElementsAre(2, 3, 4, 5));
}

TEST_F(CatalogTest, InProcessLruNeverServesOlderThanWhatWasApplied) {
  prometheus::Registry registry;
  HotProfiles hot(1 << 20, absl::Minutes(1), &registry);
  catalog_->UseHotProfiles(&hot);
  ASSERT_TRUE(catalog_->Upsert({Profile("a", 10)}, 0, false).ok());
  auto bytes = catalog_->GetSerialized("tiktok:a");
  ASSERT_TRUE(bytes.ok() && *bytes != nullptr);
  EXPECT_EQ(hot.size(), 1u);
  EXPECT_EQ(*catalog_->GetSerialized("tiktok:a"), *bytes);  // the LRU's own copy

  ASSERT_TRUE(catalog_->Upsert({Profile("a", 20)}, 0, false).ok());
  EXPECT_EQ(hot.size(), 0u);
  auto got = catalog_->Get("tiktok:a");
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->stats().followers(), 20);
  EXPECT_EQ((*got)->version(), 2);

  // BatchGet fills and uses the LRU too.
  auto batch = catalog_->BatchGet({"tiktok:a", "tiktok:none"});
  ASSERT_TRUE(batch.ok());
  EXPECT_EQ((*batch)[0]->stats().followers(), 20);
  EXPECT_FALSE((*batch)[1].has_value());

  ASSERT_TRUE(*catalog_->Delete("tiktok:a"));
  auto gone = catalog_->GetSerialized("tiktok:a");
  ASSERT_TRUE(gone.ok());
  EXPECT_EQ(*gone, nullptr);
  EXPECT_FALSE((*catalog_->BatchGet({"tiktok:a"}))[0].has_value());
}

TEST_F(CatalogTest, ReplicaLruIsInvalidatedWhenItAppliesTheFeed) {
  // Two processes on one store and one Redis, each with its own LRU.
  std::unique_ptr<CreatorStore> replica_store = OpenStore();
  RecordingListener replica_listener;
  Catalog replica(*replica_store, cache_.get(), replica_listener, TierPolicy());
  HotProfiles primary_hot(1 << 20, absl::Minutes(1), nullptr);
  HotProfiles replica_hot(1 << 20, absl::Minutes(1), nullptr);
  catalog_->UseHotProfiles(&primary_hot);
  replica.UseHotProfiles(&replica_hot);
  ASSERT_TRUE(replica.Load().ok());

  ASSERT_TRUE(catalog_->Upsert({Profile("a", 10), Profile("b", 1)}, 0, false).ok());
  ASSERT_TRUE(replica.CatchUp().ok());
  ASSERT_EQ((*replica.Get("tiktok:a"))->stats().followers(), 10);
  ASSERT_TRUE((*replica.BatchGet({"tiktok:b"}))[0].has_value());
  EXPECT_EQ(replica_hot.size(), 2u);

  // The primary writes; once the replica has applied the change its LRU
  // must not answer with the old profile.
  ASSERT_TRUE(catalog_->Upsert({Profile("a", 30)}, 0, false).ok());
  ASSERT_TRUE(*catalog_->Delete("tiktok:b"));
  ASSERT_TRUE(replica.CatchUp().ok());
  EXPECT_EQ(replica.applied_version(), 4);
  EXPECT_EQ((*replica.Get("tiktok:a"))->stats().followers(), 30);
  EXPECT_FALSE(replica.Get("tiktok:b")->has_value());
  EXPECT_FALSE((*replica.BatchGet({"tiktok:b"}))[0].has_value());

  // And the other way round: a write through the replica reaches the
  // primary's LRU when the primary applies it.
  ASSERT_EQ((*catalog_->Get("tiktok:a"))->stats().followers(), 30);
  ASSERT_TRUE(replica.Upsert({Profile("a", 40)}, 0, false).ok());
  ASSERT_TRUE(catalog_->CatchUp().ok());
  EXPECT_EQ((*catalog_->Get("tiktok:a"))->stats().followers(), 40);
}

TEST_F(CatalogTest, RedisOutageLosesNoReadOrWrite) {
  ASSERT_TRUE(catalog_->Upsert({Profile("a", 10)}, 0, false).ok());
  ASSERT_TRUE(catalog_->Get("tiktok:a")->has_value());
  ASSERT_TRUE(redis_.Stop().ok());
  for (int i = 0; i < 20; ++i) {
    auto got = catalog_->Get("tiktok:a");
    ASSERT_TRUE(got.ok()) << got.status();
    ASSERT_TRUE(got->has_value());
  }
  // A write during the outage still lands and is readable.
  ASSERT_TRUE(catalog_->Upsert({Profile("a", 77)}, 0, false).ok());
  EXPECT_EQ((*catalog_->Get("tiktok:a"))->stats().followers(), 77);
}

}  // namespace
}  // namespace microreach::search
