// The creator catalog's durable store: profiles by creator_id with a
// catalog-wide version that replicas follow, on any store::Database backend.
#ifndef MICROREACH_SERVICES_SEARCH_CREATOR_STORE_H_
#define MICROREACH_SERVICES_SEARCH_CREATOR_STORE_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "common/store/database.h"
#include "common/store/migrations.h"
#include "microreach/common/v1/creator.pb.h"

namespace microreach::search {

// What happened to one record of an upsert batch.
enum class WriteOutcome { kCreated, kUpdated, kUnchanged, kRejected };

struct RecordResult {
  WriteOutcome outcome = WriteOutcome::kCreated;
  int64_t version = 0;      // the record's version after the call
  std::string field;        // for kRejected: the offending field
  std::string description;  // for kRejected: why
};

// A change to the catalog, as replicas and the index consume it.
struct CatalogChange {
  int64_t version = 0;
  std::string creator_id;
  bool deleted = false;
  common::v1::Creator creator;  // empty when deleted or when `source` is set
  // Set instead of `creator` by the in-place upsert below: the written
  // record itself, valid while the caller's batch lives.
  const common::v1::Creator* source = nullptr;

  // The profile, whichever of the two holds it.
  const common::v1::Creator& profile() const { return source != nullptr ? *source : creator; }
};

// Every migration of the search store, in order: the catalog's and the
// workspace marks' (one list, because Migrate refuses a database holding a
// version its list does not know). CreatorStore::Open applies them.
std::vector<store::Migration> SearchStoreMigrations();

// Not thread-compatible beyond what store::Database provides: every method
// runs in its own transaction and may be called concurrently.
class CreatorStore {
 public:
  // Applies the catalog's migrations and returns the store.
  static absl::StatusOr<std::unique_ptr<CreatorStore>> Open(std::unique_ptr<store::Database> db);

  // Writes a batch in one transaction. Records must be validated and
  // normalised (output-only fields clear). A record identical to the stored
  // one is kUnchanged (no version bump); one whose (platform, handle) belongs
  // to another live creator is kRejected; the others get the catalog's next
  // versions, in batch order. `changes` receives the written records with
  // their versions and times set.
  //
  // The stored rows of the batch are read with a few IN queries (not one
  // query per record), the records are checked against them in batch order
  // (so a later record sees an earlier one's effect, e.g. a freed handle or
  // a second write of the same id), and consecutive new records go in as
  // multi-row INSERTs.
  absl::StatusOr<std::vector<RecordResult>> Upsert(absl::Span<const common::v1::Creator> batch,
                                                   absl::Time now,
                                                   std::vector<CatalogChange>* changes);
  // Same, without copying: after a successful commit each written record
  // *batch[i] gets its version and times, and its change refers to it
  // (CatalogChange::source), so `changes` is valid only while the batch is.
  absl::StatusOr<std::vector<RecordResult>> Upsert(absl::Span<common::v1::Creator* const> batch,
                                                   absl::Time now,
                                                   std::vector<CatalogChange>* changes);

  // Deletes (tombstones) a profile. The change's version, or nullopt when
  // the id is not in the catalog.
  absl::StatusOr<std::optional<CatalogChange>> Delete(const std::string& creator_id,
                                                      absl::Time now);

  // One live profile with its output-only fields set, or nullopt.
  absl::StatusOr<std::optional<common::v1::Creator>> Get(const std::string& creator_id);

  // Live profiles by id, in the order asked; nullopt for ids not in the catalog.
  absl::StatusOr<std::vector<std::optional<common::v1::Creator>>> GetMany(
      absl::Span<const std::string> creator_ids);

  // Changes after `after_version` in version order, at most `limit`.
  absl::StatusOr<std::vector<CatalogChange>> ChangesSince(int64_t after_version, int limit);

  // The latest version in the catalog (0 when empty).
  absl::StatusOr<int64_t> LatestVersion();

  // A random id (> 0) drawn when the catalog is first asked for it and kept
  // in the store for good: it tells this catalog's index snapshots from
  // another store's. Every process on the store reads the same id.
  absl::StatusOr<int64_t> CatalogId();

 private:
  explicit CreatorStore(std::unique_ptr<store::Database> db) : db_(std::move(db)) {}
  std::unique_ptr<store::Database> db_;
};

}  // namespace microreach::search

#endif  // MICROREACH_SERVICES_SEARCH_CREATOR_STORE_H_
