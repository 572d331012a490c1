// Hand-computed checks of the audience quality score and growth anomalies.
#include "services/scoring/audience_quality.h"

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

}  // namespace
}  // namespace microreach::scoring
