// The durable side of the workspace marks (blocklisted, in a campaign,
// contacted) that outreach and campaign push to search: one row per
// (workspace_id, creator_id, kind, campaign_id) with a version, so replicas
// follow the changes like they follow the catalog.
#ifndef MICROREACH_SERVICES_SEARCH_WORKSPACE_MARK_STORE_H_
#define MICROREACH_SERVICES_SEARCH_WORKSPACE_MARK_STORE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "common/store/database.h"
#include "common/store/migrations.h"

namespace microreach::search {

// What a mark says; the numbers are those of v1.WorkspaceMarkKind.
enum class MarkKind : int64_t { kBlocklisted = 1, kInCampaign = 2, kContacted = 3 };

// One mark to set or clear, validated by the caller: campaign_id only for
// kInCampaign, contacted_at only when setting kContacted.
struct MarkUpdate {
  std::string creator_id;
  MarkKind kind = MarkKind::kBlocklisted;
  std::string campaign_id;
  absl::Time contacted_at = absl::UnixEpoch();
  bool clear = false;
};

// A committed change of one mark, as replicas and the in-memory sets consume it.
struct MarkChange {
  int64_t version = 0;
  std::string workspace_id;
  std::string creator_id;
  MarkKind kind = MarkKind::kBlocklisted;
  std::string campaign_id;
  absl::Time contacted_at = absl::UnixEpoch();  // the latest contact (kContacted)
  bool cleared = false;
};

// Outcome of one write; a replayed request returns the first call's.
struct MarkWriteResult {
  int changed = 0;
  int unchanged = 0;
  int64_t version = 0;  // marks version after the first call's commit
  bool replayed = false;
};

// An AIP-155 request id and the digest of the request it came with.
struct MarkRequestId {
  std::string request_id;
  std::string request_hash;
};

// The schema change that creates the marks table; part of the search store's
// single migration list (see SearchStoreMigrations in creator_store.h).
store::Migration WorkspaceMarksMigration();

// Every method runs in its own transaction and may be called concurrently.
//
// Example:
//   auto marks = WorkspaceMarkStore::Open(db);
//   std::vector<MarkChange> changes;
//   auto result = (*marks)->Write("acme", {{"tiktok:a", MarkKind::kBlocklisted}}, nullptr,
//                                 absl::Now(), &changes);
class WorkspaceMarkStore {
 public:
  // Applies the search store's migrations (a no-op when CreatorStore::Open
  // already did). `db` must outlive the store.
  static absl::StatusOr<std::unique_ptr<WorkspaceMarkStore>> Open(store::Database& db);

  // Applies `marks` of `workspace_id` in order in one transaction. Setting a
  // live mark is unchanged unless it is a later contact; clearing an absent
  // one is unchanged; every other mark gets the next marks version, in
  // order. With `request_id`, the request is recorded in the same
  // transaction and a repeat returns the first result (replayed, nothing
  // written); the same id with another hash is kInvalidArgument naming
  // "request_id".
  // `changes` receives the written marks.
  absl::StatusOr<MarkWriteResult> Write(std::string_view workspace_id,
                                        absl::Span<const MarkUpdate> marks,
                                        const MarkRequestId* request_id, absl::Time now,
                                        std::vector<MarkChange>* changes);

  // Changes after `after_version` in version order (clears included), at most `limit`.
  absl::StatusOr<std::vector<MarkChange>> ChangesSince(int64_t after_version, int limit);

  // The latest marks version (0 when none was written).
  absl::StatusOr<int64_t> LatestVersion();

  // Deletes the clears (tombstones) written before `cutoff` and returns how
  // many. A process that has not read the feed since then would miss those
  // clears; one that starts replays only what is left, which is the same.
  absl::StatusOr<int64_t> PurgeClearsBefore(absl::Time cutoff);

 private:
  explicit WorkspaceMarkStore(store::Database& db) : db_(db) {}
  store::Database& db_;
};

}  // namespace microreach::search

#endif  // MICROREACH_SERVICES_SEARCH_WORKSPACE_MARK_STORE_H_
