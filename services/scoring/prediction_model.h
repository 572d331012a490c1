// Predicted results of a deliverable (reach, impressions, engagements), the
// conversion funnel (clicks, conversions, revenue, EMV) and their campaign
// totals, each a log-normal estimate (docs/metrics.md "Predicted results").
#ifndef MICROREACH_SERVICES_SCORING_PREDICTION_MODEL_H_
#define MICROREACH_SERVICES_SCORING_PREDICTION_MODEL_H_

#include <cstdint>
#include <optional>

#include "absl/types/span.h"
#include "microreach/common/v1/types.pb.h"
#include "services/scoring/formulas.h"
#include "services/scoring/model_config.h"

namespace microreach::scoring {

struct ReachInputs {
  common::v1::Platform platform = common::v1::PLATFORM_UNSPECIFIED;
  common::v1::Tier tier = common::v1::TIER_UNSPECIFIED;
  int64_t followers = 0;
  std::optional<double> engagement_rate;  // by followers or views per platform
  std::optional<double> avg_views;
};

struct DeliverableOutcome {
  Dist reach;
  Dist impressions;
  Dist engagements;
};

// Feed content and video: with average views (video deliverables, or any
// feed deliverable on a view-based platform), impressions = avg_views and
// reach = impressions / 1.5; otherwise reach = followers x the tier's reach
// rate (stories: the story rate, live: 2%) and impressions = reach x 1.5
// (stories and live: x 1).
// Engagements = impressions x engagements per impression x the deliverable's
// factor; per impression = the rate on view-based platforms, else
// rate / (post reach rate x 1.5) so that a feed post earns rate x followers.
// An unknown rate uses the tier's peer median with a wider sigma.
DeliverableOutcome PredictDeliverable(const ModelConfig& config, const ReachInputs& in,
                                      common::v1::DeliverableType deliverable);

// Funnel rates in the result currency (aov, emv_cpm).
struct FunnelRates {
  double click_through_rate = 0;
  double conversion_rate = 0;
  double average_order_value = 0;
  double emv_cpm = 0;
};

struct FunnelOutcome {
  Dist clicks;
  Dist conversions;
  Dist revenue;
  Dist emv;
};

// clicks = impressions x target_share x CTR; conversions = clicks x CVR;
// revenue = conversions x AOV; EMV = impressions / 1000 x EMV CPM.
FunnelOutcome PredictFunnel(const ModelConfig& config, const DeliverableOutcome& outcome,
                            double target_share, const FunnelRates& rates);

// Unique reach of several deliverables by one creator, assuming each reaches
// an independent random part of the followers (Sainsbury):
// F x (1 - prod(1 - r_j / F)); sigma = the largest of the parts'. Sum when
// followers are unknown (0).
Dist CreatorReach(double followers, absl::Span<const Dist> piece_reach);

// Unique reach of one person's accounts on several platforms: the largest
// plus half of the others (their audiences overlap).
Dist PersonReach(absl::Span<const Dist> account_reach);

}  // namespace microreach::scoring

#endif  // MICROREACH_SERVICES_SCORING_PREDICTION_MODEL_H_
