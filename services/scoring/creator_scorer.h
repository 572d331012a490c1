// CreatorScorer: the scoring kernel. Scores one profile against an optional
// prepared brief into a plain struct (no allocation), and converts that into
// the wire message. Every number is a formula of docs/metrics.md.
#ifndef MICROREACH_SERVICES_SCORING_CREATOR_SCORER_H_
#define MICROREACH_SERVICES_SCORING_CREATOR_SCORER_H_

#include <array>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "microreach/common/v1/creator.pb.h"
#include "microreach/scoring/v1/scoring_service.pb.h"
#include "services/scoring/audience_quality.h"
#include "services/scoring/formulas.h"
#include "services/scoring/model_config.h"
#include "services/scoring/peer_distribution.h"
#include "services/scoring/prediction_model.h"
#include "services/scoring/price_model.h"

namespace microreach::scoring {

// A CampaignBrief resolved once per request: target values with weights
// scaled to the heaviest (NormalizeToHeaviest), dimension and fit weights,
// and the funnel in the result currency.
struct PreparedBrief {
  common::v1::CampaignObjective objective = common::v1::CAMPAIGN_OBJECTIVE_UNSPECIFIED;
  std::vector<std::pair<int, double>> countries;  // CountryKey, weight
  std::array<double, 7> age_weight{};             // by AgeBand value
  std::array<double, 4> gender_weight{};          // by Gender value
  std::vector<std::pair<std::string, double>> languages;
  std::vector<std::pair<std::string, double>> interests;
  std::array<bool, kNumDimensions> specified{};
  DimensionArray dimension_weight{};  // ResolveDimensionWeights
  bool has_target = false;
  uint32_t category_mask = 0;  // bit c for Category c
  FitArray fit_weight{};
  FunnelRates funnel;
};

// What a score is computed in. `brief` may be null (no fit, no audience fit).
struct ScoringContext {
  const ModelConfig* config = nullptr;
  std::string currency_code = "USD";
  double fx_per_usd = 1;
  // UNSPECIFIED: the platform's standard deliverable.
  common::v1::DeliverableType deliverable = common::v1::DELIVERABLE_TYPE_UNSPECIFIED;
  const PreparedBrief* brief = nullptr;
  // The catalog's engagement-rate distributions; null, or a cell without
  // points, means the reference distribution (EngagementBenchmark).
  const PeerTable* peers = nullptr;
  // With the explanation (ScoreView FULL): anomaly descriptions, audience-fit
  // dimensions, fit factors and the expected counts behind CPM and CPE.
  bool explain = true;
};

// Precondition: the brief passed ValidateBrief(). `fx_per_usd` converts the
// default funnel order value and EMV CPM; `assumptions` may be null.
PreparedBrief PrepareBrief(const common::v1::CampaignBrief& brief, const ModelConfig& config,
                           double fx_per_usd, const v1::FunnelAssumptions* assumptions = nullptr);

// One detected anomaly; the description is formatted from a and b on output.
struct AnomalyResult {
  v1::AnomalyType type = v1::ANOMALY_TYPE_UNSPECIFIED;
  double severity = 0;
  double a = 0;
  double b = 0;
  double c = 0;
  double d = 0;
};

struct CreatorResult {
  common::v1::Tier tier = common::v1::TIER_UNSPECIFIED;
  std::optional<double> engagement_rate;
  EngagementBand band = EngagementBand::kLow;
  std::optional<double> tier_percentile;
  // Whether tier_percentile was read from the catalog's distribution.
  bool percentile_from_catalog = false;

  std::optional<double> credibility;
  std::optional<double> audience_quality;
  // Follower-growth anomaly severity in [0, 1], from the daily series when
  // one was given (then `series` holds the detection), else from the 30- and
  // 90-day growth; unset when neither is known.
  v1::GrowthEvidence growth_evidence = v1::GROWTH_EVIDENCE_UNSPECIFIED;
  std::optional<double> growth_severity;
  GrowthAnomaly series;
  std::array<AnomalyResult, 8> anomalies{};
  int anomaly_count = 0;

  bool has_audience_fit = false;
  double audience_fit = 0;  // 0..100
  DimensionArray dimension_match{};
  double target_share = 1;

  common::v1::DeliverableType deliverable = common::v1::DELIVERABLE_TYPE_UNSPECIFIED;
  FeeEstimate fee;
  DeliverableOutcome outcome;
  FunnelOutcome funnel;

  bool has_fit = false;
  FitBreakdown fit;
};

// The kernel: pure, deterministic, allocation-free (but for the median
// computations on a daily follower series). `daily_followers` is the
// creator's series from the request, oldest first, or empty.
void ScoreCreator(const common::v1::Creator& creator, const ScoringContext& context,
                  CreatorResult* result, absl::Span<const int64_t> daily_followers = {});

// The wire form of a result.
void ToProto(const common::v1::Creator& creator, const CreatorResult& result,
             const ScoringContext& context, v1::CreatorScore* out);

// A money amount in the context currency: round(usd x fx x 1e6) micros.
common::v1::Money MoneyOf(double usd, const ScoringContext& context);
void SetMoney(double usd, const ScoringContext& context, common::v1::Money* out);
// An estimate in the context currency from a USD distribution.
common::v1::MoneyEstimate MoneyEstimateOf(const Dist& usd, const ScoringContext& context);
void SetMoneyEstimate(const Dist& usd, const ScoringContext& context,
                      common::v1::MoneyEstimate* out);
void SetEstimate(const Dist& d, common::v1::Estimate* out);

// Audience-fit pieces used by the kernel, exposed for tests: the match of
// each specified dimension in [0, 1] and whether the creator has data for it.
struct AudienceMatch {
  DimensionArray match{};
  std::array<bool, kNumDimensions> has_data{};
  double score = 0;         // 100 x sum of weight x match
  double target_share = 1;  // product of exclusive dimensions with data
};
AudienceMatch MatchAudience(const common::v1::AudienceDemographics& audience,
                            const PreparedBrief& brief);
// The same with the audience's countries already resolved (CountryKey).
AudienceMatch MatchAudience(const common::v1::AudienceDemographics& audience,
                            const PreparedBrief& brief,
                            absl::Span<const CountryShareKey> countries);

}  // namespace microreach::scoring

#endif  // MICROREACH_SERVICES_SCORING_CREATOR_SCORER_H_
