// Catalog peer distributions and percentiles within them (docs/metrics.md
// "Percentile among peers").
#include "services/scoring/peer_distribution.h"

#include <algorithm>
#include <cmath>
#include <utility>

namespace microreach::scoring {

double CatalogPercentile(double rate, absl::Span<const double> q) {
  if (q.size() < 2) return 0;
  const double k = static_cast<double>(q.size() - 1);
  // Points strictly below the rate, and points at or below it.
  const auto lower = static_cast<size_t>(std::lower_bound(q.begin(), q.end(), rate) - q.begin());
  const auto upper = static_cast<size_t>(std::upper_bound(q.begin(), q.end(), rate) - q.begin());
  if (upper == 0) return 0;           // below the minimum
  if (lower == q.size()) return 100;  // above the maximum
  if (lower < upper) {
    // Equal to points lower..upper-1: the middle of the run.
    return 100.0 * (static_cast<double>(lower) + static_cast<double>(upper - 1)) / 2.0 / k;
  }
  const double lo = q[lower - 1];
  const double hi = q[lower];
  return 100.0 * (static_cast<double>(lower - 1) + (rate - lo) / (hi - lo)) / k;
}

absl::Span<const double> PeerTable::Find(common::v1::Platform platform,
                                         common::v1::Tier tier) const {
  const int p = static_cast<int>(platform);
  const int t = static_cast<int>(tier);
  if (p < 0 || p >= kPlatforms || t < 0 || t >= kTiers) return {};
  return cells_[static_cast<size_t>(p)][static_cast<size_t>(t)];
}

void PeerTable::Set(common::v1::Platform platform, common::v1::Tier tier,
                    std::vector<double> quantiles) {
  const int p = static_cast<int>(platform);
  const int t = static_cast<int>(tier);
  if (p < 0 || p >= kPlatforms || t < 0 || t >= kTiers || quantiles.size() < 2) return;
  for (size_t i = 0; i < quantiles.size(); ++i) {
    if (!std::isfinite(quantiles[i]) || (i > 0 && quantiles[i - 1] > quantiles[i])) return;
  }
  cells_[static_cast<size_t>(p)][static_cast<size_t>(t)] = std::move(quantiles);
}

std::shared_ptr<const PeerTable> PeerDistributions::Current(absl::Time now) const {
  absl::MutexLock lock(&mu_);
  if (table_ == nullptr || now - table_->fetched_at() > max_age_) return nullptr;
  return table_;
}

void PeerDistributions::Replace(std::shared_ptr<const PeerTable> table) {
  absl::MutexLock lock(&mu_);
  table_ = std::move(table);
}

}  // namespace microreach::scoring
