// Schema, indexes and COPY rows of the PostgreSQL creators table (see
// pg_catalog.h). Every derived value mirrors CreatorIndex::AppendLocked.
#include "bench/search/pg_catalog.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/search/index/scoring.h"
#include "services/search/index/text.h"

namespace microreach::bench {
namespace {

namespace cv1 = ::microreach::common::v1;
using search::NormalizeLower;
using search::NormalizeTag;
using search::NormalizeUpper;

uint32_t ClampU32(int64_t v) {
  if (v <= 0) return 0;
  if (v > int64_t{0xFFFFFFFF}) return 0xFFFFFFFFu;
  return static_cast<uint32_t>(v);
}

// COPY text format: backslash escapes for the characters that delimit it.
void AppendCopyEscaped(std::string_view s, std::string* out) {
  for (char c : s) {
    switch (c) {
      case '\\':
        out->append("\\\\");
        break;
      case '\t':
        out->append("\\t");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      default:
        out->push_back(c);
    }
  }
}

// One array element in array-literal syntax (quoted when needed), before
// COPY escaping.
void AppendArrayElement(std::string_view s, std::string* out) {
  bool quote = s.empty() || s.size() == 4;  // "" and NULL (any case) need quotes
  for (char c : s) {
    if (c == '"' || c == '\\' || c == '{' || c == '}' || c == ',' || c == ' ' || c == '\t' ||
        c == '\n' || c == '\r' || c == '\v' || c == '\f') {
      quote = true;
    }
  }
  if (!quote) {
    out->append(s);
    return;
  }
  out->push_back('"');
  for (char c : s) {
    if (c == '"' || c == '\\') out->push_back('\\');
    out->push_back(c);
  }
  out->push_back('"');
}

class Row {
 public:
  explicit Row(std::string* out) : out_(out) {}
  void Sep() {
    if (!first_) out_->push_back('\t');
    first_ = false;
  }
  void Null() {
    Sep();
    out_->append("\\N");
  }
  void Text(std::string_view s) {
    Sep();
    AppendCopyEscaped(s, out_);
  }
  void TextOrNull(std::string_view s) {
    if (s.empty()) {
      Null();
    } else {
      Text(s);
    }
  }
  void Int(int64_t v) {
    Sep();
    absl::StrAppend(out_, v);
  }
  void Bool(bool b) {
    Sep();
    out_->push_back(b ? 't' : 'f');
  }
  // NaN = unknown = NULL; otherwise the float printed so float4in reads back
  // the very same value the index compares.
  void Real(float v) {
    if (std::isnan(v)) {
      Null();
      return;
    }
    Sep();
    char buf[32];
    std::snprintf(buf, sizeof(buf), "%.9g", static_cast<double>(v));
    out_->append(buf);
  }
  void IntArray(const std::vector<int>& v) {
    Sep();
    out_->push_back('{');
    out_->append(absl::StrJoin(v, ","));
    out_->push_back('}');
  }
  // Elements: values or -1 for NULL.
  void IntArrayWithNulls(const std::vector<int>& v) {
    Sep();
    out_->push_back('{');
    for (size_t i = 0; i < v.size(); ++i) {
      if (i > 0) out_->push_back(',');
      if (v[i] < 0) {
        out_->append("NULL");
      } else {
        absl::StrAppend(out_, v[i]);
      }
    }
    out_->push_back('}');
  }
  template <typename Container>
  void TextArray(const Container& v) {
    Sep();
    std::string lit = "{";
    bool first = true;
    for (const auto& s : v) {
      if (!first) lit.push_back(',');
      first = false;
      AppendArrayElement(s, &lit);
    }
    lit.push_back('}');
    AppendCopyEscaped(lit, out_);
  }
  // {"key": share, ...} with JSON string escaping.
  void Json(const std::vector<std::pair<std::string, int>>& kv) {
    Sep();
    std::string j = "{";
    for (size_t i = 0; i < kv.size(); ++i) {
      if (i > 0) j.append(", ");
      j.push_back('"');
      for (unsigned char c : kv[i].first) {
        if (c == '"' || c == '\\') {
          j.push_back('\\');
          j.push_back(static_cast<char>(c));
        } else if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof(buf), "\\u%04x", c);
          j.append(buf);
        } else {
          j.push_back(static_cast<char>(c));
        }
      }
      j.append("\": ");
      absl::StrAppend(&j, kv[i].second);
    }
    j.push_back('}');
    AppendCopyEscaped(j, out_);
  }

 private:
  std::string* out_;
  bool first_ = true;
};

float OptFloat(bool has, double v) {
  if (!has || !std::isfinite(v)) return std::numeric_limits<float>::quiet_NaN();
  return static_cast<float>(v);
}

