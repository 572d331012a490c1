// Default model constants (each sourced in docs/metrics.md) and the parsing
// of operator overrides.
#include "services/scoring/model_config.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "absl/algorithm/container.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"

namespace microreach::scoring {
namespace {

namespace cv1 = ::microreach::common::v1;

absl::string_view Sv(std::string_view s) { return absl::string_view(s.data(), s.size()); }

constexpr const char* kPlatformNames[kNumPlatforms] = {
    "",         "instagram", "tiktok",    "youtube",  "twitch", "x",
    "facebook", "snapchat",  "pinterest", "linkedin", "threads"};
constexpr const char* kTierNames[kNumTiers] = {"", "nano", "micro", "macro", "country", "global"};
constexpr const char* kDeliverableNames[kNumDeliverables] = {"",      "post",       "short_video",
                                                             "story", "long_video", "live"};

template <size_t N>
int IndexOf(const char* const (&names)[N], absl::string_view name) {
  for (size_t i = 1; i < N; ++i) {
    if (name == names[i]) return static_cast<int>(i);
  }
  return -1;
}

// FNV-1a, 32 bits: stable across processes, unlike absl::Hash.
uint32_t Fnv1a(std::string_view s) {
  uint32_t h = 2166136261u;
  for (unsigned char c : s) {
    h ^= c;
    h *= 16777619u;
  }
  return h;
}

absl::Status FlagError(absl::string_view flag, absl::string_view entry, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat("--", flag, ": \"", entry, "\" ", why));
}

// Splits "k=v,k2=v2" into pairs with a finite, positive value.
absl::StatusOr<std::vector<std::pair<std::string, double>>> ParsePairs(absl::string_view flag,
                                                                       std::string_view text) {
  std::vector<std::pair<std::string, double>> out;
  for (absl::string_view entry : absl::StrSplit(Sv(text), ',', absl::SkipWhitespace())) {
    entry = absl::StripAsciiWhitespace(entry);
    std::pair<absl::string_view, absl::string_view> kv = absl::StrSplit(entry, '=');
    double value = 0;
    if (kv.first.empty() || !absl::SimpleAtod(kv.second, &value) || !std::isfinite(value) ||
        value <= 0) {
      return FlagError(flag, entry, "must be key=positive number");
    }
    out.emplace_back(std::string(absl::StripAsciiWhitespace(kv.first)), value);
  }
  return out;
}

}  // namespace

int CountryKey(std::string_view code) {
  if (code.size() != 2) return -1;
  const char a = absl::ascii_toupper(static_cast<unsigned char>(code[0]));
  const char b = absl::ascii_toupper(static_cast<unsigned char>(code[1]));
  if (a < 'A' || a > 'Z' || b < 'A' || b > 'Z') return -1;
  return (a - 'A') * 26 + (b - 'A');
}

std::optional<double> ModelConfig::FxPerUsd(std::string_view currency) const {
  auto it = fx_per_usd.find(currency);
  if (it == fx_per_usd.end()) return std::nullopt;
  return it->second;
}

std::string ModelConfig::ModelVersion() const {
  if (overrides.empty()) return kBaseModelVersion;
  return absl::StrFormat("%s+cfg.%08x", kBaseModelVersion, Fnv1a(overrides));
}

void ModelConfig::Finalize() {
  for (size_t t = 1; t < kNumTiers; ++t)
    log_tier_reference[t] = std::log(tier_reference_followers[t]);
  for (size_t p = 0; p < kNumPlatforms; ++p) {
    for (size_t t = 1; t < kNumTiers; ++t) {
      for (size_t d = 1; d < kNumDeliverables; ++d) log_fee[p][t][d] = std::log(fee_usd[p][t][d]);
    }
  }
}

