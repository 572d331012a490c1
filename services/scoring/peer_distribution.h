// The catalog's engagement-rate distribution per platform and tier, as search
// publishes it in GetCatalogStats, and the percentile of a rate within it
// (docs/metrics.md "Percentile among peers").
#ifndef MICROREACH_SERVICES_SCORING_PEER_DISTRIBUTION_H_
#define MICROREACH_SERVICES_SCORING_PEER_DISTRIBUTION_H_

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "microreach/common/v1/types.pb.h"

namespace microreach::scoring {

// Percentile 0..100 of `rate` in a quantile function given as K + 1 >= 2
// non-decreasing points at probabilities 0, 1/K, ..., 1: linear between the
// two points around the rate; a rate equal to a run of points gets the middle
// of the run (ties); below the first point 0, above the last 100.
// Example: points {1%, 2%, 4%, 8%, 16%} (K = 4): 3% -> 100 x 1.5 / 4 = 37.5,
// 4% -> 50.
double CatalogPercentile(double rate, absl::Span<const double> quantiles);

// One snapshot of the catalog's peer distributions, built once and then only
// read.
class PeerTable {
 public:
  PeerTable(int64_t catalog_version, absl::Time fetched_at)
      : catalog_version_(catalog_version), fetched_at_(fetched_at) {}

  // Sets the points of a cell. Ignored (the cell stays empty) when the
  // platform or tier is out of range or the points are fewer than 2, not
  // finite or not non-decreasing.
  void Set(common::v1::Platform platform, common::v1::Tier tier, std::vector<double> quantiles);

  // The quantile points of a (platform, tier) cell; empty when none were set.
  absl::Span<const double> Find(common::v1::Platform platform, common::v1::Tier tier) const;

  // The catalog version the snapshot was computed at.
  int64_t catalog_version() const { return catalog_version_; }
  absl::Time fetched_at() const { return fetched_at_; }

 private:
  static constexpr int kPlatforms = 11;
  static constexpr int kTiers = 6;
  std::array<std::array<std::vector<double>, kTiers>, kPlatforms> cells_;
  int64_t catalog_version_ = 0;
  absl::Time fetched_at_ = absl::InfinitePast();
};

// The current snapshot, replaced whole by a refresh; readers keep the one they
// took for a whole batch, so a batch never mixes two snapshots. Thread-safe.
//
// Example:
//   PeerDistributions peers(absl::Hours(1));
//   auto table = std::make_shared<PeerTable>(/*catalog_version=*/42, now);
//   table->Set(PLATFORM_INSTAGRAM, TIER_MICRO, {0.004, 0.012, 0.02, 0.031, 0.09});
//   peers.Replace(std::move(table));
//   std::shared_ptr<const PeerTable> t = peers.Current(now);  // null: use the reference
class PeerDistributions {
 public:
  // A snapshot older than `max_age` is no longer served: the catalog may have
  // moved, and the reference distribution is the documented fallback.
  explicit PeerDistributions(absl::Duration max_age) : max_age_(max_age) {}

  // The snapshot if one is fresh at `now`, else null.
  std::shared_ptr<const PeerTable> Current(absl::Time now) const;
  void Replace(std::shared_ptr<const PeerTable> table);

 private:
  const absl::Duration max_age_;
  mutable absl::Mutex mu_;
  std::shared_ptr<const PeerTable> table_ ABSL_GUARDED_BY(mu_);
};

}  // namespace microreach::scoring

#endif  // MICROREACH_SERVICES_SCORING_PEER_DISTRIBUTION_H_
