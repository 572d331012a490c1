// Validation, normalisation and tier derivation of creator profiles.
#include "services/search/creator_rules.h"

#include <cmath>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace microreach::search {
namespace {

using common::v1::Creator;

constexpr size_t kMaxHandle = 100;
constexpr size_t kMaxDisplayName = 200;
constexpr size_t kMaxBio = 2000;
constexpr size_t kMaxUrl = 2048;
constexpr int kMaxKeywordList = 200;
constexpr int kMaxAudienceList = 50;
constexpr int kMaxInterests = 50;
constexpr int kMaxCategories = 5;
constexpr double kShareSumTolerance = 1e-6;

bool IsUpperAlpha2(absl::string_view code) {
  return code.size() == 2 && absl::ascii_isupper(code[0]) && absl::ascii_isupper(code[1]);
}
bool IsLowerAlpha2(absl::string_view code) {
  return code.size() == 2 && absl::ascii_islower(code[0]) && absl::ascii_islower(code[1]);
}

// Share lists: each share in [0, 1], their sum at most 1.
template <typename List, typename KeyOf, typename KeyValid>
void CheckShares(const List& list, absl::string_view path, absl::string_view key_name, KeyOf key_of,
                 KeyValid key_valid, status::FieldViolations* v) {
  if (list.size() > kMaxAudienceList) {
    v->Add(std::string(path),
           absl::StrCat("at most ", kMaxAudienceList, " entries, got ", list.size()));
  }
  double sum = 0;
  for (int i = 0; i < list.size(); ++i) {
    const double share = list[i].share();
    if (!(share >= 0 && share <= 1)) {
      v->Add(absl::StrCat(path, "[", i, "].share"),
             absl::StrCat("must be a fraction in [0, 1], got ", share));
    } else {
      sum += share;
    }
    if (!key_valid(key_of(list[i]))) {
      v->Add(absl::StrCat(path, "[", i, "].", key_name), "is missing or not a valid value");
    }
  }
  if (sum > 1 + kShareSumTolerance) {
    v->Add(std::string(path), absl::StrCat("shares must sum to at most 1, got ", sum));
  }
}

void CheckOptionalRange(bool has, double value, double lo, double hi, absl::string_view path,
                        status::FieldViolations* v) {
  if (has && !(value >= lo && value <= hi)) {
    v->Add(std::string(path), absl::StrCat("must be in [", lo, ", ", hi, "], got ", value));
  }
}

void CheckKeywords(const google::protobuf::RepeatedPtrField<std::string>& list,
                   absl::string_view path, status::FieldViolations* v) {
  if (list.size() > kMaxKeywordList) {
    v->Add(std::string(path),
           absl::StrCat("at most ", kMaxKeywordList, " entries, got ", list.size()));
    return;
  }
  for (int i = 0; i < list.size(); ++i) {
    if (list[i].empty() || list[i].size() > 100) {
      v->Add(absl::StrCat(path, "[", i, "]"), "must be 1-100 characters");
    }
  }
}

void NormalizeKeywords(google::protobuf::RepeatedPtrField<std::string>* list,
                       absl::string_view strip_prefix) {
  for (std::string& s : *list) {
    absl::string_view view = absl::StripAsciiWhitespace(s);
    if (!strip_prefix.empty()) absl::ConsumePrefix(&view, strip_prefix);
    s = absl::AsciiStrToLower(view);
  }
}

bool EnumValid(const google::protobuf::EnumDescriptor* d, int value) {
  return value != 0 && d->FindValueByNumber(value) != nullptr;
}

}  // namespace

