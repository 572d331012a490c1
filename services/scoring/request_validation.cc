// Field-by-field validation of ScoringService requests.
#include "services/scoring/request_validation.h"

#include <cmath>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/scoring/audience_quality.h"

namespace microreach::scoring {
namespace {

namespace cv1 = ::microreach::common::v1;

constexpr int kMaxTargetEntries = 50;

absl::string_view Sv(std::string_view s) { return absl::string_view(s.data(), s.size()); }

bool IsUpperAlpha(std::string_view s, size_t n) {
  if (s.size() != n) return false;
  for (char c : s) {
    if (c < 'A' || c > 'Z') return false;
  }
  return true;
}

bool IsLowerAlpha(std::string_view s, size_t n) {
  if (s.size() != n) return false;
  for (char c : s) {
    if (c < 'a' || c > 'z') return false;
  }
  return true;
}

bool IsSlug(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s) {
    if (c == ' ' || c == '\t' || c == '\n') return false;
  }
  return true;
}

void CheckWeight(double w, const std::string& path, status::FieldViolations* v) {
  if (!std::isfinite(w) || w < 0) v->Add(path, "must be a finite number >= 0");
}

void CheckCurrency(std::string_view code, const std::string& path, const ModelConfig& config,
                   status::FieldViolations* v) {
  if (!IsUpperAlpha(code, 3)) {
    v->Add(path, "must be an upper-case ISO 4217 code such as \"USD\"");
  } else if (!config.FxPerUsd(code).has_value()) {
    std::vector<std::string> known;
    for (const auto& [c, rate] : config.fx_per_usd) known.push_back(c);
    v->Add(path,
           absl::StrCat("currency \"", Sv(code), "\" is not configured (--fx_rates); use one of ",
                        absl::StrJoin(known, ", ")));
  }
}

void CheckDeliverable(int d, const std::string& path, bool allow_unspecified,
                      status::FieldViolations* v) {
  if (!cv1::DeliverableType_IsValid(d) ||
      (!allow_unspecified && d == cv1::DELIVERABLE_TYPE_UNSPECIFIED)) {
    v->Add(path, "must be a DeliverableType other than DELIVERABLE_TYPE_UNSPECIFIED");
  }
}

void CheckMoney(const cv1::Money& m, const std::string& path, std::string_view currency,
                status::FieldViolations* v) {
  if (m.currency_code() != currency) {
    v->Add(absl::StrCat(path, ".currency_code"),
           absl::StrCat("must be the result currency \"", Sv(currency), "\" (no implicit FX)"));
  }
  if (m.amount_micros() < 0) v->Add(absl::StrCat(path, ".amount_micros"), "must be >= 0");
}

}  // namespace

