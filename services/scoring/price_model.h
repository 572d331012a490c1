// PriceModel: a creator's fee per deliverable from the rate card, adjusted for
// engagement and audience country, with CPM and CPE (docs/metrics.md "Price").
#ifndef MICROREACH_SERVICES_SCORING_PRICE_MODEL_H_
#define MICROREACH_SERVICES_SCORING_PRICE_MODEL_H_

#include <cstdint>
#include <optional>

#include "absl/types/span.h"
#include "microreach/common/v1/types.pb.h"
#include "services/scoring/formulas.h"
#include "services/scoring/model_config.h"

namespace microreach::scoring {

// One audience country: CountryKey() of its code and its share.
struct CountryShareKey {
  int key = -1;
  double share = 0;
};

struct PricingInputs {
  common::v1::Platform platform = common::v1::PLATFORM_UNSPECIFIED;
  int64_t followers = 0;
  std::optional<double> engagement_rate;
  absl::Span<const CountryShareKey> audience_countries;
  int creator_country_key = -1;
};

struct FeeEstimate {
  Dist usd;                          // mean and sigma of the fee in USD
  double base_usd = 0;               // rate card, interpolated at the followers
  double engagement_multiplier = 1;  // clamp(sqrt(rate / peer median), 0.5, 2)
  double country_multiplier = 1;     // audience-weighted country index
};

// Rate-card fee at `followers` (at least 100): log-linear interpolation of
// (ln tier reference followers, ln fee) between neighbouring tiers,
// extrapolated with the end segments.
double RateCardFee(const ModelConfig& config, common::v1::Platform platform,
                   common::v1::DeliverableType deliverable, int64_t followers);

// Country multiplier: sum over audience countries of share x index plus the
// unlisted share x the default index; without audience data the creator's
// country index; 1 when neither is known.
double CountryMultiplier(const ModelConfig& config, absl::Span<const CountryShareKey> audience,
                         int creator_country_key);

// fee = rate card x engagement multiplier x country multiplier, sigma
// config.fee_sigma. Precondition: deliverable is not UNSPECIFIED.
FeeEstimate EstimateFee(const ModelConfig& config, const PricingInputs& in,
                        common::v1::DeliverableType deliverable);

}  // namespace microreach::scoring

#endif  // MICROREACH_SERVICES_SCORING_PRICE_MODEL_H_