// The index's FillTopShares: the k largest shares (stable on ties) of
// distinct non-empty normalised names, quantised.
template <typename Entries, typename Key>
std::vector<std::pair<std::string, int>> TopShares(const Entries& entries, Key key, int k) {
  std::vector<std::pair<double, std::string>> vals;
  for (const auto& e : entries) {
    std::string name = key(e);
    if (name.empty()) continue;
    vals.emplace_back(std::isnan(e.share()) ? 0.0 : e.share(), std::move(name));
  }
  std::stable_sort(vals.begin(), vals.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  std::vector<std::pair<std::string, int>> out;
  for (const auto& [s, name] : vals) {
    if (static_cast<int>(out.size()) == k) break;
    bool dup = false;
    for (const auto& o : out) dup = dup || o.first == name;
    if (dup) continue;
    out.emplace_back(name, search::QuantizeShare(s));
  }
  return out;
}

}  // namespace

std::vector<std::string> SchemaSql() {
  return {
      "CREATE EXTENSION IF NOT EXISTS btree_gin",
      // Only what search filters, sorts and facets on; the full profile lives
      // in the catalog store, as with the index. Unknown values are NULL.
      R"sql(CREATE TABLE creators (
  creator_id      text COLLATE "C" NOT NULL,
  platform        smallint NOT NULL,
  tier            smallint NOT NULL,
  country         text,
  city            text,
  languages       text[] NOT NULL,
  gender          smallint NOT NULL,
  birth_year      integer,
  age_band        smallint NOT NULL,
  account_type    smallint NOT NULL,
  verified        boolean NOT NULL,
  is_private      boolean NOT NULL,
  has_email       boolean NOT NULL,
  has_phone       boolean NOT NULL,
  categories      smallint[] NOT NULL,
  interests       text[] NOT NULL,
  last_post       bigint,
  content_count   bigint NOT NULL,
  content_types   smallint[] NOT NULL,
  price           bigint,
  brand_safety    smallint[] NOT NULL,
  followers       bigint NOT NULL,
  er              real,
  avg_likes       real,
  avg_comments    real,
  avg_shares      real,
  avg_saves       real,
  avg_views       real,
  growth_30d      real,
  growth_90d      real,
  posts_per_week  real,
  sponsored_share real,
  sponsored_ratio real,
  credibility     real,
  quality         real,
  reachability    real,
  aud_country     jsonb NOT NULL,
  aud_top_country text,
  aud_city        jsonb NOT NULL,
  aud_language    jsonb NOT NULL,
  aud_interest    jsonb NOT NULL,
  aud_brand       jsonb NOT NULL,
  aud_gender      smallint[] NOT NULL,
  aud_age         smallint[] NOT NULL,
  hashtags        text[] NOT NULL,
  mentions        text[] NOT NULL,
  brands          text[] NOT NULL,
  bio_words       text[] NOT NULL,
  caption_words   text[] NOT NULL,
  all_words       text[] NOT NULL
))sql",
  };
}

std::string CopyColumns() {
  return "creator_id, platform, tier, country, city, languages, gender, birth_year, age_band, "
         "account_type, verified, is_private, has_email, has_phone, categories, interests, "
         "last_post, content_count, content_types, price, brand_safety, followers, er, "
         "avg_likes, avg_comments, avg_shares, avg_saves, avg_views, growth_30d, growth_90d, "
         "posts_per_week, sponsored_share, sponsored_ratio, credibility, quality, reachability, "
         "aud_country, aud_top_country, aud_city, aud_language, aud_interest, aud_brand, "
         "aud_gender, aud_age, hashtags, mentions, brands, bio_words, caption_words, all_words";
}

