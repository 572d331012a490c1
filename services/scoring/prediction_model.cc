// Reach, engagement and funnel predictions (docs/metrics.md "Predicted results").
#include "services/scoring/prediction_model.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace microreach::scoring {

namespace cv1 = ::microreach::common::v1;

DeliverableOutcome PredictDeliverable(const ModelConfig& config, const ReachInputs& in,
                                      cv1::DeliverableType deliverable) {
  const size_t tier = in.tier > 0 && in.tier < kNumTiers ? static_cast<size_t>(in.tier) : 0;
  const double followers = static_cast<double>(std::max<int64_t>(in.followers, 0));
  const bool by_views = EngagementByViews(in.platform);
  const bool ephemeral =
      deliverable == cv1::DELIVERABLE_TYPE_STORY || deliverable == cv1::DELIVERABLE_TYPE_LIVE;
  const bool video = deliverable == cv1::DELIVERABLE_TYPE_SHORT_VIDEO ||
                     deliverable == cv1::DELIVERABLE_TYPE_LONG_VIDEO;
  DeliverableOutcome out;
  if (!ephemeral && (video || by_views) && in.avg_views.has_value() && *in.avg_views > 0) {
    out.impressions = {*in.avg_views, config.reach_sigma_observed};
    out.reach = {*in.avg_views / config.impressions_per_reach, config.reach_sigma_observed};
  } else {
    double rate = config.post_reach_rate[tier];
    if (deliverable == cv1::DELIVERABLE_TYPE_STORY) rate = config.story_reach_rate[tier];
    if (deliverable == cv1::DELIVERABLE_TYPE_LIVE) rate = config.live_reach_rate;
    const double reach = followers * rate;
    out.reach = {reach, config.reach_sigma_imputed};
    out.impressions = {ephemeral ? reach : reach * config.impressions_per_reach,
                       config.reach_sigma_imputed};
  }
  double rate_sigma = config.engagement_sigma;
  double rate = 0;
  if (in.engagement_rate.has_value()) {
    rate = *in.engagement_rate;
  } else {
    rate = EngagementBenchmark(in.platform, in.tier).Median();
    rate_sigma = config.engagement_sigma_imputed;
  }
  const double per_impression =
      by_views ? rate : rate / (config.post_reach_rate[tier] * config.impressions_per_reach);
  const double factor = deliverable >= 0 && deliverable < kNumDeliverables
                            ? config.engagement_factor[static_cast<size_t>(deliverable)]
                            : 1.0;
  out.engagements = Multiply(out.impressions, {per_impression * factor, rate_sigma});
  return out;
}

FunnelOutcome PredictFunnel(const ModelConfig& config, const DeliverableOutcome& outcome,
                            double target_share, const FunnelRates& rates) {
  FunnelOutcome out;
  out.clicks =
      Multiply(outcome.impressions,
               {std::clamp(target_share, 0.0, 1.0) * rates.click_through_rate, config.click_sigma});
  out.conversions = Multiply(out.clicks, {rates.conversion_rate, config.conversion_sigma});
  out.revenue = {out.conversions.mean * rates.average_order_value, out.conversions.sigma};
  out.emv = {Emv(outcome.impressions.mean, rates.emv_cpm), outcome.impressions.sigma};
  return out;
}

Dist CreatorReach(double followers, absl::Span<const Dist> piece_reach) {
  if (piece_reach.empty()) return {};
  double sigma = 0;
  for (const Dist& p : piece_reach) sigma = std::max(sigma, p.sigma);
  if (followers <= 0) return {SumOf(piece_reach).mean, sigma};
  double missed = 1;
  for (const Dist& p : piece_reach) missed *= 1 - std::clamp(p.mean / followers, 0.0, 1.0);
  return {followers * (1 - missed), sigma};
}

Dist PersonReach(absl::Span<const Dist> account_reach) {
  if (account_reach.empty()) return {};
  size_t largest = 0;
  for (size_t i = 1; i < account_reach.size(); ++i) {
    if (account_reach[i].mean > account_reach[largest].mean) largest = i;
  }
  std::vector<Dist> parts;
  parts.reserve(account_reach.size());
  for (size_t i = 0; i < account_reach.size(); ++i) {
    const Dist& d = account_reach[i];
    parts.push_back(i == largest ? d : Dist{0.5 * d.mean, d.sigma});
  }
  return SumOf(parts);
}

}  // namespace microreach::scoring
