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
