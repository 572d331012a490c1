// Fee estimation from the rate card (docs/metrics.md "Price").
#include "services/scoring/price_model.h"

#include <algorithm>
#include <cmath>

namespace microreach::scoring {

namespace cv1 = ::microreach::common::v1;

double RateCardFee(const ModelConfig& config, cv1::Platform platform,
                   cv1::DeliverableType deliverable, int64_t followers) {
  const double x = std::log(static_cast<double>(std::max<int64_t>(followers, 100)));
  // Segment [a, a + 1] over tiers 1..5 that holds x, or the nearest end one.
  size_t a = 1;
  while (a < 4 && x > config.log_tier_reference[a + 1]) ++a;
  // Platforms newer than this build (open proto enums) price as the
  // unspecified row, Instagram's.
  const auto p = platform >= 0 && platform < kNumPlatforms ? static_cast<size_t>(platform) : 0;
  const auto d = deliverable > 0 && deliverable < kNumDeliverables
                     ? static_cast<size_t>(deliverable)
                     : static_cast<size_t>(cv1::DELIVERABLE_TYPE_POST);
  const auto& log_fee = config.log_fee[p];
  const double x0 = config.log_tier_reference[a];
  const double x1 = config.log_tier_reference[a + 1];
  const double y0 = log_fee[a][d];
  const double y1 = log_fee[a + 1][d];
  return std::exp(y0 + (y1 - y0) * (x - x0) / (x1 - x0));
}

double CountryMultiplier(const ModelConfig& config, absl::Span<const CountryShareKey> audience,
                         int creator_country_key) {
  auto index_of = [&config](int key) {
    const double v = key >= 0 ? config.country_index[static_cast<size_t>(key)] : -1;
    return v >= 0 ? v : config.default_country_index;
  };
  if (!audience.empty()) {
    double listed = 0;
    double sum = 0;
    for (const CountryShareKey& c : audience) {
      const double share = std::clamp(c.share, 0.0, 1.0);
      sum += share * index_of(c.key);
      listed += share;
    }
    return sum + std::max(0.0, 1.0 - listed) * config.default_country_index;
  }
  if (creator_country_key >= 0) return index_of(creator_country_key);
  return 1.0;
}

FeeEstimate EstimateFee(const ModelConfig& config, const PricingInputs& in,
                        cv1::DeliverableType deliverable) {
  FeeEstimate out;
  out.base_usd = RateCardFee(config, in.platform, deliverable, in.followers);
  if (in.engagement_rate.has_value() && *in.engagement_rate >= 0) {
    const TierBenchmark b =
        EngagementBenchmark(in.platform, TierOf(in.followers, config.tier_bounds));
    out.engagement_multiplier =
        std::clamp(std::sqrt(*in.engagement_rate / b.Median()), config.min_engagement_multiplier,
                   config.max_engagement_multiplier);
  }
  out.country_multiplier = CountryMultiplier(config, in.audience_countries, in.creator_country_key);
  out.usd = {out.base_usd * out.engagement_multiplier * out.country_multiplier, config.fee_sigma};
  return out;
}

}  // namespace microreach::scoring
