// SQL behind the workspace marks. Statements use $n placeholders and
// portable types so the same SQL serves SQLite and PostgreSQL.
#include "services/search/workspace_mark_store.h"

#include <optional>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/status/status.h"
#include "common/store/request_ids.h"
#include "services/search/creator_store.h"

namespace microreach::search {
namespace {

using store::Value;

constexpr char kMethod[] = "/microreach.search.v1.SearchService/UpdateWorkspaceCreatorMarks";

// The marks have their own version counter (a row of catalog_meta), so mark
// writes and catalog writes do not serialise on one row.
absl::StatusOr<int64_t> ReadVersion(store::Transaction& txn) {
  auto rows = txn.Query("SELECT value FROM catalog_meta WHERE name = 'workspace_marks_version'");
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return absl::DataLossError("catalog_meta has no workspace_marks_version row");
  return store::AsInt64((*rows)[0][0]).value_or(0);
}

// The stored response of a request id: "changed,unchanged,version".
std::string EncodeResult(const MarkWriteResult& r) {
  return absl::StrCat(r.changed, ",", r.unchanged, ",", r.version);
}

absl::StatusOr<MarkWriteResult> DecodeResult(std::string_view bytes) {
  std::vector<absl::string_view> parts =
      absl::StrSplit(absl::string_view(bytes.data(), bytes.size()), ',');
  MarkWriteResult r;
  if (parts.size() != 3 || !absl::SimpleAtoi(parts[0], &r.changed) ||
      !absl::SimpleAtoi(parts[1], &r.unchanged) || !absl::SimpleAtoi(parts[2], &r.version)) {
    return absl::DataLossError("stored UpdateWorkspaceCreatorMarks response cannot be decoded");
  }
  r.replayed = true;
  return r;
}

constexpr char kSelectChanges[] =
    "SELECT workspace_id, creator_id, kind, campaign_id, contacted_at_us, cleared, version "
    "FROM workspace_creator_marks WHERE version > $1 ORDER BY version LIMIT $2";

MarkChange DecodeChange(const store::Row& row) {
  MarkChange c;
  c.workspace_id = std::string(store::AsText(row[0]).value_or(""));
  c.creator_id = std::string(store::AsText(row[1]).value_or(""));
  c.kind = static_cast<MarkKind>(store::AsInt64(row[2]).value_or(0));
  c.campaign_id = std::string(store::AsText(row[3]).value_or(""));
  c.contacted_at = absl::FromUnixMicros(store::AsInt64(row[4]).value_or(0));
  c.cleared = store::AsInt64(row[5]).value_or(0) != 0;
  c.version = store::AsInt64(row[6]).value_or(0);
  return c;
}

}  // namespace

store::Migration WorkspaceMarksMigration() {
  // workspace_id first in the key (ARCHITECTURE §7: distributable by
  // workspace). campaign_id is '' for the kinds without a campaign, so the
  // key needs no NULLs. Clears are tombstones (cleared = 1) carrying a
  // version, so replicas see them in the feed.
  return {110, "workspace_creator_marks", R"sql(
CREATE TABLE workspace_creator_marks (
  workspace_id TEXT NOT NULL,
  creator_id TEXT NOT NULL,
  kind BIGINT NOT NULL,
  campaign_id TEXT NOT NULL,
  contacted_at_us BIGINT NOT NULL,
  cleared BIGINT NOT NULL,
  version BIGINT NOT NULL,
  update_time_us BIGINT NOT NULL,
  PRIMARY KEY (workspace_id, creator_id, kind, campaign_id)
);
CREATE UNIQUE INDEX workspace_creator_marks_version ON workspace_creator_marks (version);
INSERT INTO catalog_meta (name, value) VALUES ('workspace_marks_version', 0);
)sql"};
}

absl::StatusOr<std::unique_ptr<WorkspaceMarkStore>> WorkspaceMarkStore::Open(store::Database& db) {
  if (auto applied = store::Migrate(db, SearchStoreMigrations()); !applied.ok()) {
    return applied.status();
  }
  return std::unique_ptr<WorkspaceMarkStore>(new WorkspaceMarkStore(db));
}

absl::StatusOr<MarkWriteResult> WorkspaceMarkStore::Write(std::string_view workspace_id,
                                                          absl::Span<const MarkUpdate> marks,
                                                          const MarkRequestId* request_id,
                                                          absl::Time now,
                                                          std::vector<MarkChange>* changes) {
  MarkWriteResult result;
  std::vector<MarkChange> written;
  const std::string workspace(workspace_id);
  const store::RequestKey key{workspace_id, kMethod,
                              request_id ? std::string_view(request_id->request_id) : ""};
  absl::Status status = db_.RunInTransaction([&](store::Transaction& txn) -> absl::Status {
    // The transaction may be retried on contention: start from scratch.
    result = MarkWriteResult{};
    written.clear();
    if (request_id != nullptr) {
      auto done = store::LookupRequest(txn, key, request_id->request_hash);
      if (absl::IsFailedPrecondition(done.status())) {
        // The API's contract (docs/api.md): a reused id is bad input.
        return status::InvalidField("request_id", std::string(done.status().message()));
      }
      if (!done.ok()) return done.status();
      if (done->has_value()) {
        auto first = DecodeResult(**done);
        if (!first.ok()) return first.status();
        result = *first;
        return absl::OkStatus();
      }
    }
    absl::StatusOr<int64_t> version = ReadVersion(txn);
    if (!version.ok()) return version.status();
    int64_t next = *version;
    const int64_t now_us = absl::ToUnixMicros(now);
    for (const MarkUpdate& m : marks) {
      const int64_t kind = static_cast<int64_t>(m.kind);
      auto existing = txn.Query(
          "SELECT cleared, contacted_at_us FROM workspace_creator_marks "
          "WHERE workspace_id = $1 AND creator_id = $2 AND kind = $3 AND campaign_id = $4",
          {Value(workspace), Value(m.creator_id), Value(kind), Value(m.campaign_id)});
      if (!existing.ok()) return existing.status();
      const bool exists = !existing->empty();
      const bool live = exists && store::AsInt64((*existing)[0][0]).value_or(0) == 0;
      const int64_t stored_at = exists ? store::AsInt64((*existing)[0][1]).value_or(0) : 0;
      int64_t contacted_us = 0;
      if (m.clear) {
        if (!live) {
          ++result.unchanged;
          continue;
        }
      } else {
        if (m.kind == MarkKind::kContacted) contacted_us = absl::ToUnixMicros(m.contacted_at);
        // A contact keeps the latest time: an older or equal one changes nothing.
        if (live && (m.kind != MarkKind::kContacted || stored_at >= contacted_us)) {
          ++result.unchanged;
          continue;
        }
      }
      ++next;
      const int64_t cleared = m.clear ? 1 : 0;
      absl::StatusOr<int64_t> n =
          exists ? txn.Execute(
                       "UPDATE workspace_creator_marks SET contacted_at_us = $5, cleared = $6, "
                       "version = $7, update_time_us = $8 WHERE workspace_id = $1 AND "
                       "creator_id = $2 AND kind = $3 AND campaign_id = $4",
                       {Value(workspace), Value(m.creator_id), Value(kind), Value(m.campaign_id),
                        Value(contacted_us), Value(cleared), Value(next), Value(now_us)})
                 : txn.Execute(
                       "INSERT INTO workspace_creator_marks (workspace_id, creator_id, kind, "
                       "campaign_id, contacted_at_us, cleared, version, update_time_us) "
                       "VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                       {Value(workspace), Value(m.creator_id), Value(kind), Value(m.campaign_id),
                        Value(contacted_us), Value(cleared), Value(next), Value(now_us)});
      if (!n.ok()) return n.status();
      ++result.changed;
      written.push_back(MarkChange{next, workspace, m.creator_id, m.kind, m.campaign_id,
                                   absl::FromUnixMicros(contacted_us), m.clear});
    }
    if (next != *version) {
      auto n =
          txn.Execute("UPDATE catalog_meta SET value = $1 WHERE name = 'workspace_marks_version'",
                      {Value(next)});
      if (!n.ok()) return n.status();
    }
    result.version = next;
    if (request_id == nullptr) return absl::OkStatus();
    return store::RecordRequest(txn, key, request_id->request_hash, EncodeResult(result), now);
  });
  if (!status.ok()) return status;
  if (changes != nullptr) *changes = std::move(written);
  return result;
}

