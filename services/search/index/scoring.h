// Per-creator compact data the index scores with: the quantised audience
// block, the lookalike vectors, and the audience-match, fit-score and cosine
// formulas documented in docs/search-index.md.
#ifndef MICROREACH_SERVICES_SEARCH_INDEX_SCORING_H_
#define MICROREACH_SERVICES_SEARCH_INDEX_SCORING_H_

#include <array>
#include <cmath>
#include <cstdint>
#include <utility>
#include <vector>

#include "microreach/common/v1/creator.pb.h"
#include "microreach/common/v1/types.pb.h"
#include "services/search/index/posting.h"

namespace microreach::search {

// Audience shares are held at 0.5 percentage point resolution: share s is
// stored as round(s * 200) in a byte. Whole-percent thresholds are exact and
// the error is at most 0.25 points, well inside the providers' own error.
inline constexpr int kShareScale = 200;
inline uint8_t QuantizeShare(double s) {
  if (!(s > 0)) return 0;  // also NaN
  if (s >= 1) return kShareScale;
  return static_cast<uint8_t>(std::lround(s * kShareScale));
}

// Entries kept per audience dimension (largest shares first); a value beyond
// them counts as absent. The providers list up to 50; the head carries
// nearly all of the mass that filters on minimum shares care about.
inline constexpr int kAudCountries = 10;
inline constexpr int kAudCities = 5;
inline constexpr int kAudLanguages = 5;
inline constexpr int kAudInterests = 10;
inline constexpr int kAudBrands = 10;
// Marks an absent gender or age band (a listed band may have share 0).
inline constexpr uint8_t kAbsentShare = 0xFF;

// Each creator's audience, 184 bytes. Ids come from the index vocabularies
// (0 = empty slot); shares are QuantizeShare values.
struct AudienceBlock {
  uint16_t country[kAudCountries];
  uint16_t language[kAudLanguages];
  uint32_t city[kAudCities];
  uint32_t interest[kAudInterests];
  uint32_t brand[kAudBrands];
  uint8_t country_share[kAudCountries];
  uint8_t language_share[kAudLanguages];
  uint8_t city_share[kAudCities];
  uint8_t interest_share[kAudInterests];
  uint8_t brand_share[kAudBrands];
  // Indexed by Gender - 1 and AgeBand - 1; kAbsentShare if not listed.
  uint8_t gender[3];
  uint8_t age[6];
};

// The lookalike vectors of one creator: a content vector (categories,
// formats, hashed hashtags and caption words, size, engagement, platform)
// and an audience vector (gender, age, hashed countries, languages and
// interests), each L2-normalised and quantised to int8.
inline constexpr int kContentDims = 48;
inline constexpr int kAudienceDims = 32;
struct SimVectors {
  std::array<int8_t, kContentDims> content{};
  std::array<int8_t, kAudienceDims> audience{};
  // Euclidean norms of the quantised vectors; 0 = no data for that mode.
  float content_norm = 0;
  float audience_norm = 0;
};
SimVectors BuildSimVectors(const common::v1::Creator& c);

// Cosine of two quantised vectors; 0 if either has no data.
template <size_t N>
inline double Cosine(const std::array<int8_t, N>& a, float na, const std::array<int8_t, N>& b,
                     float nb) {
  if (na == 0 || nb == 0) return 0;
  const int32_t dot = DotI8(a.data(), b.data(), N);
  return static_cast<double>(dot) / (static_cast<double>(na) * static_cast<double>(nb));
}

// An AudienceTarget resolved against the index vocabularies. Per dimension,
// weights are divided by the largest one (equal if all are 0), so an
// audience entirely inside the target's heaviest values scores 1.
struct PreparedTarget {
  bool has_audience = false;
  std::vector<std::pair<uint16_t, double>> countries;
  std::vector<std::pair<uint16_t, double>> languages;
  std::vector<std::pair<uint32_t, double>> interests;
  std::array<double, 3> gender_w{};
  std::array<double, 6> age_w{};
  // Dimension weights renormalised over the dimensions the target sets.
  double w_country = 0, w_age = 0, w_gender = 0, w_language = 0, w_interest = 0;
  // Brief categories (bit c set for Category c); 0 = no category preference.
  uint32_t category_mask = 0;
};

// Audience match 0..100 (docs/search-index.md): 100 * sum over the target's
// dimensions of weight * min(1, sum over target values of value weight *
// audience share).
double AudienceMatch(const AudienceBlock& a, const PreparedTarget& t);

// Instagram "good" engagement rate per tier (DOMAIN.md), doubled on
// view-based platforms (TikTok, YouTube).
double BenchmarkEngagement(common::v1::Platform platform, common::v1::Tier tier);

// Fit score 0..100: 0.40 audience match + 0.25 engagement against the tier
// benchmark + 0.20 credibility + 0.15 category fit, renormalised over the
// factors the brief allows (no audience target / no categories drop theirs).
// `engagement` and `credibility` are NaN when unknown (factor 0).
double FitScore(double audience_match, float engagement, float credibility,
                common::v1::Platform platform, common::v1::Tier tier, uint32_t category_mask,
                int main_category, const PreparedTarget& t);

// Stable 32-bit FNV-1a, for hashing tags into vector buckets identically in
// every process (absl::Hash is seeded per process).
uint32_t StableHash(const char* data, size_t n);

}  // namespace microreach::search

#endif  // MICROREACH_SERVICES_SEARCH_INDEX_SCORING_H_