void AppendCopyRow(const cv1::Creator& c, const search::CreatorIndex& index, std::string* out) {
  Row row(out);
  row.Text(c.creator_id());
  const int platform = cv1::Platform_IsValid(c.platform()) ? c.platform() : 0;
  const int64_t followers_raw = std::max<int64_t>(0, c.stats().followers());
  row.Int(platform);
  row.Int(index.TierOf(static_cast<cv1::Platform>(platform), followers_raw));
  row.TextOrNull(NormalizeUpper(c.country_code()));
  row.TextOrNull(NormalizeLower(c.city()));
  {
    std::vector<std::string> langs;
    for (const std::string& l : c.language_codes()) {
      if (langs.size() == 4) break;
      std::string code = NormalizeLower(l);
      if (code.empty() || std::find(langs.begin(), langs.end(), code) != langs.end()) continue;
      langs.push_back(std::move(code));
    }
    row.TextArray(langs);
  }
  row.Int(cv1::Gender_IsValid(c.gender()) ? c.gender() : 0);
  if (c.has_birth_year() && c.birth_year() > 0 && c.birth_year() < 65536) {
    row.Int(c.birth_year());
  } else {
    row.Null();
  }
  row.Int(c.age_band() >= 1 && c.age_band() <= 6 ? c.age_band() : 0);
  row.Int(cv1::AccountType_IsValid(c.account_type()) ? c.account_type() : 0);
  row.Bool(c.verified());
  row.Bool(c.is_private());
  row.Bool(c.has_email());
  row.Bool(c.has_phone());
  auto enum_set = [](const auto& values, int lo, int hi) {
    std::set<int> s;
    for (int v : values) {
      if (v >= lo && v <= hi) s.insert(v);
    }
    return std::vector<int>(s.begin(), s.end());
  };
  row.IntArray(enum_set(c.categories(), 1, 25));
  {
    std::set<std::string> s;
    for (const std::string& v : c.interests()) {
      std::string n = NormalizeLower(v);
      if (!n.empty()) s.insert(std::move(n));
    }
    row.TextArray(s);
  }
  const int64_t last_post =
      c.content().has_last_post_time() ? c.content().last_post_time().seconds() : 0;
  if (last_post > 0) {
    row.Int(ClampU32(last_post));
  } else {
    row.Null();
  }
  const cv1::CreatorStats& s = c.stats();
  row.Int(ClampU32(s.content_count()));
  row.IntArray(enum_set(c.content().content_types(), 1, 5));
  if (s.has_estimated_price() && NormalizeUpper(s.estimated_price().currency_code()) == "USD") {
    row.Int(s.estimated_price().amount_micros());
  } else {
    row.Null();
  }
  row.IntArray(enum_set(c.brand_safety_flags(), 1, 15));
  row.Int(ClampU32(followers_raw));
  const cv1::AudienceDemographics& a = c.audience();
  row.Real(OptFloat(s.has_engagement_rate() && !s.likes_hidden(), s.engagement_rate()));
  row.Real(OptFloat(s.has_avg_likes(), s.avg_likes()));
  row.Real(OptFloat(s.has_avg_comments(), s.avg_comments()));
  row.Real(OptFloat(s.has_avg_shares(), s.avg_shares()));
  row.Real(OptFloat(s.has_avg_saves(), s.avg_saves()));
  row.Real(OptFloat(s.has_avg_views(), s.avg_views()));
  row.Real(OptFloat(s.has_follower_growth_30d(), s.follower_growth_30d()));
  row.Real(OptFloat(s.has_follower_growth_90d(), s.follower_growth_90d()));
  row.Real(OptFloat(s.has_posts_per_week(), s.posts_per_week()));
  row.Real(OptFloat(s.has_sponsored_post_share(), s.sponsored_post_share()));
  row.Real(OptFloat(s.has_sponsored_engagement_ratio(), s.sponsored_engagement_ratio()));
  row.Real(OptFloat(a.has_credibility(), a.credibility()));
  row.Real(OptFloat(a.has_audience_quality_score(), a.audience_quality_score()));
  row.Real(OptFloat(a.has_reachability(), a.reachability()));

  const auto countries = TopShares(
      a.countries(), [](const cv1::CountryShare& e) { return NormalizeUpper(e.country_code()); },
      search::kAudCountries);
  row.Json(countries);
  row.TextOrNull(countries.empty() ? std::string() : countries[0].first);
  row.Json(TopShares(
      a.cities(), [](const cv1::CityShare& e) { return NormalizeLower(e.city()); },
      search::kAudCities));
  row.Json(TopShares(
      a.languages(), [](const cv1::LanguageShare& e) { return NormalizeLower(e.language_code()); },
      search::kAudLanguages));
  row.Json(TopShares(
      a.interests(), [](const cv1::InterestShare& e) { return NormalizeLower(e.interest()); },
      search::kAudInterests));
  row.Json(TopShares(
      a.brand_affinities(), [](const cv1::BrandAffinity& e) { return NormalizeLower(e.brand()); },
      search::kAudBrands));
  {
    std::vector<int> g(3, -1);
    for (const auto& e : a.genders()) {
      if (e.gender() >= 1 && e.gender() <= 3 && g[static_cast<size_t>(e.gender() - 1)] < 0) {
        g[static_cast<size_t>(e.gender() - 1)] = search::QuantizeShare(e.share());
      }
    }
    row.IntArrayWithNulls(g);
    std::vector<int> ages(6, -1);
    for (const auto& e : a.age_bands()) {
      if (e.age_band() >= 1 && e.age_band() <= 6 &&
          ages[static_cast<size_t>(e.age_band() - 1)] < 0) {
        ages[static_cast<size_t>(e.age_band() - 1)] = search::QuantizeShare(e.share());
      }
    }
    row.IntArrayWithNulls(ages);
  }

  // Text: the index's term sets per field; all_words is their union (the
  // free-text query matches a word in any field).
  std::set<std::string> hashtags, mentions, brands, bio, caption, all;
  for (const std::string& v : c.content().hashtags()) {
    std::string n = NormalizeTag(v);
    if (!n.empty()) hashtags.insert(std::move(n));
  }
  for (const std::string& v : c.content().mentions()) {
    std::string n = NormalizeTag(v);
    if (!n.empty()) mentions.insert(std::move(n));
  }
  for (const std::string& v : c.content().brands()) {
    std::string n = NormalizeLower(v);
    if (!n.empty()) brands.insert(std::move(n));
  }
  std::string scratch;
  search::ForEachWord(c.content().bio(), &scratch, [&](absl::string_view w) { bio.emplace(w); });
  for (const std::string& k : c.content().caption_keywords()) {
    search::ForEachWord(k, &scratch, [&](absl::string_view w) { caption.emplace(w); });
  }
  search::ForEachWord(c.handle(), &scratch, [&](absl::string_view w) { all.emplace(w); });
  {
    std::string h = NormalizeTag(c.handle());
    if (!h.empty()) all.insert(std::move(h));
  }
  search::ForEachWord(c.display_name(), &scratch, [&](absl::string_view w) { all.emplace(w); });
  all.insert(hashtags.begin(), hashtags.end());
  all.insert(bio.begin(), bio.end());
  all.insert(caption.begin(), caption.end());
  row.TextArray(hashtags);
  row.TextArray(mentions);
  row.TextArray(brands);
  row.TextArray(bio);
  row.TextArray(caption);
  row.TextArray(all);
  out->push_back('\n');
}

