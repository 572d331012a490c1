// Validation of index queries with request field paths, and the exact merge
// of partition results (see search_query.h).
#include "services/search/index/search_query.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "common/status/status.h"
#include "services/search/index/text.h"

namespace microreach::search {

namespace cv1 = ::microreach::common::v1;
using status::FieldViolations;

namespace {

constexpr int kMaxSetValues = 500;
constexpr int kMaxKeywordTerms = 50;
constexpr size_t kMaxKeywordChars = 64;
constexpr size_t kMaxValueChars = 128;
constexpr size_t kMaxQueryChars = 256;
constexpr int kMaxFacets = 10;
constexpr int kMaxLimit = 1000;
constexpr int64_t kMaxDepth = 100000;
constexpr int kMaxExcludedIds = 10000;
constexpr int kMaxTargetEntries = 50;

std::string At(absl::string_view path, int i) { return absl::StrCat(path, "[", i, "]"); }

template <typename IsValid, typename List>
void CheckEnumList(const List& values, const std::string& path, IsValid is_valid,
                   FieldViolations* v) {
  if (values.size() > kMaxSetValues) {
    v->Add(path, absl::StrCat("at most ", kMaxSetValues, " values"));
    return;
  }
  for (int i = 0; i < values.size(); ++i) {
    if (values[i] == 0 || !is_valid(values[i])) {
      v->Add(At(path, i), absl::StrCat("unknown or unspecified value ", values[i]));
    }
  }
}

template <typename F>
void CheckEnumSet(const F& f, const std::string& path, bool (*is_valid)(int), FieldViolations* v) {
  CheckEnumList(f.include(), path + ".include", is_valid, v);
  CheckEnumList(f.exclude(), path + ".exclude", is_valid, v);
}

void CheckStrings(const google::protobuf::RepeatedPtrField<std::string>& values,
                  const std::string& path, FieldViolations* v) {
  if (values.size() > kMaxSetValues) {
    v->Add(path, absl::StrCat("at most ", kMaxSetValues, " values"));
    return;
  }
  for (int i = 0; i < values.size(); ++i) {
    const std::string n = NormalizeTag(values[i]);
    if (n.empty()) v->Add(At(path, i), "must not be empty");
    if (values[i].size() > kMaxValueChars) {
      v->Add(At(path, i), absl::StrCat("at most ", kMaxValueChars, " characters"));
    }
  }
}

void CheckStringSet(const cv1::StringSetFilter& f, const std::string& path, FieldViolations* v) {
  CheckStrings(f.include(), path + ".include", v);
  CheckStrings(f.exclude(), path + ".exclude", v);
}

void CheckInt64Range(const cv1::Int64Range& r, const std::string& path, FieldViolations* v) {
  if (r.has_min() && r.has_max() && r.min() > r.max()) v->Add(path + ".min", "must be <= max");
}

// lo/hi: the field's domain (NaN = unbounded on that side).
void CheckDoubleRange(const cv1::DoubleRange& r, const std::string& path, double lo, double hi,
                      FieldViolations* v) {
  bool ok = true;
  for (int side = 0; side < 2; ++side) {
    const bool has = side == 0 ? r.has_min() : r.has_max();
    if (!has) continue;
    const double x = side == 0 ? r.min() : r.max();
    const std::string p = path + (side == 0 ? ".min" : ".max");
    if (std::isnan(x)) {
      v->Add(p, "must be a number");
      ok = false;
    } else if (!std::isnan(lo) && x < lo) {
      v->Add(p, absl::StrCat("must be >= ", lo));
      ok = false;
    } else if (!std::isnan(hi) && x > hi) {
      v->Add(p, absl::StrCat("must be <= ", hi));
      ok = false;
    }
  }
  if (ok && r.has_min() && r.has_max() && r.min() > r.max())
    v->Add(path + ".min", "must be <= max");
}

void CheckShare(double x, const std::string& path, FieldViolations* v) {
  if (std::isnan(x) || x < 0 || x > 1) v->Add(path, "must be a fraction in [0, 1]");
}

void CheckAggregation(int a, const std::string& path, FieldViolations* v) {
  if (!cv1::ShareAggregation_IsValid(a)) v->Add(path, absl::StrCat("unknown value ", a));
}

void CheckAudienceShare(const cv1::AudienceShareFilter& f, const std::string& path,
                        FieldViolations* v) {
  CheckStrings(f.include(), path + ".include", v);
  CheckStrings(f.exclude(), path + ".exclude", v);
  CheckShare(f.min_share(), path + ".min_share", v);
  CheckShare(f.max_excluded_share(), path + ".max_excluded_share", v);
  CheckAggregation(f.aggregation(), path + ".aggregation", v);
}

template <typename F>
void CheckAudienceEnum(const F& f, const std::string& path, bool (*is_valid)(int),
                       FieldViolations* v) {
  CheckEnumList(f.include(), path + ".include", is_valid, v);
  CheckEnumList(f.exclude(), path + ".exclude", is_valid, v);
  CheckShare(f.min_share(), path + ".min_share", v);
  CheckShare(f.max_excluded_share(), path + ".max_excluded_share", v);
  CheckAggregation(f.aggregation(), path + ".aggregation", v);
}

void CheckKeywords(const cv1::KeywordFilter& f, const std::string& path, FieldViolations* v) {
  for (const auto* list : {&f.include(), &f.exclude()}) {
    const std::string p = path + (list == &f.include() ? ".include" : ".exclude");
    if (list->size() > kMaxKeywordTerms) {
      v->Add(p, absl::StrCat("at most ", kMaxKeywordTerms, " terms"));
      continue;
    }
    for (int i = 0; i < list->size(); ++i) {
      if ((*list)[i].size() > kMaxKeywordChars) {
        v->Add(At(p, i), absl::StrCat("at most ", kMaxKeywordChars, " characters"));
      } else if (Words((*list)[i]).empty()) {
        v->Add(At(p, i), "must contain a word");
      }
    }
  }
}

void CheckLookalike(const cv1::LookalikeFilter& f, const std::string& path, FieldViolations* v) {
  if (f.creator_id().empty() && f.min_similarity() != 0) {
    v->Add(path + ".creator_id", "required with min_similarity");
  }
  if (f.creator_id().size() > kMaxValueChars) v->Add(path + ".creator_id", "too long");
  CheckShare(f.min_similarity(), path + ".min_similarity", v);
}

void CheckFilter(const cv1::CreatorFilter& f, absl::string_view currency, FieldViolations* v) {
  const double kNone = std::nan("");
  const auto& c = f.creator();
  const std::string pc = "filter.creator";
  CheckEnumSet(c.platforms(), pc + ".platforms", cv1::Platform_IsValid, v);
  CheckInt64Range(c.followers(), pc + ".followers", v);
  CheckEnumSet(c.tiers(), pc + ".tiers", cv1::Tier_IsValid, v);
  CheckStringSet(c.countries(), pc + ".countries", v);
  CheckStringSet(c.cities(), pc + ".cities", v);
  CheckStringSet(c.languages(), pc + ".languages", v);
  CheckEnumSet(c.genders(), pc + ".genders", cv1::Gender_IsValid, v);
  CheckInt64Range(c.age(), pc + ".age", v);
  CheckEnumSet(c.account_types(), pc + ".account_types", cv1::AccountType_IsValid, v);
  CheckEnumSet(c.categories(), pc + ".categories", cv1::Category_IsValid, v);
  CheckStringSet(c.interests(), pc + ".interests", v);
  if (c.has_posted_within_days() && (c.posted_within_days() < 1 || c.posted_within_days() > 3650)) {
    v->Add(pc + ".posted_within_days", "must be between 1 and 3650");
  }
  CheckInt64Range(c.content_count(), pc + ".content_count", v);
  CheckEnumSet(c.content_types(), pc + ".content_types", cv1::ContentType_IsValid, v);
  const auto& price = c.estimated_price();
  if (price.has_min_micros() || price.has_max_micros()) {
    if (price.currency_code().empty()) {
      v->Add(pc + ".estimated_price.currency_code", "required when a bound is set");
    } else if (NormalizeUpper(price.currency_code()) != currency) {
      v->Add(pc + ".estimated_price.currency_code",
             absl::StrCat("must be the catalog reference currency ", currency));
    }
    if (price.has_min_micros() && price.has_max_micros() &&
        price.min_micros() > price.max_micros()) {
      v->Add(pc + ".estimated_price.min_micros", "must be <= max_micros");
    }
  }
  CheckEnumSet(c.also_on_platforms(), pc + ".also_on_platforms", cv1::Platform_IsValid, v);

  const auto& p = f.performance();
  const std::string pp = "filter.performance";
  CheckDoubleRange(p.engagement_rate(), pp + ".engagement_rate", 0, kNone, v);
  CheckDoubleRange(p.avg_likes(), pp + ".avg_likes", 0, kNone, v);
  CheckDoubleRange(p.avg_comments(), pp + ".avg_comments", 0, kNone, v);
  CheckDoubleRange(p.avg_shares(), pp + ".avg_shares", 0, kNone, v);
  CheckDoubleRange(p.avg_saves(), pp + ".avg_saves", 0, kNone, v);
  CheckDoubleRange(p.avg_views(), pp + ".avg_views", 0, kNone, v);
  CheckDoubleRange(p.follower_growth_30d(), pp + ".follower_growth_30d", kNone, kNone, v);
  CheckDoubleRange(p.follower_growth_90d(), pp + ".follower_growth_90d", kNone, kNone, v);
  CheckDoubleRange(p.posts_per_week(), pp + ".posts_per_week", 0, kNone, v);
  CheckDoubleRange(p.audience_credibility(), pp + ".audience_credibility", 0, 1, v);
  CheckDoubleRange(p.audience_quality_score(), pp + ".audience_quality_score", 0, 100, v);
  CheckDoubleRange(p.sponsored_engagement_ratio(), pp + ".sponsored_engagement_ratio", 0, kNone, v);

  const auto& a = f.audience();
  const std::string pa = "filter.audience";
  CheckAudienceShare(a.countries(), pa + ".countries", v);
  CheckAudienceShare(a.cities(), pa + ".cities", v);
  CheckAudienceEnum(a.genders(), pa + ".genders", cv1::Gender_IsValid, v);
  CheckAudienceEnum(a.age_bands(), pa + ".age_bands", cv1::AgeBand_IsValid, v);
  CheckAudienceShare(a.languages(), pa + ".languages", v);
  CheckAudienceShare(a.interests(), pa + ".interests", v);
  CheckAudienceShare(a.brand_affinities(), pa + ".brand_affinities", v);
  CheckDoubleRange(a.reachability(), pa + ".reachability", 0, 1, v);

  const auto& ct = f.content();
  const std::string pt = "filter.content";
  CheckKeywords(ct.bio_keywords(), pt + ".bio_keywords", v);
  CheckKeywords(ct.caption_keywords(), pt + ".caption_keywords", v);
  CheckStringSet(ct.hashtags(), pt + ".hashtags", v);
  CheckStringSet(ct.mentions(), pt + ".mentions", v);
  CheckStringSet(ct.brands(), pt + ".brands", v);
  CheckEnumList(ct.exclude_brand_safety_flags(), pt + ".exclude_brand_safety_flags",
                cv1::BrandSafetyFlag_IsValid, v);
  CheckLookalike(ct.lookalike(), pt + ".lookalike", v);
  CheckLookalike(ct.audience_lookalike(), pt + ".audience_lookalike", v);

  if (f.workspace().exclude_creator_ids_size() > kMaxExcludedIds) {
    v->Add("filter.workspace.exclude_creator_ids",
           absl::StrCat("at most ", kMaxExcludedIds, " ids"));
  }
}

void CheckWeight(double w, const std::string& path, FieldViolations* v) {
  if (!std::isfinite(w) || w < 0) v->Add(path, "must be a finite number >= 0");
}

template <typename List, typename F>
void CheckTargetList(const List& list, const std::string& path, F each, FieldViolations* v) {
  if (list.size() > kMaxTargetEntries) {
    v->Add(path, absl::StrCat("at most ", kMaxTargetEntries, " entries"));
    return;
  }
  for (int i = 0; i < list.size(); ++i) {
    CheckWeight(list[i].weight(), At(path, i) + ".weight", v);
    each(list[i], At(path, i), v);
  }
}

bool HasAudienceDimension(const cv1::AudienceTarget& t) {
  return t.countries_size() + t.age_bands_size() + t.genders_size() + t.languages_size() +
             t.interests_size() >
         0;
}

void CheckTarget(const cv1::CampaignBrief& b, FieldViolations* v) {
  const auto& t = b.target_audience();
  const std::string p = "target.target_audience";
  CheckTargetList(
      t.countries(), p + ".countries",
      [](const cv1::WeightedCountry& e, const std::string& at, FieldViolations* v) {
        if (NormalizeUpper(e.country_code()).empty()) v->Add(at + ".country_code", "required");
      },
      v);
  CheckTargetList(
      t.age_bands(), p + ".age_bands",
      [](const cv1::WeightedAgeBand& e, const std::string& at, FieldViolations* v) {
        if (e.age_band() == 0 || !cv1::AgeBand_IsValid(e.age_band())) {
          v->Add(at + ".age_band", "unknown or unspecified age band");
        }
      },
      v);
  CheckTargetList(
      t.genders(), p + ".genders",
      [](const cv1::WeightedGender& e, const std::string& at, FieldViolations* v) {
        if (e.gender() == 0 || !cv1::Gender_IsValid(e.gender())) {
          v->Add(at + ".gender", "unknown or unspecified gender");
        }
      },
      v);
  CheckTargetList(
      t.languages(), p + ".languages",
      [](const cv1::WeightedLanguage& e, const std::string& at, FieldViolations* v) {
        if (NormalizeLower(e.language_code()).empty()) v->Add(at + ".language_code", "required");
      },
      v);
  CheckTargetList(
      t.interests(), p + ".interests",
      [](const cv1::WeightedInterest& e, const std::string& at, FieldViolations* v) {
        if (NormalizeLower(e.interest()).empty()) v->Add(at + ".interest", "required");
      },
      v);
  const auto& w = t.dimension_weights();
  CheckWeight(w.country(), p + ".dimension_weights.country", v);
  CheckWeight(w.age(), p + ".dimension_weights.age", v);
  CheckWeight(w.gender(), p + ".dimension_weights.gender", v);
  CheckWeight(w.language(), p + ".dimension_weights.language", v);
  CheckWeight(w.interests(), p + ".dimension_weights.interests", v);
  CheckEnumList(b.categories(), "target.categories", cv1::Category_IsValid, v);
}

bool HasKeywordTerms(const SearchQuery& q) {
  const auto& c = q.filter.content();
  return !Words(q.text).empty() || c.bio_keywords().include_size() > 0 ||
         c.caption_keywords().include_size() > 0 || c.hashtags().include_size() > 0;
}

}  // namespace

v1::SortField EffectiveSortField(const SearchQuery& q) {
  if (q.sort_field != v1::SORT_FIELD_UNSPECIFIED) return q.sort_field;
  return HasKeywordTerms(q) ? v1::SORT_FIELD_KEYWORD_RELEVANCE : v1::SORT_FIELD_FOLLOWERS;
}

bool SortsAscending(const SearchQuery& q) {
  return q.sort_direction == v1::SORT_DIRECTION_ASCENDING;
}

absl::Status ValidateSearchQuery(const SearchQuery& q, absl::string_view reference_currency) {
  FieldViolations v;
  CheckFilter(q.filter, reference_currency, &v);
  if (q.text.size() > kMaxQueryChars) {
    v.Add("query", absl::StrCat("at most ", kMaxQueryChars, " characters"));
  }
  if (!v1::SortField_IsValid(q.sort_field)) {
    v.Add("sort.field", absl::StrCat("unknown value ", q.sort_field));
  } else if (q.sort_field == v1::SORT_FIELD_KEYWORD_RELEVANCE && !HasKeywordTerms(q)) {
    v.Add("sort.field", "keyword relevance needs a query or keyword filters");
  } else if (q.sort_field == v1::SORT_FIELD_AUDIENCE_MATCH ||
             q.sort_field == v1::SORT_FIELD_FIT_SCORE) {
    if (!q.target.has_value()) {
      v.Add("target", "required by this sort");
    } else if (q.sort_field == v1::SORT_FIELD_AUDIENCE_MATCH &&
               !HasAudienceDimension(q.target->target_audience())) {
      v.Add("target.target_audience", "must set at least one dimension for audience match");
    }
  }
  if (!v1::SortDirection_IsValid(q.sort_direction)) {
    v.Add("sort.direction", absl::StrCat("unknown value ", q.sort_direction));
  }
  if (q.target.has_value()) CheckTarget(*q.target, &v);
  if (q.limit < 0 || q.limit > kMaxLimit) {
    v.Add("page_size", absl::StrCat("must be between 0 and ", kMaxLimit));
  }
  if (q.offset < 0) {
    v.Add("page_token", "offset must be >= 0");
  } else if (q.offset + std::max(q.limit, 0) > kMaxDepth) {
    v.Add("page_token", absl::StrCat("results beyond the first ", kMaxDepth, " are not served"));
  }
  if (static_cast<int>(q.facets.size()) > kMaxFacets) {
    v.Add("facets", absl::StrCat("at most ", kMaxFacets, " facets"));
  }
  for (size_t i = 0; i < q.facets.size(); ++i) {
    if (q.facets[i] == v1::FACET_FIELD_UNSPECIFIED || !v1::FacetField_IsValid(q.facets[i])) {
      v.Add(At("facets", static_cast<int>(i)), "unknown or unspecified facet");
    }
  }
  if (q.exclude_creator_ids.size() > static_cast<size_t>(kMaxExcludedIds) * 2) {
    v.Add("exclude_creator_ids", "too many ids");
  }
  return v.ToStatus();
}

absl::Status ValidateSimilarQuery(const SimilarQuery& q, absl::string_view reference_currency) {
  FieldViolations v;
  if (q.seed_creator_id.empty()) v.Add("creator_id", "required");
  if (!v1::SimilarityMode_IsValid(q.mode)) v.Add("mode", absl::StrCat("unknown value ", q.mode));
  CheckFilter(q.filter, reference_currency, &v);
  CheckShare(q.min_similarity, "min_similarity", &v);
  if (q.limit < 0 || q.limit > kMaxLimit) {
    v.Add("page_size", absl::StrCat("must be between 0 and ", kMaxLimit));
  }
  if (q.offset < 0 || q.offset + std::max(q.limit, 0) > kMaxDepth) {
    v.Add("page_token", "offset out of range");
  }
  return v.ToStatus();
}

CorpusStats MergeCorpusStats(absl::Span<const CorpusStats> parts) {
  CorpusStats out;
  for (const CorpusStats& p : parts) {
    out.docs += p.docs;
    for (int f = 0; f < 4; ++f) out.field_terms[f] += p.field_terms[f];
    for (const auto& [k, n] : p.doc_freq) out.doc_freq[k] += n;
  }
  return out;
}

v1::FacetResult TopFacetValues(const FacetCounts& counts, int facet_size) {
  if (facet_size <= 0) facet_size = 20;
  v1::FacetResult out;
  out.set_field(counts.field);
  int64_t other = counts.missing;
  for (size_t i = 0; i < counts.values.size(); ++i) {
    if (static_cast<int>(i) < facet_size) {
      auto* fv = out.add_values();
      fv->set_value(counts.values[i].first);
      fv->set_count(counts.values[i].second);
    } else {
      other += counts.values[i].second;
    }
  }
  out.set_other_count(other);
  return out;
}

SearchQuery PartitionQuery(const SearchQuery& query) {
  SearchQuery q = query;
  q.limit = static_cast<int32_t>(query.offset + query.limit);
  q.offset = 0;
  return q;
}

SimilarQuery PartitionQuery(const SimilarQuery& query) {
  SimilarQuery q = query;
  q.limit = static_cast<int32_t>(query.offset + query.limit);
  q.offset = 0;
  return q;
}

namespace {

// Ranks hits as the index does: known sort values first, then by value in the
// requested direction, then by creator_id ascending.
bool HitBefore(const SearchHit& a, const SearchHit& b, bool ascending) {
  if (a.sort_value.has_value() != b.sort_value.has_value()) return a.sort_value.has_value();
  if (a.sort_value.has_value() && *a.sort_value != *b.sort_value) {
    return ascending ? *a.sort_value < *b.sort_value : *a.sort_value > *b.sort_value;
  }
  return a.creator_id < b.creator_id;
}

void SortFacetValues(std::vector<std::pair<std::string, int64_t>>* values) {
  std::sort(values->begin(), values->end(), [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  });
}

}  // namespace

SearchPage MergePages(absl::Span<const SearchPage> pages, const SearchQuery& query) {
  SearchPage out;
  const bool ascending = SortsAscending(query);
  std::vector<SearchHit> all;
  for (const SearchPage& p : pages) {
    out.total_size += p.total_size;
    all.insert(all.end(), p.hits.begin(), p.hits.end());
  }
  std::sort(all.begin(), all.end(),
            [&](const SearchHit& a, const SearchHit& b) { return HitBefore(a, b, ascending); });
  const size_t begin = std::min(all.size(), static_cast<size_t>(query.offset));
  const size_t end = std::min(all.size(), begin + static_cast<size_t>(std::max(query.limit, 0)));
  out.hits.assign(all.begin() + static_cast<std::ptrdiff_t>(begin),
                  all.begin() + static_cast<std::ptrdiff_t>(end));
  for (size_t f = 0; f < query.facets.size(); ++f) {
    std::map<std::string, int64_t> sum;
    FacetCounts merged;
    merged.field = query.facets[f];
    for (const SearchPage& p : pages) {
      if (f >= p.facets.size()) continue;
      merged.missing += p.facets[f].missing;
      for (const auto& [value, n] : p.facets[f].values) sum[value] += n;
    }
    merged.values.assign(sum.begin(), sum.end());
    SortFacetValues(&merged.values);
    out.facets.push_back(std::move(merged));
  }
  return out;
}

SimilarPage MergeSimilarPages(absl::Span<const SimilarPage> pages, const SimilarQuery& query) {
  SimilarPage out;
  std::vector<SimilarHit> all;
  for (const SimilarPage& p : pages) {
    out.total_size += p.total_size;
    all.insert(all.end(), p.hits.begin(), p.hits.end());
  }
  std::sort(all.begin(), all.end(), [](const SimilarHit& a, const SimilarHit& b) {
    return a.similarity != b.similarity ? a.similarity > b.similarity : a.creator_id < b.creator_id;
  });
  const size_t begin = std::min(all.size(), static_cast<size_t>(query.offset));
  const size_t end = std::min(all.size(), begin + static_cast<size_t>(std::max(query.limit, 0)));
  out.hits.assign(all.begin() + static_cast<std::ptrdiff_t>(begin),
                  all.begin() + static_cast<std::ptrdiff_t>(end));
  return out;
}

}  // namespace microreach::search
