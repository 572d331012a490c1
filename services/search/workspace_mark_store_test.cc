// Tests the workspace marks store: versions, idempotent sets and clears,
// latest contact wins, request ids in the same transaction, and the change
// feed replicas follow. Runs on SQLite; built with mr_store_testing it runs
// the same cases on a real PostgreSQL server.
#include "services/search/workspace_mark_store.h"

#include "common/store/store_test_backends.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/search/creator_store.h"

namespace microreach::search {
namespace {

MarkUpdate Block(const std::string& id, bool clear = false) {
  return {id, MarkKind::kBlocklisted, "", absl::UnixEpoch(), clear};
}
MarkUpdate InCampaign(const std::string& id, const std::string& campaign, bool clear = false) {
  return {id, MarkKind::kInCampaign, campaign, absl::UnixEpoch(), clear};
}
MarkUpdate Contacted(const std::string& id, absl::Time at) {
  return {id, MarkKind::kContacted, "", at, false};
}

class WorkspaceMarkStoreTest : public ::testing::TestWithParam<store::testing::Backend> {
 protected:
  void SetUp() override { Reopen(); }
  void TearDown() override {
    store_.reset();
    db_.reset();
  }
  void Reopen() {
    store_.reset();
    auto db = test_db_.Open();
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = *std::move(db);
    // The catalog opens the database first in the service; either order works.
    auto s = WorkspaceMarkStore::Open(*db_);
    ASSERT_TRUE(s.ok()) << s.status();
    store_ = *std::move(s);
  }
  store::testing::TestDatabase test_db_{GetParam()};
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<WorkspaceMarkStore> store_;
  const absl::Time t0_ = absl::FromUnixSeconds(1'700'000'000);
};

INSTANTIATE_TEST_SUITE_P(Backends, WorkspaceMarkStoreTest,
                         ::testing::ValuesIn(store::testing::BackendsUnderTest()),
                         store::testing::BackendName);

TEST_P(WorkspaceMarkStoreTest, SetsGetVersionsInOrderAndRepeatsChangeNothing) {
  std::vector<MarkChange> changes;
  auto r = store_->Write("acme",
                         {Block("tiktok:a"), InCampaign("tiktok:b", "c1"),
                          InCampaign("tiktok:b", "c2"), Contacted("tiktok:c", t0_)},
                         nullptr, t0_, &changes);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->changed, 4);
  EXPECT_EQ(r->unchanged, 0);
  EXPECT_EQ(r->version, 4);
  ASSERT_EQ(changes.size(), 4u);
  EXPECT_EQ(changes[0].version, 1);
  EXPECT_EQ(changes[2].campaign_id, "c2");
  EXPECT_EQ(changes[3].contacted_at, t0_);

  Reopen();
  r = store_->Write("acme", {Block("tiktok:a"), InCampaign("tiktok:b", "c1")}, nullptr, t0_,
                    &changes);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->changed, 0);
  EXPECT_EQ(r->unchanged, 2);
  EXPECT_EQ(r->version, 4);
  EXPECT_TRUE(changes.empty());
  EXPECT_EQ(*store_->LatestVersion(), 4);
}

TEST_P(WorkspaceMarkStoreTest, ContactKeepsTheLatestTime) {
  ASSERT_TRUE(store_->Write("acme", {Contacted("tiktok:c", t0_)}, nullptr, t0_, nullptr).ok());
  std::vector<MarkChange> changes;
  auto r =
      store_->Write("acme", {Contacted("tiktok:c", t0_ - absl::Hours(48))}, nullptr, t0_, &changes);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->unchanged, 1);
  EXPECT_TRUE(changes.empty());
  r = store_->Write("acme", {Contacted("tiktok:c", t0_ + absl::Hours(1))}, nullptr, t0_, &changes);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->changed, 1);
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].contacted_at, t0_ + absl::Hours(1));
  auto feed = store_->ChangesSince(0, 10);
  ASSERT_TRUE(feed.ok());
  ASSERT_EQ(feed->size(), 1u);
  EXPECT_EQ((*feed)[0].contacted_at, t0_ + absl::Hours(1));
}

TEST_P(WorkspaceMarkStoreTest, ClearsAreTombstonesInTheFeedAndSetAgainRevives) {
  ASSERT_TRUE(
      store_
          ->Write("acme", {Block("tiktok:a"), InCampaign("tiktok:b", "c1")}, nullptr, t0_, nullptr)
          .ok());
  std::vector<MarkChange> changes;
  auto r = store_->Write("acme",
                         {Block("tiktok:a", true), Block("tiktok:zz", true),
                          InCampaign("tiktok:b", "c2", true), InCampaign("tiktok:b", "c1", true)},
                         nullptr, t0_, &changes);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->changed, 2);
  EXPECT_EQ(r->unchanged, 2);  // never set: nothing to clear
  auto feed = store_->ChangesSince(2, 10);
  ASSERT_TRUE(feed.ok());
  ASSERT_EQ(feed->size(), 2u);
  EXPECT_EQ((*feed)[0].creator_id, "tiktok:a");
  EXPECT_TRUE((*feed)[0].cleared);
  EXPECT_EQ((*feed)[1].kind, MarkKind::kInCampaign);
  EXPECT_TRUE((*feed)[1].cleared);

  r = store_->Write("acme", {Block("tiktok:a")}, nullptr, t0_, &changes);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->changed, 1);
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_FALSE(changes[0].cleared);
  EXPECT_EQ(changes[0].version, 5);
}