absl::StatusOr<TierPolicy> TierPolicy::Parse(absl::string_view spec) {
  TierPolicy policy;
  const auto* platforms = common::v1::Platform_descriptor();
  for (absl::string_view entry : absl::StrSplit(spec, ',', absl::SkipWhitespace())) {
    std::vector<absl::string_view> kv = absl::StrSplit(entry, absl::MaxSplits('=', 1));
    if (kv.size() != 2) {
      return absl::InvalidArgumentError(
          absl::StrCat("\"", entry, "\" is not platform=micro:macro:country:global"));
    }
    const auto* value = platforms->FindValueByName(
        absl::StrCat("PLATFORM_", absl::AsciiStrToUpper(absl::StripAsciiWhitespace(kv[0]))));
    if (value == nullptr || value->number() == 0 || value->number() >= 16) {
      return absl::InvalidArgumentError(absl::StrCat("unknown platform \"", kv[0], "\""));
    }
    std::vector<absl::string_view> bounds = absl::StrSplit(kv[1], ':');
    if (bounds.size() != 4) {
      return absl::InvalidArgumentError(
          absl::StrCat("\"", kv[1], "\" must be four follower bounds micro:macro:country:global"));
    }
    TierBounds tb;
    for (int i = 0; i < 4; ++i) {
      if (!absl::SimpleAtoi(bounds[i], &tb.lower[i]) || tb.lower[i] <= 0 ||
          (i > 0 && tb.lower[i] <= tb.lower[i - 1])) {
        return absl::InvalidArgumentError(
            absl::StrCat("bounds \"", kv[1], "\" must be positive and increasing"));
      }
    }
    policy.per_platform_[value->number()] = tb;
    policy.has_platform_[value->number()] = true;
  }
  return policy;
}

common::v1::Tier TierPolicy::TierOf(common::v1::Platform platform, int64_t followers) const {
  const int p = static_cast<int>(platform);
  const TierBounds& b = (p > 0 && p < 16 && has_platform_[p]) ? per_platform_[p] : fallback_;
  if (followers < b.lower[0]) return common::v1::TIER_NANO;
  if (followers < b.lower[1]) return common::v1::TIER_MICRO;
  if (followers < b.lower[2]) return common::v1::TIER_MACRO;
  if (followers < b.lower[3]) return common::v1::TIER_COUNTRY;
  return common::v1::TIER_GLOBAL;
}

std::vector<std::pair<int, TierBounds>> TierPolicy::overrides() const {
  std::vector<std::pair<int, TierBounds>> out;
  for (int p = 0; p < 16; ++p) {
    if (has_platform_[p]) out.emplace_back(p, per_platform_[p]);
  }
  return out;
}

bool IsValidId(absl::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  for (char c : id) {
    if (!absl::ascii_isalnum(c) && c != '.' && c != '_' && c != ':' && c != '-') return false;
  }
  return true;
}

