// Deterministic random creators for the index tests and benchmark (see
// test_catalog.h).
#include "services/search/index/test_catalog.h"

#include <algorithm>
#include <cmath>
#include <iterator>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace microreach::search::testing {

namespace cv1 = ::microreach::common::v1;

std::string CountryCode(uint32_t i) {
  static const char* kCodes[] = {"US", "GB", "DE", "FR", "BR", "IN", "ES", "IT", "MX", "CA",
                                 "AU", "JP", "KR", "NL", "SE", "PL", "TR", "ID", "PH", "NG"};
  if (i < 20) return kCodes[i];
  return std::string{static_cast<char>('A' + (i / 26) % 26), static_cast<char>('A' + i % 26)};
}

namespace {

std::string Word(const char* prefix, uint32_t i) { return absl::StrCat(prefix, i); }

}  // namespace

cv1::Creator RandomCreator(Rng& r, uint32_t id, const CatalogShape& s, int64_t now) {
  cv1::Creator c;
  c.set_creator_id(absl::StrCat("c", id));
  c.set_platform(static_cast<cv1::Platform>(1 + r.Skewed(10)));
  c.set_handle(absl::StrCat("user.", Word("h", r.Uniform(s.bio_words)), id));
  c.set_display_name(
      absl::StrCat(Word("name", r.Skewed(s.bio_words)), " ", Word("w", r.Skewed(s.bio_words))));
  if (r.Chance(0.7))
    c.set_person_id(
        absl::StrCat("p", r.Uniform(std::max<uint32_t>(1, (id + 1) / s.persons_divisor + 1))));
  if (r.Chance(0.9))
    c.set_country_code(r.Chance(0.1) ? absl::AsciiStrToLower(CountryCode(r.Skewed(s.countries)))
                                     : CountryCode(r.Skewed(s.countries)));
  if (r.Chance(0.7))
    c.set_city(r.Chance(0.2) ? Word("City", r.Skewed(s.cities)) : Word("city", r.Skewed(s.cities)));
  const int n_lang = static_cast<int>(r.Uniform(6));
  for (int i = 0; i < n_lang; ++i) c.add_language_codes(Word("l", r.Skewed(s.languages)));
  c.set_gender(static_cast<cv1::Gender>(r.Uniform(4)));
  if (r.Chance(0.5)) c.set_birth_year(1950 + static_cast<int>(r.Uniform(60)));
  c.set_age_band(static_cast<cv1::AgeBand>(r.Uniform(7)));
  c.set_account_type(static_cast<cv1::AccountType>(r.Uniform(5)));
  c.set_verified(r.Chance(0.2));
  c.set_is_private(r.Chance(0.1));
  const int n_cat = static_cast<int>(r.Uniform(4));
  for (int i = 0; i < n_cat; ++i) c.add_categories(static_cast<cv1::Category>(1 + r.Skewed(25)));
  const int n_int = static_cast<int>(r.Uniform(4));
  for (int i = 0; i < n_int; ++i) c.add_interests(Word("i", r.Skewed(s.interests)));
  c.set_has_email(r.Chance(0.5));
  c.set_has_phone(r.Chance(0.3));
  const int n_linked = static_cast<int>(r.Uniform(3));
  for (int i = 0; i < n_linked; ++i) {
    auto* lp = c.add_linked_profiles();
    lp->set_platform(static_cast<cv1::Platform>(1 + r.Uniform(10)));
    lp->set_handle("x");
  }

  auto* st = c.mutable_stats();
  if (s.small_followers && r.Chance(0.5)) {
    static const int64_t kRound[] = {0, 5000, 10000, 50000, 99999, 100000, 1000000, 10000000};
    st->set_followers(kRound[r.Uniform(8)]);
  } else {
    st->set_followers(static_cast<int64_t>(std::pow(10.0, 2 + 5.5 * r.Unit() * r.Unit())));
  }
  st->set_content_count(r.Uniform(3000));
  auto opt = [&](auto setter, double v) {
    if (r.Chance(0.85)) setter(v);
  };
  const double f = static_cast<double>(st->followers()) + 1;
  opt([&](double v) { st->set_engagement_rate(v); },
      s.small_followers && r.Chance(0.2) ? 0.03 : 0.002 + 0.1 * r.Unit() * r.Unit());
  st->set_likes_hidden(r.Chance(0.05));
  opt([&](double v) { st->set_avg_likes(v); }, f * 0.03 * r.Unit());
  opt([&](double v) { st->set_avg_comments(v); }, f * 0.002 * r.Unit());
  opt([&](double v) { st->set_avg_shares(v); }, f * 0.001 * r.Unit());
  opt([&](double v) { st->set_avg_saves(v); }, f * 0.001 * r.Unit());
  opt([&](double v) { st->set_avg_views(v); },
      s.small_followers && r.Chance(0.2) ? 1000.0 : f * 0.5 * r.Unit());
  opt([&](double v) { st->set_follower_growth_30d(v); }, -0.05 + 0.2 * r.Unit() * r.Unit());
  opt([&](double v) { st->set_follower_growth_90d(v); }, -0.1 + 0.4 * r.Unit() * r.Unit());
  opt([&](double v) { st->set_posts_per_week(v); }, 14 * r.Unit());
  opt([&](double v) { st->set_sponsored_post_share(v); },
      r.Chance(0.3) ? 0.0 : 0.01 + 0.5 * r.Unit());
  opt([&](double v) { st->set_sponsored_engagement_ratio(v); }, 2 * r.Unit());
  if (r.Chance(0.8)) {
    st->mutable_estimated_price()->set_currency_code(r.Chance(0.05) ? "EUR" : "USD");
    st->mutable_estimated_price()->set_amount_micros(
        static_cast<int64_t>(f * 10000 * (0.5 + r.Unit())) / 1000000 * 1000000);
  }

  auto* a = c.mutable_audience();
  const uint32_t na = r.Uniform(static_cast<uint32_t>(s.audience_len) + 1);
  auto share = [&]() {
    return r.Chance(0.2) ? static_cast<double>(r.Uniform(20)) / 20.0 : 0.6 * r.Unit() * r.Unit();
  };
  for (uint32_t i = 0; i < na; ++i) {
    auto* e = a->add_countries();
    e->set_country_code(CountryCode(r.Skewed(s.countries)));
    e->set_share(share());
  }
  for (uint32_t i = 0; i < na / 2; ++i) {
    auto* e = a->add_cities();
    e->set_city(Word("city", r.Skewed(s.cities)));
    e->set_share(share());
  }
  if (na > 0) {
    for (int g = 1; g <= 3; ++g) {
      if (r.Chance(0.8)) {
        auto* e = a->add_genders();
        e->set_gender(static_cast<cv1::Gender>(g));
        e->set_share(share());
      }
    }
    for (int b = 1; b <= 6; ++b) {
      if (r.Chance(0.7)) {
        auto* e = a->add_age_bands();
        e->set_age_band(static_cast<cv1::AgeBand>(b));
        e->set_share(share());
      }
    }
  }
  for (uint32_t i = 0; i < na / 2; ++i) {
    auto* e = a->add_languages();
    e->set_language_code(Word("l", r.Skewed(s.languages)));
    e->set_share(share());
  }
  for (uint32_t i = 0; i < na; ++i) {
    auto* e = a->add_interests();
    e->set_interest(Word("i", r.Skewed(s.interests)));
    e->set_share(share());
  }
  for (uint32_t i = 0; i < na; ++i) {
    auto* e = a->add_brand_affinities();
    e->set_brand(Word("b", r.Skewed(s.brands)));
    e->set_share(share());
  }
  if (r.Chance(0.8)) a->set_reachability(r.Unit());
  if (r.Chance(0.8)) a->set_credibility(r.Chance(0.2) ? 0.75 : r.Unit());
  if (r.Chance(0.8)) a->set_audience_quality_score(100 * r.Unit());

  auto* ct = c.mutable_content();
  std::string bio;
  const int nb = static_cast<int>(r.Uniform(static_cast<uint32_t>(s.bio_len) * 2 + 1));
  for (int i = 0; i < nb; ++i) {
    absl::StrAppend(&bio, i ? (r.Chance(0.2) ? ", " : " ") : "", r.Chance(0.1) ? "The " : "",
                    Word(r.Chance(0.1) ? "W" : "w", r.Skewed(s.bio_words)));
  }
  ct->set_bio(bio);
  const int nc = static_cast<int>(r.Uniform(static_cast<uint32_t>(s.caption_len) * 2 + 1));
  for (int i = 0; i < nc; ++i) {
    ct->add_caption_keywords(r.Chance(0.2) ? absl::StrCat(Word("k", r.Skewed(s.caption_words)), " ",
                                                          Word("k", r.Skewed(s.caption_words)))
                                           : Word("k", r.Skewed(s.caption_words)));
  }
  const int nh = static_cast<int>(r.Uniform(static_cast<uint32_t>(s.hashtag_len) * 2 + 1));
  for (int i = 0; i < nh; ++i) {
    ct->add_hashtags(absl::StrCat(r.Chance(0.2) ? "#" : "", Word("t", r.Skewed(s.hashtags))));
  }
  const int nm = static_cast<int>(r.Uniform(4));
  for (int i = 0; i < nm; ++i)
    ct->add_mentions(absl::StrCat(r.Chance(0.3) ? "@" : "", Word("m", r.Skewed(s.mentions))));
  const int nbr = static_cast<int>(r.Uniform(4));
  for (int i = 0; i < nbr; ++i) ct->add_brands(Word("b", r.Skewed(s.brands)));
  const int nt = static_cast<int>(r.Uniform(4));
  for (int i = 0; i < nt; ++i)
    ct->add_content_types(static_cast<cv1::ContentType>(1 + r.Uniform(5)));
  if (r.Chance(0.8))
    ct->mutable_last_post_time()->set_seconds(now - static_cast<int64_t>(r.Uniform(400 * 86400)));
  const int nf = r.Chance(0.8) ? 0 : 1 + static_cast<int>(r.Uniform(2));
  for (int i = 0; i < nf; ++i)
    c.add_brand_safety_flags(static_cast<cv1::BrandSafetyFlag>(1 + r.Uniform(13)));
  return c;
}

