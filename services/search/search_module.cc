// Wiring of the search service: store, profile cache, index, catalog, the
// workspace marks, the replica poller, and the gRPC adapter.
#include "services/search/search_module.h"

#include <atomic>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/notification.h"
#include "common/log/log.h"
#include "common/redis/profile_cache.h"
#include "common/redis/redis_pool.h"
#include "prometheus/counter.h"
#include "prometheus/gauge.h"
#include "services/search/catalog.h"
#include "services/search/index/creator_index.h"
#include "services/search/index_listener.h"
#include "services/search/index_snapshots.h"
#include "services/search/search_service.h"
#include "services/search/workspace_marks.h"

ABSL_FLAG(std::string, catalog_writers, "",
          "workspaces allowed to write the catalog (comma separated); empty allows all");
ABSL_FLAG(std::string, page_token_secret, "microreach",
          "keys page tokens; replicas behind one Service must share it (secret)");
ABSL_FLAG(absl::Duration, catalog_poll_interval, absl::Milliseconds(250),
          "how often a replica reads other processes' catalog writes from the store");
ABSL_FLAG(int, local_profile_cache_mb, 256,
          "in-process LRU of serialized profiles in front of Redis, in MiB (0 turns it off); "
          "invalidated by every catalog change this process applies");
ABSL_FLAG(std::string, tier_bounds, "",
          "per-platform tier bounds: platform=micro:macro:country:global[,...]; default "
          "10000:100000:1000000:10000000 for all");

ABSL_FLAG(int, index_query_threads, 0,
          "threads one broad search may use: its doc-id range parts run side by side on a "
          "shared pool (0 = every core, 1 = the calling thread only, at most 64)");
ABSL_FLAG(std::string, index_snapshot_path, "",
          "file the search index is saved to (periodically and on shutdown) and loaded from "
          "at start-up, the catalog then catching up from the store; empty turns snapshots off");
ABSL_FLAG(absl::Duration, index_snapshot_interval, absl::Minutes(10),
          "how often the index snapshot is rewritten in the background when the catalog "
          "changed (0 = only on shutdown)");

namespace microreach::search {
namespace {

// Bounds how long a copy that Redis served stale (the cache-aside race) can
// live on in the in-process LRU.
constexpr absl::Duration kLocalProfileTtl = absl::Minutes(1);

CreatorIndex::Options IndexOptions(const TierPolicy& tiers) {
  CreatorIndex::Options options;
  options.query_threads = absl::GetFlag(FLAGS_index_query_threads);
  options.tier_bounds = tiers.fallback().lower;
  for (const auto& [platform, bounds] : tiers.overrides()) {
    options.platform_tier_bounds[platform] = bounds.lower;
  }
  return options;
}

class SearchModule final : public server::ServiceModule {
 public:
  static absl::StatusOr<std::unique_ptr<SearchModule>> Create(
      const server::ServiceContext& context) {
    auto tiers = TierPolicy::Parse(absl::GetFlag(FLAGS_tier_bounds));
    if (!tiers.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("--tier_bounds: ", tiers.status().message()));
    }
    const absl::Duration poll = absl::GetFlag(FLAGS_catalog_poll_interval);
    if (poll < absl::Milliseconds(10) || poll > absl::Minutes(10)) {
      return absl::InvalidArgumentError("--catalog_poll_interval: must be between 10ms and 10m");
    }
    const int local_mb = absl::GetFlag(FLAGS_local_profile_cache_mb);
    if (local_mb < 0 || local_mb > 65536) {
      return absl::InvalidArgumentError(
          absl::StrCat("--local_profile_cache_mb: must be between 0 and 65536, got ", local_mb));
    }
    const int query_threads = absl::GetFlag(FLAGS_index_query_threads);
    if (query_threads < 0 || query_threads > 64) {
      return absl::InvalidArgumentError(
          absl::StrCat("--index_query_threads: must be between 0 and 64, got ", query_threads));
    }
    const absl::Duration snapshot_interval = absl::GetFlag(FLAGS_index_snapshot_interval);
    if (snapshot_interval < absl::ZeroDuration() ||
        (snapshot_interval > absl::ZeroDuration() && snapshot_interval < absl::Seconds(10))) {
      return absl::InvalidArgumentError("--index_snapshot_interval: must be 0 or at least 10s");
    }
    auto module = std::unique_ptr<SearchModule>(new SearchModule(*tiers, poll));
    module->snapshots_ = std::make_unique<IndexSnapshots>(
        module->index_,
        IndexSnapshots::Options{absl::GetFlag(FLAGS_index_snapshot_path), snapshot_interval},
        &context.registry);
    module->staleness_ = &prometheus::BuildGauge()
                              .Name("microreach_index_staleness_seconds")
                              .Help(
                                  "Seconds since the index last caught up with the store "
                                  "(start of the last successful poll); grows while polling "
                                  "fails.")
                              .Register(context.registry)
                              .Add({});
    module->index_creators_ = &prometheus::BuildGauge()
                                   .Name("microreach_index_creators")
                                   .Help("Live creator profiles in the search index.")
                                   .Register(context.registry)
                                   .Add({});
    module->workspace_marks_ = &prometheus::BuildGauge()
                                    .Name("microreach_workspace_marks")
                                    .Help(
                                        "Live workspace marks (blocklist entries, campaign "
                                        "memberships, contacts) this process resolves searches "
                                        "against, refreshed every poll.")
                                    .Register(context.registry)
                                    .Add({});
    module->clears_purged_ = &prometheus::BuildCounter()
                                  .Name("microreach_workspace_mark_clears_purged_total")
                                  .Help(
                                      "Workspace mark clears (tombstones) older than the "
                                      "retention deleted from the store, checked hourly.")
                                  .Register(context.registry)
                                  .Add({});
    module->index_bytes_ = &prometheus::BuildGauge()
                                .Name("microreach_index_bytes")
                                .Help(
                                    "Memory held by the search index (columns, postings, "
                                    "vocabularies), refreshed every 10 s.")
                                .Register(context.registry)
                                .Add({});
    store::DatabaseOptions db_options;
    db_options.store_name = "search";
    db_options.metrics_registry = &context.registry;
    auto db = store::OpenDatabase(context.config.store_url, db_options);
    if (!db.ok()) return db.status();
    // The marks share the catalog's database (one pool, one migration list);
    // store_ owns it and outlives mark_store_.
    store::Database& database = **db;
    auto store = CreatorStore::Open(*std::move(db));
    if (!store.ok()) return store.status();
    module->store_ = *std::move(store);
    auto mark_store = WorkspaceMarkStore::Open(database);
    if (!mark_store.ok()) return mark_store.status();
    module->mark_store_ = *std::move(mark_store);
    module->exclusions_ = std::make_unique<WorkspaceExclusions>(*module->mark_store_);

