// The workspace marks in memory (per workspace: the blocklist, the members
// of each campaign, the last contact of each contacted creator), and their
// resolution into the creators a search's workspace filter excludes.
#ifndef MICROREACH_SERVICES_SEARCH_WORKSPACE_MARKS_H_
#define MICROREACH_SERVICES_SEARCH_WORKSPACE_MARKS_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "microreach/common/v1/creator.pb.h"
#include "services/search/workspace_mark_store.h"

namespace microreach::search {

// Live marks per workspace. Thread-safe: any number of Resolve calls run
// concurrently under a shared lock; Apply takes it exclusively.
//
// Example:
//   WorkspaceMarks marks;
//   marks.Apply(changes_from_the_store);
//   absl::StatusOr<std::vector<std::string>> excluded =
//       marks.Resolve("acme", request.filter().workspace(), absl::Now(), 20000);
class WorkspaceMarks {
 public:
  // Applies committed changes; a change replaces whatever the same mark held.
  void Apply(absl::Span<const MarkChange> changes);

  // The distinct creators that the blocklist, campaign and contact parts of
  // `filter` exclude for `workspace` (exclude_creator_ids is not included:
  // the index applies it). "Contacted within N days" counts contacts at or
  // after now - N days. FAILED_PRECONDITION, naming the filter, when more
  // than `limit` creators would be excluded: the work and the index's input
  // stay bounded. Cost: linear in the marks the filter selects.
  absl::StatusOr<std::vector<std::string>> Resolve(absl::string_view workspace,
                                                   const common::v1::WorkspaceFilter& filter,
                                                   absl::Time now, size_t limit) const;

  // Live marks of one workspace, by kind (tests, metrics).
  struct Counts {
    int64_t blocklisted = 0;
    int64_t campaign_memberships = 0;
    int64_t contacted = 0;
  };
  Counts CountsOf(absl::string_view workspace) const;
  // Live marks of every workspace.
  int64_t size() const;

 private:
  struct Workspace {
    absl::flat_hash_set<std::string> blocklisted;
    // campaign_id -> its members.
    absl::flat_hash_map<std::string, absl::flat_hash_set<std::string>> campaigns;
    // creator_id -> number of the workspace's campaigns it is in.
    absl::flat_hash_map<std::string, int> in_campaigns;
    // creator_id -> latest contact.
    absl::flat_hash_map<std::string, absl::Time> contacted;
    bool empty() const { return blocklisted.empty() && in_campaigns.empty() && contacted.empty(); }
  };
  void ApplyLocked(const MarkChange& change) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, Workspace> workspaces_ ABSL_GUARDED_BY(mu_);
  int64_t size_ ABSL_GUARDED_BY(mu_) = 0;
};

// The marks as the service uses them: writes go to the store first and are
// then applied in version order; other processes' writes are read back by
// version (CatchUp), as the catalog does (docs/adr/0004). Thread-safe.
class WorkspaceExclusions {
 public:
  using Clock = std::function<absl::Time()>;

  // The most creators one search may exclude through the marks: the
  // index's limit on a query's excluded ids.
  static constexpr size_t kMaxExcluded = 20000;

  explicit WorkspaceExclusions(WorkspaceMarkStore& store, Clock clock = absl::Now);

  // Replays every stored change into memory (start-up).
  absl::Status Load();
  // Applies every change committed by any process since the last one seen.
  absl::Status CatchUp();

  // Writes the marks of `workspace` (see WorkspaceMarkStore::Write) and
  // applies the change before returning, so this process's next search sees it.
  absl::StatusOr<MarkWriteResult> Update(absl::string_view workspace,
                                         absl::Span<const MarkUpdate> marks,
                                         const MarkRequestId* request_id);

  // See WorkspaceMarks::Resolve, with kMaxExcluded.
  absl::StatusOr<std::vector<std::string>> Resolve(absl::string_view workspace,
                                                   const common::v1::WorkspaceFilter& filter,
                                                   absl::Time now) const {
    return marks_.Resolve(workspace, filter, now, kMaxExcluded);
  }

  // How long the store keeps a clear (tombstone) for replicas to read: a
  // replica that stops polling for longer misses the clears purged
  // meanwhile until it restarts (its staleness alert fires long before).
  static constexpr absl::Duration kClearRetention = absl::Hours(7 * 24);
  // Deletes the clears older than kClearRetention; returns how many.
  absl::StatusOr<int64_t> PurgeOldClears() {
    return store_.PurgeClearsBefore(clock_() - kClearRetention);
  }

  const WorkspaceMarks& marks() const { return marks_; }
  int64_t applied_version() const;

 private:
  absl::Status CatchUpLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(apply_mu_);

  WorkspaceMarkStore& store_;
  const Clock clock_;
  WorkspaceMarks marks_;
  // Serialises application so changes are applied in version order; a
  // writer holds it across its commit so the poller never reads its rows back.
  mutable absl::Mutex apply_mu_;
  int64_t applied_version_ ABSL_GUARDED_BY(apply_mu_) = 0;
};

}  // namespace microreach::search

#endif  // MICROREACH_SERVICES_SEARCH_WORKSPACE_MARKS_H_
