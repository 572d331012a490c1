#include "services/search/index_snapshots.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/log/log.h"

namespace microreach::search {

IndexSnapshots::IndexSnapshots(CreatorIndex& index, Options options, prometheus::Registry* registry)
    : index_(index), options_(std::move(options)) {
  if (registry == nullptr) return;
  load_seconds_ = &prometheus::BuildGauge()
                       .Name("microreach_index_snapshot_load_seconds")
                       .Help("Duration of the start-up index snapshot load.")
                       .Register(*registry)
                       .Add({});
  save_seconds_ = &prometheus::BuildGauge()
                       .Name("microreach_index_snapshot_save_seconds")
                       .Help("Duration of the last index snapshot save (fsync included).")
                       .Register(*registry)
                       .Add({});
  last_save_ = &prometheus::BuildGauge()
                    .Name("microreach_index_snapshot_last_save_timestamp_seconds")
                    .Help("Unix time of the last index snapshot written.")
                    .Register(*registry)
                    .Add({});
  loaded_ = &prometheus::BuildGauge()
                 .Name("microreach_index_snapshot_loaded")
                 .Help("1 if the index started from a snapshot, 0 if rebuilt from the store.")
                 .Register(*registry)
                 .Add({});
  auto& failures = prometheus::BuildCounter()
                       .Name("microreach_index_snapshot_failures_total")
                       .Help(
                           "Index snapshots that could not be loaded (then rebuilt from the "
                           "store) or written.")
                       .Register(*registry);
  load_failures_ = &failures.Add({{"op", "load"}});
  save_failures_ = &failures.Add({{"op", "save"}});
}

IndexSnapshots::~IndexSnapshots() { StopPeriodic(); }

absl::StatusOr<int64_t> IndexSnapshots::Load(int64_t store_version, int64_t catalog_id) {
  if (!enabled()) return absl::FailedPreconditionError("snapshots are off");
  {
    absl::MutexLock lock(&save_mu_);
    catalog_id_ = catalog_id;
  }
  const absl::Time start = absl::Now();
  absl::StatusOr<int64_t> version =
      index_.LoadSnapshot(options_.path, store_version, static_cast<uint64_t>(catalog_id));
  const double seconds = absl::ToDoubleSeconds(absl::Now() - start);
  if (!version.ok()) {
    // A first start has no file yet: not a failure.
    if (version.status().code() != absl::StatusCode::kNotFound && load_failures_ != nullptr) {
      load_failures_->Increment();
    }
    log::Warning("index snapshot not used; rebuilding the index from the store",
                 {{"reason", std::string(version.status().message())}});
    return version.status();
  }
  if (load_seconds_ != nullptr) load_seconds_->Set(seconds);
  if (loaded_ != nullptr) loaded_->Set(1);
  {
    absl::MutexLock lock(&save_mu_);
    saved_version_ = *version;
  }
  log::Info("index loaded from snapshot", {{"path", options_.path},
                                           {"creators", absl::StrCat(index_.size())},
                                           {"version", absl::StrCat(*version)},
                                           {"seconds", absl::StrCat(seconds)}});
  return version;
}

absl::Status IndexSnapshots::Save(int64_t version) {
  if (!enabled()) return absl::OkStatus();
  absl::MutexLock lock(&save_mu_);
  if (version == saved_version_) return absl::OkStatus();
  if (catalog_id_ == 0) return absl::FailedPreconditionError("catalog id not known before Load");
  const absl::Time start = absl::Now();
  absl::Status s = index_.SaveSnapshot(options_.path, version, static_cast<uint64_t>(catalog_id_));
  const double seconds = absl::ToDoubleSeconds(absl::Now() - start);
  if (!s.ok()) {
    if (save_failures_ != nullptr) save_failures_->Increment();
    log::Warning("index snapshot not written", {{"error", std::string(s.message())}});
    return s;
  }
  saved_version_ = version;
  if (save_seconds_ != nullptr) save_seconds_->Set(seconds);
  if (last_save_ != nullptr)
    last_save_->Set(absl::ToDoubleSeconds(absl::Now() - absl::UnixEpoch()));
  log::Info("index snapshot written", {{"path", options_.path},
                                       {"version", absl::StrCat(version)},
                                       {"seconds", absl::StrCat(seconds)}});
  return absl::OkStatus();
}

void IndexSnapshots::StartPeriodic(std::function<int64_t()> version) {
  if (!enabled() || options_.interval <= absl::ZeroDuration() || thread_.joinable()) return;
  thread_ = std::thread([this, version = std::move(version)] {
    while (!stop_.WaitForNotificationWithTimeout(options_.interval)) {
      (void)Save(version());
    }
  });
}

void IndexSnapshots::StopPeriodic() {
  if (!stop_.HasBeenNotified()) stop_.Notify();
  if (thread_.joinable()) thread_.join();
}

}  // namespace microreach::search
