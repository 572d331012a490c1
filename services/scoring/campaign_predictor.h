// PredictCampaign's logic: per-creator and total predictions for a brief and
// a set of creator plans (docs/metrics.md "Predicted results").
#ifndef MICROREACH_SERVICES_SCORING_CAMPAIGN_PREDICTOR_H_
#define MICROREACH_SERVICES_SCORING_CAMPAIGN_PREDICTOR_H_

#include "absl/types/span.h"
#include "microreach/common/v1/creator.pb.h"
#include "microreach/scoring/v1/scoring_service.pb.h"
#include "services/scoring/creator_scorer.h"

namespace microreach::scoring {

struct PlannedCreator {
  const common::v1::Creator* creator = nullptr;
  const v1::CreatorPlan* plan = nullptr;
};

// Predicts every creator's deliverables and the campaign total.
// Per creator: reach is CreatorReach over its deliverables; impressions,
// engagements, clicks, conversions, revenue and EMV are moment-matched sums;
// cost is the plan's fee or else the sum of the estimated fees.
// Total: reach de-duplicated per person_id (PersonReach), then summed over
// persons; the rest summed over creators. ROI and ROAS are unset when the
// cost is 0.
// Preconditions: context.brief is set; plans passed validation (fee in the
// context currency).
v1::PredictCampaignResponse PredictCampaign(const ScoringContext& context,
                                            absl::Span<const PlannedCreator> creators);

}  // namespace microreach::scoring

#endif  // MICROREACH_SERVICES_SCORING_CAMPAIGN_PREDICTOR_H_
