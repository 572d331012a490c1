// Store-first writes, version-ordered index application, cache-aside reads.
#include "services/search/catalog.h"

#include <algorithm>
#include <thread>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/str_cat.h"
#include "common/log/log.h"
#include "google/protobuf/util/time_util.h"

namespace microreach::search {
namespace {

using common::v1::Creator;

// Changes read from the store at a time: one round of CreatorIndex::ApplyBatch.
constexpr int kFeedPage = 4096;

}  // namespace

Catalog::Catalog(CreatorStore& store, redis::ProfileCache* cache, CatalogListener& listener,
                 TierPolicy tiers, Clock clock)
    : store_(store), cache_(cache), listener_(listener), tiers_(tiers), clock_(std::move(clock)) {}

absl::Status Catalog::Load() {
  absl::MutexLock lock(&apply_mu_);
  return CatchUpLocked();
}

absl::Status Catalog::LoadFrom(int64_t version) {
  absl::MutexLock lock(&apply_mu_);
  applied_version_.store(version);
  // The catalog's last update time as of the snapshot: the record at its
  // version (or the first one after it, which the catch-up applies anyway).
  if (version > 0) {
    auto last = store_.ChangesSince(version - 1, 1);
    if (!last.ok()) return last.status();
    if (!last->empty() && !last->front().deleted) {
      last_update_us_.store(absl::ToUnixMicros(
          absl::FromUnixSeconds(last->front().profile().update_time().seconds())));
    }
  }
  return CatchUpLocked();
}

absl::Status Catalog::CatchUp() {
  // Our own committed batches are about to be applied from memory, and
  // ApplyCommitted reads any other process's changes before them: reading
  // them back from the store here would only duplicate that work.
  if (own_commits_in_flight_.load() > 0) return absl::OkStatus();
  absl::MutexLock lock(&apply_mu_);
  if (own_commits_in_flight_.load() > 0) return absl::OkStatus();
  return CatchUpLocked();
}

absl::Status Catalog::CatchUpLocked() {
  absl::StatusOr<std::vector<CatalogChange>> page =
      store_.ChangesSince(applied_version_.load(), kFeedPage);
  std::vector<CatalogChange> spent;  // the page applied last
  while (true) {
    if (!page.ok()) return page.status();
    if (page->empty()) return absl::OkStatus();
    const bool full = static_cast<int>(page->size()) == kFeedPage;
    // A full page means more follow (a start-up rebuild, a replica far
    // behind): the next one is read and decoded from the store while this one
    // is applied, and the one before is freed there too (a tenth of a
    // rebuild's time is freeing the parsed profiles).
    absl::StatusOr<std::vector<CatalogChange>> next;
    std::thread reader;
    if (full) {
      reader = std::thread(
          [this, &next, after = page->back().version, old = std::move(spent)]() mutable {
            std::vector<CatalogChange>().swap(old);
            next = store_.ChangesSince(after, kFeedPage);
          });
    }
    listener_.ApplyBatch(*page);
    InvalidateHot(*page);
    applied_version_.store(page->back().version);
    for (const CatalogChange& c : *page) {
      if (!c.deleted) {
        last_update_us_.store(std::max<int64_t>(
            last_update_us_.load(),
            absl::ToUnixMicros(absl::FromUnixSeconds(c.profile().update_time().seconds()))));
      }
    }
    if (!full) return absl::OkStatus();
    reader.join();
    spent = *std::move(page);
    page = std::move(next);
  }
}

absl::Time Catalog::last_update_time() const {
  return absl::FromUnixMicros(last_update_us_.load());
}

void Catalog::InvalidateHot(absl::Span<const CatalogChange> changes) {
  if (hot_ == nullptr || changes.empty()) return;
  std::vector<std::string> ids;
  ids.reserve(changes.size());
  for (const CatalogChange& c : changes) ids.push_back(c.creator_id);
  hot_->Invalidate(ids);
}

void Catalog::InvalidateRedis(absl::Span<const std::string> ids) {
  if (cache_ == nullptr || ids.empty()) return;
  // The store already has the change; a failed delete only leaves a stale
  // copy for at most the cache TTL, and is counted by the cache.
  if (absl::Status s = cache_->InvalidateMany(ids); !s.ok()) {
    log::Warning("cache invalidation failed",
                 {{"error", std::string(s.message())}, {"ids", absl::StrCat(ids.size())}});
  }
}

absl::StatusOr<UpsertSummary> Catalog::Upsert(std::vector<Creator> creators, int first_position,
                                              bool validate_only) {
  std::vector<Creator*> pointers;
  pointers.reserve(creators.size());
  for (Creator& c : creators) pointers.push_back(&c);
  return Upsert(absl::MakeConstSpan(pointers), first_position, validate_only);
}

absl::StatusOr<UpsertSummary> Catalog::Upsert(absl::Span<Creator* const> creators,
                                              int first_position, bool validate_only) {
  std::vector<CatalogChange> changes;
  auto summary = Commit(creators, first_position, validate_only, &changes);
  if (!summary.ok()) return summary;
  if (absl::Status s = ApplyCommitted(changes); !s.ok()) return s;
  summary->catalog_version = applied_version_.load();
  return summary;
}

absl::StatusOr<UpsertSummary> Catalog::Commit(absl::Span<Creator* const> creators,
                                              int first_position, bool validate_only,
                                              std::vector<CatalogChange>* changes) {
  changes->clear();
  UpsertSummary summary;
  // The store's changes refer to these records rather than copying them.
  std::vector<Creator*> valid;
  std::vector<int> positions;
  valid.reserve(creators.size());
  for (size_t i = 0; i < creators.size(); ++i) {
    const int position = first_position + static_cast<int>(i);
    status::FieldViolations violations = ValidateCreator(*creators[i]);
    if (!violations.empty()) {
      for (const auto& v : violations.violations()) {
        summary.rejected.push_back({position, creators[i]->creator_id(), v.field, v.description});
      }
      continue;
    }
    NormalizeCreator(tiers_, creators[i]);
    valid.push_back(creators[i]);
    positions.push_back(position);
  }
  if (validate_only || valid.empty()) {
    summary.catalog_version = applied_version_.load();
    return summary;
  }
  // Counted from before the write: a poll that starts while the commit
  // lands would otherwise read the batch back from the store and apply it
  // itself (measured: a tenth of the server's CPU during a bulk stream).
  own_commits_in_flight_.fetch_add(1);
  auto results = store_.Upsert(absl::MakeConstSpan(valid), clock_(), changes);
  if (!results.ok() || changes->empty()) own_commits_in_flight_.fetch_sub(1);
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
  summary.catalog_version = changes->empty() ? applied_version_.load() : changes->back().version;
  return summary;
}

absl::Status Catalog::ApplyCommitted(absl::Span<const CatalogChange> changes) {
  if (changes.empty()) return absl::OkStatus();
  absl::Cleanup done = [this] { own_commits_in_flight_.fetch_sub(1); };
  std::vector<std::string> ids;
  ids.reserve(changes.size());
  for (const CatalogChange& c : changes) ids.push_back(c.creator_id);
  // From before the apply until the Redis keys are gone, the LRU neither
  // holds these ids nor keeps a value loaded meanwhile (it may be Redis's old
  // copy).
  if (hot_ != nullptr) hot_->BeginInvalidate(ids);
  absl::Cleanup end = [&] {
    if (hot_ != nullptr) hot_->EndInvalidate(ids);
  };
  {
    absl::MutexLock lock(&apply_mu_);
    // Our own commit is contiguous; anything between the applied version and
    // it came from another process and is read back from the store first
    // (which may apply our rows too, as may the replica poller when it runs
    // between our commit and this call: only what is left is applied here).
    if (changes.front().version != applied_version_.load() + 1 &&
        changes.back().version > applied_version_.load()) {
      if (absl::Status s = CatchUpLocked(); !s.ok()) return s;
    }
    const int64_t applied = applied_version_.load();
    auto first = std::find_if(changes.begin(), changes.end(),
                              [&](const CatalogChange& c) { return c.version > applied; });
    if (first != changes.end()) {
      const absl::Span<const CatalogChange> rest =
          changes.subspan(static_cast<size_t>(first - changes.begin()));
      listener_.ApplyBatch(rest);
      applied_version_.store(rest.back().version);
      last_update_us_.store(absl::ToUnixMicros(clock_()));
    }
  }
  InvalidateRedis(ids);
  return absl::OkStatus();
}

absl::StatusOr<bool> Catalog::Delete(const std::string& creator_id) {
  auto change = store_.Delete(creator_id, clock_());
  if (!change.ok()) return change.status();
  if (!change->has_value()) return false;
  std::vector<CatalogChange> changes{**change};
  const std::vector<std::string> ids = {creator_id};
  if (hot_ != nullptr) hot_->BeginInvalidate(ids);
  absl::Cleanup end = [&] {
    if (hot_ != nullptr) hot_->EndInvalidate(ids);
  };
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
  InvalidateRedis(ids);
  return true;
}

absl::StatusOr<HotProfiles::Bytes> Catalog::GetSerialized(const std::string& creator_id) {
  if (hot_ != nullptr) {
    if (HotProfiles::Bytes bytes = hot_->Get(creator_id)) return bytes;
  }
  const uint64_t ticket = hot_ != nullptr ? hot_->Ticket(creator_id) : 0;
  auto from_store = [&]() -> absl::StatusOr<std::optional<std::string>> {
    auto creator = store_.Get(creator_id);
    if (!creator.ok()) return creator.status();
    if (!creator->has_value()) return std::optional<std::string>();
    return std::optional<std::string>((*creator)->SerializeAsString());
  };
  absl::StatusOr<std::optional<std::string>> bytes;
  if (cache_ == nullptr) {
    bytes = from_store();
  } else {
    bytes = cache_->Get(creator_id,
                        [&](std::string_view) -> absl::StatusOr<std::optional<std::string>> {
                          return from_store();
                        });
    // A corrupt cache entry must not fail the read: drop it, use the store.
    if (bytes.ok() && bytes->has_value() && !Creator().ParseFromString(**bytes)) {
      (void)cache_->Invalidate(creator_id);
      bytes = from_store();
    }
  }
  if (!bytes.ok()) return bytes.status();
  if (!bytes->has_value()) return HotProfiles::Bytes();
  auto shared = std::make_shared<const std::string>(**std::move(bytes));
  if (hot_ != nullptr) hot_->Insert(creator_id, shared, ticket);
  return HotProfiles::Bytes(std::move(shared));
}

absl::StatusOr<std::optional<Creator>> Catalog::Get(const std::string& creator_id) {
  auto bytes = GetSerialized(creator_id);
  if (!bytes.ok()) return bytes.status();
  if (*bytes == nullptr) return std::optional<Creator>();
  Creator creator;
  if (!creator.ParseFromString(**bytes)) return store_.Get(creator_id);
  return std::optional<Creator>(std::move(creator));
}

absl::StatusOr<std::vector<std::optional<Creator>>> Catalog::BatchGet(
    absl::Span<const std::string> creator_ids) {
  std::vector<std::optional<Creator>> out(creator_ids.size());
  // Served from the in-process LRU where possible; the rest below.
  std::vector<std::string> missed_ids;
  std::vector<size_t> missed_positions;
  std::vector<uint64_t> tickets;
  for (size_t i = 0; i < creator_ids.size(); ++i) {
    if (hot_ != nullptr) {
      if (HotProfiles::Bytes bytes = hot_->Get(creator_ids[i])) {
        Creator creator;
        if (creator.ParseFromString(*bytes)) {
          out[i] = std::move(creator);
          continue;
        }
      }
      tickets.push_back(hot_->Ticket(creator_ids[i]));
    }
    missed_ids.push_back(creator_ids[i]);
    missed_positions.push_back(i);
  }
  if (missed_ids.empty()) return out;
  auto keep = [&](size_t m, std::string bytes) {
    if (hot_ == nullptr) return;
    hot_->Insert(missed_ids[m], std::make_shared<const std::string>(std::move(bytes)), tickets[m]);
  };
  if (cache_ == nullptr) {
    auto creators = store_.GetMany(missed_ids);
    if (!creators.ok()) return creators.status();
    for (size_t m = 0; m < missed_ids.size(); ++m) {
      std::optional<Creator>& c = (*creators)[m];
      if (!c.has_value()) continue;
      if (hot_ != nullptr) keep(m, c->SerializeAsString());
      out[missed_positions[m]] = std::move(c);
    }
    return out;
  }
  auto load_many = [this](absl::Span<const std::string> ids)
      -> absl::StatusOr<std::vector<std::optional<std::string>>> {
    auto creators = store_.GetMany(ids);
    if (!creators.ok()) return creators.status();
    std::vector<std::optional<std::string>> loaded;
    loaded.reserve(creators->size());
    for (const auto& c : *creators) {
      loaded.push_back(c.has_value() ? std::optional<std::string>(c->SerializeAsString())
                                     : std::nullopt);
    }
    return loaded;
  };
  auto bytes = cache_->BatchGet(missed_ids, load_many);
  if (!bytes.ok()) return bytes.status();
  for (size_t m = 0; m < bytes->size(); ++m) {
    std::optional<std::string>& b = (*bytes)[m];
    if (!b.has_value()) continue;
    Creator creator;
    if (creator.ParseFromString(*b)) {
      keep(m, *std::move(b));
      out[missed_positions[m]] = std::move(creator);
    } else {
      (void)cache_->Invalidate(missed_ids[m]);
      auto fresh = store_.Get(missed_ids[m]);
      if (!fresh.ok()) return fresh.status();
      out[missed_positions[m]] = *std::move(fresh);
    }
  }
  return out;
}

}  // namespace microreach::search