    if (!context.config.redis_address.empty()) {
      const redis::RedisOptions redis =
          redis::RedisOptionsFor(context.config.redis_address, context.config.redis_pool_size,
                                 context.config.redis_timeout, context.config.redis_password);
      module->pool_ = std::make_unique<redis::RedisPool>(redis);
      module->cache_ = std::make_unique<redis::ProfileCache>(
          *module->pool_, redis::ProfileCacheOptions{}, context.registry);
    }
    module->catalog_ =
        std::make_unique<Catalog>(*module->store_, module->cache_.get(), module->listener_, *tiers);
    if (local_mb > 0) {
      module->hot_ = std::make_unique<HotProfiles>(static_cast<size_t>(local_mb) << 20,
                                                   kLocalProfileTtl, &context.registry);
      module->catalog_->UseHotProfiles(module->hot_.get());
    }
    SearchServiceOptions options;
    for (absl::string_view w :
         absl::StrSplit(absl::GetFlag(FLAGS_catalog_writers), ',', absl::SkipWhitespace())) {
      options.catalog_writers.insert(std::string(w));
    }
    options.page_token_secret = absl::GetFlag(FLAGS_page_token_secret);
    module->service_ = std::make_unique<SearchServiceImpl>(
        *module->catalog_, module->index_, context.auth, options, *module->exclusions_);
    return module;
  }

  std::vector<Registration> Services() override {
    return {{service_.get(), v1::SearchService::service_full_name()}};
  }

  absl::Status Prepare() override {
    const absl::Time start = absl::Now();
    bool from_snapshot = false;
    if (snapshots_->enabled()) {
      absl::StatusOr<int64_t> store_version = catalog_->StoreVersion();
      if (!store_version.ok()) return store_version.status();
      absl::StatusOr<int64_t> catalog_id = catalog_->CatalogId();
      if (!catalog_id.ok()) return catalog_id.status();
      if (absl::StatusOr<int64_t> v = snapshots_->Load(*store_version, *catalog_id); v.ok()) {
        if (absl::Status s = catalog_->LoadFrom(*v); !s.ok()) return s;
        from_snapshot = true;
      }
    }
    if (!from_snapshot) {
      if (absl::Status s = catalog_->Load(); !s.ok()) return s;
    }
    const double seconds = absl::ToDoubleSeconds(absl::Now() - start);
    log::Info("catalog loaded", {{"creators", absl::StrCat(index_.size())},
                                 {"version", absl::StrCat(catalog_->applied_version())},
                                 {"seconds", absl::StrCat(seconds)},
                                 {"from_snapshot", from_snapshot ? "true" : "false"},
                                 {"index_bytes", absl::StrCat(index_.MemoryBytes())}});
    if (absl::Status s = exclusions_->Load(); !s.ok()) return s;
    log::Info("workspace marks loaded",
              {{"marks", absl::StrCat(exclusions_->marks().size())},
               {"version", absl::StrCat(exclusions_->applied_version())}});
    workspace_marks_->Set(static_cast<double>(exclusions_->marks().size()));
    ReportIndexSize();
    poller_ = std::thread([this] { PollLoop(); });
    snapshots_->StartPeriodic([this] { return catalog_->applied_version(); });
    prepared_ = true;
    return absl::OkStatus();
  }