std::vector<std::string> IndexSql() {
  return {
      "ALTER TABLE creators ADD PRIMARY KEY (creator_id)",
      // The two slowest builds first (many distinct keys), so the sessions
      // building side by side finish together.
      "CREATE INDEX creators_words_gin ON creators USING gin (all_words)",
      "CREATE INDEX creators_mentions_gin ON creators USING gin (mentions)",
      // btree_gin: the selective scalar (country) and the category and
      // language sets in one GIN, so "country + categories" is one index
      // scan. Low-cardinality columns (platform, tier, gender, account type,
      // content types) stay out of GIN: intersecting their huge posting trees
      // costs more than filtering the heap rows.
      "CREATE INDEX creators_attr_gin ON creators USING gin (country, categories, languages)",
      "CREATE INDEX creators_platform_tier ON creators (platform, tier, followers)",
      "CREATE INDEX creators_interests_gin ON creators USING gin (interests)",
      "CREATE INDEX creators_hashtags_gin ON creators USING gin (hashtags)",
      "CREATE INDEX creators_brands_gin ON creators USING gin (brands)",
      "CREATE INDEX creators_bio_gin ON creators USING gin (bio_words)",
      "CREATE INDEX creators_caption_gin ON creators USING gin (caption_words)",
      "CREATE INDEX creators_aud_country_gin ON creators USING gin (aud_country)",
      "CREATE INDEX creators_aud_interest_gin ON creators USING gin (aud_interest)",
      "CREATE INDEX creators_aud_brand_gin ON creators USING gin (aud_brand)",
      // Sort keys, with creator_id as the tie-break so ORDER BY ... LIMIT can
      // walk an index in result order.
      "CREATE INDEX creators_followers ON creators (followers DESC, creator_id)",
      "CREATE INDEX creators_er ON creators (er DESC NULLS LAST, creator_id)",
      "CREATE INDEX creators_growth ON creators (growth_30d DESC NULLS LAST, creator_id)",
      "CREATE INDEX creators_views ON creators (avg_views DESC NULLS LAST, creator_id)",
      "CREATE INDEX creators_price ON creators (price DESC NULLS LAST, creator_id)",
      "CREATE INDEX creators_credibility ON creators (credibility DESC NULLS LAST, creator_id)",
      // Selective composite for the classic "tier + country + engagement".
      "CREATE INDEX creators_country_tier_er ON creators (country, tier, er)",
      // Correlated columns: city depends on country, tier on followers and
      // platform, engagement on tier.
      "CREATE STATISTICS creators_geo (dependencies, ndistinct, mcv) ON country, city FROM "
      "creators",
      "CREATE STATISTICS creators_size (dependencies, ndistinct, mcv) ON platform, tier, country "
      "FROM creators",
      "CREATE STATISTICS creators_kind (dependencies, mcv) ON account_type, gender, verified, "
      "is_private FROM creators",
      "ALTER TABLE creators ALTER COLUMN categories SET STATISTICS 1000",
      "ALTER TABLE creators ALTER COLUMN interests SET STATISTICS 1000",
      "ALTER TABLE creators ALTER COLUMN all_words SET STATISTICS 1000",
      "ALTER TABLE creators ALTER COLUMN hashtags SET STATISTICS 1000",
      "ALTER TABLE creators ALTER COLUMN country SET STATISTICS 1000",
      "ANALYZE creators",
  };
}

}  // namespace microreach::bench