bool IsValidCreatorId(std::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  for (char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == ':' || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::string ResultCurrency(const cv1::CampaignBrief* brief, std::string_view currency_code) {
  if (brief != nullptr && brief->has_budget() && !brief->budget().currency_code().empty()) {
    return brief->budget().currency_code();
  }
  return currency_code.empty() ? "USD" : std::string(currency_code);
}

void ValidateBrief(const cv1::CampaignBrief& b, std::string_view path, const ModelConfig& config,
                   status::FieldViolations* v) {
  const std::string p(path);
  if (!cv1::CampaignObjective_IsValid(b.objective())) {
    v->Add(p + ".objective", "unknown CampaignObjective value");
  }
  if (b.has_budget()) {
    CheckCurrency(b.budget().currency_code(), p + ".budget.currency_code", config, v);
    if (b.budget().amount_micros() < 0) v->Add(p + ".budget.amount_micros", "must be >= 0");
  }
  const cv1::AudienceTarget& t = b.target_audience();
  const std::string tp = p + ".target_audience";
  auto check_size = [&](int size, const char* field) {
    if (size > kMaxTargetEntries) {
      v->Add(absl::StrCat(tp, ".", field),
             absl::StrCat("at most ", kMaxTargetEntries, " entries, got ", size));
    }
  };
  check_size(t.countries_size(), "countries");
  check_size(t.age_bands_size(), "age_bands");
  check_size(t.genders_size(), "genders");
  check_size(t.languages_size(), "languages");
  check_size(t.interests_size(), "interests");
  for (int i = 0; i < t.countries_size(); ++i) {
    const std::string e = absl::StrCat(tp, ".countries[", i, "]");
    if (!IsUpperAlpha(t.countries(i).country_code(), 2)) {
      v->Add(e + ".country_code", "must be an upper-case ISO 3166-1 alpha-2 code");
    }
    CheckWeight(t.countries(i).weight(), e + ".weight", v);
  }
  for (int i = 0; i < t.age_bands_size(); ++i) {
    const std::string e = absl::StrCat(tp, ".age_bands[", i, "]");
    const int band = t.age_bands(i).age_band();
    if (!cv1::AgeBand_IsValid(band) || band == cv1::AGE_BAND_UNSPECIFIED) {
      v->Add(e + ".age_band", "must be an AgeBand other than AGE_BAND_UNSPECIFIED");
    }
    CheckWeight(t.age_bands(i).weight(), e + ".weight", v);
  }
  for (int i = 0; i < t.genders_size(); ++i) {
    const std::string e = absl::StrCat(tp, ".genders[", i, "]");
    const int g = t.genders(i).gender();
    if (!cv1::Gender_IsValid(g) || g == cv1::GENDER_UNSPECIFIED) {
      v->Add(e + ".gender", "must be a Gender other than GENDER_UNSPECIFIED");
    }
    CheckWeight(t.genders(i).weight(), e + ".weight", v);
  }
  for (int i = 0; i < t.languages_size(); ++i) {
    const std::string e = absl::StrCat(tp, ".languages[", i, "]");
    if (!IsLowerAlpha(t.languages(i).language_code(), 2)) {
      v->Add(e + ".language_code", "must be a lower-case ISO 639-1 code");
    }
    CheckWeight(t.languages(i).weight(), e + ".weight", v);
  }
  for (int i = 0; i < t.interests_size(); ++i) {
    const std::string e = absl::StrCat(tp, ".interests[", i, "]");
    if (!IsSlug(t.interests(i).interest())) {
      v->Add(e + ".interest", "must be a slug of 1-64 characters without spaces");
    }
    CheckWeight(t.interests(i).weight(), e + ".weight", v);
  }
  if (t.has_dimension_weights()) {
    const cv1::AudienceFitWeights& w = t.dimension_weights();
    const std::string wp = tp + ".dimension_weights";
    CheckWeight(w.country(), wp + ".country", v);
    CheckWeight(w.age(), wp + ".age", v);
    CheckWeight(w.gender(), wp + ".gender", v);
    CheckWeight(w.language(), wp + ".language", v);
    CheckWeight(w.interests(), wp + ".interests", v);
  }
  for (int i = 0; i < b.platforms_size(); ++i) {
    if (!cv1::Platform_IsValid(b.platforms(i)) || b.platforms(i) == cv1::PLATFORM_UNSPECIFIED) {
      v->Add(absl::StrCat(p, ".platforms[", i, "]"), "must be a Platform other than UNSPECIFIED");
    }
  }
  for (int i = 0; i < b.categories_size(); ++i) {
    if (!cv1::Category_IsValid(b.categories(i)) || b.categories(i) == cv1::CATEGORY_UNSPECIFIED) {
      v->Add(absl::StrCat(p, ".categories[", i, "]"), "must be a Category other than UNSPECIFIED");
    }
  }
  if (b.keywords_size() > 50) v->Add(p + ".keywords", "at most 50 keywords");
}

absl::Status ValidateScoreCreators(const v1::ScoreCreatorsRequest& r, const ModelConfig& config) {
  status::FieldViolations v;
  if (r.creator_ids_size() == 0) v.Add("creator_ids", "at least one creator_id is required");
  if (r.creator_ids_size() > kMaxScoreBatch) {
    v.Add("creator_ids",
          absl::StrCat("at most ", kMaxScoreBatch, " ids per call, got ", r.creator_ids_size()));
  }
  for (int i = 0; i < r.creator_ids_size() && i < kMaxScoreBatch; ++i) {
    if (!IsValidCreatorId(r.creator_ids(i))) {
      v.Add(absl::StrCat("creator_ids[", i, "]"),
            "must be 1-128 characters of letters, digits, '.', '_', ':' or '-'");
    }
  }
  if (r.has_brief()) {
    ValidateBrief(r.brief(), "brief", config, &v);
  }
  const bool brief_currency = r.has_brief() && r.brief().has_budget();
  if (!brief_currency && !r.currency_code().empty()) {
    CheckCurrency(r.currency_code(), "currency_code", config, &v);
  }
  CheckDeliverable(r.deliverable_type(), "deliverable_type", /*allow_unspecified=*/true, &v);
  if (!v1::ScoreView_IsValid(r.view())) v.Add("view", "unknown ScoreView value");
  if (r.follower_histories_size() > 0) {
    const absl::flat_hash_set<std::string_view> ids(r.creator_ids().begin(), r.creator_ids().end());
    absl::flat_hash_set<std::string_view> seen;
    for (int i = 0; i < r.follower_histories_size(); ++i) {
      const v1::FollowerHistory& h = r.follower_histories(i);
      const std::string p = absl::StrCat("follower_histories[", i, "]");
      if (!ids.contains(h.creator_id())) {
        v.Add(p + ".creator_id", "must be one of creator_ids");
      } else if (!seen.insert(h.creator_id()).second) {
        v.Add(p + ".creator_id", "at most one series per creator");
      }
      const auto n = static_cast<size_t>(h.daily_followers_size());
      if (n < kMinFollowerSeriesDays || n > kMaxFollowerSeriesDays) {
        v.Add(p + ".daily_followers",
              absl::StrCat("needs ", kMinFollowerSeriesDays, " to ", kMaxFollowerSeriesDays,
                           " daily values, got ", n));
      }
      for (int64_t followers : h.daily_followers()) {
        if (followers < 0) {
          v.Add(p + ".daily_followers", "values must be >= 0");
          break;
        }
      }
    }
  }
  return v.ToStatus();
}

absl::Status ValidateClassifyAccounts(const v1::ClassifyAccountsRequest& r) {
  status::FieldViolations v;
  if (r.accounts_size() == 0) v.Add("accounts", "at least one account is required");
  if (r.accounts_size() > kMaxClassifyBatch) {
    v.Add("accounts", absl::StrCat("at most ", kMaxClassifyBatch, " accounts per call, got ",
                                   r.accounts_size()));
    return v.ToStatus();
  }
  for (int i = 0; i < r.accounts_size(); ++i) {
    const v1::AccountSignals& a = r.accounts(i);
    const std::string p = absl::StrCat("accounts[", i, "]");
    if (a.account_id().size() > 128) v.Add(p + ".account_id", "at most 128 characters");
    if (!cv1::Platform_IsValid(a.platform())) v.Add(p + ".platform", "unknown Platform value");
    if (a.followers() < 0) v.Add(p + ".followers", "must be >= 0");
    if (a.following() < 0) v.Add(p + ".following", "must be >= 0");
    if (a.posts() < 0) v.Add(p + ".posts", "must be >= 0");
    if (a.bio_length() < 0) v.Add(p + ".bio_length", "must be >= 0");
    if (a.username_length() < 1) v.Add(p + ".username_length", "must be >= 1");
    if (a.username_digit_count() < 0 || a.username_digit_count() > a.username_length()) {
      v.Add(p + ".username_digit_count", "must be between 0 and username_length");
    }
    if (a.has_account_age_days() && a.account_age_days() < 0) {
      v.Add(p + ".account_age_days", "must be >= 0 when set");
    }
  }
  return v.ToStatus();
}

absl::Status ValidateEstimatePrice(const v1::EstimatePriceRequest& r, const ModelConfig& config) {
  status::FieldViolations v;
  switch (r.subject_case()) {
    case v1::EstimatePriceRequest::kCreatorId:
      if (!IsValidCreatorId(r.creator_id())) {
        v.Add("creator_id", "must be 1-128 characters of letters, digits, '.', '_', ':' or '-'");
      }
      break;
    case v1::EstimatePriceRequest::kInputs: {
      const v1::PriceInputs& in = r.inputs();
      if (!cv1::Platform_IsValid(in.platform()) || in.platform() == cv1::PLATFORM_UNSPECIFIED) {
        v.Add("inputs.platform", "required: a Platform other than PLATFORM_UNSPECIFIED");
      }
      if (in.followers() < 0) v.Add("inputs.followers", "must be >= 0");
      auto check = [&v](bool has, double value, const char* field) {
        if (has && (!std::isfinite(value) || value < 0)) {
          v.Add(absl::StrCat("inputs.", field), "must be a finite number >= 0 when set");
        }
      };
      check(in.has_engagement_rate(), in.engagement_rate(), "engagement_rate");
      check(in.has_avg_views(), in.avg_views(), "avg_views");
      check(in.has_avg_likes(), in.avg_likes(), "avg_likes");
      check(in.has_avg_comments(), in.avg_comments(), "avg_comments");
      if (!in.country_code().empty() && !IsUpperAlpha(in.country_code(), 2)) {
        v.Add("inputs.country_code", "must be an upper-case ISO 3166-1 alpha-2 code");
      }
      for (int i = 0; i < in.categories_size(); ++i) {
        if (!cv1::Category_IsValid(in.categories(i))) {
          v.Add(absl::StrCat("inputs.categories[", i, "]"), "unknown Category value");
        }
      }
      break;
    }
    default:
      v.Add("subject", "required: set creator_id or inputs");
  }
  if (r.deliverable_types_size() > kMaxPriceDeliverables) {
    v.Add("deliverable_types", absl::StrCat("at most ", kMaxPriceDeliverables, " deliverables"));
  }
  for (int i = 0; i < r.deliverable_types_size(); ++i) {
    CheckDeliverable(r.deliverable_types(i), absl::StrCat("deliverable_types[", i, "]"),
                     /*allow_unspecified=*/false, &v);
  }
  if (!r.currency_code().empty()) CheckCurrency(r.currency_code(), "currency_code", config, &v);
  return v.ToStatus();
}

absl::Status ValidatePredictCampaign(const v1::PredictCampaignRequest& r,
                                     const ModelConfig& config) {
  status::FieldViolations v;
  if (!r.has_brief()) {
    v.Add("brief", "required: the objective, target audience and budget currency");
  } else {
    ValidateBrief(r.brief(), "brief", config, &v);
  }
  const std::string currency = ResultCurrency(r.has_brief() ? &r.brief() : nullptr, "");
  if (r.creators_size() == 0) v.Add("creators", "at least one creator is required");
  if (r.creators_size() > kMaxPredictCreators) {
    v.Add("creators",
          absl::StrCat("at most ", kMaxPredictCreators, " creators, got ", r.creators_size()));
    return v.ToStatus();
  }
  for (int i = 0; i < r.creators_size(); ++i) {
    const v1::CreatorPlan& plan = r.creators(i);
    const std::string p = absl::StrCat("creators[", i, "]");
    if (!IsValidCreatorId(plan.creator_id())) {
      v.Add(p + ".creator_id", "required: 1-128 characters of letters, digits, '.', '_', ':', '-'");
    }
    if (plan.deliverables_size() > kMaxPlanDeliverables) {
      v.Add(p + ".deliverables", absl::StrCat("at most ", kMaxPlanDeliverables, " deliverables"));
    }
    for (int d = 0; d < plan.deliverables_size(); ++d) {
      CheckDeliverable(plan.deliverables(d), absl::StrCat(p, ".deliverables[", d, "]"),
                       /*allow_unspecified=*/false, &v);
    }
    if (plan.has_fee()) CheckMoney(plan.fee(), p + ".fee", currency, &v);
  }
  if (r.has_assumptions()) {
    const v1::FunnelAssumptions& a = r.assumptions();
    auto rate = [&v](bool has, double value, const char* field) {
      if (has && (!std::isfinite(value) || value < 0 || value > 1)) {
        v.Add(absl::StrCat("assumptions.", field), "must be in [0, 1] when set");
      }
    };
    rate(a.has_click_through_rate(), a.click_through_rate(), "click_through_rate");
    rate(a.has_conversion_rate(), a.conversion_rate(), "conversion_rate");
    if (a.has_average_order_value()) {
      CheckMoney(a.average_order_value(), "assumptions.average_order_value", currency, &v);
    }
    if (a.has_emv_cpm()) CheckMoney(a.emv_cpm(), "assumptions.emv_cpm", currency, &v);
  }
  return v.ToStatus();
}

}  // namespace microreach::scoring
