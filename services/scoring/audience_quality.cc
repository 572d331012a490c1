// Audience quality score and growth-anomaly detection (docs/metrics.md
// "Audience quality").
#include "services/scoring/audience_quality.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace microreach::scoring {

std::optional<double> AudienceQualityScore(const QualityInputs& in) {
  if (!in.credibility.has_value() && !in.engagement_percentile.has_value()) return std::nullopt;
  double sum = 0;
  double weights = 0;
  auto add = [&](std::optional<double> value, double weight) {
    if (!value.has_value()) return;
    sum += weight * std::clamp(*value, 0.0, 1.0);
    weights += weight;
  };
  add(in.credibility, kQualityWeightCredibility);
  if (in.engagement_percentile.has_value()) {
    add(*in.engagement_percentile / 100.0, kQualityWeightEngagement);
  }
  if (in.growth_anomaly.has_value()) add(1.0 - *in.growth_anomaly, kQualityWeightGrowth);
  if (in.mass_follower_share.has_value()) add(1.0 - *in.mass_follower_share, kQualityWeightReach);
  return 100.0 * sum / weights;
}

std::optional<double> GrowthSpikeSeverity(std::optional<double> growth_30d,
                                          std::optional<double> growth_90d) {
  if (!growth_30d.has_value() || !growth_90d.has_value()) return std::nullopt;
  const double excess = *growth_30d - std::max(*growth_90d / 3.0, 0.0);
  return std::clamp((excess - 0.05) / 0.20, 0.0, 1.0);
}

GrowthAnomaly DetectFollowerSpikes(absl::Span<const int64_t> daily_followers) {
  GrowthAnomaly out;
  if (daily_followers.size() < 3) return out;
  std::vector<double> gains;
  gains.reserve(daily_followers.size() - 1);
  for (size_t i = 1; i < daily_followers.size(); ++i) {
    gains.push_back(static_cast<double>(daily_followers[i] - daily_followers[i - 1]));
  }
  auto median_of = [](std::vector<double> v) {
    const size_t mid = v.size() / 2;
    std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(mid), v.end());
    double m = v[mid];
    if (v.size() % 2 == 0) {
      m = (m + *std::max_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(mid))) / 2;
    }
    return m;
  };
  const double median = median_of(gains);
  std::vector<double> deviations;
  deviations.reserve(gains.size());
  for (double g : gains) deviations.push_back(std::abs(g - median));
  const double mad = median_of(deviations);
  const double threshold = median + 6 * 1.4826 * mad;
  double excess = 0;
  int last_spike = -100;
  for (size_t i = 0; i < gains.size(); ++i) {
    const double previous = static_cast<double>(daily_followers[i]);
    if (gains[i] <= threshold || gains[i] <= 0.01 * previous) continue;
    const int day = static_cast<int>(i + 1);
    if (out.spike_days > 0 && day - last_spike >= 3) out.staircase = true;
    ++out.spike_days;
    last_spike = day;
    excess += gains[i] - median;
    if (gains[i] > static_cast<double>(out.largest_spike_gain)) {
      out.largest_spike_gain = static_cast<int64_t>(gains[i]);
      out.largest_spike_day = day;
    }
  }
  const double final_followers = static_cast<double>(daily_followers.back());
  if (final_followers > 0) out.severity = std::min(1.0, 5 * excess / final_followers);
  return out;
}

}  // namespace microreach::scoring
