// Tests the in-memory workspace marks (what each filter excludes, per
// workspace, relative to the clock, bounded) and their store-first,
// version-ordered application across two processes sharing a store.
#include "services/search/workspace_marks.h"

#include <atomic>
#include <thread>

#include "absl/strings/str_cat.h"
#include "common/status/status.h"
#include "common/store/store_test_backends.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace microreach::search {
namespace {

using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

const absl::Time kNow = absl::FromUnixSeconds(1'700'000'000);

MarkChange Set(const std::string& ws, const std::string& id, MarkKind kind,
               const std::string& campaign = "", absl::Time at = absl::UnixEpoch()) {
  return {0, ws, id, kind, campaign, at, false};
}
MarkChange Cleared(const std::string& ws, const std::string& id, MarkKind kind,
                   const std::string& campaign = "") {
  return {0, ws, id, kind, campaign, absl::UnixEpoch(), true};
}

common::v1::WorkspaceFilter Filter(bool blocklisted, bool any_campaign,
                                   const std::vector<std::string>& campaigns,
                                   std::optional<int> days) {
  common::v1::WorkspaceFilter f;
  f.set_exclude_blocklisted(blocklisted);
  f.set_exclude_in_any_campaign(any_campaign);
  for (const auto& c : campaigns) f.add_exclude_in_campaign_ids(c);
  if (days) f.set_exclude_contacted_within_days(*days);
  return f;
}

std::vector<std::string> Resolve(const WorkspaceMarks& marks, const std::string& ws,
                                 const common::v1::WorkspaceFilter& f, size_t limit = 1000) {
  auto r = marks.Resolve(ws, f, kNow, limit);
  EXPECT_TRUE(r.ok()) << r.status();
  return r.ok() ? *r : std::vector<std::string>{};
}

class WorkspaceMarksTest : public ::testing::Test {
 protected:
  void SetUp() override {
    marks_.Apply({Set("acme", "blocked", MarkKind::kBlocklisted),
                  Set("acme", "member", MarkKind::kInCampaign, "c1"),
                  Set("acme", "other_member", MarkKind::kInCampaign, "c2"),
                  Set("acme", "recent", MarkKind::kContacted, "", kNow - absl::Hours(48)),
                  Set("acme", "old", MarkKind::kContacted, "", kNow - absl::Hours(24 * 40)),
                  // In every set: reported once.
                  Set("acme", "everywhere", MarkKind::kBlocklisted),
                  Set("acme", "everywhere", MarkKind::kInCampaign, "c1"),
                  Set("acme", "everywhere", MarkKind::kContacted, "", kNow - absl::Hours(1)),
                  Set("zeta", "zeta_blocked", MarkKind::kBlocklisted)});
  }
  WorkspaceMarks marks_;
};

TEST_F(WorkspaceMarksTest, EachFilterExcludesItsOwnSet) {
  EXPECT_THAT(Resolve(marks_, "acme", Filter(true, false, {}, {})),
              UnorderedElementsAre("blocked", "everywhere"));
  EXPECT_THAT(Resolve(marks_, "acme", Filter(false, true, {}, {})),
              UnorderedElementsAre("member", "other_member", "everywhere"));
  EXPECT_THAT(Resolve(marks_, "acme", Filter(false, false, {"c2"}, {})),
              UnorderedElementsAre("other_member"));
  EXPECT_THAT(Resolve(marks_, "acme", Filter(false, false, {"c1", "c2", "unknown"}, {})),
              UnorderedElementsAre("member", "other_member", "everywhere"));
  EXPECT_THAT(Resolve(marks_, "acme", Filter(false, false, {}, 7)),
              UnorderedElementsAre("recent", "everywhere"));
  EXPECT_THAT(Resolve(marks_, "acme", Filter(false, false, {}, 60)),
              UnorderedElementsAre("recent", "old", "everywhere"));
  // Exactly N days ago still counts as within N days.
  EXPECT_THAT(Resolve(marks_, "acme", Filter(false, false, {}, 2)),
              UnorderedElementsAre("recent", "everywhere"));
  EXPECT_THAT(Resolve(marks_, "acme", Filter(false, false, {}, 1)),
              UnorderedElementsAre("everywhere"));
  EXPECT_THAT(Resolve(marks_, "acme", Filter(false, false, {}, {})), IsEmpty());
}

TEST_F(WorkspaceMarksTest, CombinedFiltersAreAUnionWithoutDuplicates) {
  EXPECT_THAT(Resolve(marks_, "acme", Filter(true, false, {"c1"}, 7)),
              UnorderedElementsAre("blocked", "member", "recent", "everywhere"));
  EXPECT_THAT(
      Resolve(marks_, "acme", Filter(true, true, {}, 365)),
      UnorderedElementsAre("blocked", "member", "other_member", "recent", "old", "everywhere"));
}

TEST_F(WorkspaceMarksTest, OtherWorkspacesAreUnaffected) {
  EXPECT_THAT(Resolve(marks_, "zeta", Filter(true, true, {"c1"}, 365)),
              UnorderedElementsAre("zeta_blocked"));
  EXPECT_THAT(Resolve(marks_, "nobody", Filter(true, true, {}, 365)), IsEmpty());
}

TEST_F(WorkspaceMarksTest, ClearsBringCreatorsBack) {
  marks_.Apply({Cleared("acme", "blocked", MarkKind::kBlocklisted),
                Cleared("acme", "everywhere", MarkKind::kInCampaign, "c1"),
                Cleared("acme", "recent", MarkKind::kContacted),
                // Clearing what is not there changes nothing.
                Cleared("acme", "member", MarkKind::kInCampaign, "c2"),
                Cleared("nobody", "x", MarkKind::kBlocklisted)});
  EXPECT_THAT(Resolve(marks_, "acme", Filter(true, false, {}, {})),
              UnorderedElementsAre("everywhere"));
  EXPECT_THAT(Resolve(marks_, "acme", Filter(false, true, {}, {})),
              UnorderedElementsAre("member", "other_member"));
  EXPECT_THAT(Resolve(marks_, "acme", Filter(false, false, {"c1"}, {})),
              UnorderedElementsAre("member"));
  EXPECT_THAT(Resolve(marks_, "acme", Filter(false, false, {}, 7)),
              UnorderedElementsAre("everywhere"));
  const WorkspaceMarks::Counts counts = marks_.CountsOf("acme");
  EXPECT_EQ(counts.blocklisted, 1);
  EXPECT_EQ(counts.campaign_memberships, 2);
  EXPECT_EQ(counts.contacted, 2);
  EXPECT_EQ(marks_.size(), 6);  // 5 in acme, 1 in zeta
}

TEST_F(WorkspaceMarksTest, AnyCampaignCountsMembershipsNotCreators) {
  // A creator in two campaigns stays excluded until it leaves both.
  marks_.Apply({Set("acme", "member", MarkKind::kInCampaign, "c2")});
  marks_.Apply({Cleared("acme", "member", MarkKind::kInCampaign, "c1")});
  EXPECT_THAT(Resolve(marks_, "acme", Filter(false, true, {}, {})),
              UnorderedElementsAre("member", "other_member", "everywhere"));
  marks_.Apply({Cleared("acme", "member", MarkKind::kInCampaign, "c2")});
  EXPECT_THAT(Resolve(marks_, "acme", Filter(false, true, {}, {})),
              UnorderedElementsAre("other_member", "everywhere"));
}

TEST_F(WorkspaceMarksTest, MoreThanTheLimitFailsNamingTheFilter) {
  std::vector<MarkChange> many;
  many.reserve(50);
  for (int i = 0; i < 50; ++i) {
    many.push_back(Set("big", "c" + std::to_string(i), MarkKind::kContacted, "", kNow));
  }
  marks_.Apply(many);
  auto r = marks_.Resolve("big", Filter(false, false, {}, 30), kNow, 50);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->size(), 50u);
  r = marks_.Resolve("big", Filter(false, false, {}, 30), kNow, 49);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(r.status().message(),
              ::testing::HasSubstr("filter.workspace.exclude_contacted_within_days"));
  auto violations = status::PreconditionViolationsOf(r.status());
  ASSERT_EQ(violations.size(), 1u);
  EXPECT_EQ(violations[0].type, "EXCLUSION_LIMIT");
  EXPECT_EQ(violations[0].subject, "filter.workspace.exclude_contacted_within_days");
}

TEST_F(WorkspaceMarksTest, ReadersRunWhileWritersApply) {
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    for (int i = 0; i < 2000; ++i) {
      marks_.Apply({Set("acme", "w" + std::to_string(i % 50), MarkKind::kBlocklisted)});
      marks_.Apply({Cleared("acme", "w" + std::to_string((i + 25) % 50), MarkKind::kBlocklisted)});
    }
    stop = true;
  });
  while (!stop) {
    auto r = marks_.Resolve("acme", Filter(true, false, {}, {}), kNow, 1000);
    ASSERT_TRUE(r.ok());
    EXPECT_GE(r->size(), 2u);
  }
  writer.join();
}

