// The formulas of docs/metrics.md; each function names its section there.
#include "services/scoring/formulas.h"

#include <algorithm>
#include <cmath>

namespace microreach::scoring {

namespace cv1 = ::microreach::common::v1;

cv1::Tier TierOf(int64_t followers, const std::array<int64_t, 4>& bounds) {
  if (followers < 0) return cv1::TIER_UNSPECIFIED;
  if (followers >= bounds[3]) return cv1::TIER_GLOBAL;
  if (followers >= bounds[2]) return cv1::TIER_COUNTRY;
  if (followers >= bounds[1]) return cv1::TIER_MACRO;
  if (followers >= bounds[0]) return cv1::TIER_MICRO;
  return cv1::TIER_NANO;
}

bool EngagementByViews(cv1::Platform platform) {
  return platform == cv1::PLATFORM_TIKTOK || platform == cv1::PLATFORM_YOUTUBE;
}

std::optional<double> EngagementRate(const EngagementInputs& in) {
  if (in.likes_hidden) return std::nullopt;
  if (in.avg_likes.has_value() && in.avg_comments.has_value()) {
    double interactions = *in.avg_likes + *in.avg_comments;
    if (EngagementByViews(in.platform)) {
      if (in.platform == cv1::PLATFORM_TIKTOK) interactions += in.avg_shares.value_or(0);
      if (in.avg_views.has_value() && *in.avg_views > 0) return interactions / *in.avg_views;
    } else if (in.followers > 0) {
      return interactions / static_cast<double>(in.followers);
    }
  }
  if (in.stored_rate.has_value() && std::isfinite(*in.stored_rate) && *in.stored_rate >= 0) {
    return in.stored_rate;
  }
  return std::nullopt;
}

EngagementBand BandOf(double rate) {
  if (rate < 0.01) return EngagementBand::kLow;
  if (rate < 0.035) return EngagementBand::kAverage;
  if (rate <= 0.06) return EngagementBand::kHigh;
  return EngagementBand::kVeryHigh;
}

double TierBenchmark::Median() const { return std::sqrt(good * below_average); }

namespace {

// P25 and P75 of a normal lie 0.6745 standard deviations from its median.
constexpr double kZ75 = 0.6744897501960817;

TierBenchmark ComputeBenchmark(cv1::Platform platform, cv1::Tier tier) {
  // Instagram good / below average by tier (DOMAIN.md, Later x Fohr style
  // benchmarks); our macro tier (100k-1M) spans "mid" and "macro", so it takes
  // their geometric means.
  TierBenchmark b;
  switch (tier) {
    case cv1::TIER_NANO:
      b = {0.05, 0.03};
      break;
    case cv1::TIER_MICRO:
      b = {0.035, 0.02};
      break;
    case cv1::TIER_MACRO:
      b = {0.021, 0.012};
      break;
    case cv1::TIER_COUNTRY:
    case cv1::TIER_GLOBAL:
      b = {0.012, 0.007};
      break;
    default:
      b = {0.035, 0.02};  // unknown size: the micro row, the catalog's middle
      break;
  }
  // "TikTok rates by views run about twice these" (DOMAIN.md).
  if (EngagementByViews(platform)) {
    b.good *= 2;
    b.below_average *= 2;
  }
  b.mu = std::log(b.Median());
  b.sigma = (std::log(b.good) - std::log(b.below_average)) / (2 * kZ75);
  return b;
}

constexpr int kPlatforms = 11;
constexpr int kTiers = 6;

}  // namespace

TierBenchmark EngagementBenchmark(cv1::Platform platform, cv1::Tier tier) {
  // Per-creator hot path: the logs are taken once.
  static const auto* table = [] {
    auto* t = new std::array<std::array<TierBenchmark, kTiers>, kPlatforms>();
    for (int p = 0; p < kPlatforms; ++p) {
      for (int r = 0; r < kTiers; ++r) {
        (*t)[static_cast<size_t>(p)][static_cast<size_t>(r)] =
            ComputeBenchmark(static_cast<cv1::Platform>(p), static_cast<cv1::Tier>(r));
      }
    }
    return t;
  }();
  if (platform < 0 || platform >= kPlatforms || tier < 0 || tier >= kTiers) {
    return ComputeBenchmark(platform, tier);
  }
  return (*table)[static_cast<size_t>(platform)][static_cast<size_t>(tier)];
}

double NormalCdf(double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); }

double EngagementPercentile(double rate, const TierBenchmark& benchmark) {
  if (!(rate > 0)) return 0;
  double mu = benchmark.mu;
  double sigma = benchmark.sigma;
  if (sigma <= 0) {
    mu = std::log(benchmark.Median());
    sigma = (std::log(benchmark.good) - std::log(benchmark.below_average)) / (2 * kZ75);
  }
  return 100.0 * NormalCdf((std::log(rate) - mu) / sigma);
}

