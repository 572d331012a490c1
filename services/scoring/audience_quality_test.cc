// Hand-computed checks of the audience quality score and growth anomalies.
#include "services/scoring/audience_quality.h"

#include <utility>
#include <vector>

#include "gtest/gtest.h"

namespace microreach::scoring {
namespace {

TEST(AudienceQualityScore, WeightedMeanOfKnownComponents) {
  // 100 * (0.45 * 0.8 + 0.25 * 0.6 + 0.15 * (1 - 0.2) + 0.15 * (1 - 0.3)) = 73.5
  EXPECT_NEAR(*AudienceQualityScore({0.8, 60, 0.2, 0.3}), 73.5, 1e-9);
  // Credibility and reachability only: (0.45 * 0.8 + 0.15 * 0.5) / 0.6 = 72.5
  EXPECT_NEAR(*AudienceQualityScore({0.8, std::nullopt, std::nullopt, 0.5}), 72.5, 1e-9);
  EXPECT_NEAR(*AudienceQualityScore({0.9, std::nullopt, std::nullopt, std::nullopt}), 90, 1e-9);
  EXPECT_FALSE(AudienceQualityScore({std::nullopt, std::nullopt, 0.5, 0.5}).has_value());
}

TEST(GrowthSpikeSeverity, HandComputed) {
  // excess = 0.30 - 0.36 / 3 = 0.18 -> (0.18 - 0.05) / 0.20 = 0.65
  EXPECT_NEAR(*GrowthSpikeSeverity(0.30, 0.36), 0.65, 1e-12);
  EXPECT_DOUBLE_EQ(*GrowthSpikeSeverity(0.03, 0.09), 0);
  EXPECT_DOUBLE_EQ(*GrowthSpikeSeverity(0.5, 0.2), 1);
  // A shrinking quarter does not excuse a jump: excess = 0.10 -> 0.25
  EXPECT_NEAR(*GrowthSpikeSeverity(0.10, -0.3), 0.25, 1e-12);
  EXPECT_FALSE(GrowthSpikeSeverity(0.1, std::nullopt).has_value());
}

TEST(DetectFollowerSpikes, StaircaseOfTwoSpikes) {
  // +10 a day, +500 on day 11, +700 on day 17: excess 490 + 690 = 1,180 of
  // 11,400 final followers -> severity 5 * 1180 / 11400 = 0.517544.
  std::vector<int64_t> series = {10'000};
  for (int day = 1; day <= 22; ++day) {
    int64_t gain = 10;
    if (day == 11) gain = 500;
    if (day == 17) gain = 700;
    series.push_back(series.back() + gain);
  }
  ASSERT_EQ(series.back(), 11'400);
  GrowthAnomaly g = DetectFollowerSpikes(series);
  EXPECT_EQ(g.spike_days, 2);
  EXPECT_TRUE(g.staircase);
  EXPECT_NEAR(g.severity, 0.517544, 1e-6);
  EXPECT_EQ(g.largest_spike_day, 17);
  EXPECT_EQ(g.largest_spike_gain, 700);
}

TEST(DetectFollowerSpikes, SteadyGrowthHasNone) {
  std::vector<int64_t> series;
  series.reserve(30);
  for (int day = 0; day < 30; ++day) series.push_back(10'000 + 10 * day);
  GrowthAnomaly g = DetectFollowerSpikes(series);
  EXPECT_EQ(g.spike_days, 0);
  EXPECT_FALSE(g.staircase);
  EXPECT_EQ(g.severity, 0);
  EXPECT_EQ(g.largest_spike_day, -1);
}

TEST(DetectFollowerSpikes, OneSpikeIsNotAStaircase) {
  std::vector<int64_t> series = {1'000, 1'001, 1'002, 1'300, 1'301, 1'302};
  GrowthAnomaly g = DetectFollowerSpikes(series);
  EXPECT_EQ(g.spike_days, 1);
  EXPECT_FALSE(g.staircase);
}

// A series of `days` daily gains of `base_gain` from `start`, with the given
// gains on the given days (day d is the gain from value d - 1 to value d).
std::vector<int64_t> Series(int64_t start, int days, int64_t base_gain,
                            const std::vector<std::pair<int, int64_t>>& spikes) {
  std::vector<int64_t> series = {start};
  for (int day = 1; day <= days; ++day) {
    int64_t gain = base_gain;
    for (const auto& [d, g] : spikes) {
      if (d == day) gain = g;
    }
    series.push_back(series.back() + gain);
  }
  return series;
}

TEST(DetectFollowerSpikes, ThreePurchasesAWeekApartAreAStaircase) {
  // 20,000 followers, +20 a day for 28 days, +400 on day 7, +600 on day 14,
  // +500 on day 21: final 20,000 + 25 x 20 + 1,500 = 22,000. Median gain 20,
  // MAD 0: threshold 20; each spike also beats 1% of the day before (~200).
  // Excess 380 + 580 + 480 = 1,440; severity 5 x 1,440 / 22,000 = 0.327273.
  const std::vector<int64_t> series = Series(20'000, 28, 20, {{7, 400}, {14, 600}, {21, 500}});
  ASSERT_EQ(series.back(), 22'000);
  GrowthAnomaly g = DetectFollowerSpikes(series);
  EXPECT_EQ(g.spike_days, 3);
  EXPECT_TRUE(g.staircase);
  EXPECT_NEAR(g.severity, 0.327273, 1e-6);
  EXPECT_EQ(g.largest_spike_day, 14);
  EXPECT_EQ(g.largest_spike_gain, 600);
}

TEST(DetectFollowerSpikes, TwoSpikesTwoDaysApartAreOneDeliveryNotAStaircase) {
  // +10 a day for 20 days, +400 on days 10 and 12: final 10,000 + 18 x 10 +
  // 800 = 10,980; severity 5 x (390 + 390) / 10,980 = 0.355191.
  const std::vector<int64_t> series = Series(10'000, 20, 10, {{10, 400}, {12, 400}});
  GrowthAnomaly g = DetectFollowerSpikes(series);
  EXPECT_EQ(g.spike_days, 2);
  EXPECT_FALSE(g.staircase);
  EXPECT_NEAR(g.severity, 0.355191, 1e-6);
  EXPECT_EQ(g.largest_spike_day, 10);  // the first of equal gains
}

TEST(DetectFollowerSpikes, NoisyGrowthNeedsMoreThanSixMadsAndOnePercent) {
  // 20,000 followers; gains alternate 10 and 30, with 115 on day 5, 250 on
  // day 9 and 150 on day 15. Sorted gains: seven 10s, ten 30s, 115, 150, 250:
  // median 30; deviations: ten 0s, seven 20s, 85, 120, 220: MAD 10.
  // Threshold 30 + 6 x 1.4826 x 10 = 118.956: day 5 is under it; day 15 is
  // over it but under 1% of its ~20,300 followers; day 9 (250 > 202) is the
  // one spike. Excess 250 - 30 = 220 of the final 20,885: severity
  // 5 x 220 / 20,885 = 0.052669.
  std::vector<int64_t> series = {20'000};
  for (int day = 1; day <= 20; ++day) {
    int64_t gain = day % 2 == 0 ? 30 : 10;
    if (day == 5) gain = 115;
    if (day == 9) gain = 250;
    if (day == 15) gain = 150;
    series.push_back(series.back() + gain);
  }
  ASSERT_EQ(series.back(), 20'885);
  GrowthAnomaly g = DetectFollowerSpikes(series);
  EXPECT_EQ(g.spike_days, 1);
  EXPECT_EQ(g.largest_spike_day, 9);
  EXPECT_FALSE(g.staircase);
  EXPECT_NEAR(g.severity, 0.052669, 1e-6);
}

TEST(DetectFollowerSpikes, APurgeIsNoSpikeAndSeverityCapsAtOne) {
  EXPECT_EQ(DetectFollowerSpikes(Series(10'000, 14, 10, {{7, -2'000}})).severity, 0);
  // +5,000 on a 10,000 account: 5 x 4,990 / 15,130 > 1.
  GrowthAnomaly g = DetectFollowerSpikes(Series(10'000, 14, 10, {{7, 5'000}}));
  EXPECT_EQ(g.spike_days, 1);
  EXPECT_DOUBLE_EQ(g.severity, 1);
}

}  // namespace
}  // namespace microreach::scoring