v1::SortField RandomSortField(Rng& rng) {
  static constexpr v1::SortField kSorts[] = {
      v1::SORT_FIELD_UNSPECIFIED,     v1::SORT_FIELD_FOLLOWERS,
      v1::SORT_FIELD_ENGAGEMENT_RATE, v1::SORT_FIELD_FOLLOWER_GROWTH,
      v1::SORT_FIELD_AVG_VIEWS,       v1::SORT_FIELD_ESTIMATED_PRICE,
      v1::SORT_FIELD_CREDIBILITY,     v1::SORT_FIELD_AUDIENCE_MATCH,
      v1::SORT_FIELD_FIT_SCORE,       v1::SORT_FIELD_KEYWORD_RELEVANCE};
  return kSorts[rng.Uniform(static_cast<uint32_t>(std::size(kSorts)))];
}

void RandomPaging(Rng& rng, uint32_t max_offset, SearchQuery& q) {
  namespace v1 = ::microreach::search::v1;
  q.sort_direction =
      rng.Chance(0.3) ? v1::SORT_DIRECTION_ASCENDING : v1::SORT_DIRECTION_UNSPECIFIED;
  q.limit = 1 + static_cast<int32_t>(rng.Uniform(30));
  q.offset = rng.Chance(0.3) ? rng.Uniform(max_offset) : 0;
  static const v1::FacetField kFacets[] = {
      v1::FACET_FIELD_TIER,         v1::FACET_FIELD_PLATFORM,     v1::FACET_FIELD_COUNTRY,
      v1::FACET_FIELD_CATEGORY,     v1::FACET_FIELD_LANGUAGE,     v1::FACET_FIELD_GENDER,
      v1::FACET_FIELD_ACCOUNT_TYPE, v1::FACET_FIELD_CONTENT_TYPE, v1::FACET_FIELD_AUDIENCE_COUNTRY,
      v1::FACET_FIELD_CITY,         v1::FACET_FIELD_VERIFIED};
  const int nf = static_cast<int>(rng.Uniform(4));
  for (int i = 0; i < nf; ++i) q.facets.push_back(kFacets[rng.Uniform(11)]);
}

}  // namespace microreach::search::testing
