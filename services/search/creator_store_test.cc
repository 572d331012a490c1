// Tests the catalog store: versions, unchanged records, handle conflicts,
// tombstones and the change feed replicas follow. Runs on SQLite; built with
// mr_store_testing it runs the same cases on a real PostgreSQL server.
#include "services/search/creator_store.h"

#include "common/store/store_test_backends.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/search/creator_rules.h"

namespace microreach::search {
namespace {

using common::v1::Creator;

Creator Profile(const std::string& id, const std::string& handle, int64_t followers) {
  Creator c;
  c.set_creator_id(id);
  c.set_platform(common::v1::PLATFORM_TIKTOK);
  c.set_handle(handle);
  c.mutable_stats()->set_followers(followers);
  NormalizeCreator(TierPolicy(), &c);
  return c;
}

class CreatorStoreTest : public ::testing::TestWithParam<store::testing::Backend> {
 protected:
  void SetUp() override { Reopen(); }
  void TearDown() override { store_.reset(); }
  void Reopen() {
    store_.reset();
    auto db = test_db_.Open();
    ASSERT_TRUE(db.ok()) << db.status();
    auto s = CreatorStore::Open(*std::move(db));
    ASSERT_TRUE(s.ok()) << s.status();
    store_ = *std::move(s);
  }
  // A private SQLite file or PostgreSQL schema, removed with the test.
  store::testing::TestDatabase test_db_{GetParam()};
  std::unique_ptr<CreatorStore> store_;
  const absl::Time t0_ = absl::FromUnixSeconds(1'700'000'000);
};

INSTANTIATE_TEST_SUITE_P(Backends, CreatorStoreTest,
                         ::testing::ValuesIn(store::testing::BackendsUnderTest()),
                         store::testing::BackendName);

TEST_P(CreatorStoreTest, VersionsIncreaseAcrossTheCatalogAndSurviveReopen) {
  std::vector<CatalogChange> changes;
  auto r =
      store_->Upsert({Profile("tiktok:a", "a", 10), Profile("tiktok:b", "b", 20)}, t0_, &changes);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ((*r)[0].version, 1);
  EXPECT_EQ((*r)[1].version, 2);
  ASSERT_EQ(changes.size(), 2u);
  EXPECT_EQ(changes[1].creator.version(), 2);

  Reopen();
  r = store_->Upsert({Profile("tiktok:a", "a", 11)}, t0_ + absl::Seconds(5), nullptr);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)[0].outcome, WriteOutcome::kUpdated);
  EXPECT_EQ((*r)[0].version, 3);
  auto got = store_->Get("tiktok:a");
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->stats().followers(), 11);
  EXPECT_EQ((*got)->version(), 3);
  EXPECT_EQ((*got)->create_time().seconds(), 1'700'000'000);
  EXPECT_EQ((*got)->update_time().seconds(), 1'700'000'005);
  EXPECT_EQ(*store_->LatestVersion(), 3);
}

TEST_P(CreatorStoreTest, CatalogIdIsDrawnOnceAndKeptAcrossReopen) {
  absl::StatusOr<int64_t> id = store_->CatalogId();
  ASSERT_TRUE(id.ok()) << id.status();
  EXPECT_GT(*id, 0);
  EXPECT_EQ(*store_->CatalogId(), *id);
  Reopen();
  EXPECT_EQ(*store_->CatalogId(), *id);
  // Another store draws its own.
  store::testing::TestDatabase other_db(GetParam());
  auto db = other_db.Open();
  ASSERT_TRUE(db.ok()) << db.status();
  auto other = CreatorStore::Open(*std::move(db));
  ASSERT_TRUE(other.ok()) << other.status();
  absl::StatusOr<int64_t> other_id = (*other)->CatalogId();
  ASSERT_TRUE(other_id.ok()) << other_id.status();
  EXPECT_NE(*other_id, *id);
}

TEST_P(CreatorStoreTest, IdenticalRecordIsUnchangedAndKeepsItsVersion) {
  ASSERT_TRUE(store_->Upsert({Profile("tiktok:a", "a", 10)}, t0_, nullptr).ok());
  std::vector<CatalogChange> changes;
  auto r = store_->Upsert({Profile("tiktok:a", "a", 10)}, t0_ + absl::Hours(1), &changes);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)[0].outcome, WriteOutcome::kUnchanged);
  EXPECT_EQ((*r)[0].version, 1);
  EXPECT_TRUE(changes.empty());
  EXPECT_EQ(*store_->LatestVersion(), 1);
}

