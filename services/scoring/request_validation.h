// Validation of ScoringService requests: every bad field becomes a
// google.rpc.BadRequest field violation naming its path.
#ifndef MICROREACH_SERVICES_SCORING_REQUEST_VALIDATION_H_
#define MICROREACH_SERVICES_SCORING_REQUEST_VALIDATION_H_

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "common/status/status.h"
#include "microreach/scoring/v1/scoring_service.pb.h"
#include "services/scoring/model_config.h"

namespace microreach::scoring {

inline constexpr int kMaxScoreBatch = 10'000;
inline constexpr int kMaxClassifyBatch = 10'000;
inline constexpr int kMaxPredictCreators = 1'000;
inline constexpr int kMaxPlanDeliverables = 50;
inline constexpr int kMaxPriceDeliverables = 10;

// [A-Za-z0-9._:-]{1,128}, the catalog's creator_id rule.
bool IsValidCreatorId(std::string_view id);

// Adds the violations of `brief` under `path` ("brief"), including its budget
// currency (must be configured in `config`).
void ValidateBrief(const common::v1::CampaignBrief& brief, std::string_view path,
                   const ModelConfig& config, status::FieldViolations* v);

// The currency money is reported in: the brief's budget currency when set,
// else `currency_code`, else "USD".
std::string ResultCurrency(const common::v1::CampaignBrief* brief, std::string_view currency_code);

absl::Status ValidateScoreCreators(const v1::ScoreCreatorsRequest& r, const ModelConfig& config);
absl::Status ValidateClassifyAccounts(const v1::ClassifyAccountsRequest& r);
absl::Status ValidateEstimatePrice(const v1::EstimatePriceRequest& r, const ModelConfig& config);
absl::Status ValidatePredictCampaign(const v1::PredictCampaignRequest& r,
                                     const ModelConfig& config);

}  // namespace microreach::scoring

#endif  // MICROREACH_SERVICES_SCORING_REQUEST_VALIDATION_H_
