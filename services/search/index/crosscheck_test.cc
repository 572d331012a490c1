// Brute-force cross-check of CreatorIndex: thousands of random creators,
// hundreds of random filter combinations, each compared with a plain
// reference implementation over the protos (count, pages, facets), before
// and after replacements, deletions and compaction.
#include <algorithm>
#include <cmath>
#include <initializer_list>
#include <iostream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "gtest/gtest.h"
#include "services/search/index/creator_index.h"
#include "services/search/index/test_catalog.h"
#include "services/search/index/text.h"

namespace microreach::search {
namespace {

namespace cv1 = ::microreach::common::v1;
using testing::Rng;

constexpr int64_t kNow = 1'750'000'000;

// ---------------------------------------------------------------------------
// Reference implementation: straight from the protos and the documented
// semantics (docs/search-index.md), no index structures.

std::set<std::string> NameTerms(const cv1::Creator& c) {
  std::set<std::string> out;
  for (auto& w : Words(c.handle())) out.insert(w);
  for (auto& w : Words(c.display_name())) out.insert(w);
  return out;
}
std::set<std::string> BioTerms(const cv1::Creator& c) {
  auto w = Words(c.content().bio());
  return {w.begin(), w.end()};
}
std::set<std::string> CaptionTerms(const cv1::Creator& c) {
  std::set<std::string> out;
  for (auto& k : c.content().caption_keywords()) {
    for (auto& w : Words(k)) out.insert(w);
  }
  return out;
}
std::set<std::string> HashtagTerms(const cv1::Creator& c) {
  std::set<std::string> out;
  for (auto& h : c.content().hashtags()) {
    if (!NormalizeTag(h).empty()) out.insert(NormalizeTag(h));
  }
  return out;
}

// Top-k audience entries as the index keeps them.
std::vector<std::pair<std::string, int>> TopK(std::vector<std::pair<std::string, double>> v,
                                              int k) {
  std::stable_sort(v.begin(), v.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  std::vector<std::pair<std::string, int>> out;
  for (auto& [name, s] : v) {
    if (static_cast<int>(out.size()) == k) break;
    if (name.empty()) continue;
    bool dup = false;
    for (auto& o : out) dup = dup || o.first == name;
    if (!dup) out.emplace_back(name, QuantizeShare(s));
  }
  return out;
}

struct RefDoc {
  const cv1::Creator* c;
  std::set<std::string> bio, caption, hashtag, name;
  std::vector<std::string> languages;
  std::vector<std::pair<std::string, int>> aud_country, aud_city, aud_language, aud_interest,
      aud_brand;
  int aud_gender[3];
  int aud_age[6];
  std::set<int> also_on;
  SimVectors vec;
  int tier;
};

class Reference {
 public:
  explicit Reference(const std::map<std::string, cv1::Creator>& catalog) {
    for (auto& [id, c] : catalog) docs_.push_back(Make(c));
    // Same-person platforms.
    std::map<std::string, std::vector<size_t>> persons;
    for (size_t i = 0; i < docs_.size(); ++i) {
      if (!docs_[i].c->person_id().empty()) persons[docs_[i].c->person_id()].push_back(i);
    }
    for (auto& [p, idx] : persons) {
      for (size_t i : idx) {
        for (size_t j : idx) {
          if (i != j) docs_[i].also_on.insert(docs_[j].c->platform());
        }
      }
    }
  }

  static int TierOf(int64_t f) {
    if (f >= 10'000'000) return 5;
    if (f >= 1'000'000) return 4;
    if (f >= 100'000) return 3;
    if (f >= 10'000) return 2;
    return 1;
  }

  RefDoc Make(const cv1::Creator& c) {
    RefDoc d;
    d.c = &c;
    d.bio = BioTerms(c);
    d.caption = CaptionTerms(c);
    d.hashtag = HashtagTerms(c);
    d.name = NameTerms(c);
    for (auto& l : c.language_codes()) {
      const std::string n = NormalizeLower(l);
      if (n.empty() || d.languages.size() == 4) continue;
      if (std::find(d.languages.begin(), d.languages.end(), n) == d.languages.end()) {
        d.languages.push_back(n);
      }
    }
    auto collect = [](const auto& list, auto key) {
      std::vector<std::pair<std::string, double>> v;
      for (auto& e : list) v.emplace_back(key(e), std::isnan(e.share()) ? 0.0 : e.share());
      return v;
    };
    const auto& a = c.audience();
    d.aud_country =
        TopK(collect(a.countries(), [](auto& e) { return NormalizeUpper(e.country_code()); }), 10);
    d.aud_city = TopK(collect(a.cities(), [](auto& e) { return NormalizeLower(e.city()); }), 5);
    d.aud_language =
        TopK(collect(a.languages(), [](auto& e) { return NormalizeLower(e.language_code()); }), 5);
    d.aud_interest =
        TopK(collect(a.interests(), [](auto& e) { return NormalizeLower(e.interest()); }), 10);
    d.aud_brand =
        TopK(collect(a.brand_affinities(), [](auto& e) { return NormalizeLower(e.brand()); }), 10);
    for (int& g : d.aud_gender) g = -1;
    for (int& g : d.aud_age) g = -1;
    for (auto& g : a.genders()) {
      if (g.gender() >= 1 && g.gender() <= 3 && d.aud_gender[g.gender() - 1] < 0) {
        d.aud_gender[g.gender() - 1] = QuantizeShare(g.share());
      }
    }
    for (auto& b : a.age_bands()) {
      if (b.age_band() >= 1 && b.age_band() <= 6 && d.aud_age[b.age_band() - 1] < 0) {
        d.aud_age[b.age_band() - 1] = QuantizeShare(b.share());
      }
    }
    for (auto& lp : c.linked_profiles()) d.also_on.insert(lp.platform());
    d.vec = BuildSimVectors(c);
    d.tier = TierOf(c.stats().followers());
    return d;
  }

  template <typename List>
  static bool EnumSet(const List& inc, const List& exc, int v) {
    if (!inc.empty() && std::find(inc.begin(), inc.end(), v) == inc.end()) return false;
    return std::find(exc.begin(), exc.end(), v) == exc.end();
  }
  static bool StrSet(const cv1::StringSetFilter& f, const std::vector<std::string>& values,
                     std::string (*norm)(absl::string_view)) {
    auto has = [&](const std::string& x) {
      return std::find(values.begin(), values.end(), norm(x)) != values.end();
    };
    if (f.include_size() > 0 && std::none_of(f.include().begin(), f.include().end(), has))
      return false;
    return std::none_of(f.exclude().begin(), f.exclude().end(), has);
  }
  static std::vector<std::string> V(const std::set<std::string>& s) { return {s.begin(), s.end()}; }
  static std::vector<std::string> NormAll(const google::protobuf::RepeatedPtrField<std::string>& s,
                                          std::string (*norm)(absl::string_view)) {
    std::vector<std::string> out;
    for (auto& x : s) out.push_back(norm(x));
    return out;
  }
  static bool Range(const cv1::DoubleRange& r, bool has, double v) {
    if (!r.has_min() && !r.has_max()) return true;
    if (!has || !std::isfinite(v)) return false;
    const float f = static_cast<float>(v);
    if (r.has_min() && f < static_cast<float>(r.min())) return false;
    if (r.has_max() && f > static_cast<float>(r.max())) return false;
    return true;
  }
  static bool IRange(const cv1::Int64Range& r, int64_t v) {
    return (!r.has_min() || v >= r.min()) && (!r.has_max() || v <= r.max());
  }
  static bool Keywords(const cv1::KeywordFilter& f, const std::set<std::string>& terms) {
    auto has = [&](const std::string& t) {
      auto w = Words(t);
      return std::all_of(w.begin(), w.end(), [&](auto& x) { return terms.count(x) > 0; });
    };
    if (f.include_size() > 0 && std::none_of(f.include().begin(), f.include().end(), has))
      return false;
    return std::none_of(f.exclude().begin(), f.exclude().end(), has);
  }
  static bool AudShare(const cv1::AudienceShareFilter& f,
                       const std::vector<std::pair<std::string, int>>& top,
                       std::string (*norm)(absl::string_view)) {
    std::set<std::string> inc, exc;
    for (auto& x : f.include()) inc.insert(norm(x));
    for (auto& x : f.exclude()) exc.insert(norm(x));
    const int min_q = QuantizeShare(f.min_share());
    const int max_q = QuantizeShare(f.max_excluded_share());
    bool found = false, any_ok = false;
    int sum = 0;
    for (auto& [v, q] : top) {
      if (inc.count(v)) {
        found = true;
        sum += q;
        any_ok = any_ok || q >= min_q;
      }
      if (exc.count(v) && (f.max_excluded_share() == 0 || q > max_q)) return false;
    }
    if (f.include_size() == 0) return true;
    if (!found) return false;
    return f.aggregation() == cv1::SHARE_AGGREGATION_SUM ? sum >= min_q : any_ok;
  }
  template <typename F>
  static bool AudEnum(const F& f, const int* shares, int n) {
    const int min_q = QuantizeShare(f.min_share());
    const int max_q = QuantizeShare(f.max_excluded_share());
    bool found = false, any_ok = false;
    int sum = 0;
    for (int j = 0; j < n; ++j) {
      if (shares[j] < 0) continue;
      const bool in = std::find(f.include().begin(), f.include().end(), j + 1) != f.include().end();
      const bool ex = std::find(f.exclude().begin(), f.exclude().end(), j + 1) != f.exclude().end();
      if (in) {
        found = true;
        sum += shares[j];
        any_ok = any_ok || shares[j] >= min_q;
      }
      if (ex && (f.max_excluded_share() == 0 || shares[j] > max_q)) return false;
    }
    if (f.include_size() == 0) return true;
    if (!found) return false;
    return f.aggregation() == cv1::SHARE_AGGREGATION_SUM ? sum >= min_q : any_ok;
  }

  const RefDoc* Find(const std::string& id) const {
    for (auto& d : docs_) {
      if (d.c->creator_id() == id) return &d;
    }
    return nullptr;
  }

  bool Match(const RefDoc& d, const SearchQuery& q) const {
    const cv1::Creator& c = *d.c;
    const cv1::CreatorFilter& f = q.filter;
    const auto& cr = f.creator();
    if (!EnumSet(cr.platforms().include(), cr.platforms().exclude(), c.platform())) return false;
    if (!IRange(cr.followers(), c.stats().followers())) return false;
    if (!EnumSet(cr.tiers().include(), cr.tiers().exclude(), d.tier)) return false;
    std::vector<std::string> country;
    if (!NormalizeUpper(c.country_code()).empty())
      country.push_back(NormalizeUpper(c.country_code()));
    if (!StrSet(cr.countries(), country, NormalizeUpper)) return false;
    std::vector<std::string> city;
    if (!NormalizeLower(c.city()).empty()) city.push_back(NormalizeLower(c.city()));
    if (!StrSet(cr.cities(), city, NormalizeLower)) return false;
    if (!StrSet(cr.languages(), d.languages, NormalizeLower)) return false;
    if (!EnumSet(cr.genders().include(), cr.genders().exclude(), c.gender())) return false;
    if (cr.age().has_min() || cr.age().has_max()) {
      const int64_t year =
          absl::ToCivilYear(absl::FromUnixSeconds(kNow), absl::UTCTimeZone()).year();
      if (c.has_birth_year() && c.birth_year() > 0) {
        if (!IRange(cr.age(), year - c.birth_year())) return false;
      } else {
        static const int64_t lo[] = {0, 13, 18, 25, 35, 45, 65};
        static const int64_t hi[] = {0, 17, 24, 34, 44, 64, 1000000};
        const int b = c.age_band();
        if (b == 0) return false;
        if (cr.age().has_max() && lo[b] > cr.age().max()) return false;
        if (cr.age().has_min() && hi[b] < cr.age().min()) return false;
      }
    }
    if (!EnumSet(cr.account_types().include(), cr.account_types().exclude(), c.account_type()))
      return false;
    if (cr.has_verified() && cr.verified() != c.verified()) return false;
    if (cr.exclude_private() && c.is_private()) return false;
    {
      std::set<int> cats(c.categories().begin(), c.categories().end());
      if (cr.categories().include_size() > 0 &&
          std::none_of(cr.categories().include().begin(), cr.categories().include().end(),
                       [&](int x) { return cats.count(x) > 0; })) {
        return false;
      }
      for (int x : cr.categories().exclude()) {
        if (cats.count(x)) return false;
      }
    }
    if (!StrSet(cr.interests(), NormAll(c.interests(), NormalizeLower), NormalizeLower))
      return false;
    if (cr.has_has_email() && cr.has_email() != c.has_email()) return false;
    if (cr.has_has_phone() && cr.has_phone() != c.has_phone()) return false;
    if (cr.has_posted_within_days()) {
      if (!c.content().has_last_post_time()) return false;
      if (c.content().last_post_time().seconds() < kNow - cr.posted_within_days() * 86400LL)
        return false;
    }
    if (!IRange(cr.content_count(), c.stats().content_count())) return false;
    {
      std::set<int> types(c.content().content_types().begin(), c.content().content_types().end());
      if (cr.content_types().include_size() > 0 &&
          std::none_of(cr.content_types().include().begin(), cr.content_types().include().end(),
                       [&](int x) { return types.count(x) > 0; })) {
        return false;
      }
      for (int x : cr.content_types().exclude()) {
        if (types.count(x)) return false;
      }
    }
    const auto& pr = cr.estimated_price();
    if (pr.has_min_micros() || pr.has_max_micros()) {
      if (!c.stats().has_estimated_price() || c.stats().estimated_price().currency_code() != "USD")
        return false;
      const int64_t m = c.stats().estimated_price().amount_micros();
      if (pr.has_min_micros() && m < pr.min_micros()) return false;
      if (pr.has_max_micros() && m > pr.max_micros()) return false;
    }
    if (cr.also_on_platforms().include_size() > 0 &&
        std::none_of(cr.also_on_platforms().include().begin(),
                     cr.also_on_platforms().include().end(),
                     [&](int p) { return d.also_on.count(p) > 0; })) {
      return false;
    }
    for (int p : cr.also_on_platforms().exclude()) {
      if (d.also_on.count(p)) return false;
    }
    const auto& s = c.stats();
    const auto& pf = f.performance();
    if (!Range(pf.engagement_rate(), s.has_engagement_rate() && !s.likes_hidden(),
               s.engagement_rate()))
      return false;
    if (!Range(pf.avg_likes(), s.has_avg_likes(), s.avg_likes())) return false;
    if (!Range(pf.avg_comments(), s.has_avg_comments(), s.avg_comments())) return false;
    if (!Range(pf.avg_shares(), s.has_avg_shares(), s.avg_shares())) return false;
    if (!Range(pf.avg_saves(), s.has_avg_saves(), s.avg_saves())) return false;
    if (!Range(pf.avg_views(), s.has_avg_views(), s.avg_views())) return false;
    if (!Range(pf.follower_growth_30d(), s.has_follower_growth_30d(), s.follower_growth_30d()))
      return false;
    if (!Range(pf.follower_growth_90d(), s.has_follower_growth_90d(), s.follower_growth_90d()))
      return false;
    if (!Range(pf.posts_per_week(), s.has_posts_per_week(), s.posts_per_week())) return false;
    const auto& a = c.audience();
    if (!Range(pf.audience_credibility(), a.has_credibility(), a.credibility())) return false;
    if (!Range(pf.audience_quality_score(), a.has_audience_quality_score(),
               a.audience_quality_score()))
      return false;
    if (pf.has_has_sponsored_posts()) {
      if (!s.has_sponsored_post_share()) return false;
      if ((s.sponsored_post_share() > 0) != pf.has_sponsored_posts()) return false;
    }
    if (!Range(pf.sponsored_engagement_ratio(), s.has_sponsored_engagement_ratio(),
               s.sponsored_engagement_ratio()))
      return false;
    const auto& au = f.audience();
    if (!AudShare(au.countries(), d.aud_country, NormalizeUpper)) return false;
    if (!AudShare(au.cities(), d.aud_city, NormalizeLower)) return false;
    if (!AudEnum(au.genders(), d.aud_gender, 3)) return false;
    if (!AudEnum(au.age_bands(), d.aud_age, 6)) return false;
    if (!AudShare(au.languages(), d.aud_language, NormalizeLower)) return false;
    if (!AudShare(au.interests(), d.aud_interest, NormalizeLower)) return false;
    if (!AudShare(au.brand_affinities(), d.aud_brand, NormalizeLower)) return false;
    if (!Range(au.reachability(), a.has_reachability(), a.reachability())) return false;
    const auto& ct = f.content();
    if (!Keywords(ct.bio_keywords(), d.bio)) return false;
    if (!Keywords(ct.caption_keywords(), d.caption)) return false;
    if (!StrSet(ct.hashtags(), V(d.hashtag), NormalizeTag)) return false;
    if (!StrSet(ct.mentions(), NormAll(c.content().mentions(), NormalizeTag), NormalizeTag))
      return false;
    if (!StrSet(ct.brands(), NormAll(c.content().brands(), NormalizeLower), NormalizeLower))
      return false;
    for (int fl : ct.exclude_brand_safety_flags()) {
      for (int x : c.brand_safety_flags()) {
        if (x == fl) return false;
      }
    }
    for (int mode = 0; mode < 2; ++mode) {
      const auto& lf = mode == 0 ? ct.lookalike() : ct.audience_lookalike();
      if (lf.creator_id().empty()) continue;
      if (lf.creator_id() == c.creator_id()) return false;
      const RefDoc* seed = Find(lf.creator_id());
      const double min = lf.min_similarity() > 0 ? lf.min_similarity() : 0.7;
      const double sim = mode == 0 ? Cosine(d.vec.content, d.vec.content_norm, seed->vec.content,
                                            seed->vec.content_norm)
                                   : Cosine(d.vec.audience, d.vec.audience_norm, seed->vec.audience,
                                            seed->vec.audience_norm);
      if (sim < min) return false;
    }
    for (auto& w : Words(q.text)) {
      if (!d.bio.count(w) && !d.caption.count(w) && !d.hashtag.count(w) && !d.name.count(w))
        return false;
    }
    for (auto& id : q.exclude_creator_ids) {
      if (id == c.creator_id()) return false;
    }
    return true;
  }

  // Key as the index sorts: (known, value).
  std::pair<bool, double> Key(const RefDoc& d, const SearchQuery& q) const {
    const auto& s = d.c->stats();
    switch (EffectiveSortField(q)) {
      case v1::SORT_FIELD_ENGAGEMENT_RATE:
        return F(s.has_engagement_rate() && !s.likes_hidden(), s.engagement_rate());
      case v1::SORT_FIELD_FOLLOWER_GROWTH:
        return F(s.has_follower_growth_30d(), s.follower_growth_30d());
      case v1::SORT_FIELD_AVG_VIEWS:
        return F(s.has_avg_views(), s.avg_views());
      case v1::SORT_FIELD_CREDIBILITY:
        return F(d.c->audience().has_credibility(), d.c->audience().credibility());
      case v1::SORT_FIELD_ESTIMATED_PRICE:
        if (!s.has_estimated_price() || s.estimated_price().currency_code() != "USD")
          return {false, 0};
        return {true, static_cast<double>(s.estimated_price().amount_micros())};
      case v1::SORT_FIELD_KEYWORD_RELEVANCE:
        return {true, Relevance(d, q)};
      case v1::SORT_FIELD_AUDIENCE_MATCH:
        return {true, AudienceMatchRef(d, q)};
      case v1::SORT_FIELD_FIT_SCORE:
        return {true, Fit(d, q)};
      default:
        return {true, static_cast<double>(s.followers())};
    }
  }
  static std::pair<bool, double> F(bool has, double v) {
    if (!has || !std::isfinite(v)) return {false, 0};
    return {true, static_cast<float>(v)};
  }

  struct RelevanceContext {
    std::vector<std::pair<int, std::string>> terms;
    std::vector<double> df;
    std::array<double, 4> avg{};
    double n = 0;
  };
  mutable const SearchQuery* rel_query_ = nullptr;
  mutable RelevanceContext rel_;

  double Relevance(const RefDoc& d, const SearchQuery& q) const {
    if (rel_query_ != &q) {
      rel_query_ = &q;
      rel_ = BuildRelevance(q);
    }
    static constexpr double kW[] = {1.0, 1.0, 1.5, 2.0};
    double score = 0;
    for (size_t i = 0; i < rel_.terms.size(); ++i) {
      const auto& [f, t] = rel_.terms[i];
      const double df = rel_.df[i];
      if (df == 0 || !Field(d, f).count(t)) continue;
      const double idf = std::log(1.0 + (rel_.n - df + 0.5) / (df + 0.5));
      const double len = static_cast<double>(std::min<size_t>(255, Field(d, f).size()));
      score += kW[f] * idf * (1.2 + 1) /
               (1 + 1.2 * (1 - 0.75 + 0.75 * len / rel_.avg[static_cast<size_t>(f)]));
    }
    return score;
  }

  RelevanceContext BuildRelevance(const SearchQuery& q) const {
    RelevanceContext ctx;
    // Same (field, term) order as the index.
    std::vector<std::pair<int, std::string>>& terms = ctx.terms;
    auto add = [&](int f, std::string t) {
      for (auto& e : terms) {
        if (e.first == f && e.second == t) return;
      }
      terms.emplace_back(f, std::move(t));
    };
    for (auto& w : Words(q.text)) {
      for (int f = 0; f < 4; ++f) add(f, w);
    }
    for (auto& t : q.filter.content().bio_keywords().include()) {
      for (auto& w : Words(t)) add(0, w);
    }
    for (auto& t : q.filter.content().caption_keywords().include()) {
      for (auto& w : Words(t)) add(1, w);
    }
    for (auto& t : q.filter.content().hashtags().include()) add(2, NormalizeTag(t));
    ctx.n = static_cast<double>(docs_.size());
    for (auto& x : docs_) {
      for (int f = 0; f < 4; ++f) {
        ctx.avg[static_cast<size_t>(f)] +=
            static_cast<double>(std::min<size_t>(255, Field(x, f).size()));
      }
    }
    for (auto& a : ctx.avg) a = a / ctx.n > 0 ? a / ctx.n : 1;
    for (auto& [f, t] : terms) {
      double df = 0;
      for (auto& x : docs_) df += Field(x, f).count(t) ? 1 : 0;
      ctx.df.push_back(df);
    }
    return ctx;
  }
  static const std::set<std::string>& Field(const RefDoc& d, int f) {
    return f == 0 ? d.bio : f == 1 ? d.caption : f == 2 ? d.hashtag : d.name;
  }

  static double AudienceMatchRef(const RefDoc& d, const SearchQuery& q) {
    const auto& t = q.target->target_audience();
    auto dim = [](const auto& entries, auto key,
                  const std::vector<std::pair<std::string, int>>& top) {
      double max_w = 0;
      for (auto& e : entries) max_w = std::max(max_w, e.weight());
      double s = 0;
      for (auto& e : entries) {
        const double w = max_w > 0 ? e.weight() / max_w : 1.0;
        for (auto& [v, share] : top) {
          if (v == key(e)) {
            s += w * share;
            break;
          }
        }
      }
      return std::min(1.0, s / kShareScale);
    };
    auto fixed = [](const auto& entries, auto idx, const int* shares, int n) {
      double max_w = 0;
      for (auto& e : entries) max_w = std::max(max_w, e.weight());
      std::array<double, 6> w{};
      for (auto& e : entries)
        w[static_cast<size_t>(idx(e))] += max_w > 0 ? e.weight() / max_w : 1.0;
      double s = 0;
      for (int j = 0; j < n; ++j) {
        if (shares[j] >= 0) s += w[static_cast<size_t>(j)] * shares[j];
      }
      return std::min(1.0, s / kShareScale);
    };
    double wc = 0.10, wa = 0.15, wg = 0.50, wl = 0.10, wi = 0.15;
    if (t.countries_size() == 0) wc = 0;
    if (t.age_bands_size() == 0) wa = 0;
    if (t.genders_size() == 0) wg = 0;
    if (t.languages_size() == 0) wl = 0;
    if (t.interests_size() == 0) wi = 0;
    const double tot = wc + wa + wg + wl + wi;
    if (tot == 0) return 0;
    double total = 0;
    if (wc > 0)
      total += wc / tot *
               dim(
                   t.countries(), [](auto& e) { return NormalizeUpper(e.country_code()); },
                   d.aud_country);
    if (wa > 0)
      total += wa / tot *
               fixed(
                   t.age_bands(), [](auto& e) { return e.age_band() - 1; }, d.aud_age, 6);
    if (wg > 0)
      total += wg / tot *
               fixed(
                   t.genders(), [](auto& e) { return e.gender() - 1; }, d.aud_gender, 3);
    if (wl > 0)
      total += wl / tot *
               dim(
                   t.languages(), [](auto& e) { return NormalizeLower(e.language_code()); },
                   d.aud_language);
    if (wi > 0)
      total +=
          wi / tot *
          dim(
              t.interests(), [](auto& e) { return NormalizeLower(e.interest()); }, d.aud_interest);
    return 100.0 * total;
  }

  double Fit(const RefDoc& d, const SearchQuery& q) const {
    PreparedTarget t;
    const auto& ta = q.target->target_audience();
    t.has_audience = ta.countries_size() + ta.age_bands_size() + ta.genders_size() +
                         ta.languages_size() + ta.interests_size() >
                     0;
    for (int cat : q.target->categories()) t.category_mask |= 1u << cat;
    const auto& s = d.c->stats();
    const float er = s.has_engagement_rate() && !s.likes_hidden()
                         ? static_cast<float>(s.engagement_rate())
                         : NAN;
    const float cred =
        d.c->audience().has_credibility() ? static_cast<float>(d.c->audience().credibility()) : NAN;
    uint32_t cats = 0;
    int main = 0;
    for (int c : d.c->categories()) {
      if (main == 0) main = c;
      cats |= 1u << c;
    }
    return FitScore(t.has_audience ? AudienceMatchRef(d, q) : 0, er, cred, d.c->platform(),
                    static_cast<cv1::Tier>(d.tier), cats, main, t);
  }

  SearchPage Search(const SearchQuery& q) const {
    struct E {
      bool known;
      double key;
      std::string id;
    };
    rel_query_ = nullptr;  // a new query may reuse the previous one's address
    std::vector<E> hits;
    std::vector<std::map<std::string, int64_t>> counts(q.facets.size());
    std::vector<int64_t> missing(q.facets.size());
    for (auto& d : docs_) {
      if (!Match(d, q)) continue;
      auto [known, key] = Key(d, q);
      hits.push_back({known, key, d.c->creator_id()});
      for (size_t i = 0; i < q.facets.size(); ++i) {
        std::vector<std::string> vals = FacetValues(d, q.facets[i]);
        if (vals.empty()) ++missing[i];
        for (auto& v : vals) ++counts[i][v];
      }
    }
    const bool asc = SortsAscending(q);
    std::sort(hits.begin(), hits.end(), [&](const E& a, const E& b) {
      if (a.known != b.known) return a.known;
      if (a.known && a.key != b.key) return asc ? a.key < b.key : a.key > b.key;
      return a.id < b.id;
    });
    SearchPage page;
    page.total_size = static_cast<int64_t>(hits.size());
    for (size_t i = static_cast<size_t>(q.offset);
         i < hits.size() && i < static_cast<size_t>(q.offset + q.limit); ++i) {
      SearchHit h;
      h.creator_id = hits[i].id;
      if (hits[i].known) h.sort_value = hits[i].key;
      page.hits.push_back(h);
    }
    for (size_t i = 0; i < q.facets.size(); ++i) {
      FacetCounts fc;
      fc.field = q.facets[i];
      fc.missing = missing[i];
      fc.values.assign(counts[i].begin(), counts[i].end());
      std::sort(fc.values.begin(), fc.values.end(), [](auto& a, auto& b) {
        return a.second != b.second ? a.second > b.second : a.first < b.first;
      });
      page.facets.push_back(fc);
    }
    return page;
  }

  static std::vector<std::string> FacetValues(const RefDoc& d, v1::FacetField f) {
    const cv1::Creator& c = *d.c;
    std::vector<std::string> out;
    switch (f) {
      case v1::FACET_FIELD_TIER:
        out.push_back(cv1::Tier_Name(d.tier));
        break;
      case v1::FACET_FIELD_PLATFORM:
        out.push_back(cv1::Platform_Name(c.platform()));
        break;
      case v1::FACET_FIELD_COUNTRY:
        if (!NormalizeUpper(c.country_code()).empty())
          out.push_back(NormalizeUpper(c.country_code()));
        break;
      case v1::FACET_FIELD_CATEGORY: {
        std::set<int> cats(c.categories().begin(), c.categories().end());
        for (int x : cats) out.push_back(cv1::Category_Name(x));
        break;
      }
      case v1::FACET_FIELD_LANGUAGE:
        out = d.languages;
        break;
      case v1::FACET_FIELD_GENDER:
        if (c.gender() != 0) out.push_back(cv1::Gender_Name(c.gender()));
        break;
      case v1::FACET_FIELD_ACCOUNT_TYPE:
        if (c.account_type() != 0) out.push_back(cv1::AccountType_Name(c.account_type()));
        break;
      case v1::FACET_FIELD_CONTENT_TYPE: {
        std::set<int> t(c.content().content_types().begin(), c.content().content_types().end());
        for (int x : t) out.push_back(cv1::ContentType_Name(x));
        break;
      }
      case v1::FACET_FIELD_AUDIENCE_COUNTRY:
        if (!d.aud_country.empty()) out.push_back(d.aud_country[0].first);
        break;
      case v1::FACET_FIELD_CITY:
        if (!NormalizeLower(c.city()).empty()) out.push_back(NormalizeLower(c.city()));
        break;
      case v1::FACET_FIELD_VERIFIED:
        out.push_back(c.verified() ? "true" : "false");
        break;
      default:
        break;
    }
    return out;
  }

  std::vector<RefDoc> docs_;
};

// ---------------------------------------------------------------------------
// Random filters.

std::string Pick(Rng& r, const char* prefix, uint32_t n) {
  return absl::StrCat(prefix, r.Skewed(n));
}

template <typename Set>
void RandomEnumSet(Rng& r, Set* s, int max_value) {
  const int n = 1 + static_cast<int>(r.Uniform(3));
  for (int i = 0; i < n; ++i) {
    const int v = 1 + static_cast<int>(r.Uniform(static_cast<uint32_t>(max_value)));
    if (r.Chance(0.7)) {
      s->add_include(static_cast<decltype(s->include(0))>(v));
    } else {
      s->add_exclude(static_cast<decltype(s->include(0))>(v));
    }
  }
}

void RandomStringSet(Rng& r, cv1::StringSetFilter* s, const char* prefix, uint32_t n) {
  const int k = 1 + static_cast<int>(r.Uniform(3));
  for (int i = 0; i < k; ++i) {
    std::string v = Pick(r, prefix, n + 2);  // sometimes unknown values
    if (r.Chance(0.7)) {
      s->add_include(v);
    } else {
      s->add_exclude(v);
    }
  }
}

void RandomDoubleRange(Rng& r, cv1::DoubleRange* d, double lo, double hi) {
  const double a = lo + (hi - lo) * r.Unit();
  const double b = a + (hi - a) * r.Unit();
  if (r.Chance(0.7)) d->set_min(a);
  if (r.Chance(0.7) || !d->has_min()) d->set_max(b);
}

// Buyers filter on round values, which are where the index's value levels
// sit: snaps some bounds onto them.
void SnapRound(Rng& r, cv1::DoubleRange* d, std::initializer_list<double> round) {
  const std::vector<double> v(round);
  if (d->has_min() && r.Chance(0.4)) d->set_min(v[r.Uniform(static_cast<uint32_t>(v.size()))]);
  if (d->has_max() && r.Chance(0.3)) d->set_max(v[r.Uniform(static_cast<uint32_t>(v.size()))]);
}

void RandomAudience(Rng& r, cv1::AudienceShareFilter* a, const char* prefix, uint32_t n,
                    bool country) {
  const int k = 1 + static_cast<int>(r.Uniform(2));
  for (int i = 0; i < k; ++i) {
    std::string v = country ? testing::CountryCode(r.Skewed(n)) : Pick(r, prefix, n);
    if (r.Chance(0.75)) {
      a->add_include(v);
    } else {
      a->add_exclude(v);
    }
  }
  // Some minimums sit exactly on an audience-country posting bucket bound,
  // where the postings alone decide the include part.
  static constexpr double kBucketBounds[] = {0.05, 0.1, 0.2, 0.3, 0.5};
  auto share = [&r] {
    if (r.Chance(0.3)) return 0.0;
    return r.Chance(0.3) ? kBucketBounds[r.Uniform(5)] : 0.3 * r.Unit();
  };
  a->set_min_share(share());
  a->set_max_excluded_share(share());
  a->set_aggregation(r.Chance(0.5) ? cv1::SHARE_AGGREGATION_SUM : cv1::SHARE_AGGREGATION_ANY);
}

template <typename F>
void RandomAudienceEnum(Rng& r, F* a, int n) {
  const int k = 1 + static_cast<int>(r.Uniform(2));
  for (int i = 0; i < k; ++i) {
    const int v = 1 + static_cast<int>(r.Uniform(static_cast<uint32_t>(n)));
    if (r.Chance(0.75)) {
      a->add_include(static_cast<decltype(a->include(0))>(v));
    } else {
      a->add_exclude(static_cast<decltype(a->include(0))>(v));
    }
  }
  a->set_min_share(r.Chance(0.3) ? 0.0 : 0.5 * r.Unit());
  a->set_max_excluded_share(r.Chance(0.4) ? 0.0 : 0.4 * r.Unit());
  a->set_aggregation(r.Chance(0.5) ? cv1::SHARE_AGGREGATION_SUM : cv1::SHARE_AGGREGATION_ANY);
}

void RandomKeywords(Rng& r, cv1::KeywordFilter* k, const char* prefix, uint32_t n) {
  const int c = 1 + static_cast<int>(r.Uniform(2));
  for (int i = 0; i < c; ++i) {
    std::string t = r.Chance(0.2) ? absl::StrCat(Pick(r, prefix, n), " ", Pick(r, prefix, n))
                                  : Pick(r, prefix, n);
    if (r.Chance(0.7)) {
      k->add_include(t);
    } else {
      k->add_exclude(t);
    }
  }
}

constexpr int kFilterKinds = 50;

void AddRandomFilter(Rng& r, int kind, const std::vector<std::string>& ids, SearchQuery* q) {
  auto& f = q->filter;
  auto* cr = f.mutable_creator();
  auto* pf = f.mutable_performance();
  auto* au = f.mutable_audience();
  auto* ct = f.mutable_content();
  switch (kind) {
    case 0:
      RandomEnumSet(r, cr->mutable_platforms(), 10);
      break;
    case 1: {
      const int64_t a = static_cast<int64_t>(std::pow(10, 2 + 5 * r.Unit()));
      if (r.Chance(0.7)) cr->mutable_followers()->set_min(a);
      if (r.Chance(0.5)) cr->mutable_followers()->set_max(a * 20);
      if (r.Chance(0.2)) cr->mutable_followers()->set_min(100000);
      if (r.Chance(0.2)) cr->mutable_followers()->set_min(r.Chance(0.5) ? 10000 : 1000);
      if (r.Chance(0.1)) cr->mutable_followers()->set_max(500000);
      break;
    }
    case 2:
      RandomEnumSet(r, cr->mutable_tiers(), 5);
      break;
    case 3: {
      const int k = 1 + static_cast<int>(r.Uniform(3));
      for (int i = 0; i < k; ++i) {
        std::string v = testing::CountryCode(r.Skewed(14));
        if (r.Chance(0.3)) v = absl::AsciiStrToLower(v);
        if (r.Chance(0.7)) {
          cr->mutable_countries()->add_include(v);
        } else {
          cr->mutable_countries()->add_exclude(v);
        }
      }
      break;
    }
    case 4:
      RandomStringSet(r, cr->mutable_cities(), r.Chance(0.5) ? "City" : "city", 10);
      break;
    case 5:
      RandomStringSet(r, cr->mutable_languages(), "l", 7);
      break;
    case 6:
      RandomEnumSet(r, cr->mutable_genders(), 3);
      break;
    case 7: {
      const int64_t a = 10 + r.Uniform(50);
      if (r.Chance(0.7)) cr->mutable_age()->set_min(a);
      if (r.Chance(0.7)) cr->mutable_age()->set_max(a + r.Uniform(30));
      break;
    }
    case 8:
      RandomEnumSet(r, cr->mutable_account_types(), 4);
      break;
    case 9:
      cr->set_verified(r.Chance(0.5));
      break;
    case 10:
      cr->set_exclude_private(true);
      break;
    case 11:
      RandomEnumSet(r, cr->mutable_categories(), 25);
      break;
    case 12:
      RandomStringSet(r, cr->mutable_interests(), "i", 12);
      break;
    case 13:
      cr->set_has_email(r.Chance(0.5));
      break;
    case 14:
      cr->set_has_phone(r.Chance(0.5));
      break;
    case 15:
      cr->set_posted_within_days(1 + static_cast<int>(r.Uniform(400)));
      break;
    case 16: {
      if (r.Chance(0.7)) cr->mutable_content_count()->set_min(r.Uniform(2000));
      if (r.Chance(0.7)) cr->mutable_content_count()->set_max(1000 + r.Uniform(2000));
      break;
    }
    case 17:
      RandomEnumSet(r, cr->mutable_content_types(), 5);
      break;
    case 18: {
      auto* p = cr->mutable_estimated_price();
      p->set_currency_code("USD");
      const int64_t a = static_cast<int64_t>(std::pow(10, 6 + 4 * r.Unit()));
      if (r.Chance(0.7)) p->set_min_micros(a);
      if (r.Chance(0.7) || !p->has_min_micros()) p->set_max_micros(a * 10);
      break;
    }
    case 19:
      RandomEnumSet(r, cr->mutable_also_on_platforms(), 10);
      break;
    case 20:
      RandomDoubleRange(r, pf->mutable_engagement_rate(), 0, 0.08);
      SnapRound(r, pf->mutable_engagement_rate(), {0.0, 0.005, 0.01, 0.02, 0.03, 0.05, 0.1});
      break;
    case 21:
      RandomDoubleRange(r, pf->mutable_avg_likes(), 0, 5000);
      break;
    case 22:
      RandomDoubleRange(r, pf->mutable_avg_comments(), 0, 300);
      break;
    case 23:
      RandomDoubleRange(r, pf->mutable_avg_shares(), 0, 100);
      break;
    case 24:
      RandomDoubleRange(r, pf->mutable_avg_saves(), 0, 100);
      break;
    case 25:
      RandomDoubleRange(r, pf->mutable_avg_views(), 0, 50000);
      SnapRound(r, pf->mutable_avg_views(), {100, 1000, 5000, 10000});
      break;
    case 26:
      RandomDoubleRange(r, pf->mutable_follower_growth_30d(), -0.05, 0.15);
      break;
    case 27:
      RandomDoubleRange(r, pf->mutable_follower_growth_90d(), -0.1, 0.3);
      break;
    case 28:
      RandomDoubleRange(r, pf->mutable_posts_per_week(), 0, 14);
      break;
    case 29:
      RandomDoubleRange(r, pf->mutable_audience_credibility(), 0, 1);
      SnapRound(r, pf->mutable_audience_credibility(), {0.3, 0.5, 0.6, 0.7, 0.8, 0.95});
      break;
    case 30:
      RandomDoubleRange(r, pf->mutable_audience_quality_score(), 0, 100);
      break;
    case 31:
      pf->set_has_sponsored_posts(r.Chance(0.5));
      break;
    case 32:
      RandomDoubleRange(r, pf->mutable_sponsored_engagement_ratio(), 0, 2);
      break;
    case 33:
      RandomAudience(r, au->mutable_countries(), "", 12, true);
      break;
    case 34:
      RandomAudience(r, au->mutable_cities(), "city", 10, false);
      break;
    case 35:
      RandomAudienceEnum(r, au->mutable_genders(), 3);
      break;
    case 36:
      RandomAudienceEnum(r, au->mutable_age_bands(), 6);
      break;
    case 37:
      RandomAudience(r, au->mutable_languages(), "l", 7, false);
      break;
    case 38:
      RandomAudience(r, au->mutable_interests(), "i", 12, false);
      break;
    case 39:
      RandomAudience(r, au->mutable_brand_affinities(), "b", 15, false);
      break;
    case 40:
      RandomDoubleRange(r, au->mutable_reachability(), 0, 1);
      break;
    case 41:
      RandomKeywords(r, ct->mutable_bio_keywords(), "w", 40);
      break;
    case 42:
      RandomKeywords(r, ct->mutable_caption_keywords(), "k", 30);
      break;
    case 43:
      RandomStringSet(r, ct->mutable_hashtags(), r.Chance(0.3) ? "#t" : "t", 30);
      break;
    case 44:
      RandomStringSet(r, ct->mutable_mentions(), r.Chance(0.3) ? "@m" : "m", 15);
      break;
    case 45:
      RandomStringSet(r, ct->mutable_brands(), "b", 15);
      break;
    case 46:
      ct->add_exclude_brand_safety_flags(static_cast<cv1::BrandSafetyFlag>(1 + r.Uniform(13)));
      break;
    case 47: {
      ct->mutable_lookalike()->set_creator_id(ids[r.Uniform(static_cast<uint32_t>(ids.size()))]);
      ct->mutable_lookalike()->set_min_similarity(r.Chance(0.3) ? 0.0 : 0.5 + 0.4 * r.Unit());
      break;
    }
    case 48: {
      ct->mutable_audience_lookalike()->set_creator_id(
          ids[r.Uniform(static_cast<uint32_t>(ids.size()))]);
      ct->mutable_audience_lookalike()->set_min_similarity(0.5 + 0.4 * r.Unit());
      break;
    }
    case 49: {
      q->text = r.Chance(0.5)
                    ? Pick(r, "w", 40)
                    : absl::StrCat(Pick(r, "t", 30), " ", r.Chance(0.5) ? Pick(r, "k", 30) : "");
      break;
    }
  }
}

SearchQuery RandomQuery(Rng& r, const std::vector<std::string>& ids) {
  SearchQuery q;
  q.now = absl::FromUnixSeconds(kNow);
  const int n = static_cast<int>(r.Uniform(5));
  for (int i = 0; i < n; ++i)
    AddRandomFilter(r, static_cast<int>(r.Uniform(kFilterKinds)), ids, &q);
  if (r.Chance(0.05)) {
    for (int k = 0; k < 40; ++k) AddRandomFilter(r, k, ids, &q);  // the 40-filter query
  }
  if (r.Chance(0.1)) {
    for (int i = 0; i < 20; ++i)
      q.exclude_creator_ids.push_back(ids[r.Uniform(static_cast<uint32_t>(ids.size()))]);
  }
  q.sort_field = testing::RandomSortField(r);
  if (q.sort_field == v1::SORT_FIELD_KEYWORD_RELEVANCE && Words(q.text).empty())
    q.text = Pick(r, "w", 20);
  if (q.sort_field == v1::SORT_FIELD_AUDIENCE_MATCH || q.sort_field == v1::SORT_FIELD_FIT_SCORE ||
      r.Chance(0.1)) {
    cv1::CampaignBrief b;
    auto* t = b.mutable_target_audience();
    auto* g = t->add_genders();
    g->set_gender(cv1::GENDER_FEMALE);
    g->set_weight(1);
    if (r.Chance(0.5)) {
      auto* c = t->add_countries();
      c->set_country_code("US");
      c->set_weight(2);
      c = t->add_countries();
      c->set_country_code(testing::CountryCode(r.Uniform(12)));
      c->set_weight(1);
    }
    if (r.Chance(0.5)) {
      auto* a = t->add_age_bands();
      a->set_age_band(cv1::AGE_BAND_18_24);
      a = t->add_age_bands();
      a->set_age_band(cv1::AGE_BAND_25_34);
    }
    if (r.Chance(0.5)) {
      auto* i = t->add_interests();
      i->set_interest(Pick(r, "i", 12));
      i->set_weight(1);
      auto* l = t->add_languages();
      l->set_language_code("l0");
    }
    if (r.Chance(0.5)) b.add_categories(static_cast<cv1::Category>(1 + r.Uniform(6)));
    q.target = b;
  }
  testing::RandomPaging(r, 200, q);
  return q;
}

void ExpectSamePage(const SearchPage& want, const SearchPage& got, const std::string& what) {
  ASSERT_EQ(want.total_size, got.total_size) << what;
  ASSERT_EQ(want.hits.size(), got.hits.size()) << what;
  for (size_t i = 0; i < want.hits.size(); ++i) {
    EXPECT_EQ(want.hits[i].creator_id, got.hits[i].creator_id) << what << " hit " << i;
    EXPECT_EQ(want.hits[i].sort_value.has_value(), got.hits[i].sort_value.has_value()) << what;
    if (want.hits[i].sort_value && got.hits[i].sort_value) {
      EXPECT_DOUBLE_EQ(*want.hits[i].sort_value, *got.hits[i].sort_value) << what << " hit " << i;
    }
  }
  ASSERT_EQ(want.facets.size(), got.facets.size()) << what;
  for (size_t i = 0; i < want.facets.size(); ++i) {
    EXPECT_EQ(want.facets[i].values, got.facets[i].values) << what << " facet " << i;
    EXPECT_EQ(want.facets[i].missing, got.facets[i].missing) << what << " facet " << i;
  }
}

std::string Describe(const SearchQuery& q) {
  return absl::StrCat("text='", q.text, "' sort=", q.sort_field, " dir=", q.sort_direction,
                      " offset=", q.offset, " limit=", q.limit, " filter={",
                      q.filter.ShortDebugString(), "}");
}

class CrossCheckTest : public ::testing::TestWithParam<int> {};

TEST_P(CrossCheckTest, SearchEqualsBruteForce) {
  const int scale = GetParam();
  Rng r(42 + static_cast<uint64_t>(scale));
  testing::CatalogShape shape;
  std::map<std::string, cv1::Creator> catalog;
  CreatorIndex::Options opts;
  opts.compact_min_dead = 1000000;  // compaction is exercised explicitly below
  // The larger catalogs search in three doc-id ranges side by side (more
  // parts than this machine may have cores: the caller runs the rest).
  opts.query_threads = scale == 600 ? 1 : 3;
  opts.parallel_min_docs = 0;
  CreatorIndex index(opts);
  const uint32_t n = static_cast<uint32_t>(scale);
  std::vector<cv1::Creator> batch;
  for (uint32_t i = 0; i < n; ++i) batch.push_back(testing::RandomCreator(r, i, shape, kNow));
  ASSERT_EQ(index.BulkLoad(batch), n);
  for (auto& c : batch) catalog[c.creator_id()] = c;
  // Replacements and deletions leave tombstones that searches must skip.
  for (uint32_t i = 0; i < n / 10; ++i) {
    const uint32_t id = r.Uniform(n);
    if (r.Chance(0.5)) {
      cv1::Creator c = testing::RandomCreator(r, id, shape, kNow);
      ASSERT_TRUE(index.Upsert(c).ok());
      catalog[c.creator_id()] = c;
    } else {
      const std::string cid = absl::StrCat("c", id);
      EXPECT_EQ(index.Remove(cid), catalog.erase(cid) > 0);
    }
  }
  ASSERT_EQ(index.size(), catalog.size());
  std::vector<std::string> ids;
  ids.reserve(catalog.size());
  for (auto& [id, c] : catalog) ids.push_back(id);

  int compared = 0;
  int non_empty = 0;
  for (int phase = 0; phase < 2; ++phase) {
    if (phase == 1) index.Compact();
    Reference ref(catalog);
    const int rounds = (phase == 0 ? 400 : 100) / (scale > 10000 ? 5 : 1);
    for (int i = 0; i < rounds; ++i) {
      SearchQuery q = RandomQuery(r, ids);
      // Stacked random filters can contradict (min > max): validation's job,
      // tested elsewhere; such queries are not compared.
      if (!ValidateSearchQuery(q, "USD").ok()) continue;
      absl::StatusOr<SearchPage> got = index.Search(q);
      if (got.status().code() == absl::StatusCode::kFailedPrecondition) {
        // An audience lookalike of a seed without audience data.
        const RefDoc* seed = ref.Find(q.filter.content().audience_lookalike().creator_id());
        ASSERT_NE(seed, nullptr);
        EXPECT_EQ(seed->vec.audience_norm, 0);
        continue;
      }
      ASSERT_TRUE(got.ok()) << got.status() << " " << Describe(q);
      ExpectSamePage(ref.Search(q), *got, Describe(q));
      ++compared;
      non_empty += got->total_size > 0 ? 1 : 0;
      if (::testing::Test::HasFailure()) return;
    }
  }
  // The random mix must stay meaningful: mostly valid, often non-empty.
  EXPECT_GT(compared, scale > 10000 ? 70 : 350);
  EXPECT_GT(non_empty, compared / 3);
  std::cout << "compared " << compared << " queries, " << non_empty << " non-empty\n";
}

// Lookalikes computed in three doc-id ranges side by side equal those of one
// thread: same count, same hits in the same order, for every mode.
TEST(SimilarPartsTest, PartsGiveTheAnswerOfOneThread) {
  Rng r(7);
  testing::CatalogShape shape;
  CreatorIndex::Options one_thread;
  one_thread.query_threads = 1;
  CreatorIndex::Options parts = one_thread;
  parts.query_threads = 3;
  parts.parallel_min_docs = 0;
  CreatorIndex a(one_thread);
  CreatorIndex b(parts);
  std::vector<cv1::Creator> batch;
  for (uint32_t i = 0; i < 6000; ++i) batch.push_back(testing::RandomCreator(r, i, shape, kNow));
  ASSERT_EQ(a.BulkLoad(batch), batch.size());
  ASSERT_EQ(b.BulkLoad(batch), batch.size());
  int compared = 0;
  for (int i = 0; i < 30; ++i) {
    SimilarQuery q;
    q.seed_creator_id = batch[r.Uniform(static_cast<uint32_t>(batch.size()))].creator_id();
    q.mode = static_cast<v1::SimilarityMode>(1 + r.Uniform(3));
    q.limit = 1 + static_cast<int32_t>(r.Uniform(40));
    q.offset = r.Uniform(3);
    if (r.Chance(0.5))
      q.filter.mutable_creator()->mutable_platforms()->add_include(cv1::PLATFORM_INSTAGRAM);
    q.now = absl::FromUnixSeconds(kNow);
    absl::StatusOr<SimilarPage> want = a.Similar(q);
    absl::StatusOr<SimilarPage> got = b.Similar(q);
    ASSERT_EQ(want.status(), got.status());
    if (!want.ok()) continue;
    ++compared;
    EXPECT_EQ(want->total_size, got->total_size);
    ASSERT_EQ(want->hits.size(), got->hits.size());
    for (size_t h = 0; h < want->hits.size(); ++h) {
      EXPECT_EQ(want->hits[h].creator_id, got->hits[h].creator_id) << "hit " << h;
      EXPECT_EQ(want->hits[h].similarity, got->hits[h].similarity) << "hit " << h;
    }
  }
  EXPECT_GT(compared, 10);
}

// A small catalog exercises the sparse (sorted-list) paths, larger ones the
// bitset paths once postings turn dense (posting-based facet counts too).
INSTANTIATE_TEST_SUITE_P(Scales, CrossCheckTest, ::testing::Values(600, 5000, 20000));

}  // namespace
}  // namespace microreach::search