// Two processes' worth of WorkspaceExclusions on one store (SQLite; built
// with mr_store_testing, PostgreSQL).
class WorkspaceExclusionsTest : public ::testing::TestWithParam<store::testing::Backend> {
 protected:
  void SetUp() override {
    for (int i = 0; i < 2; ++i) {
      auto db = test_db_.Open();
      ASSERT_TRUE(db.ok()) << db.status();
      dbs_[i] = *std::move(db);
      auto s = WorkspaceMarkStore::Open(*dbs_[i]);
      ASSERT_TRUE(s.ok()) << s.status();
      stores_[i] = *std::move(s);
      exclusions_[i] = std::make_unique<WorkspaceExclusions>(*stores_[i], [] { return kNow; });
    }
  }
  store::testing::TestDatabase test_db_{GetParam()};
  std::unique_ptr<store::Database> dbs_[2];
  std::unique_ptr<WorkspaceMarkStore> stores_[2];
  std::unique_ptr<WorkspaceExclusions> exclusions_[2];
};

INSTANTIATE_TEST_SUITE_P(Backends, WorkspaceExclusionsTest,
                         ::testing::ValuesIn(store::testing::BackendsUnderTest()),
                         store::testing::BackendName);

TEST_P(WorkspaceExclusionsTest, WritesApplyAtOnceHereAndAfterCatchUpThere) {
  auto& a = *exclusions_[0];
  auto& b = *exclusions_[1];
  ASSERT_TRUE(a.Load().ok());
  ASSERT_TRUE(b.Load().ok());
  const MarkUpdate block{"tiktok:x", MarkKind::kBlocklisted, "", absl::UnixEpoch(), false};
  auto r = a.Update("acme", {block}, nullptr);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(a.applied_version(), 1);
  EXPECT_THAT(*a.Resolve("acme", Filter(true, false, {}, {}), kNow),
              UnorderedElementsAre("tiktok:x"));
  EXPECT_THAT(*b.Resolve("acme", Filter(true, false, {}, {}), kNow), IsEmpty());
  ASSERT_TRUE(b.CatchUp().ok());
  EXPECT_THAT(*b.Resolve("acme", Filter(true, false, {}, {}), kNow),
              UnorderedElementsAre("tiktok:x"));

  // b writes after a's unseen write: b applies the gap first, in order.
  const MarkUpdate clear{"tiktok:x", MarkKind::kBlocklisted, "", absl::UnixEpoch(), true};
  ASSERT_TRUE(a.Update("acme", {clear}, nullptr).ok());
  const MarkUpdate member{"tiktok:y", MarkKind::kInCampaign, "c1", absl::UnixEpoch(), false};
  ASSERT_TRUE(b.Update("acme", {member}, nullptr).ok());
  EXPECT_EQ(b.applied_version(), 3);
  EXPECT_THAT(*b.Resolve("acme", Filter(true, true, {}, {}), kNow),
              UnorderedElementsAre("tiktok:y"));

  // A fresh process loads everything.
  WorkspaceExclusions fresh(*stores_[0], [] { return kNow; });
  ASSERT_TRUE(fresh.Load().ok());
  EXPECT_EQ(fresh.applied_version(), 3);
  EXPECT_THAT(*fresh.Resolve("acme", Filter(true, true, {}, {}), kNow),
              UnorderedElementsAre("tiktok:y"));
}

