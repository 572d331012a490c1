// Index snapshots in the search service: the index is loaded from a snapshot
// file at start-up when one fits (the catalog then catches up from the store
// by version) and written periodically and on graceful shutdown. The store
// stays the source of truth: any snapshot problem means a rebuild from it.
#ifndef MICROREACH_SERVICES_SEARCH_INDEX_SNAPSHOTS_H_
#define MICROREACH_SERVICES_SEARCH_INDEX_SNAPSHOTS_H_

#include <cstdint>
#include <functional>
#include <string>
#include <thread>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "prometheus/counter.h"
#include "prometheus/gauge.h"
#include "prometheus/registry.h"
#include "services/search/index/creator_index.h"

namespace microreach::search {

// Thread-safe.
class IndexSnapshots {
 public:
  struct Options {
    std::string path;  // empty: snapshots off
    // Between background saves; zero saves only on shutdown.
    absl::Duration interval = absl::Minutes(10);
  };
  IndexSnapshots(CreatorIndex& index, Options options, prometheus::Registry* registry);
  ~IndexSnapshots();

  bool enabled() const { return !options_.path.empty(); }
  // Loads the snapshot into the (empty) index: its catalog version, or why
  // not (logged; the index stays empty). `store_version` is the store's
  // latest version: a snapshot ahead of it is not used; nor is one taken
  // from a catalog other than `catalog_id` (the store's), which later saves
  // are stamped with.
  absl::StatusOr<int64_t> Load(int64_t store_version, int64_t catalog_id);
  // Writes the index as of catalog version `version` (the version read
  // before the call: changes applied meanwhile are replayed idempotently
  // after the next load). Skipped when nothing changed since the last save;
  // refused before Load (the catalog id is not known yet).
  absl::Status Save(int64_t version);
  // Saves every interval in the background with the version `version()`.
  void StartPeriodic(std::function<int64_t()> version);
  void StopPeriodic();

 private:
  CreatorIndex& index_;
  const Options options_;
  absl::Mutex save_mu_;
  int64_t saved_version_ ABSL_GUARDED_BY(save_mu_) = -1;
  int64_t catalog_id_ ABSL_GUARDED_BY(save_mu_) = 0;  // 0: not known yet
  absl::Notification stop_;
  std::thread thread_;
  prometheus::Gauge* load_seconds_ = nullptr;
  prometheus::Gauge* save_seconds_ = nullptr;
  prometheus::Gauge* last_save_ = nullptr;
  prometheus::Gauge* loaded_ = nullptr;
  prometheus::Counter* load_failures_ = nullptr;
  prometheus::Counter* save_failures_ = nullptr;
};

}  // namespace microreach::search

#endif  // MICROREACH_SERVICES_SEARCH_INDEX_SNAPSHOTS_H_
