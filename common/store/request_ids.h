// AIP-155 request-id de-duplication: look a request id up and record its
// response inside the same transaction as the change, so a retried mutating
// RPC never applies twice.
#ifndef MICROREACH_COMMON_STORE_REQUEST_IDS_H_
#define MICROREACH_COMMON_STORE_REQUEST_IDS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/store/database.h"

namespace microreach::store {

// Which request is being de-duplicated. Needs the request_ids table from
// BaseMigrations().
struct RequestKey {
  // From the caller's authenticated identity, never from the request body, so
  // one workspace cannot replay (or probe) another's responses.
  std::string_view workspace_id;
  // Full gRPC method name, e.g. "/microreach.outreach.v1.OutreachService/SendMessage".
  std::string_view method;
  // The client's request_id (non-empty; requests without one are not
  // de-duplicated and should not call this API).
  std::string_view request_id;
};

// Returns the stored response if this request was already done, or nullopt if
// it is new (then make the change and call RecordRequest in the same
// transaction). `request_hash` is a digest of the request with its request_id
// cleared (e.g. SHA-256 of the deterministic serialization).
//
// Errors: kFailedPrecondition if the request_id was used before with a
// different request_hash (a retry must resend the same request; the client
// needs a new request_id); kInvalidArgument for an empty request_id.
//
// Example:
//   db.RunInTransaction([&](Transaction& txn) -> absl::Status {
//     absl::StatusOr<std::optional<std::string>> done = LookupRequest(txn, key, hash);
//     if (!done.ok()) return done.status();
//     if (done->has_value()) return response.ParseFromString(**done) ? ... ;
//     ... make the change, fill `response` ...
//     return RecordRequest(txn, key, hash, response.SerializeAsString(), absl::Now());
//   });
absl::StatusOr<std::optional<std::string>> LookupRequest(Transaction& txn, const RequestKey& key,
                                                         std::string_view request_hash);

// Records the response of a request whose change is in this transaction.
// kAlreadyExists if the key is already recorded (LookupRequest was skipped, or
// a concurrent duplicate on a backend without serializable writes).
absl::Status RecordRequest(Transaction& txn, const RequestKey& key, std::string_view request_hash,
                           std::string_view response, absl::Time now);

// Deletes request ids recorded before `older_than`, in batches so the write
// lock is never held for long; returns how many were deleted. AIP-155 asks to
// honour ids for at least an hour; keep a few days to cover client outages.
absl::StatusOr<int64_t> PurgeRequestIds(Database& db, absl::Time older_than);

}  // namespace microreach::store

#endif  // MICROREACH_COMMON_STORE_REQUEST_IDS_H_