TEST_P(CreatorStoreTest, HandleOfAnotherLiveCreatorIsRejectedOthersLand) {
  auto r = store_->Upsert({Profile("tiktok:a", "same", 10), Profile("tiktok:b", "same", 20),
                           Profile("tiktok:c", "c", 1)},
                          t0_, nullptr);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ((*r)[0].outcome, WriteOutcome::kCreated);
  EXPECT_EQ((*r)[1].outcome, WriteOutcome::kRejected);
  EXPECT_EQ((*r)[1].field, "handle");
  EXPECT_THAT((*r)[1].description, ::testing::HasSubstr("tiktok:a"));
  EXPECT_EQ((*r)[2].outcome, WriteOutcome::kCreated);
  EXPECT_EQ((*r)[2].version, 2);
}

TEST_P(CreatorStoreTest, DeleteTombstonesAndFeedsReplicas) {
  ASSERT_TRUE(
      store_->Upsert({Profile("tiktok:a", "a", 10), Profile("tiktok:b", "b", 20)}, t0_, nullptr)
          .ok());
  auto del = store_->Delete("tiktok:a", t0_);
  ASSERT_TRUE(del.ok() && del->has_value());
  EXPECT_EQ((*del)->version, 3);
  EXPECT_FALSE(store_->Delete("tiktok:a", t0_)->has_value());
  EXPECT_FALSE(store_->Get("tiktok:a")->has_value());

  auto feed = store_->ChangesSince(1, 100);
  ASSERT_TRUE(feed.ok());
  ASSERT_EQ(feed->size(), 2u);
  EXPECT_EQ((*feed)[0].creator_id, "tiktok:b");
  EXPECT_FALSE((*feed)[0].deleted);
  EXPECT_EQ((*feed)[1].creator_id, "tiktok:a");
  EXPECT_TRUE((*feed)[1].deleted);

  // The handle is free again once its owner is deleted.
  auto r = store_->Upsert({Profile("tiktok:z", "a", 5)}, t0_, nullptr);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)[0].outcome, WriteOutcome::kCreated);
  // And a deleted creator can come back.
  r = store_->Upsert({Profile("tiktok:a", "a2", 5)}, t0_, nullptr);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)[0].outcome, WriteOutcome::kCreated);
  EXPECT_TRUE(store_->Get("tiktok:a")->has_value());
}

TEST_P(CreatorStoreTest, OneBatchBehavesAsItsRecordsInOrder) {
  ASSERT_TRUE(
      store_->Upsert({Profile("tiktok:x", "old-x", 1), Profile("tiktok:y", "y", 2)}, t0_, nullptr)
          .ok());
  std::vector<CatalogChange> changes;
  auto r = store_->Upsert(
      {
          Profile("tiktok:n", "n", 10),     // 0 created, v3
          Profile("tiktok:n", "n", 11),     // 1 same id again: updated, v4
          Profile("tiktok:n", "n", 11),     // 2 identical to record 1: unchanged
          Profile("tiktok:w", "old-x", 1),  // 3 handle still x's: rejected
          Profile("tiktok:x", "new-x", 1),  // 4 x moves away from old-x: v5
          Profile("tiktok:w", "old-x", 1),  // 5 now free: created, v6
          Profile("tiktok:y", "n", 2),      // 6 n's handle: rejected
          Profile("tiktok:n", "n2", 12),    // 7 n moves: v7
          Profile("tiktok:y", "n", 2),      // 8 now free: v8
      },
      t0_ + absl::Seconds(1), &changes);
  ASSERT_TRUE(r.ok()) << r.status();
  const std::vector<WriteOutcome> outcomes = {
      WriteOutcome::kCreated,  WriteOutcome::kUpdated, WriteOutcome::kUnchanged,
      WriteOutcome::kRejected, WriteOutcome::kUpdated, WriteOutcome::kCreated,
      WriteOutcome::kRejected, WriteOutcome::kUpdated, WriteOutcome::kUpdated};
  ASSERT_EQ(r->size(), outcomes.size());
  for (size_t i = 0; i < outcomes.size(); ++i) {
    EXPECT_EQ((*r)[i].outcome, outcomes[i]) << "record " << i;
  }
  EXPECT_EQ((*r)[2].version, 4);
  EXPECT_THAT((*r)[3].description, ::testing::HasSubstr("tiktok:x"));
  std::vector<int64_t> versions;
  std::vector<std::string> ids;
  for (const CatalogChange& c : changes) {
    versions.push_back(c.version);
    ids.push_back(c.creator_id);
    EXPECT_EQ(c.creator.version(), c.version);
  }
  EXPECT_THAT(versions, ::testing::ElementsAre(3, 4, 5, 6, 7, 8));
  EXPECT_THAT(ids, ::testing::ElementsAre("tiktok:n", "tiktok:n", "tiktok:x", "tiktok:w",
                                          "tiktok:n", "tiktok:y"));
  // Last write wins in the store; the create time is the first write's.
  auto n = store_->Get("tiktok:n");
  ASSERT_TRUE(n.ok() && n->has_value());
  EXPECT_EQ((*n)->handle(), "n2");
  EXPECT_EQ((*n)->stats().followers(), 12);
  EXPECT_EQ((*n)->version(), 7);
  EXPECT_EQ((*store_->Get("tiktok:y"))->handle(), "n");
  EXPECT_EQ((*store_->Get("tiktok:w"))->handle(), "old-x");
  EXPECT_EQ(*store_->LatestVersion(), 8);
  // The feed has each id once, at its latest version.
  auto feed = store_->ChangesSince(2, 100);
  ASSERT_TRUE(feed.ok());
  ids.clear();
  for (const CatalogChange& c : *feed) ids.push_back(c.creator_id);
  EXPECT_THAT(ids, ::testing::ElementsAre("tiktok:x", "tiktok:w", "tiktok:n", "tiktok:y"));
}

