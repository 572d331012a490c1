// The creator catalog as the service sees it: the store is the source of
// truth, the in-memory index follows it by version, and the shared Redis
// cache serves hot profiles.
#ifndef MICROREACH_SERVICES_SEARCH_CATALOG_H_
#define MICROREACH_SERVICES_SEARCH_CATALOG_H_

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "common/redis/profile_cache.h"
#include "services/search/creator_rules.h"
#include "services/search/creator_store.h"
#include "services/search/hot_profiles.h"

namespace microreach::search {

// Receives catalog changes in version order (the index implements it).
class CatalogListener {
 public:
  virtual ~CatalogListener() = default;
  virtual void ApplyBatch(absl::Span<const CatalogChange> changes) = 0;
};

// Outcome of one UpsertCreators call.
struct UpsertSummary {
  int64_t created = 0;
  int64_t updated = 0;
  int64_t unchanged = 0;
  struct Rejected {
    int position;  // index in the submitted stream
    std::string creator_id;
    std::string field;  // relative to the creator, e.g. "stats.followers"
    std::string description;
  };
  std::vector<Rejected> rejected;
  int64_t catalog_version = 0;
};

// Thread-safe.
class Catalog {
 public:
  using Clock = std::function<absl::Time()>;

  // `cache` may be null (no Redis configured).
  Catalog(CreatorStore& store, redis::ProfileCache* cache, CatalogListener& listener,
          TierPolicy tiers, Clock clock = absl::Now);

  // Puts an in-process LRU in front of the cache (null: none). Call before
  // Load(); `hot` must outlive the catalog. Every change applied (own writes
  // and replicated ones) invalidates it.
  void UseHotProfiles(HotProfiles* hot) { hot_ = hot; }

  // Replays the whole store into the listener (start-up).
  absl::Status Load();
  // Start-up when the listener already holds every change up to `version`
  // (an index snapshot): applies only the changes after it.
  absl::Status LoadFrom(int64_t version);
  // The store's latest version (0 when empty).
  absl::StatusOr<int64_t> StoreVersion() { return store_.LatestVersion(); }
  // The store's catalog id (CreatorStore::CatalogId).
  absl::StatusOr<int64_t> CatalogId() { return store_.CatalogId(); }

  // Validates, normalises and writes `creators` (positions start at
  // `first_position`), applies the changes to the listener in version order
  // and then deletes the cache entries (after the commit).
  absl::StatusOr<UpsertSummary> Upsert(std::vector<common::v1::Creator> creators,
                                       int first_position, bool validate_only);
  // Same on the caller's records (e.g. on the arena the stream was parsed
  // into), which are normalised and get their versions in place.
  absl::StatusOr<UpsertSummary> Upsert(absl::Span<common::v1::Creator* const> creators,
                                       int first_position, bool validate_only);

  // Upsert in two steps, so a stream can commit its next batch while the
  // previous one is applied: Commit validates and writes (the records are
  // durable when it returns; catalog_version is the last committed one) and
  // fills `changes`, which refer to `creators`; ApplyCommitted then applies
  // them to the listener in version order and invalidates the caches. Calls
  // to ApplyCommitted must come in commit order, and every Commit that
  // returned changes must be followed by one (CatchUp() pauses from the start
  // of a Commit until its batch is applied).
  absl::StatusOr<UpsertSummary> Commit(absl::Span<common::v1::Creator* const> creators,
                                       int first_position, bool validate_only,
                                       std::vector<CatalogChange>* changes);
  absl::Status ApplyCommitted(absl::Span<const CatalogChange> changes);

  // Deletes a profile; false when it was not in the catalog.
  absl::StatusOr<bool> Delete(const std::string& creator_id);

  // Profiles through the cache (cache-aside), nullopt for unknown ids.
  absl::StatusOr<std::optional<common::v1::Creator>> Get(const std::string& creator_id);
  // The same profile serialized (null for an unknown id), through the
  // in-process LRU first: the fast path of GetCreator, without a parse.
  absl::StatusOr<HotProfiles::Bytes> GetSerialized(const std::string& creator_id);
  absl::StatusOr<std::vector<std::optional<common::v1::Creator>>> BatchGet(
      absl::Span<const std::string> creator_ids);

  // Applies every change committed by any process since the last one seen:
  // how replicas on a shared store stay current.
  absl::Status CatchUp();

  int64_t applied_version() const { return applied_version_.load(); }
  absl::Time last_update_time() const;

 private:
  // Applies store changes after applied_version_. Requires apply_mu_.
  absl::Status CatchUpLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(apply_mu_);
  // Deletes the Redis keys of `ids` (after their commit and apply).
  void InvalidateRedis(absl::Span<const std::string> ids);
  // Drops changes read from the feed from the in-process LRU (their writer
  // deletes the Redis keys).
  void InvalidateHot(absl::Span<const CatalogChange> changes);

  CreatorStore& store_;
  redis::ProfileCache* cache_;
  HotProfiles* hot_ = nullptr;
  CatalogListener& listener_;
  const TierPolicy tiers_;
  const Clock clock_;
  // Serialises application to the listener so it sees versions in order.
  absl::Mutex apply_mu_;
  std::atomic<int64_t> applied_version_{0};
  std::atomic<int64_t> last_update_us_{0};
  // Batches committed by Commit and not yet passed to ApplyCommitted.
  std::atomic<int> own_commits_in_flight_{0};
};

}  // namespace microreach::search

#endif  // MICROREACH_SERVICES_SEARCH_CATALOG_H_
