// SearchQuery -> SQL (see sql_translator.h). Each block mirrors the
// corresponding part of CreatorIndex::CompileLocked / PassesResidual.
#include "bench/search/sql_translator.h"

#include <algorithm>
#include <cstdio>
#include <limits>
#include <set>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "services/search/index/scoring.h"
#include "services/search/index/text.h"

namespace microreach::bench {
namespace {

namespace cv1 = ::microreach::common::v1;
namespace sv1 = ::microreach::search::v1;
using search::NormalizeLower;
using search::NormalizeTag;
using search::NormalizeUpper;
using search::QuantizeShare;
using search::Words;

// An array literal of text values (for a text[] parameter).
std::string TextArrayLiteral(const std::vector<std::string>& values) {
  std::string out = "{";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out.push_back(',');
    out.push_back('"');
    for (char c : values[i]) {
      if (c == '"' || c == '\\') out.push_back('\\');
      out.push_back(c);
    }
    out.push_back('"');
  }
  out.push_back('}');
  return out;
}

std::string IntArrayLiteral(const std::vector<int>& values) {
  return absl::StrCat("{", absl::StrJoin(values, ","), "}");
}

std::string FloatText(float v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.9g", static_cast<double>(v));
  return buf;
}

class Builder {
 public:
  // Adds a parameter and returns its placeholder with a cast, e.g. "$3::real".
  std::string Param(std::string value, const char* type) {
    params.push_back(std::move(value));
    return absl::StrCat("$", params.size(), "::", type);
  }
  void And(std::string clause) { clauses.push_back(std::move(clause)); }
  std::string Where() const {
    if (clauses.empty()) return "true";
    return absl::StrJoin(clauses, "\n  AND ");
  }

