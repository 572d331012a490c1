// AIP-155 request-id table access; see request_ids.h.
#include "common/store/request_ids.h"

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace microreach::store {
namespace {

constexpr int64_t kPurgeBatch = 1000;

absl::Status ValidateKey(const RequestKey& key) {
  if (key.request_id.empty()) {
    return absl::InvalidArgumentError("store: request_id is empty");
  }
  if (key.workspace_id.empty() || key.method.empty()) {
    return absl::InvalidArgumentError("store: request key needs a workspace_id and a method");
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::optional<std::string>> LookupRequest(Transaction& txn, const RequestKey& key,
                                                         std::string_view request_hash) {
  if (absl::Status s = ValidateKey(key); !s.ok()) return s;
  absl::StatusOr<Rows> rows = txn.Query(
      "SELECT request_hash, response FROM request_ids"
      " WHERE workspace_id = $1 AND method = $2 AND request_id = $3",
      {std::string(key.workspace_id), std::string(key.method), std::string(key.request_id)});
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return std::nullopt;
  const Row& row = rows->front();
  const std::optional<std::string_view> stored_hash = AsBlob(row[0]);
  const std::optional<std::string_view> response = AsBlob(row[1]);
  if (!stored_hash || !response) {
    return absl::InternalError("store: malformed request_ids row");
  }
  if (*stored_hash != request_hash) {
    // Not the request id itself: the client may log it, the request may hold
    // personal data, so the message names neither.
    return absl::FailedPreconditionError(absl::StrCat(
        "request_id was already used for a different ", std::string(key.method),
        " request; a retry must resend the identical request, a new request needs a new "
        "request_id"));
  }
  return std::string(*response);
}

absl::Status RecordRequest(Transaction& txn, const RequestKey& key, std::string_view request_hash,
                           std::string_view response, absl::Time now) {
  if (absl::Status s = ValidateKey(key); !s.ok()) return s;
  return txn
      .Execute(
          "INSERT INTO request_ids"
          " (workspace_id, method, request_id, request_hash, response, created_at)"
          " VALUES ($1, $2, $3, $4, $5, $6)",
          {std::string(key.workspace_id), std::string(key.method), std::string(key.request_id),
           Blob{std::string(request_hash)}, Blob{std::string(response)}, absl::ToUnixMicros(now)})
      .status();
}

absl::StatusOr<int64_t> PurgeRequestIds(Database& db, absl::Time older_than) {
  const int64_t cutoff = absl::ToUnixMicros(older_than);
  int64_t total = 0;
  while (true) {
    int64_t deleted = 0;
    absl::Status s = db.RunInTransaction([&](Transaction& txn) -> absl::Status {
      // Row-value IN with a LIMITed subquery: portable batching (SQLite and
      // PostgreSQL both lack a default DELETE ... LIMIT).
      absl::StatusOr<int64_t> n = txn.Execute(
          "DELETE FROM request_ids WHERE (workspace_id, method, request_id) IN ("
          " SELECT workspace_id, method, request_id FROM request_ids"
          " WHERE created_at < $1 LIMIT $2)",
          {cutoff, kPurgeBatch});
      if (!n.ok()) return n.status();
      deleted = *n;
      return absl::OkStatus();
    });
    if (!s.ok()) return s;
    total += deleted;
    if (deleted < kPurgeBatch) return total;
  }
}

}  // namespace microreach::store