TEST_P(WorkspaceExclusionsTest, AReplayedRequestStillCatchesUpToItsVersion) {
  auto& a = *exclusions_[0];
  auto& b = *exclusions_[1];
  const MarkRequestId id{"req-1", "h"};
  const MarkUpdate block{"tiktok:x", MarkKind::kBlocklisted, "", absl::UnixEpoch(), false};
  ASSERT_TRUE(a.Update("acme", {block}, &id).ok());
  // The client's retry lands on the other replica, which has not polled yet.
  auto r = b.Update("acme", {block}, &id);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE(r->replayed);
  EXPECT_THAT(*b.Resolve("acme", Filter(true, false, {}, {}), kNow),
              UnorderedElementsAre("tiktok:x"));
}

TEST_P(WorkspaceExclusionsTest, ConcurrentWritersOnTwoReplicasConvergeWithoutGaps) {
  constexpr int kThreadsPerReplica = 2;
  constexpr int kWrites = 25;
  std::vector<std::thread> writers;
  std::atomic<int> failed{0};
  for (int r = 0; r < 2; ++r) {
    for (int t = 0; t < kThreadsPerReplica; ++t) {
      writers.emplace_back([&, r, t] {
        for (int i = 0; i < kWrites; ++i) {
          const std::string id = absl::StrCat("tiktok:r", r, "t", t, "i", i);
          const MarkUpdate mark{id, MarkKind::kContacted, "", kNow - absl::Minutes(i), false};
          const MarkRequestId request{absl::StrCat("req-", id), "h"};
          absl::StatusOr<MarkWriteResult> result;
          // Contention surfaces as ABORTED after the store's own retries; a
          // client retries with the same request id.
          for (int attempt = 0; attempt < 20; ++attempt) {
            result = exclusions_[r]->Update("acme", {mark}, &request);
            if (!absl::IsAborted(result.status())) break;
          }
          if (!result.ok()) ++failed;
        }
      });
    }
  }
  for (std::thread& w : writers) w.join();
  EXPECT_EQ(failed.load(), 0);
  const int64_t total = int64_t{2} * kThreadsPerReplica * kWrites;
  auto latest = stores_[0]->LatestVersion();
  ASSERT_TRUE(latest.ok()) << latest.status();
  EXPECT_EQ(*latest, total);
  for (auto& e : exclusions_) {
    ASSERT_TRUE(e->CatchUp().ok());
    EXPECT_EQ(e->applied_version(), total);
    EXPECT_EQ(e->marks().CountsOf("acme").contacted, total);
  }
  auto feed = stores_[0]->ChangesSince(0, 1000);
  ASSERT_TRUE(feed.ok());
  ASSERT_EQ(static_cast<int64_t>(feed->size()), total);
  for (int64_t v = 0; v < total; ++v) EXPECT_EQ((*feed)[static_cast<size_t>(v)].version, v + 1);
}

}  // namespace
}  // namespace microreach::search