  std::vector<std::string> params;
  std::vector<std::string> clauses;
};

// Valid enum values in (0, 32) of a set filter list, as the index's MaskOf.
template <typename List, typename F>
std::vector<int> ValidValues(const List& values, F valid) {
  std::set<int> s;
  for (int v : values) {
    if (valid(v) && v > 0 && v < 32) s.insert(v);
  }
  return std::vector<int>(s.begin(), s.end());
}

// Platform, tier, gender, account type: one smallint column.
template <typename Set, typename F>
void EnumSet(Builder& b, const char* col, const Set& set, F valid) {
  const std::vector<int> inc = ValidValues(set.include(), valid);
  const std::vector<int> exc = ValidValues(set.exclude(), valid);
  if (set.include_size() > 0) {
    b.And(absl::StrCat(col, " = ANY(", b.Param(IntArrayLiteral(inc), "smallint[]"), ")"));
  }
  if (!exc.empty()) {
    b.And(absl::StrCat(col, " <> ALL(", b.Param(IntArrayLiteral(exc), "smallint[]"), ")"));
  }
}

// Categories, content types: a smallint[] set column.
template <typename Set, typename F>
void MaskSet(Builder& b, const char* col, const Set& set, F valid) {
  const std::vector<int> inc = ValidValues(set.include(), valid);
  const std::vector<int> exc = ValidValues(set.exclude(), valid);
  if (set.include_size() > 0) {
    b.And(absl::StrCat(col, " && ", b.Param(IntArrayLiteral(inc), "smallint[]")));
  }
  if (!exc.empty()) {
    b.And(absl::StrCat("NOT (", col, " && ", b.Param(IntArrayLiteral(exc), "smallint[]"), ")"));
  }
}

std::vector<std::string> Normalized(const google::protobuf::RepeatedPtrField<std::string>& v,
                                    std::string (*norm)(absl::string_view)) {
  std::set<std::string> s;
  for (const std::string& x : v) {
    std::string n = norm(x);
    if (!n.empty()) s.insert(std::move(n));
  }
  return std::vector<std::string>(s.begin(), s.end());
}

// Creator country and city: a scalar text column, NULL when unknown.
void ScalarStringSet(Builder& b, const char* col, const cv1::StringSetFilter& set,
                     std::string (*norm)(absl::string_view)) {
  if (set.include_size() > 0) {
    b.And(absl::StrCat(col, " = ANY(",
                       b.Param(TextArrayLiteral(Normalized(set.include(), norm)), "text[]"), ")"));
  }
  const std::vector<std::string> exc = Normalized(set.exclude(), norm);
  if (!exc.empty()) {
    b.And(absl::StrCat("(", col, " IS NULL OR ", col, " <> ALL(",
                       b.Param(TextArrayLiteral(exc), "text[]"), "))"));
  }
}

// Languages, interests, hashtags, mentions, brands: a text[] set column.
void ArrayStringSet(Builder& b, const char* col, const cv1::StringSetFilter& set,
                    std::string (*norm)(absl::string_view)) {
  if (set.include_size() > 0) {
    b.And(absl::StrCat(col, " && ",
                       b.Param(TextArrayLiteral(Normalized(set.include(), norm)), "text[]")));
  }
  const std::vector<std::string> exc = Normalized(set.exclude(), norm);
  if (!exc.empty()) {
    b.And(absl::StrCat("NOT (", col, " && ", b.Param(TextArrayLiteral(exc), "text[]"), ")"));
  }
}

void IntRange(Builder& b, const char* col, const cv1::Int64Range& r) {
  if (r.has_min()) b.And(absl::StrCat(col, " >= ", b.Param(absl::StrCat(r.min()), "bigint")));
  if (r.has_max()) b.And(absl::StrCat(col, " <= ", b.Param(absl::StrCat(r.max()), "bigint")));
}

// Compared as float4, like the index's float columns (NULL never matches).
void FloatRange(Builder& b, const char* col, const cv1::DoubleRange& r) {
  if (r.has_min()) {
    b.And(absl::StrCat(col, " >= ", b.Param(FloatText(static_cast<float>(r.min())), "real")));
  }
  if (r.has_max()) {
    b.And(absl::StrCat(col, " <= ", b.Param(FloatText(static_cast<float>(r.max())), "real")));
  }
}

// Keyword filters: a phrase matches when all its words are in the field's
// word set; phrases without words are ignored.
void Keywords(Builder& b, const char* col, const cv1::KeywordFilter& k) {
  auto alts = [&](const google::protobuf::RepeatedPtrField<std::string>& terms) {
    std::vector<std::string> out;
    for (const std::string& t : terms) {
      std::vector<std::string> words = Words(t);
      if (words.empty()) continue;
      out.push_back(absl::StrCat(col, " @> ", b.Param(TextArrayLiteral(words), "text[]")));
    }
    return out;
  };
  if (k.include_size() > 0) {
    std::vector<std::string> inc = alts(k.include());
    b.And(inc.empty() ? "false" : absl::StrCat("(", absl::StrJoin(inc, " OR "), ")"));
  }
  if (k.exclude_size() > 0) {
    std::vector<std::string> exc = alts(k.exclude());
    if (!exc.empty()) b.And(absl::StrCat("NOT (", absl::StrJoin(exc, " OR "), ")"));
  }
}

// Audience share on a jsonb {value: quantised share} of the top-k values.
void AudienceShare(Builder& b, const char* col, const cv1::AudienceShareFilter& a,
                   std::string (*norm)(absl::string_view)) {
  if (a.include_size() == 0 && a.exclude_size() == 0) return;
  const int min_q = QuantizeShare(a.min_share());
  const int max_q = QuantizeShare(a.max_excluded_share());
  const bool max_zero = a.max_excluded_share() == 0;
  if (a.include_size() > 0) {
    const std::vector<std::string> inc = Normalized(a.include(), norm);
    if (inc.empty()) {
      b.And("false");
    } else {
      const std::string keys = b.Param(TextArrayLiteral(inc), "text[]");
      std::vector<std::string> shares;
      for (const std::string& v : inc) {
        shares.push_back(absl::StrCat("(", col, " ->> ", b.Param(v, "text"), ")::int"));
      }
      const std::string q = b.Param(absl::StrCat(min_q), "int");
      if (a.aggregation() == cv1::SHARE_AGGREGATION_SUM) {
        std::vector<std::string> terms;
        for (const std::string& s : shares) terms.push_back(absl::StrCat("coalesce(", s, ", 0)"));
        b.And(absl::StrCat("(", col, " ?| ", keys, " AND ", absl::StrJoin(terms, " + "), " >= ", q,
                           ")"));
      } else {
        std::vector<std::string> terms;
        for (const std::string& s : shares) terms.push_back(absl::StrCat(s, " >= ", q));
        b.And(absl::StrCat("(", col, " ?| ", keys, " AND (", absl::StrJoin(terms, " OR "), "))"));
      }
    }
  }
  for (const std::string& v : Normalized(a.exclude(), norm)) {
    if (max_zero) {
      b.And(absl::StrCat("NOT (", col, " ? ", b.Param(v, "text"), ")"));
    } else {
      b.And(absl::StrCat("coalesce((", col, " ->> ", b.Param(v, "text"),
                         ")::int, 0) <= ", b.Param(absl::StrCat(max_q), "int")));
    }
  }
}

// Audience gender / age band on a smallint[] of quantised shares indexed by
// enum value (NULL = not listed).
template <typename F>
void AudienceEnum(Builder& b, const char* col, const F& a, int n) {
  if (a.include_size() == 0 && a.exclude_size() == 0) return;
  const int min_q = QuantizeShare(a.min_share());
  const int max_q = QuantizeShare(a.max_excluded_share());
  const bool max_zero = a.max_excluded_share() == 0;
  std::set<int> inc, exc;
  for (int v : a.include()) {
    if (v >= 1 && v <= n) inc.insert(v);
  }
  for (int v : a.exclude()) {
    if (v >= 1 && v <= n) exc.insert(v);
  }
  if (a.include_size() > 0) {
    if (inc.empty()) {
      b.And("false");
    } else if (a.aggregation() == cv1::SHARE_AGGREGATION_SUM) {
      std::vector<std::string> sum, present;
      for (int v : inc) {
        sum.push_back(absl::StrCat("coalesce(", col, "[", v, "], 0)"));
        present.push_back(absl::StrCat(col, "[", v, "] IS NOT NULL"));
      }
      b.And(absl::StrCat("(", absl::StrJoin(sum, " + "),
                         " >= ", b.Param(absl::StrCat(min_q), "int"), " AND (",
                         absl::StrJoin(present, " OR "), "))"));
    } else {
      const std::string q = b.Param(absl::StrCat(min_q), "int");
      std::vector<std::string> any;
      for (int v : inc) any.push_back(absl::StrCat(col, "[", v, "] >= ", q));
      b.And(absl::StrCat("(", absl::StrJoin(any, " OR "), ")"));
    }
  }
  for (int v : exc) {
    if (max_zero) {
      b.And(absl::StrCat(col, "[", v, "] IS NULL"));
    } else {
      b.And(
          absl::StrCat("coalesce(", col, "[", v, "], 0) <= ", b.Param(absl::StrCat(max_q), "int")));
    }
  }
}

const char* SortColumn(sv1::SortField f) {
  switch (f) {
    case sv1::SORT_FIELD_FOLLOWERS:
      return "followers";
    case sv1::SORT_FIELD_ENGAGEMENT_RATE:
      return "er";
    case sv1::SORT_FIELD_FOLLOWER_GROWTH:
      return "growth_30d";
    case sv1::SORT_FIELD_AVG_VIEWS:
      return "avg_views";
    case sv1::SORT_FIELD_ESTIMATED_PRICE:
      return "price";
    case sv1::SORT_FIELD_CREDIBILITY:
      return "credibility";
    default:
      return nullptr;
  }
}

}  // namespace