absl::StatusOr<std::vector<MarkChange>> WorkspaceMarkStore::ChangesSince(int64_t after_version,
                                                                         int limit) {
  std::vector<MarkChange> out;
  absl::Status status = db_.RunReadOnly([&](store::Transaction& txn) -> absl::Status {
    out.clear();
    auto rows = txn.Query(kSelectChanges, {Value(after_version), Value(int64_t{limit})});
    if (!rows.ok()) return rows.status();
    out.reserve(rows->size());
    for (const store::Row& row : *rows) out.push_back(DecodeChange(row));
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return out;
}

absl::StatusOr<int64_t> WorkspaceMarkStore::LatestVersion() {
  int64_t version = 0;
  absl::Status status = db_.RunReadOnly([&](store::Transaction& txn) -> absl::Status {
    absl::StatusOr<int64_t> v = ReadVersion(txn);
    if (!v.ok()) return v.status();
    version = *v;
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return version;
}

absl::StatusOr<int64_t> WorkspaceMarkStore::PurgeClearsBefore(absl::Time cutoff) {
  int64_t purged = 0;
  absl::Status status = db_.RunInTransaction([&](store::Transaction& txn) -> absl::Status {
    absl::StatusOr<int64_t> n =
        txn.Execute("DELETE FROM workspace_creator_marks WHERE cleared = 1 AND update_time_us < $1",
                    {store::Value(absl::ToUnixMicros(cutoff))});
    if (!n.ok()) return n.status();
    purged = *n;
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return purged;
}

}  // namespace microreach::search