TEST_P(CreatorStoreTest, LargeBatchesOfNewAndChangedRecordsLand) {
  std::vector<Creator> batch;
  batch.reserve(1000);
  for (int i = 0; i < 1000; ++i) {
    batch.push_back(Profile("tiktok:" + std::to_string(i), "h" + std::to_string(i), i));
  }
  auto r = store_->Upsert(batch, t0_, nullptr);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->back().version, 1000);
  // Every third changes, the rest are identical; new ones interleave.
  std::vector<Creator> second;
  for (int i = 0; i < 1000; ++i) {
    second.push_back(
        Profile("tiktok:" + std::to_string(i), "h" + std::to_string(i), i % 3 == 0 ? i + 1 : i));
    if (i % 7 == 0) {
      second.push_back(Profile("tiktok:new" + std::to_string(i), "n" + std::to_string(i), 1));
    }
  }
  std::vector<CatalogChange> changes;
  r = store_->Upsert(second, t0_, &changes);
  ASSERT_TRUE(r.ok()) << r.status();
  int updated = 0, created = 0, unchanged = 0;
  for (const RecordResult& rr : *r) {
    updated += rr.outcome == WriteOutcome::kUpdated;
    created += rr.outcome == WriteOutcome::kCreated;
    unchanged += rr.outcome == WriteOutcome::kUnchanged;
  }
  EXPECT_EQ(updated, 334);
  EXPECT_EQ(created, 143);
  EXPECT_EQ(unchanged, 666);
  ASSERT_EQ(changes.size(), 477u);
  for (size_t i = 0; i < changes.size(); ++i) {
    EXPECT_EQ(changes[i].version, 1001 + static_cast<int64_t>(i));
  }
  EXPECT_EQ((*store_->Get("tiktok:999"))->stats().followers(), 1000);
  EXPECT_EQ((*store_->Get("tiktok:new994"))->handle(), "n994");
}

TEST_P(CreatorStoreTest, GetManyKeepsOrderAndMarksMissing) {
  std::vector<Creator> batch;
  std::vector<std::string> ids;
  for (int i = 0; i < 600; ++i) {
    batch.push_back(Profile("tiktok:" + std::to_string(i), "h" + std::to_string(i), i));
    ids.push_back("tiktok:" + std::to_string(599 - i));
  }
  ASSERT_TRUE(store_->Upsert(batch, t0_, nullptr).ok());
  ids.push_back("tiktok:missing");
  ids.push_back("tiktok:5");  // duplicates are answered at each position
  auto got = store_->GetMany(ids);
  ASSERT_TRUE(got.ok()) << got.status();
  ASSERT_EQ(got->size(), ids.size());
  EXPECT_EQ((*got)[0]->creator_id(), "tiktok:599");
  EXPECT_EQ((*got)[599]->stats().followers(), 0);
  EXPECT_FALSE((*got)[600].has_value());
  EXPECT_EQ((*got)[601]->creator_id(), "tiktok:5");
}

}  // namespace
}  // namespace microreach::search
