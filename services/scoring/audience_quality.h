// Audience quality: the 0-100 score combining credibility, engagement versus
// peers, follower-growth anomalies and mass followers, and the growth-anomaly
// detectors it uses (docs/metrics.md "Audience quality").
#ifndef MICROREACH_SERVICES_SCORING_AUDIENCE_QUALITY_H_
#define MICROREACH_SERVICES_SCORING_AUDIENCE_QUALITY_H_

#include <cstdint>
#include <optional>

#include "absl/types/span.h"

namespace microreach::scoring {

// Unset inputs are unknown; the score renormalises over the known ones.
struct QualityInputs {
  std::optional<double> credibility;            // [0, 1]
  std::optional<double> engagement_percentile;  // 0..100 within platform and tier
  std::optional<double> growth_anomaly;         // severity [0, 1]
  std::optional<double> mass_follower_share;    // [0, 1] = 1 - reachability
};

inline constexpr double kQualityWeightCredibility = 0.45;
inline constexpr double kQualityWeightEngagement = 0.25;
inline constexpr double kQualityWeightGrowth = 0.15;
inline constexpr double kQualityWeightReach = 0.15;

// 100 * (0.45 credibility + 0.25 percentile/100 + 0.15 (1 - growth anomaly)
// + 0.15 (1 - mass-follower share)) / (sum of the known weights).
// nullopt when credibility and engagement are both unknown: growth and
// reachability alone say too little about an audience.
std::optional<double> AudienceQualityScore(const QualityInputs& in);

// Spike severity from the profile's 30- and 90-day growth: organic growth
// spreads over the quarter, bought followers land at once. With
// excess = g30 - max(g90 / 3, 0): severity = clamp((excess - 0.05) / 0.20, 0, 1).
// nullopt unless both are known.
std::optional<double> GrowthSpikeSeverity(std::optional<double> growth_30d,
                                          std::optional<double> growth_90d);

// Spikes in a daily follower series (oldest first). A day is a spike when its
// gain exceeds median + 6 * 1.4826 * MAD of the daily gains and 1% of the
// previous day's followers. Two or more spikes separated by at least three
// days are a staircase. severity = min(1, 5 * spike excess / final followers):
// a fifth of the audience arriving in spikes is certain.
struct GrowthAnomaly {
  int spike_days = 0;
  bool staircase = false;
  double severity = 0;
  // Index (into the series) of the largest spike, -1 if none.
  int largest_spike_day = -1;
  int64_t largest_spike_gain = 0;
};
GrowthAnomaly DetectFollowerSpikes(absl::Span<const int64_t> daily_followers);

// Shortest daily series ScoreCreators accepts and judges growth from: a
// week, so that the median and MAD of the gains mean something.
inline constexpr size_t kMinFollowerSeriesDays = 7;
inline constexpr size_t kMaxFollowerSeriesDays = 400;

}  // namespace microreach::scoring

#endif  // MICROREACH_SERVICES_SCORING_AUDIENCE_QUALITY_H_
