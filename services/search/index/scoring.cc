// Audience match, fit score and lookalike vectors (see scoring.h and
// docs/search-index.md for the formulas).
#include "services/search/index/scoring.h"

#include <algorithm>
#include <string>

#include "services/search/index/text.h"

namespace microreach::search {

namespace cv1 = ::microreach::common::v1;

uint32_t StableHash(const char* data, size_t n) {
  uint32_t h = 2166136261u;
  for (size_t i = 0; i < n; ++i) {
    h ^= static_cast<unsigned char>(data[i]);
    h *= 16777619u;
  }
  return h;
}

namespace {

uint32_t HashOf(const std::string& s) { return StableHash(s.data(), s.size()); }

template <size_t N>
float Quantize(const std::array<double, N>& v, std::array<int8_t, N>* out) {
  double norm = 0;
  for (double x : v) norm += x * x;
  out->fill(0);
  if (norm <= 0) return 0;
  norm = std::sqrt(norm);
  int64_t q2 = 0;
  for (size_t i = 0; i < N; ++i) {
    const long q = std::lround(v[i] / norm * 127.0);
    (*out)[i] = static_cast<int8_t>(std::clamp<long>(q, -127, 127));
    q2 += int64_t{(*out)[i]} * int64_t{(*out)[i]};
  }
  return static_cast<float>(std::sqrt(static_cast<double>(q2)));
}

}  // namespace

SimVectors BuildSimVectors(const cv1::Creator& c) {
  SimVectors out;
  std::array<double, kContentDims> content{};
  bool main = true;
  for (int cat : c.categories()) {
    if (cat < 1 || cat > 25) continue;
    content[cat - 1] = std::max(content[cat - 1], main ? 1.0 : 0.5);
    main = false;
  }
  for (int t : c.content().content_types()) {
    if (t >= 1 && t <= 5) content[25 + t - 1] = 0.5;
  }
  std::array<double, 12> buckets{};
  double bucket_norm = 0;
  for (const std::string& h : c.content().hashtags()) buckets[HashOf(NormalizeTag(h)) % 12] += 1;
  std::string scratch;
  for (const std::string& k : c.content().caption_keywords()) {
    ForEachWord(k, &scratch,
                [&](absl::string_view w) { buckets[StableHash(w.data(), w.size()) % 12] += 1; });
  }
  for (double b : buckets) bucket_norm += b * b;
  if (bucket_norm > 0) {
    bucket_norm = std::sqrt(bucket_norm);
    for (int i = 0; i < 12; ++i) content[30 + i] = buckets[i] / bucket_norm;
  }
  const double followers = static_cast<double>(std::max<int64_t>(0, c.stats().followers()));
  content[42] = std::min(1.0, std::log10(followers + 1) / 8.0);
  if (c.stats().has_engagement_rate() && !c.stats().likes_hidden() &&
      std::isfinite(c.stats().engagement_rate())) {
    content[43] = 0.5 * std::clamp(c.stats().engagement_rate() / 0.1, 0.0, 1.0);
  }
  if (c.platform() >= 1) content[44 + (c.platform() - 1) % 4] = 0.5;
  out.content_norm = Quantize(content, &out.content);

  std::array<double, kAudienceDims> aud{};
  const cv1::AudienceDemographics& a = c.audience();
  for (const auto& g : a.genders()) {
    if (g.gender() >= 1 && g.gender() <= 3) aud[g.gender() - 1] = std::clamp(g.share(), 0.0, 1.0);
  }
  for (const auto& b : a.age_bands()) {
    if (b.age_band() >= 1 && b.age_band() <= 6) {
      aud[3 + b.age_band() - 1] = std::clamp(b.share(), 0.0, 1.0);
    }
  }
  for (const auto& x : a.countries()) {
    aud[9 + HashOf(NormalizeUpper(x.country_code())) % 12] += std::clamp(x.share(), 0.0, 1.0);
  }
  for (const auto& x : a.languages()) {
    aud[21 + HashOf(NormalizeLower(x.language_code())) % 5] += std::clamp(x.share(), 0.0, 1.0);
  }
  for (const auto& x : a.interests()) {
    aud[26 + HashOf(NormalizeLower(x.interest())) % 6] += 0.5 * std::clamp(x.share(), 0.0, 1.0);
  }
  out.audience_norm = Quantize(aud, &out.audience);
  return out;
}

double AudienceMatch(const AudienceBlock& a, const PreparedTarget& t) {
  if (!t.has_audience) return 0;
  double total = 0;
  if (t.w_country > 0) {
    double s = 0;
    for (const auto& [id, w] : t.countries) {
      for (int j = 0; j < kAudCountries; ++j) {
        if (a.country[j] == id && id != 0) {
          s += w * a.country_share[j];
          break;
        }
      }
    }
    total += t.w_country * std::min(1.0, s / kShareScale);
  }
  if (t.w_age > 0) {
    double s = 0;
    for (int j = 0; j < 6; ++j) {
      if (a.age[j] != kAbsentShare) s += t.age_w[j] * a.age[j];
    }
    total += t.w_age * std::min(1.0, s / kShareScale);
  }
  if (t.w_gender > 0) {
    double s = 0;
    for (int j = 0; j < 3; ++j) {
      if (a.gender[j] != kAbsentShare) s += t.gender_w[j] * a.gender[j];
    }
    total += t.w_gender * std::min(1.0, s / kShareScale);
  }
  if (t.w_language > 0) {
    double s = 0;
    for (const auto& [id, w] : t.languages) {
      for (int j = 0; j < kAudLanguages; ++j) {
        if (a.language[j] == id && id != 0) {
          s += w * a.language_share[j];
          break;
        }
      }
    }
    total += t.w_language * std::min(1.0, s / kShareScale);
  }
  if (t.w_interest > 0) {
    double s = 0;
    for (const auto& [id, w] : t.interests) {
      for (int j = 0; j < kAudInterests; ++j) {
        if (a.interest[j] == id && id != 0) {
          s += w * a.interest_share[j];
          break;
        }
      }
    }
    total += t.w_interest * std::min(1.0, s / kShareScale);
  }
  return 100.0 * total;
}

double BenchmarkEngagement(cv1::Platform platform, cv1::Tier tier) {
  double good = 0.035;
  switch (tier) {
    case cv1::TIER_NANO:
      good = 0.05;
      break;
    case cv1::TIER_MICRO:
      good = 0.035;
      break;
    case cv1::TIER_MACRO:
      good = 0.02;
      break;
    case cv1::TIER_COUNTRY:
    case cv1::TIER_GLOBAL:
      good = 0.012;
      break;
    default:
      break;
  }
  if (platform == cv1::PLATFORM_TIKTOK || platform == cv1::PLATFORM_YOUTUBE) good *= 2;
  return good;
}

double FitScore(double audience_match, float engagement, float credibility, cv1::Platform platform,
                cv1::Tier tier, uint32_t category_mask, int main_category,
                const PreparedTarget& t) {
  double weights = 0.25 + 0.20;
  double sum = 0;
  if (!std::isnan(engagement)) {
    sum += 0.25 * 100.0 *
           std::min(1.0, std::max(0.0, static_cast<double>(engagement)) /
                             BenchmarkEngagement(platform, tier));
  }
  if (!std::isnan(credibility)) {
    sum += 0.20 * 100.0 * std::clamp(static_cast<double>(credibility), 0.0, 1.0);
  }
  if (t.has_audience) {
    weights += 0.40;
    sum += 0.40 * audience_match;
  }
  if (t.category_mask != 0) {
    weights += 0.15;
    double fit = 0;
    if (main_category > 0 && ((t.category_mask >> main_category) & 1)) {
      fit = 100;
    } else if ((category_mask & t.category_mask) != 0) {
      fit = 50;
    }
    sum += 0.15 * fit;
  }
  return sum / weights;
}

}  // namespace microreach::search