status::FieldViolations ValidateCreator(const Creator& c) {
  status::FieldViolations v;
  if (!IsValidId(c.creator_id())) {
    v.Add("creator_id", "required: 1-128 characters of letters, digits, '.', '_', ':' or '-'");
  }
  if (!EnumValid(common::v1::Platform_descriptor(), c.platform())) {
    v.Add("platform", "required: one of the Platform values");
  }
  if (c.handle().empty() || c.handle().size() > kMaxHandle || absl::StrContains(c.handle(), ' ') ||
      absl::StartsWith(c.handle(), "@")) {
    v.Add("handle", "required: 1-100 characters, no spaces, without a leading '@'");
  }
  if (c.display_name().size() > kMaxDisplayName) {
    v.Add("display_name", absl::StrCat("at most ", kMaxDisplayName, " bytes"));
  }
  if (!c.person_id().empty() && !IsValidId(c.person_id())) {
    v.Add("person_id", "1-128 characters of letters, digits, '.', '_', ':' or '-'");
  }
  if (c.profile_url().size() > kMaxUrl) v.Add("profile_url", "at most 2048 bytes");
  if (c.avatar_url().size() > kMaxUrl) v.Add("avatar_url", "at most 2048 bytes");
  if (!c.country_code().empty() && !IsUpperAlpha2(absl::AsciiStrToUpper(c.country_code()))) {
    v.Add("country_code", "must be an ISO 3166-1 alpha-2 code such as \"US\"");
  }
  if (c.city().size() > 100) v.Add("city", "at most 100 bytes");
  for (int i = 0; i < c.language_codes_size(); ++i) {
    if (!IsLowerAlpha2(absl::AsciiStrToLower(c.language_codes(i)))) {
      v.Add(absl::StrCat("language_codes[", i, "]"), "must be an ISO 639-1 code such as \"en\"");
    }
  }
  if (c.has_birth_year() && (c.birth_year() < 1900 || c.birth_year() > 2030)) {
    v.Add("birth_year", "must be a four-digit year between 1900 and 2030");
  }
  if (c.gender() != 0 && !EnumValid(common::v1::Gender_descriptor(), c.gender())) {
    v.Add("gender", "unknown Gender value");
  }
  if (c.age_band() != 0 && !EnumValid(common::v1::AgeBand_descriptor(), c.age_band())) {
    v.Add("age_band", "unknown AgeBand value");
  }
  if (c.account_type() != 0 && !EnumValid(common::v1::AccountType_descriptor(), c.account_type())) {
    v.Add("account_type", "unknown AccountType value");
  }
  if (c.categories_size() > kMaxCategories) {
    v.Add("categories", absl::StrCat("at most ", kMaxCategories, " categories"));
  }
  for (int i = 0; i < c.categories_size(); ++i) {
    if (!EnumValid(common::v1::Category_descriptor(), c.categories(i))) {
      v.Add(absl::StrCat("categories[", i, "]"), "unknown Category value");
    }
  }
  if (c.interests_size() > kMaxInterests) v.Add("interests", "at most 50 interests");
  for (int i = 0; i < c.interests_size(); ++i) {
    if (c.interests(i).empty() || c.interests(i).size() > 64) {
      v.Add(absl::StrCat("interests[", i, "]"), "must be 1-64 characters");
    }
  }
  for (int i = 0; i < c.linked_profiles_size(); ++i) {
    const auto& link = c.linked_profiles(i);
    if (!EnumValid(common::v1::Platform_descriptor(), link.platform())) {
      v.Add(absl::StrCat("linked_profiles[", i, "].platform"), "required Platform value");
    }
    if (!link.creator_id().empty() && !IsValidId(link.creator_id())) {
      v.Add(absl::StrCat("linked_profiles[", i, "].creator_id"), "not a valid creator id");
    }
  }
  for (int i = 0; i < c.brand_safety_flags_size(); ++i) {
    if (!EnumValid(common::v1::BrandSafetyFlag_descriptor(), c.brand_safety_flags(i))) {
      v.Add(absl::StrCat("brand_safety_flags[", i, "]"), "unknown BrandSafetyFlag value");
    }
  }

  const auto& s = c.stats();
  if (s.followers() < 0) v.Add("stats.followers", "must be >= 0");
  if (s.has_following() && s.following() < 0) v.Add("stats.following", "must be >= 0");
  if (s.content_count() < 0) v.Add("stats.content_count", "must be >= 0");
  CheckOptionalRange(s.has_engagement_rate(), s.engagement_rate(), 0, 10, "stats.engagement_rate",
                     &v);
  const std::pair<bool, double> counts[] = {{s.has_avg_likes(), s.avg_likes()},
                                            {s.has_avg_comments(), s.avg_comments()},
                                            {s.has_avg_shares(), s.avg_shares()},
                                            {s.has_avg_saves(), s.avg_saves()},
                                            {s.has_avg_views(), s.avg_views()}};
  const char* count_names[] = {"stats.avg_likes", "stats.avg_comments", "stats.avg_shares",
                               "stats.avg_saves", "stats.avg_views"};
  for (int i = 0; i < 5; ++i) {
    CheckOptionalRange(counts[i].first, counts[i].second, 0, 1e12, count_names[i], &v);
  }
  CheckOptionalRange(s.has_follower_growth_30d(), s.follower_growth_30d(), -1, 1000,
                     "stats.follower_growth_30d", &v);
  CheckOptionalRange(s.has_follower_growth_90d(), s.follower_growth_90d(), -1, 1000,
                     "stats.follower_growth_90d", &v);
  CheckOptionalRange(s.has_posts_per_week(), s.posts_per_week(), 0, 1000, "stats.posts_per_week",
                     &v);
  CheckOptionalRange(s.has_sponsored_post_share(), s.sponsored_post_share(), 0, 1,
                     "stats.sponsored_post_share", &v);
  CheckOptionalRange(s.has_sponsored_engagement_ratio(), s.sponsored_engagement_ratio(), 0, 1000,
                     "stats.sponsored_engagement_ratio", &v);
  if (s.has_estimated_price()) {
    const auto& price = s.estimated_price();
    if (price.amount_micros() < 0) v.Add("stats.estimated_price.amount_micros", "must be >= 0");
    if (!IsUpperAlpha2(price.currency_code().substr(0, 2)) || price.currency_code().size() != 3) {
      v.Add("stats.estimated_price.currency_code", "must be an ISO 4217 code such as \"USD\"");
    }
  }

  const auto& a = c.audience();
  auto nonempty = [](const std::string& key) { return !key.empty() && key.size() <= 100; };
  CheckShares(
      a.countries(), "audience.countries", "country_code",
      [](const auto& e) { return e.country_code(); },
      [](const std::string& k) { return IsUpperAlpha2(absl::AsciiStrToUpper(k)); }, &v);
  CheckShares(
      a.cities(), "audience.cities", "city", [](const auto& e) { return e.city(); }, nonempty, &v);
  CheckShares(
      a.genders(), "audience.genders", "gender", [](const auto& e) { return e.gender(); },
      [](int g) { return EnumValid(common::v1::Gender_descriptor(), g); }, &v);
  CheckShares(
      a.age_bands(), "audience.age_bands", "age_band", [](const auto& e) { return e.age_band(); },
      [](int b) { return EnumValid(common::v1::AgeBand_descriptor(), b); }, &v);
  CheckShares(
      a.languages(), "audience.languages", "language_code",
      [](const auto& e) { return e.language_code(); },
      [](const std::string& k) { return IsLowerAlpha2(absl::AsciiStrToLower(k)); }, &v);
  // Interests and brand affinities are not partitions of the audience: a
  // follower has several, so only each share is bounded, not their sum.
  for (int i = 0; i < a.interests_size(); ++i) {
    CheckOptionalRange(true, a.interests(i).share(), 0, 1,
                       absl::StrCat("audience.interests[", i, "].share"), &v);
    if (!nonempty(a.interests(i).interest())) {
      v.Add(absl::StrCat("audience.interests[", i, "].interest"), "must be 1-100 characters");
    }
  }
  for (int i = 0; i < a.brand_affinities_size(); ++i) {
    CheckOptionalRange(true, a.brand_affinities(i).share(), 0, 1,
                       absl::StrCat("audience.brand_affinities[", i, "].share"), &v);
    if (!nonempty(a.brand_affinities(i).brand())) {
      v.Add(absl::StrCat("audience.brand_affinities[", i, "].brand"), "must be 1-100 characters");
    }
  }
  if (a.interests_size() > kMaxAudienceList) v.Add("audience.interests", "at most 50 entries");
  if (a.brand_affinities_size() > kMaxAudienceList) {
    v.Add("audience.brand_affinities", "at most 50 entries");
  }
  CheckOptionalRange(a.has_reachability(), a.reachability(), 0, 1, "audience.reachability", &v);
  CheckOptionalRange(a.has_credibility(), a.credibility(), 0, 1, "audience.credibility", &v);
  CheckOptionalRange(a.has_audience_quality_score(), a.audience_quality_score(), 0, 100,
                     "audience.audience_quality_score", &v);

  const auto& content = c.content();
  if (content.bio().size() > kMaxBio) v.Add("content.bio", "at most 2000 bytes");
  CheckKeywords(content.caption_keywords(), "content.caption_keywords", &v);
  CheckKeywords(content.hashtags(), "content.hashtags", &v);
  CheckKeywords(content.mentions(), "content.mentions", &v);
  CheckKeywords(content.brands(), "content.brands", &v);
  for (int i = 0; i < content.content_types_size(); ++i) {
    if (!EnumValid(common::v1::ContentType_descriptor(), content.content_types(i))) {
      v.Add(absl::StrCat("content.content_types[", i, "]"), "unknown ContentType value");
    }
  }
  if (content.external_url().size() > kMaxUrl) v.Add("content.external_url", "at most 2048 bytes");
  return v;
}

void NormalizeCreator(const TierPolicy& tiers, Creator* c) {
  c->set_country_code(absl::AsciiStrToUpper(c->country_code()));
  for (std::string& code : *c->mutable_language_codes()) code = absl::AsciiStrToLower(code);
  for (auto& e : *c->mutable_audience()->mutable_countries()) {
    e.set_country_code(absl::AsciiStrToUpper(e.country_code()));
  }
  for (auto& e : *c->mutable_audience()->mutable_cities()) {
    e.set_country_code(absl::AsciiStrToUpper(e.country_code()));
  }
  for (auto& e : *c->mutable_audience()->mutable_languages()) {
    e.set_language_code(absl::AsciiStrToLower(e.language_code()));
  }
  auto* content = c->mutable_content();
  NormalizeKeywords(content->mutable_caption_keywords(), "");
  NormalizeKeywords(content->mutable_hashtags(), "#");
  NormalizeKeywords(content->mutable_mentions(), "@");
  NormalizeKeywords(content->mutable_brands(), "");
  NormalizeKeywords(c->mutable_interests(), "");
  c->clear_version();
  c->clear_create_time();
  c->clear_update_time();
  c->set_tier(tiers.TierOf(c->platform(), c->stats().followers()));
}

}  // namespace microreach::search