DimensionArray ResolveDimensionWeights(const DimensionArray& requested,
                                       const std::array<bool, kNumDimensions>& specified) {
  double requested_total = 0;
  for (double w : requested) requested_total += w;
  const DimensionArray& base = requested_total > 0 ? requested : kDefaultDimensionWeights;
  DimensionArray out{};
  double total = 0;
  for (int d = 0; d < kNumDimensions; ++d) {
    if (specified[static_cast<size_t>(d)]) {
      out[static_cast<size_t>(d)] = base[static_cast<size_t>(d)];
      total += base[static_cast<size_t>(d)];
    }
  }
  if (total <= 0) return DimensionArray{};
  for (double& w : out) w /= total;
  return out;
}

void NormalizeToHeaviest(absl::Span<double> weights) {
  double heaviest = 0;
  for (double w : weights) heaviest = std::max(heaviest, w);
  for (double& w : weights) w = heaviest > 0 ? w / heaviest : 1.0;
}

double DimensionMatch(absl::Span<const double> weights, absl::Span<const double> shares) {
  double sum = 0;
  const size_t n = std::min(weights.size(), shares.size());
  for (size_t i = 0; i < n; ++i) sum += weights[i] * shares[i];
  return std::clamp(sum, 0.0, 1.0);
}

const char* FitFactorName(int factor) {
  switch (factor) {
    case kAudienceFit:
      return "audience_fit";
    case kEngagement:
      return "engagement";
    case kCredibility:
      return "credibility";
    case kCategoryFit:
      return "category_fit";
    case kPriceEfficiency:
      return "price_efficiency";
    case kPredictedReturn:
      return "predicted_return";
    default:
      return "unknown";
  }
}

FitArray FitWeightsFor(cv1::CampaignObjective objective) {
  //                audience engagement credibility category price  return
  switch (objective) {
    case cv1::CAMPAIGN_OBJECTIVE_LAUNCH:
      return {0.30, 0.25, 0.20, 0.10, 0.15, 0.00};
    case cv1::CAMPAIGN_OBJECTIVE_LEADS:
      return {0.25, 0.20, 0.15, 0.10, 0.10, 0.20};
    case cv1::CAMPAIGN_OBJECTIVE_SALES:
      return {0.25, 0.15, 0.15, 0.10, 0.10, 0.25};
    default:  // awareness and unspecified
      return {0.35, 0.15, 0.20, 0.10, 0.20, 0.00};
  }
}

FitBreakdown CombineFactors(const FitArray& weights,
                            const std::array<std::optional<double>, kNumFitFactors>& values) {
  FitBreakdown out;
  double total = 0;
  for (size_t f = 0; f < kNumFitFactors; ++f) {
    if (weights[f] > 0 && values[f].has_value()) {
      out.present[f] = true;
      out.value[f] = std::clamp(*values[f], 0.0, 100.0);
      total += weights[f];
    }
  }
  if (total <= 0) return out;
  for (size_t f = 0; f < kNumFitFactors; ++f) {
    if (!out.present[f]) continue;
    out.weight[f] = weights[f] / total;
    out.contribution[f] = out.value[f] * out.weight[f];
    out.score += out.contribution[f];
  }
  return out;
}

double CategoryFit(absl::Span<const int> creator_categories, uint32_t brief_mask) {
  auto in_brief = [brief_mask](int c) {
    return c > 0 && c < 32 && ((brief_mask >> static_cast<unsigned>(c)) & 1u) != 0;
  };
  if (creator_categories.empty()) return 0;
  if (in_brief(creator_categories[0])) return 100;
  for (int c : creator_categories) {
    if (in_brief(c)) return 50;
  }
  return 0;
}

double Cpm(double cost, double impressions) {
  return impressions > 0 ? cost / impressions * 1000.0 : 0;
}
double Cpe(double cost, double engagements) { return engagements > 0 ? cost / engagements : 0; }
double Emv(double impressions, double cpm) { return impressions / 1000.0 * cpm; }
double Roi(double revenue, double cost) { return (revenue - cost) / cost; }
double Roas(double revenue, double cost) { return revenue / cost; }

Quantiles QuantilesOf(const Dist& d) {
  const double shift = -0.5 * d.sigma * d.sigma;
  return {d.mean, d.mean * std::exp(shift - kZ90 * d.sigma),
          d.mean * std::exp(shift + kZ90 * d.sigma)};
}

Dist Multiply(const Dist& a, const Dist& b) {
  return {a.mean * b.mean, std::sqrt(a.sigma * a.sigma + b.sigma * b.sigma)};
}

Dist SumOf(absl::Span<const Dist> parts) {
  double mean = 0;
  double variance = 0;
  for (const Dist& p : parts) {
    mean += p.mean;
    variance += p.mean * p.mean * std::expm1(p.sigma * p.sigma);
  }
  if (mean <= 0) return {0, 0};
  return {mean, std::sqrt(std::log1p(variance / (mean * mean)))};
}

Interval WilsonInterval(double successes, double n, double z) {
  if (n <= 0) return {0, 1};
  const double p = successes / n;
  const double z2 = z * z;
  const double center = (p + z2 / (2 * n)) / (1 + z2 / n);
  const double half = z * std::sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n);
  return {std::max(0.0, center - half), std::min(1.0, center + half)};
}

}  // namespace microreach::scoring
