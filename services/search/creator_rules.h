// The rules a creator profile must satisfy to enter the catalog, and the
// size tier derived from its followers.
#ifndef MICROREACH_SERVICES_SEARCH_CREATOR_RULES_H_
#define MICROREACH_SERVICES_SEARCH_CREATOR_RULES_H_

#include <array>
#include <cstdint>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/status/status.h"
#include "microreach/common/v1/creator.pb.h"

namespace microreach::search {

// Lower bounds (followers) of the micro, macro, country and global tiers;
// below the first is nano. Defaults are the trade's five tiers
// (docs/metrics.md): nano < 10k, micro 10k-100k, macro 100k-1M,
// country 1M-10M, global >= 10M.
struct TierBounds {
  std::array<int64_t, 4> lower = {10'000, 100'000, 1'000'000, 10'000'000};
};

// Tier bounds per platform; a platform without its own uses `fallback`.
class TierPolicy {
 public:
  TierPolicy() = default;
  // Parses "instagram=10000:100000:1000000:10000000,tiktok=..." (platform
  // names as in the Platform enum without prefix, lower case).
  static absl::StatusOr<TierPolicy> Parse(absl::string_view spec);

  common::v1::Tier TierOf(common::v1::Platform platform, int64_t followers) const;

  // The default bounds and the per-platform overrides (by Platform number).
  const TierBounds& fallback() const { return fallback_; }
  std::vector<std::pair<int, TierBounds>> overrides() const;

 private:
  TierBounds fallback_;
  std::array<TierBounds, 16> per_platform_{};
  std::array<bool, 16> has_platform_{};
};

// True for ids of 1-128 characters of [A-Za-z0-9._:-].
bool IsValidId(absl::string_view id);

// Every violation of the upsert rules documented on v1.Creator, with field
// paths relative to the creator ("stats.followers", "audience.countries[2].share").
status::FieldViolations ValidateCreator(const common::v1::Creator& creator);

// Normalises a profile before it is stored: lower-cases keyword lists and
// strips "#"/"@", upper-cases codes, clears output-only fields, and sets the tier.
void NormalizeCreator(const TierPolicy& tiers, common::v1::Creator* creator);

}  // namespace microreach::search

#endif  // MICROREACH_SERVICES_SEARCH_CREATOR_RULES_H_