absl::StatusOr<SqlSearch> TranslateSearch(const search::SearchQuery& q) {
  const cv1::CreatorFilter& f = q.filter;
  const cv1::CreatorAttributeFilter& cr = f.creator();
  if (cr.also_on_platforms().include_size() > 0 || cr.also_on_platforms().exclude_size() > 0) {
    return absl::UnimplementedError("also_on_platforms is not translated");
  }
  if (!f.content().lookalike().creator_id().empty() ||
      !f.content().audience_lookalike().creator_id().empty()) {
    return absl::UnimplementedError("lookalike filters are not translated");
  }
  const cv1::WorkspaceFilter& ws = f.workspace();
  if (ws.exclude_blocklisted() || ws.exclude_in_any_campaign() ||
      ws.exclude_in_campaign_ids_size() > 0 || ws.has_exclude_contacted_within_days()) {
    return absl::UnimplementedError("workspace exclusion sets are not translated");
  }
  const char* sort_col = SortColumn(search::EffectiveSortField(q));
  if (sort_col == nullptr) {
    return absl::UnimplementedError(
        "relevance, audience-match and fit-score sorts are not "
        "translated");
  }
  const absl::Time now = q.now == absl::InfinitePast() ? absl::Now() : q.now;

  Builder b;
  EnumSet(b, "platform", cr.platforms(), cv1::Platform_IsValid);
  IntRange(b, "followers", cr.followers());
  EnumSet(b, "tier", cr.tiers(), cv1::Tier_IsValid);
  ScalarStringSet(b, "country", cr.countries(), NormalizeUpper);
  ScalarStringSet(b, "city", cr.cities(), NormalizeLower);
  ArrayStringSet(b, "languages", cr.languages(), NormalizeLower);
  EnumSet(b, "gender", cr.genders(), cv1::Gender_IsValid);
  if (cr.age().has_min() || cr.age().has_max()) {
    // Age from birth_year in the query's year, else the age band overlapping.
    const int64_t year = absl::ToCivilYear(now, absl::UTCTimeZone()).year();
    const int64_t lo = cr.age().has_min() ? cr.age().min() : std::numeric_limits<int32_t>::min();
    const int64_t hi = cr.age().has_max() ? cr.age().max() : std::numeric_limits<int32_t>::max();
    const std::string y = b.Param(absl::StrCat(year), "bigint");
    const std::string l = b.Param(absl::StrCat(lo), "bigint");
    const std::string h = b.Param(absl::StrCat(hi), "bigint");
    b.And(absl::StrCat(
        "CASE WHEN birth_year IS NOT NULL THEN ", y, " - birth_year BETWEEN ", l, " AND ", h,
        " ELSE age_band <> 0 AND (CASE age_band WHEN 1 THEN 13 WHEN 2 THEN 18 WHEN 3 THEN 25 "
        "WHEN 4 THEN 35 WHEN 5 THEN 45 ELSE 65 END) <= ",
        h,
        " AND (CASE age_band WHEN 1 THEN 17 WHEN 2 THEN 24 WHEN 3 THEN 34 WHEN 4 THEN 44 "
        "WHEN 5 THEN 64 ELSE 9223372036854775807 END) >= ",
        l, " END"));
  }
  EnumSet(b, "account_type", cr.account_types(), cv1::AccountType_IsValid);
  if (cr.has_verified())
    b.And(absl::StrCat("verified = ", b.Param(cr.verified() ? "t" : "f", "boolean")));
  if (cr.exclude_private()) b.And("NOT is_private");
  if (cr.has_has_email())
    b.And(absl::StrCat("has_email = ", b.Param(cr.has_email() ? "t" : "f", "boolean")));
  if (cr.has_has_phone())
    b.And(absl::StrCat("has_phone = ", b.Param(cr.has_phone() ? "t" : "f", "boolean")));
  MaskSet(b, "categories", cr.categories(), cv1::Category_IsValid);
  ArrayStringSet(b, "interests", cr.interests(), NormalizeLower);
  if (cr.has_posted_within_days()) {
    const int64_t lo =
        std::max<int64_t>(1, absl::ToUnixSeconds(now) - int64_t{cr.posted_within_days()} * 86400);
    b.And(absl::StrCat("last_post >= ", b.Param(absl::StrCat(lo), "bigint")));
  }
  IntRange(b, "content_count", cr.content_count());
  MaskSet(b, "content_types", cr.content_types(), cv1::ContentType_IsValid);
  if (cr.estimated_price().has_min_micros()) {
    b.And(absl::StrCat("price >= ",
                       b.Param(absl::StrCat(cr.estimated_price().min_micros()), "bigint")));
  }
  if (cr.estimated_price().has_max_micros()) {
    b.And(absl::StrCat("price <= ",
                       b.Param(absl::StrCat(cr.estimated_price().max_micros()), "bigint")));
  }
  if (cr.estimated_price().has_min_micros() || cr.estimated_price().has_max_micros()) {
    b.And("price IS NOT NULL");
  }

  const cv1::PerformanceFilter& pf = f.performance();
  FloatRange(b, "er", pf.engagement_rate());
  FloatRange(b, "avg_likes", pf.avg_likes());
  FloatRange(b, "avg_comments", pf.avg_comments());
  FloatRange(b, "avg_shares", pf.avg_shares());
  FloatRange(b, "avg_saves", pf.avg_saves());
  FloatRange(b, "avg_views", pf.avg_views());
  FloatRange(b, "growth_30d", pf.follower_growth_30d());
  FloatRange(b, "growth_90d", pf.follower_growth_90d());
  FloatRange(b, "posts_per_week", pf.posts_per_week());
  FloatRange(b, "credibility", pf.audience_credibility());
  FloatRange(b, "quality", pf.audience_quality_score());
  if (pf.has_has_sponsored_posts()) {
    b.And(pf.has_sponsored_posts() ? "sponsored_share > 0" : "sponsored_share <= 0");
  }
  FloatRange(b, "sponsored_ratio", pf.sponsored_engagement_ratio());

  const cv1::AudienceFilter& au = f.audience();
  AudienceShare(b, "aud_country", au.countries(), NormalizeUpper);
  AudienceShare(b, "aud_city", au.cities(), NormalizeLower);
  AudienceEnum(b, "aud_gender", au.genders(), 3);
  AudienceEnum(b, "aud_age", au.age_bands(), 6);
  AudienceShare(b, "aud_language", au.languages(), NormalizeLower);
  AudienceShare(b, "aud_interest", au.interests(), NormalizeLower);
  AudienceShare(b, "aud_brand", au.brand_affinities(), NormalizeLower);
  FloatRange(b, "reachability", au.reachability());

  const cv1::ContentFilter& ct = f.content();
  Keywords(b, "bio_words", ct.bio_keywords());
  Keywords(b, "caption_words", ct.caption_keywords());
  ArrayStringSet(b, "hashtags", ct.hashtags(), NormalizeTag);
  ArrayStringSet(b, "mentions", ct.mentions(), NormalizeTag);
  ArrayStringSet(b, "brands", ct.brands(), NormalizeLower);
  {
    const std::vector<int> flags =
        ValidValues(ct.exclude_brand_safety_flags(), cv1::BrandSafetyFlag_IsValid);
    if (!flags.empty()) {
      b.And(absl::StrCat("NOT (brand_safety && ", b.Param(IntArrayLiteral(flags), "smallint[]"),
                         ")"));
    }
  }
  {
    std::vector<std::string> ids(ws.exclude_creator_ids().begin(), ws.exclude_creator_ids().end());
    ids.insert(ids.end(), q.exclude_creator_ids.begin(), q.exclude_creator_ids.end());
    if (!ids.empty()) {
      b.And(absl::StrCat("creator_id <> ALL(", b.Param(TextArrayLiteral(ids), "text[]"), ")"));
    }
  }
  {
    // Free text: every word in some field.
    std::vector<std::string> words = Words(q.text);
    std::sort(words.begin(), words.end());
    words.erase(std::unique(words.begin(), words.end()), words.end());
    if (!words.empty()) {
      b.And(absl::StrCat("all_words @> ", b.Param(TextArrayLiteral(words), "text[]")));
    }
  }

  SqlSearch out;
  const std::string where = b.Where();
  out.params = b.params;
  out.page_params = b.params;
  out.page_params.push_back(absl::StrCat(q.limit));
  out.page_params.push_back(absl::StrCat(q.offset));
  const bool asc = search::SortsAscending(q);
  out.page_sql =
      absl::StrCat("SELECT creator_id FROM creators\nWHERE ", where, "\nORDER BY ", sort_col,
                   asc ? " ASC" : " DESC", " NULLS LAST, creator_id\nLIMIT $", b.params.size() + 1,
                   "::bigint OFFSET $", b.params.size() + 2, "::bigint");
  out.count_sql = absl::StrCat("SELECT count(*) FROM creators\nWHERE ", where);
  out.facets = q.facets;
  if (!q.facets.empty()) {
    std::vector<std::string> parts = {"SELECT -1 AS facet, NULL::text AS value, count(*) FROM m"};
    std::set<std::string> cols;
    for (size_t i = 0; i < q.facets.size(); ++i) {
      std::string expr;
      std::string from = "m";
      switch (q.facets[i]) {
        case sv1::FACET_FIELD_TIER:
          expr = "nullif(tier, 0)::text";
          cols.insert("tier");
          break;
        case sv1::FACET_FIELD_PLATFORM:
          expr = "nullif(platform, 0)::text";
          cols.insert("platform");
          break;
        case sv1::FACET_FIELD_COUNTRY:
          expr = "country";
          cols.insert("country");
          break;
        case sv1::FACET_FIELD_AUDIENCE_COUNTRY:
          expr = "aud_top_country";
          cols.insert("aud_top_country");
          break;
        case sv1::FACET_FIELD_CITY:
          expr = "city";
          cols.insert("city");
          break;
        case sv1::FACET_FIELD_GENDER:
          expr = "nullif(gender, 0)::text";
          cols.insert("gender");
          break;
        case sv1::FACET_FIELD_ACCOUNT_TYPE:
          expr = "nullif(account_type, 0)::text";
          cols.insert("account_type");
          break;
        case sv1::FACET_FIELD_VERIFIED:
          expr = "verified::text";
          cols.insert("verified");
          break;
        case sv1::FACET_FIELD_CATEGORY:
          expr = "v::text";
          from = "m LEFT JOIN LATERAL unnest(m.categories) v ON true";
          cols.insert("categories");
          break;
        case sv1::FACET_FIELD_CONTENT_TYPE:
          expr = "v::text";
          from = "m LEFT JOIN LATERAL unnest(m.content_types) v ON true";
          cols.insert("content_types");
          break;
        case sv1::FACET_FIELD_LANGUAGE:
          expr = "v";
          from = "m LEFT JOIN LATERAL unnest(m.languages) v ON true";
          cols.insert("languages");
          break;
        default:
          return absl::InvalidArgumentError("unknown facet");
      }
      parts.push_back(
          absl::StrCat("SELECT ", i, ", ", expr, ", count(*) FROM ", from, " GROUP BY 2"));
    }
    out.facet_sql =
        absl::StrCat("WITH m AS MATERIALIZED (SELECT ", absl::StrJoin(cols, ", "),
                     " FROM creators\nWHERE ", where, ")\n", absl::StrJoin(parts, "\nUNION ALL "));
  }
  return out;
}

std::string FacetValueName(sv1::FacetField field, const std::string& v) {
  int n = 0;
  const bool numeric = absl::SimpleAtoi(v, &n);
  switch (field) {
    case sv1::FACET_FIELD_TIER:
      return numeric ? cv1::Tier_Name(n) : v;
    case sv1::FACET_FIELD_PLATFORM:
      return numeric ? cv1::Platform_Name(n) : v;
    case sv1::FACET_FIELD_CATEGORY:
      return numeric ? cv1::Category_Name(n) : v;
    case sv1::FACET_FIELD_GENDER:
      return numeric ? cv1::Gender_Name(n) : v;
    case sv1::FACET_FIELD_ACCOUNT_TYPE:
      return numeric ? cv1::AccountType_Name(n) : v;
    case sv1::FACET_FIELD_CONTENT_TYPE:
      return numeric ? cv1::ContentType_Name(n) : v;
    default:
      return v;
  }
}

}  // namespace microreach::bench