TEST_P(WorkspaceMarkStoreTest, OldClearsArePurgedLiveMarksAndRecentClearsStay) {
  // a and b set at t0; a cleared at t0 + 1h, b cleared at t0 + 10h; c live.
  ASSERT_TRUE(store_
                  ->Write("acme", {Block("tiktok:a"), Block("tiktok:b"), Block("tiktok:c")},
                          nullptr, t0_, nullptr)
                  .ok());
  ASSERT_TRUE(
      store_->Write("acme", {Block("tiktok:a", true)}, nullptr, t0_ + absl::Hours(1), nullptr)
          .ok());
  ASSERT_TRUE(
      store_->Write("acme", {Block("tiktok:b", true)}, nullptr, t0_ + absl::Hours(10), nullptr)
          .ok());
  auto purged = store_->PurgeClearsBefore(t0_ + absl::Hours(5));
  ASSERT_TRUE(purged.ok()) << purged.status();
  EXPECT_EQ(*purged, 1);
  auto feed = store_->ChangesSince(0, 100);
  ASSERT_TRUE(feed.ok());
  std::vector<std::pair<std::string, bool>> rows;
  for (const MarkChange& c : *feed) rows.emplace_back(c.creator_id, c.cleared);
  EXPECT_THAT(rows,
              ::testing::UnorderedElementsAre(std::pair<std::string, bool>{"tiktok:b", true},
                                              std::pair<std::string, bool>{"tiktok:c", false}));
  // A purged mark can be set again; versions keep rising.
  std::vector<MarkChange> changes;
  auto r = store_->Write("acme", {Block("tiktok:a")}, nullptr, t0_ + absl::Hours(11), &changes);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->changed, 1);
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].version, 6);
  EXPECT_EQ(*store_->PurgeClearsBefore(t0_ + absl::Hours(5)), 0);
}

TEST_P(WorkspaceMarkStoreTest, WorkspacesAreSeparate) {
  ASSERT_TRUE(store_->Write("acme", {Block("tiktok:a")}, nullptr, t0_, nullptr).ok());
  auto r = store_->Write("zeta", {Block("tiktok:a")}, nullptr, t0_, nullptr);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->changed, 1);  // the same creator, another workspace: a new mark
  r = store_->Write("zeta", {Block("tiktok:a", true)}, nullptr, t0_, nullptr);
  ASSERT_TRUE(r.ok());
  auto feed = store_->ChangesSince(0, 10);
  ASSERT_TRUE(feed.ok());
  ASSERT_EQ(feed->size(), 2u);
  EXPECT_EQ((*feed)[0].workspace_id, "acme");
  EXPECT_FALSE((*feed)[0].cleared);
  EXPECT_EQ((*feed)[1].workspace_id, "zeta");
  EXPECT_TRUE((*feed)[1].cleared);
}

TEST_P(WorkspaceMarkStoreTest, RequestIdAppliesOnceAndRefusesAnotherRequest) {
  const MarkRequestId id{"5b2f8c1e-0000-4000-8000-000000000001", "hash-1"};
  std::vector<MarkChange> changes;
  auto r = store_->Write("acme", {Block("tiktok:a")}, &id, t0_, &changes);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_FALSE(r->replayed);
  EXPECT_EQ(r->changed, 1);
  // A clear in between: the retry of the set must not undo it.
  ASSERT_TRUE(store_->Write("acme", {Block("tiktok:a", true)}, nullptr, t0_, nullptr).ok());
  r = store_->Write("acme", {Block("tiktok:a")}, &id, t0_, &changes);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE(r->replayed);
  EXPECT_EQ(r->changed, 1);
  EXPECT_EQ(r->version, 1);
  EXPECT_TRUE(changes.empty());
  EXPECT_EQ(*store_->LatestVersion(), 2);

  const MarkRequestId other{id.request_id, "hash-2"};
  r = store_->Write("acme", {Block("tiktok:b")}, &other, t0_, nullptr);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(r.status().message(), ::testing::HasSubstr("request_id"));
  // The same id in another workspace is another request.
  r = store_->Write("zeta", {Block("tiktok:b")}, &other, t0_, nullptr);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_FALSE(r->replayed);
}

TEST_P(WorkspaceMarkStoreTest, FeedPagesInVersionOrder) {
  std::vector<MarkUpdate> batch;
  batch.reserve(25);
  for (int i = 0; i < 25; ++i) batch.push_back(Block("tiktok:" + std::to_string(i)));
  ASSERT_TRUE(store_->Write("acme", batch, nullptr, t0_, nullptr).ok());
  auto page = store_->ChangesSince(10, 10);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->size(), 10u);
  EXPECT_EQ(page->front().version, 11);
  EXPECT_EQ(page->back().version, 20);
  EXPECT_EQ(page->front().creator_id, "tiktok:10");
}

TEST_P(WorkspaceMarkStoreTest, CatalogAndMarksShareOneMigrationList) {
  // The catalog store opening the same database accepts the marks' schema.
  auto db = test_db_.Open();
  ASSERT_TRUE(db.ok()) << db.status();
  auto catalog = CreatorStore::Open(*std::move(db));
  ASSERT_TRUE(catalog.ok()) << catalog.status();
  EXPECT_EQ(*(*catalog)->LatestVersion(), 0);
  EXPECT_TRUE(store::testing::TableExists(*db_, "workspace_creator_marks"));
}

}  // namespace
}  // namespace microreach::search
