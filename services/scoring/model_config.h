// ModelConfig: every constant of the price and prediction models (rate card,
// country price index, exchange rates, reach rates, funnel defaults) with the
// defaults of docs/metrics.md, operator overrides parsed from flags, and the
// model version string that changes whenever the numbers do.
#ifndef MICROREACH_SERVICES_SCORING_MODEL_CONFIG_H_
#define MICROREACH_SERVICES_SCORING_MODEL_CONFIG_H_

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "microreach/common/v1/types.pb.h"
#include "services/scoring/formulas.h"

namespace microreach::scoring {

// Version of the formulas and default constants; bump on any change to them.
inline constexpr char kBaseModelVersion[] = "2026.11.2";

inline constexpr int kNumPlatforms = 11;    // Platform enum values 0..10
inline constexpr int kNumTiers = 6;         // Tier enum values 0..5
inline constexpr int kNumDeliverables = 6;  // DeliverableType enum values 0..5
inline constexpr int kNumObjectives = 5;    // CampaignObjective enum values 0..4
inline constexpr int kNumCountryKeys = 26 * 26;

// "US" -> 0..675; -1 for anything but two ASCII letters (either case).
int CountryKey(std::string_view code);

struct FunnelDefaults {
  double click_through_rate = 0;  // clicks per targeted impression
  double conversion_rate = 0;     // conversions per click
  double average_order_value_usd = 0;
};

struct ModelConfig {
  // Fee in USD of each (platform, tier, deliverable) at the tier's reference
  // follower count, at the peer-median engagement rate and a country index
  // of 1. Index [platform][tier][deliverable]; tier 0 and deliverable 0 unused.
  std::array<std::array<std::array<double, kNumDeliverables>, kNumTiers>, kNumPlatforms> fee_usd{};
  // Reference follower count of each tier (geometric middle of its bounds).
  std::array<double, kNumTiers> tier_reference_followers{};
  // Price index per audience country (US = 1); default_country_index for
  // countries not listed and for the unlisted part of an audience.
  std::array<double, kNumCountryKeys> country_index{};
  double default_country_index = 0.5;
  // Units of a currency per USD.
  std::map<std::string, double, std::less<>> fx_per_usd;
  // Log-normal sigma of the fee (the negotiation range).
  double fee_sigma = 0.35;
  // Engagement adjustment of the fee: sqrt(rate / peer median), clamped.
  double min_engagement_multiplier = 0.5;
  double max_engagement_multiplier = 2.0;
  // Reach as a share of followers, by tier, for feed content and stories.
  std::array<double, kNumTiers> post_reach_rate{};
  std::array<double, kNumTiers> story_reach_rate{};
  double live_reach_rate = 0.02;
  // Impressions per reached account, for feed content.
  double impressions_per_reach = 1.5;
  // Engagements per impression relative to a feed post, per deliverable.
  std::array<double, kNumDeliverables> engagement_factor{};
  // Log-normal sigmas of the predictions.
  double reach_sigma_observed = 0.30;      // from the creator's own average views
  double reach_sigma_imputed = 0.45;       // from tier reach rates
  double engagement_sigma = 0.35;          // on top of the reach uncertainty
  double engagement_sigma_imputed = 0.60;  // when the rate is unknown
  double click_sigma = 0.50;
  double conversion_sigma = 0.50;
  // Funnel defaults by campaign objective.
  std::array<FunnelDefaults, kNumObjectives> funnel{};
  double emv_cpm_usd = 6.50;
  // ROAS at which the predicted_return factor reaches 100.
  double target_roas = 3.0;
  std::array<int64_t, 4> tier_bounds = kDefaultTierBounds;

  // ln of fee_usd and of tier_reference_followers, for the per-creator
  // interpolation; set by Finalize().
  std::array<std::array<std::array<double, kNumDeliverables>, kNumTiers>, kNumPlatforms> log_fee{};
  std::array<double, kNumTiers> log_tier_reference{};
  // Recomputes the derived tables above; call after changing the fees.
  void Finalize();

  // Non-default settings in canonical text; empty for the defaults.
  std::string overrides;

  // "2026.11.2", or "2026.11.2+cfg.<8 hex digits of the overrides' hash>"
  // so two replicas with different settings never share a version.
  std::string ModelVersion() const;

  double Fee(common::v1::Platform p, common::v1::Tier t, common::v1::DeliverableType d) const {
    return fee_usd[static_cast<size_t>(p)][static_cast<size_t>(t)][static_cast<size_t>(d)];
  }
  // Units of `currency` per USD, or nullopt if not configured.
  std::optional<double> FxPerUsd(std::string_view currency) const;
};

// The defaults documented in docs/metrics.md.
ModelConfig DefaultModelConfig();

// Applies operator overrides (flag syntax, comma separated; empty = none):
//   rate_card:     "<platform>.<tier>.<deliverable>=<usd>", e.g. "instagram.micro.post=450"
//   country_index: "<CC>=<index>", e.g. "BR=0.6,US=1"
//   fx_rates:      "<CUR>=<units per USD>", e.g. "EUR=0.92,GBP=0.79"
//   emv_cpm_usd:   0 keeps the default.
// INVALID_ARGUMENT naming the flag (--rate_card, ...) and the bad entry.
absl::StatusOr<ModelConfig> ApplyOverrides(ModelConfig config, std::string_view rate_card,
                                           std::string_view country_index,
                                           std::string_view fx_rates, double emv_cpm_usd);

// The platform's standard deliverable: feed post on Instagram and most
// platforms, short video on TikTok and Snapchat, long video on YouTube,
// live on Twitch.
common::v1::DeliverableType StandardDeliverable(common::v1::Platform platform);

}  // namespace microreach::scoring

#endif  // MICROREACH_SERVICES_SCORING_MODEL_CONFIG_H_