ModelConfig DefaultModelConfig() {
  ModelConfig c;
  // Instagram feed post by tier, USD. Anchors (DOMAIN.md, Tagger / Sprout fee
  // tables): a mega (here: country) creator's photo ~ $49.5k and a micro
  // creator's story ~ $99 (= story factor 0.3 x $330). Macro is the geometric
  // mean of its neighbours; nano and global are microreach assumptions.
  constexpr double kInstagramPost[kNumTiers] = {0, 100, 330, 4'000, 49'500, 150'000};
  // Platform factor on the Instagram post (microreach assumptions).
  constexpr double kPlatformFactor[kNumPlatforms] = {1.0, 1.0, 0.8, 1.6, 0.6, 0.4,
                                                     0.6, 0.6, 0.5, 0.8, 0.4};
  // Deliverable factor on a feed post (story 0.3 from the anchors above).
  constexpr double kDeliverableFactor[kNumDeliverables] = {1.0, 1.0, 1.2, 0.3, 2.0, 1.5};
  for (int p = 0; p < kNumPlatforms; ++p) {
    for (int t = 1; t < kNumTiers; ++t) {
      for (int d = 1; d < kNumDeliverables; ++d) {
        c.fee_usd[static_cast<size_t>(p)][static_cast<size_t>(t)][static_cast<size_t>(d)] =
            kInstagramPost[t] * kPlatformFactor[p] * kDeliverableFactor[d];
      }
    }
  }
  // Geometric middles of nano 1k-10k, micro 10k-100k, ... global 10M-100M.
  c.tier_reference_followers = {0, 3'162, 31'623, 316'228, 3'162'278, 31'622'777};

  c.country_index.fill(-1);  // -1 = not listed: default_country_index
  for (const char* cc : {"US", "CA", "GB", "AU", "NZ", "IE", "DE", "AT", "CH", "NL", "BE", "LU",
                         "DK", "NO", "SE", "FI", "IS", "SG", "AE"}) {
    c.country_index[static_cast<size_t>(CountryKey(cc))] = 1.0;
  }
  for (const char* cc : {"FR", "IT", "ES", "PT", "JP", "KR", "IL", "SA", "QA", "KW", "HK", "TW"}) {
    c.country_index[static_cast<size_t>(CountryKey(cc))] = 0.75;
  }
  c.default_country_index = 0.5;
  c.fx_per_usd["USD"] = 1.0;

  // Insense: Instagram posts nano 20-25%, micro 11-18%, macro > 10%; stories
  // nano 7-8%, micro 2-6%, macro > 2% (midpoints; lower bounds above macro).
  c.post_reach_rate = {0.145, 0.225, 0.145, 0.10, 0.10, 0.10};
  c.story_reach_rate = {0.04, 0.075, 0.04, 0.02, 0.02, 0.02};
  c.engagement_factor = {1.0, 1.0, 1.0, 0.1, 1.0, 0.5};

  // Funnel defaults by objective (microreach assumptions; FunnelAssumptions
  // overrides them per request).
  c.funnel[cv1::CAMPAIGN_OBJECTIVE_UNSPECIFIED] = {0.004, 0.010, 50};
  c.funnel[cv1::CAMPAIGN_OBJECTIVE_AWARENESS] = {0.004, 0.010, 50};
  c.funnel[cv1::CAMPAIGN_OBJECTIVE_LAUNCH] = {0.006, 0.015, 50};
  c.funnel[cv1::CAMPAIGN_OBJECTIVE_LEADS] = {0.010, 0.100, 50};
  c.funnel[cv1::CAMPAIGN_OBJECTIVE_SALES] = {0.008, 0.025, 50};
  c.Finalize();
  return c;
}

absl::StatusOr<ModelConfig> ApplyOverrides(ModelConfig c, std::string_view rate_card,
                                           std::string_view country_index,
                                           std::string_view fx_rates, double emv_cpm_usd) {
  std::vector<std::string> canonical;
  auto cells = ParsePairs("rate_card", rate_card);
  if (!cells.ok()) return cells.status();
  for (const auto& [key, usd] : *cells) {
    std::vector<absl::string_view> parts = absl::StrSplit(key, '.');
    const int p = parts.size() == 3 ? IndexOf(kPlatformNames, parts[0]) : -1;
    const int t = parts.size() == 3 ? IndexOf(kTierNames, parts[1]) : -1;
    const int d = parts.size() == 3 ? IndexOf(kDeliverableNames, parts[2]) : -1;
    if (p < 0 || t < 0 || d < 0) {
      return FlagError("rate_card", key,
                       "must be <platform>.<tier>.<deliverable> (e.g. instagram.micro.post)");
    }
    c.fee_usd[static_cast<size_t>(p)][static_cast<size_t>(t)][static_cast<size_t>(d)] = usd;
    canonical.push_back(absl::StrCat("fee:", key, "=", usd));
  }
  auto countries = ParsePairs("country_index", country_index);
  if (!countries.ok()) return countries.status();
  for (const auto& [code, index] : *countries) {
    const int key = CountryKey(code);
    if (key < 0) return FlagError("country_index", code, "is not an ISO 3166-1 alpha-2 code");
    c.country_index[static_cast<size_t>(key)] = index;
    canonical.push_back(absl::StrCat("country:", absl::AsciiStrToUpper(code), "=", index));
  }
  auto fx = ParsePairs("fx_rates", fx_rates);
  if (!fx.ok()) return fx.status();
  for (const auto& [currency, rate] : *fx) {
    if (currency.size() != 3 ||
        !absl::c_all_of(currency, [](char ch) { return ch >= 'A' && ch <= 'Z'; })) {
      return FlagError("fx_rates", currency, "is not an upper-case ISO 4217 code");
    }
    c.fx_per_usd[currency] = rate;
    canonical.push_back(absl::StrCat("fx:", currency, "=", rate));
  }
  if (emv_cpm_usd < 0 || !std::isfinite(emv_cpm_usd)) {
    return FlagError("emv_cpm_usd", absl::StrCat(emv_cpm_usd), "must be >= 0");
  }
  if (emv_cpm_usd > 0) {
    c.emv_cpm_usd = emv_cpm_usd;
    canonical.push_back(absl::StrCat("emv_cpm=", emv_cpm_usd));
  }
  std::sort(canonical.begin(), canonical.end());
  c.overrides = absl::StrJoin(canonical, ";");
  c.Finalize();
  return c;
}

cv1::DeliverableType StandardDeliverable(cv1::Platform platform) {
  switch (platform) {
    case cv1::PLATFORM_TIKTOK:
    case cv1::PLATFORM_SNAPCHAT:
      return cv1::DELIVERABLE_TYPE_SHORT_VIDEO;
    case cv1::PLATFORM_YOUTUBE:
      return cv1::DELIVERABLE_TYPE_LONG_VIDEO;
    case cv1::PLATFORM_TWITCH:
      return cv1::DELIVERABLE_TYPE_LIVE;
    default:
      return cv1::DELIVERABLE_TYPE_POST;
  }
}

}  // namespace microreach::scoring
