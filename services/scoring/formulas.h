// The pure math of docs/metrics.md shared by scoring and search: engagement
// rate, bands and tier percentiles, audience-fit matching, the fit-score
// combination, money ratios and log-normal estimates. No I/O, no allocation.
#ifndef MICROREACH_SERVICES_SCORING_FORMULAS_H_
#define MICROREACH_SERVICES_SCORING_FORMULAS_H_

#include <array>
#include <cstdint>
#include <optional>

#include "absl/types/span.h"
#include "microreach/common/v1/types.pb.h"

namespace microreach::scoring {

// ---------------------------------------------------------------- tiers

// Default lower bounds of micro, macro, country and global (types.proto).
inline constexpr std::array<int64_t, 4> kDefaultTierBounds = {10'000, 100'000, 1'000'000,
                                                              10'000'000};

// Tier of a follower count under `bounds` (lower bounds of micro..global).
// Negative followers: TIER_UNSPECIFIED.
common::v1::Tier TierOf(int64_t followers,
                        const std::array<int64_t, 4>& bounds = kDefaultTierBounds);

// ---------------------------------------------------------------- engagement

// True where the engagement rate is measured against views (TikTok, YouTube)
// rather than followers (docs/metrics.md "Engagement rate").
bool EngagementByViews(common::v1::Platform platform);

// What the engagement-rate formula reads from a profile; unset = unknown.
struct EngagementInputs {
  common::v1::Platform platform = common::v1::PLATFORM_UNSPECIFIED;
  int64_t followers = 0;
  bool likes_hidden = false;
  std::optional<double> avg_likes;
  std::optional<double> avg_comments;
  std::optional<double> avg_shares;
  std::optional<double> avg_views;
  // The provider's own rate, used only when the averages cannot give one.
  std::optional<double> stored_rate;
};

// Engagement rate as a fraction (docs/metrics.md):
//   by followers: (avg_likes + avg_comments) / followers
//   TikTok:       (avg_likes + avg_comments + avg_shares) / avg_views
//   YouTube:      (avg_likes + avg_comments) / avg_views
// Falls back to stored_rate when the inputs are missing; nullopt when likes
// are hidden or nothing is known.
std::optional<double> EngagementRate(const EngagementInputs& in);

// Bands: < 1% low, 1-3.5% average, 3.5-6% high, > 6% very high. The values
// are those of microreach.scoring.v1.EngagementBand.
enum class EngagementBand : int { kLow = 1, kAverage = 2, kHigh = 3, kVeryHigh = 4 };
EngagementBand BandOf(double rate);

// The published per-tier Instagram benchmarks ("good" and "below average"),
// doubled on view-based platforms. Read as the 75th and 25th percentiles of a
// log-normal distribution of peers' rates.
struct TierBenchmark {
  double good = 0;           // P75
  double below_average = 0;  // P25
  // ln median and sigma of the log-normal, precomputed by EngagementBenchmark
  // (sigma 0 = compute from good and below_average).
  double mu = 0;
  double sigma = 0;
  // Median of the peer distribution: sqrt(good * below_average).
  double Median() const;
};
// From a table built once; any platform and tier value (unknown ones get the
// defaults below).
TierBenchmark EngagementBenchmark(common::v1::Platform platform, common::v1::Tier tier);

// Percentile 0..100 of `rate` among peers of the platform and tier:
// 100 * Phi((ln rate - mu) / sigma) with mu = ln median and
// sigma = (ln good - ln below_average) / (2 * 0.6745). 0 for rate <= 0.
double EngagementPercentile(double rate, const TierBenchmark& benchmark);

// Standard normal CDF.
double NormalCdf(double z);

// ---------------------------------------------------------------- audience fit

// Dimensions in the order of the AudienceFitWeights fields we use everywhere.
enum Dimension : int { kCountry = 0, kAge = 1, kGender = 2, kLanguage = 3, kInterests = 4 };
inline constexpr int kNumDimensions = 5;
using DimensionArray = std::array<double, kNumDimensions>;

// Defaults after Modash (gender 50%, age and interests 30%, location and
// language 20%): gender 0.50, age 0.15, interests 0.15, country 0.10,
// language 0.10.
inline constexpr DimensionArray kDefaultDimensionWeights = {0.10, 0.15, 0.50, 0.10, 0.15};

// The dimension weights actually used: `requested` (all zero = the defaults),
// zeroed where the target does not specify the dimension, renormalised to sum
// to 1. All zero when no dimension is specified.
DimensionArray ResolveDimensionWeights(const DimensionArray& requested,
                                       const std::array<bool, kNumDimensions>& specified);

// Scales the weights of one dimension's target values so the heaviest is 1
// (all 1 when every weight is 0): an audience entirely inside the target's
// heaviest values then matches 100%.
void NormalizeToHeaviest(absl::Span<double> weights);

// Match of one dimension in [0, 1]: min(1, sum_v weight_v * share_v) over the
// target's values, with weights from NormalizeToHeaviest.
double DimensionMatch(absl::Span<const double> weights, absl::Span<const double> shares);

// ---------------------------------------------------------------- fit score

enum FitFactor : int {
  kAudienceFit = 0,
  kEngagement = 1,
  kCredibility = 2,
  kCategoryFit = 3,
  kPriceEfficiency = 4,
  kPredictedReturn = 5,
};
inline constexpr int kNumFitFactors = 6;
using FitArray = std::array<double, kNumFitFactors>;

// Stable factor names, as in ScoreFactor.name.
const char* FitFactorName(int factor);

// Weights of the fit factors by campaign objective (UNSPECIFIED = awareness).
FitArray FitWeightsFor(common::v1::CampaignObjective objective);

// A weighted score with its breakdown. Factors with weight 0 or without a
// value are dropped and the rest renormalised; contribution = value * weight
// and the contributions add up to score.
struct FitBreakdown {
  double score = 0;
  std::array<bool, kNumFitFactors> present{};
  FitArray value{};
  FitArray weight{};
  FitArray contribution{};
};
FitBreakdown CombineFactors(const FitArray& weights,
                            const std::array<std::optional<double>, kNumFitFactors>& values);

// Category fit 0..100: 100 when the creator's main category is one of the
// brief's, 50 when another of its categories is, else 0. `brief_mask` has
// bit c set for Category c.
double CategoryFit(absl::Span<const int> creator_categories, uint32_t brief_mask);

// ---------------------------------------------------------------- money and funnel

// CPM = cost / impressions * 1000; 0 when impressions <= 0.
double Cpm(double cost, double impressions);
// CPE = cost / engagements; 0 when engagements <= 0.
double Cpe(double cost, double engagements);
// EMV = impressions / 1000 * cpm.
double Emv(double impressions, double cpm);
// ROI = (revenue - cost) / cost; ROAS = revenue / cost. Precondition cost > 0.
double Roi(double revenue, double cost);
double Roas(double revenue, double cost);

// A positive quantity with log-normal uncertainty: mean and the standard
// deviation of its logarithm.
struct Dist {
  double mean = 0;
  double sigma = 0;
};
// Expected value and the 10th and 90th percentiles:
//   p_q = mean * exp(-sigma^2 / 2 + z_q * sigma), z_0.9 = 1.2816.
struct Quantiles {
  double expected = 0;
  double p10 = 0;
  double p90 = 0;
};
inline constexpr double kZ90 = 1.2815515655446004;
Quantiles QuantilesOf(const Dist& d);
// The product of independent log-normals: means multiply, sigma^2 add.
Dist Multiply(const Dist& a, const Dist& b);
// The sum of independent log-normals, moment-matched (Fenton-Wilkinson):
// mean = sum of means, variance = sum of variances, sigma^2 = ln(1 + var / mean^2).
Dist SumOf(absl::Span<const Dist> parts);

// Wilson score interval of a proportion (successes out of n) at z.
struct Interval {
  double low = 0;
  double high = 0;
};
Interval WilsonInterval(double successes, double n, double z = 1.959963984540054);

}  // namespace microreach::scoring

#endif  // MICROREACH_SERVICES_SCORING_FORMULAS_H_
