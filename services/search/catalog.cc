// Store-first writes, version-ordered index application, cache-aside reads.
#include "services/search/catalog.h"

#include "absl/strings/str_cat.h"
#include "common/log/log.h"
#include "google/protobuf/util/time_util.h"

namespace microreach::search {
namespace {

using common::v1::Creator;

constexpr int kFeedPage = 5000;

}  // namespace

Catalog::Catalog(CreatorStore& store, redis::ProfileCache* cache, CatalogListener& listener,
                 TierPolicy tiers, Clock clock)
    : store_(store), cache_(cache), listener_(listener), tiers_(tiers), clock_(std::move(clock)) {}

absl::Status Catalog::Load() {
  absl::MutexLock lock(&apply_mu_);
  return CatchUpLocked();
}

absl::Status Catalog::CatchUp() {
  absl::MutexLock lock(&apply_mu_);
  return CatchUpLocked();
}

absl::Status Catalog::CatchUpLocked() {
  while (true) {
    auto changes = store_.ChangesSince(applied_version_.load(), kFeedPage);
    if (!changes.ok()) return changes.status();
    if (changes->empty()) return absl::OkStatus();
    listener_.ApplyBatch(*changes);
    applied_version_.store(changes->back().version);
    for (const CatalogChange& c : *changes) {
      if (!c.deleted) {
        last_update_us_.store(std::max<int64_t>(
            last_update_us_.load(),
            absl::ToUnixMicros(absl::FromUnixSeconds(c.creator.update_time().seconds()))));
      }
    }
    if (static_cast<int>(changes->size()) < kFeedPage) return absl::OkStatus();
  }
}

absl::Time Catalog::last_update_time() const {
  return absl::FromUnixMicros(last_update_us_.load());
}

void Catalog::Invalidate(absl::Span<const CatalogChange> changes) {
  if (cache_ == nullptr || changes.empty()) return;
  std::vector<std::string> ids;
  ids.reserve(changes.size());
  for (const CatalogChange& c : changes) ids.push_back(c.creator_id);
  // The store already has the change; a failed delete only leaves a stale
  // copy for at most the cache TTL, and is counted by the cache.
  if (absl::Status s = cache_->InvalidateMany(ids); !s.ok()) {
    log::Warning("cache invalidation failed",
                 {{"error", std::string(s.message())}, {"ids", absl::StrCat(ids.size())}});
  }
}

absl::StatusOr<UpsertSummary> Catalog::Upsert(std::vector<Creator> creators, int first_position,
                                              bool validate_only) {
  UpsertSummary summary;
  // Pointers into `creators`: the store moves the written ones into the
  // changes instead of copying them.
  std::vector<Creator*> valid;
  std::vector<int> positions;
  valid.reserve(creators.size());
  for (size_t i = 0; i < creators.size(); ++i) {
    const int position = first_position + static_cast<int>(i);
    status::FieldViolations violations = ValidateCreator(creators[i]);
    if (!violations.empty()) {
      for (const auto& v : violations.violations()) {
        summary.rejected.push_back({position, creators[i].creator_id(), v.field, v.description});
      }
      continue;
    }
    NormalizeCreator(tiers_, &creators[i]);
    valid.push_back(&creators[i]);
    positions.push_back(position);
  }
  if (validate_only || valid.empty()) {
    summary.catalog_version = applied_version_.load();
    return summary;
  }
  std::vector<CatalogChange> changes;
  // Holding apply_mu_ across the commit keeps the replica poller from
  // reading our own rows back before we apply them (double work).
  absl::ReleasableMutexLock lock(&apply_mu_);
  auto results = store_.Upsert(absl::MakeConstSpan(valid), clock_(), &changes);
  if (!results.ok()) return results.status();
  for (size_t i = 0; i < results->size(); ++i) {
    const RecordResult& r = (*results)[i];
    switch (r.outcome) {
      case WriteOutcome::kCreated:
        ++summary.created;
        break;
      case WriteOutcome::kUpdated:
        ++summary.updated;
        break;
      case WriteOutcome::kUnchanged:
        ++summary.unchanged;
        break;
      case WriteOutcome::kRejected:
        summary.rejected.push_back({positions[i], valid[i]->creator_id(), r.field, r.description});
        break;
    }
  }
  // Our own commit is contiguous; anything between the applied version and
  // it came from another process and is read back from the store first.
  if (!changes.empty() && changes.front().version != applied_version_.load() + 1) {
    if (absl::Status s = CatchUpLocked(); !s.ok()) return s;
  }
  if (!changes.empty() && changes.back().version > applied_version_.load()) {
    listener_.ApplyBatch(changes);
    applied_version_.store(changes.back().version);
    last_update_us_.store(absl::ToUnixMicros(clock_()));
  }
  summary.catalog_version = applied_version_.load();
  lock.Release();
  Invalidate(changes);
  return summary;
}

absl::StatusOr<bool> Catalog::Delete(const std::string& creator_id) {
  auto change = store_.Delete(creator_id, clock_());
  if (!change.ok()) return change.status();
  if (!change->has_value()) return false;
  std::vector<CatalogChange> changes{**change};
  {
    absl::MutexLock lock(&apply_mu_);
    if (changes.front().version != applied_version_.load() + 1) {
      if (absl::Status s = CatchUpLocked(); !s.ok()) return s;
    }
    if (changes.front().version > applied_version_.load()) {
      listener_.ApplyBatch(changes);
      applied_version_.store(changes.front().version);
    }
  }
  Invalidate(changes);
  return true;
}

absl::StatusOr<std::optional<Creator>> Catalog::Get(const std::string& creator_id) {
  auto load_one = [this](std::string_view id) -> absl::StatusOr<std::optional<std::string>> {
    auto creator = store_.Get(std::string(id));
    if (!creator.ok()) return creator.status();
    if (!creator->has_value()) return std::optional<std::string>();
    return std::optional<std::string>((*creator)->SerializeAsString());
  };
  if (cache_ == nullptr) return store_.Get(creator_id);
  auto bytes = cache_->Get(creator_id, load_one);
  if (!bytes.ok()) return bytes.status();
  if (!bytes->has_value()) return std::optional<Creator>();
  Creator creator;
  if (!creator.ParseFromString(**bytes)) {
    // A corrupt cache entry must not fail the read: drop it, use the store.
    (void)cache_->Invalidate(creator_id);
    return store_.Get(creator_id);
  }
  return std::optional<Creator>(std::move(creator));
}

absl::StatusOr<std::vector<std::optional<Creator>>> Catalog::BatchGet(
    absl::Span<const std::string> creator_ids) {
  if (cache_ == nullptr) return store_.GetMany(creator_ids);
  auto load_many = [this](absl::Span<const std::string> ids)
      -> absl::StatusOr<std::vector<std::optional<std::string>>> {
    auto creators = store_.GetMany(ids);
    if (!creators.ok()) return creators.status();
    std::vector<std::optional<std::string>> out;
    out.reserve(creators->size());
    for (const auto& c : *creators) {
      out.push_back(c.has_value() ? std::optional<std::string>(c->SerializeAsString())
                                  : std::nullopt);
    }
    return out;
  };
  auto bytes = cache_->BatchGet(creator_ids, load_many);
  if (!bytes.ok()) return bytes.status();
  std::vector<std::optional<Creator>> out(bytes->size());
  for (size_t i = 0; i < bytes->size(); ++i) {
    if (!(*bytes)[i].has_value()) continue;
    Creator creator;
    if (creator.ParseFromString(*(*bytes)[i])) {
      out[i] = std::move(creator);
    } else {
      (void)cache_->Invalidate(creator_ids[i]);
      auto fresh = store_.Get(creator_ids[i]);
      if (!fresh.ok()) return fresh.status();
      out[i] = *std::move(fresh);
    }
  }
  return out;
}

}  // namespace microreach::search