  void Shutdown() override {
    if (!stop_.HasBeenNotified()) stop_.Notify();
    if (poller_.joinable()) poller_.join();
    if (snapshots_ != nullptr) {
      snapshots_->StopPeriodic();
      // Calls have drained and the poller is stopped: the index is final.
      if (prepared_) (void)snapshots_->Save(catalog_->applied_version());
    }
  }

  ~SearchModule() override { Shutdown(); }

 private:
  SearchModule(TierPolicy tiers, absl::Duration poll)
      : index_(IndexOptions(tiers)), listener_(index_), poll_(poll) {}

  // Replicas sharing the store see each other's writes within one interval.
  // Staleness: the index holds every change committed before the start of
  // the last successful catch-up, so it is at most now - that start behind.
  void PollLoop() {
    absl::Time current_as_of = absl::Now();  // Prepare() just loaded the catalog
    absl::Time size_reported = current_as_of;
    absl::Time purged = current_as_of;
    while (!stop_.WaitForNotificationWithTimeout(poll_)) {
      const absl::Time start = absl::Now();
      if (absl::Status s = catalog_->CatchUp(); !s.ok()) {
        log::Warning("catalog catch-up failed", {{"error", std::string(s.message())}});
      } else {
        current_as_of = start;
      }
      staleness_->Set(absl::ToDoubleSeconds(absl::Now() - current_as_of));
      if (absl::Now() - size_reported >= absl::Seconds(10)) {
        ReportIndexSize();
        size_reported = absl::Now();
      }
      if (absl::Status s = exclusions_->CatchUp(); !s.ok()) {
        log::Warning("workspace marks catch-up failed", {{"error", std::string(s.message())}});
      } else {
        workspace_marks_->Set(static_cast<double>(exclusions_->marks().size()));
      }
      if (absl::Now() - purged >= absl::Hours(1)) {
        purged = absl::Now();
        absl::StatusOr<int64_t> n = exclusions_->PurgeOldClears();
        if (!n.ok()) {
          log::Warning("purging old workspace mark clears failed",
                       {{"error", std::string(n.status().message())}});
        } else if (*n > 0) {
          clears_purged_->Increment(static_cast<double>(*n));
          log::Info("purged old workspace mark clears", {{"count", absl::StrCat(*n)}});
        }
      }
    }
  }

  // MemoryBytes() walks every posting, so it is sampled, not read per call.
  void ReportIndexSize() {
    index_creators_->Set(static_cast<double>(index_.size()));
    index_bytes_->Set(static_cast<double>(index_.MemoryBytes()));
  }

  CreatorIndex index_;
  IndexListener listener_;
  const absl::Duration poll_;
  std::unique_ptr<CreatorStore> store_;
  std::unique_ptr<redis::RedisPool> pool_;
  std::unique_ptr<redis::ProfileCache> cache_;
  std::unique_ptr<HotProfiles> hot_;
  std::unique_ptr<Catalog> catalog_;
  std::unique_ptr<WorkspaceMarkStore> mark_store_;
  std::unique_ptr<WorkspaceExclusions> exclusions_;
  std::unique_ptr<SearchServiceImpl> service_;
  std::unique_ptr<IndexSnapshots> snapshots_;
  prometheus::Gauge* staleness_ = nullptr;  // these gauges are owned by the registry
  prometheus::Gauge* index_creators_ = nullptr;
  prometheus::Gauge* index_bytes_ = nullptr;
  prometheus::Gauge* workspace_marks_ = nullptr;
  prometheus::Counter* clears_purged_ = nullptr;
  // Prepare finished: the index is complete and may be saved.
  std::atomic<bool> prepared_{false};
  absl::Notification stop_;
  std::thread poller_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<server::ServiceModule>> MakeSearchModule(
    const server::ServiceContext& context) {
  auto module = SearchModule::Create(context);
  if (!module.ok()) return module.status();
  return std::unique_ptr<server::ServiceModule>(*std::move(module));
}

}  // namespace microreach::search
