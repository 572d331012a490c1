// Behaviour of CreatorIndex on a small hand-built catalog with known answers
// (every filter, sort and facet), query validation, lookalikes, partition
// merging and concurrent reads and writes.
#include "services/search/index/creator_index.h"

#include <algorithm>
#include <atomic>
#include <functional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/search/index/test_catalog.h"

namespace microreach::search {
namespace {

namespace cv1 = ::microreach::common::v1;
using ::testing::ElementsAre;

constexpr int64_t kNow = 1'750'000'000;  // 2025-06-15
constexpr int64_t kDay = 86400;

void Money(cv1::Money* m, const char* cur, int64_t units) {
  m->set_currency_code(cur);
  m->set_amount_micros(units * 1'000'000);
}

std::vector<cv1::Creator> Catalog() {
  std::vector<cv1::Creator> out;
  {
    cv1::Creator c;  // Berlin fitness/food micro creator with a YouTube twin.
    c.set_creator_id("ig:anna");
    c.set_platform(cv1::PLATFORM_INSTAGRAM);
    c.set_handle("anna.runs");
    c.set_display_name("Anna Schmidt");
    c.set_person_id("p-anna");
    c.set_country_code("DE");
    c.set_city("Berlin");
    c.add_language_codes("de");
    c.add_language_codes("en");
    c.set_gender(cv1::GENDER_FEMALE);
    c.set_birth_year(1995);
    c.set_account_type(cv1::ACCOUNT_TYPE_CREATOR);
    c.set_verified(true);
    c.add_categories(cv1::CATEGORY_FITNESS);
    c.add_categories(cv1::CATEGORY_FOOD);
    c.add_interests("running");
    c.set_has_email(true);
    auto* s = c.mutable_stats();
    s->set_followers(50'000);
    s->set_content_count(300);
    s->set_engagement_rate(0.045);
    s->set_avg_likes(2000);
    s->set_avg_comments(100);
    s->set_avg_shares(20);
    s->set_avg_saves(30);
    s->set_avg_views(10000);
    s->set_follower_growth_30d(0.02);
    s->set_follower_growth_90d(0.05);
    s->set_posts_per_week(3);
    s->set_sponsored_post_share(0.2);
    s->set_sponsored_engagement_ratio(0.9);
    Money(s->mutable_estimated_price(), "USD", 500);
    auto* a = c.mutable_audience();
    auto* ac = a->add_countries();
    ac->set_country_code("DE");
    ac->set_share(0.6);
    ac = a->add_countries();
    ac->set_country_code("AT");
    ac->set_share(0.2);
    auto* city = a->add_cities();
    city->set_city("Berlin");
    city->set_share(0.3);
    auto* g = a->add_genders();
    g->set_gender(cv1::GENDER_FEMALE);
    g->set_share(0.7);
    g = a->add_genders();
    g->set_gender(cv1::GENDER_MALE);
    g->set_share(0.3);
    auto* ab = a->add_age_bands();
    ab->set_age_band(cv1::AGE_BAND_18_24);
    ab->set_share(0.4);
    ab = a->add_age_bands();
    ab->set_age_band(cv1::AGE_BAND_25_34);
    ab->set_share(0.4);
    auto* l = a->add_languages();
    l->set_language_code("de");
    l->set_share(0.8);
    auto* i = a->add_interests();
    i->set_interest("fitness");
    i->set_share(0.5);
    auto* b = a->add_brand_affinities();
    b->set_brand("nike");
    b->set_share(0.3);
    a->set_reachability(0.7);
    a->set_credibility(0.85);
    a->set_audience_quality_score(80);
    auto* ct = c.mutable_content();
    ct->set_bio("Berlin runner and vegan cook");
    ct->add_caption_keywords("marathon training");
    ct->add_caption_keywords("vegan");
    ct->add_hashtags("#running");
    ct->add_hashtags("vegan");
    ct->add_mentions("@nike");
    ct->add_brands("nike");
    ct->add_content_types(cv1::CONTENT_TYPE_PHOTO);
    ct->add_content_types(cv1::CONTENT_TYPE_SHORT);
    ct->mutable_last_post_time()->set_seconds(kNow - 2 * kDay);
    out.push_back(c);
  }
  {
    cv1::Creator c;  // Anna's YouTube channel.
    c.set_creator_id("yt:anna");
    c.set_platform(cv1::PLATFORM_YOUTUBE);
    c.set_handle("annaruns");
    c.set_person_id("p-anna");
    c.set_country_code("de");
    c.mutable_stats()->set_followers(250'000);
    c.mutable_stats()->set_avg_views(40000);
    c.add_categories(cv1::CATEGORY_FITNESS);
    auto* ct = c.mutable_content();
    ct->set_bio("Running videos from Berlin");
    ct->add_content_types(cv1::CONTENT_TYPE_VIDEO);
    out.push_back(c);
  }
  {
    cv1::Creator c;  // New York gamer, private, likes hidden.
    c.set_creator_id("tt:ben");
    c.set_platform(cv1::PLATFORM_TIKTOK);
    c.set_handle("bengames");
    c.set_display_name("Ben");
    c.set_country_code("US");
    c.set_city("New York");
    c.add_language_codes("en");
    c.set_gender(cv1::GENDER_MALE);
    c.set_age_band(cv1::AGE_BAND_25_34);
    c.set_account_type(cv1::ACCOUNT_TYPE_BUSINESS);
    c.set_is_private(true);
    c.add_categories(cv1::CATEGORY_GAMING);
    c.add_interests("esports");
    c.set_has_phone(true);
    auto* s = c.mutable_stats();
    s->set_followers(2'000'000);
    s->set_content_count(1200);
    s->set_engagement_rate(0.09);
    s->set_likes_hidden(true);
    s->set_avg_views(500'000);
    s->set_follower_growth_30d(0.10);
    s->set_sponsored_post_share(0);
    auto* a = c.mutable_audience();
    auto* ac = a->add_countries();
    ac->set_country_code("US");
    ac->set_share(0.7);
    ac = a->add_countries();
    ac->set_country_code("GB");
    ac->set_share(0.1);
    auto* g = a->add_genders();
    g->set_gender(cv1::GENDER_MALE);
    g->set_share(0.8);
    auto* ab = a->add_age_bands();
    ab->set_age_band(cv1::AGE_BAND_13_17);
    ab->set_share(0.3);
    ab = a->add_age_bands();
    ab->set_age_band(cv1::AGE_BAND_18_24);
    ab->set_share(0.5);
    auto* l = a->add_languages();
    l->set_language_code("en");
    l->set_share(0.9);
    auto* i = a->add_interests();
    i->set_interest("gaming");
    i->set_share(0.6);
    auto* b = a->add_brand_affinities();
    b->set_brand("razer");
    b->set_share(0.4);
    a->set_credibility(0.55);
    auto* ct = c.mutable_content();
    ct->set_bio("Gamer from NYC");
    ct->add_caption_keywords("speedrun");
    ct->add_hashtags("gaming");
    ct->add_mentions("razer");
    ct->add_brands("razer");
    ct->add_content_types(cv1::CONTENT_TYPE_SHORT);
    ct->add_content_types(cv1::CONTENT_TYPE_LIVE);
    ct->mutable_last_post_time()->set_seconds(kNow - 100 * kDay);
    c.add_brand_safety_flags(cv1::BRAND_SAFETY_FLAG_PROFANITY);
    out.push_back(c);
  }
  {
    cv1::Creator c;  // Paris beauty nano creator.
    c.set_creator_id("ig:cara");
    c.set_platform(cv1::PLATFORM_INSTAGRAM);
    c.set_handle("cara.beaute");
    c.set_country_code("FR");
    c.set_city("Paris");
    c.add_language_codes("fr");
    c.set_gender(cv1::GENDER_NON_BINARY);
    c.set_birth_year(2001);
    c.set_account_type(cv1::ACCOUNT_TYPE_PERSONAL);
    c.add_categories(cv1::CATEGORY_BEAUTY);
    c.add_categories(cv1::CATEGORY_FASHION);
    c.add_interests("skincare");
    c.set_has_email(true);
    auto* s = c.mutable_stats();
    s->set_followers(5'000);
    s->set_content_count(80);
    s->set_engagement_rate(0.08);
    s->set_follower_growth_30d(-0.01);
    Money(s->mutable_estimated_price(), "USD", 80);
    auto* a = c.mutable_audience();
    auto* ac = a->add_countries();
    ac->set_country_code("FR");
    ac->set_share(0.5);
    ac = a->add_countries();
    ac->set_country_code("DE");
    ac->set_share(0.1);
    auto* g = a->add_genders();
    g->set_gender(cv1::GENDER_FEMALE);
    g->set_share(0.9);
    auto* ab = a->add_age_bands();
    ab->set_age_band(cv1::AGE_BAND_18_24);
    ab->set_share(0.7);
    auto* l = a->add_languages();
    l->set_language_code("fr");
    l->set_share(0.9);
    auto* i = a->add_interests();
    i->set_interest("beauty");
    i->set_share(0.8);
    auto* b = a->add_brand_affinities();
    b->set_brand("sephora");
    b->set_share(0.5);
    a->set_credibility(0.6);
    auto* ct = c.mutable_content();
    ct->set_bio("Paris beauty");
    ct->add_hashtags("skincare");
    ct->add_hashtags("beauty");
    ct->add_brands("sephora");
    ct->add_content_types(cv1::CONTENT_TYPE_PHOTO);
    ct->add_content_types(cv1::CONTENT_TYPE_STORY);
    ct->mutable_last_post_time()->set_seconds(kNow - 10 * kDay);
    out.push_back(c);
  }
  {
    cv1::Creator c;  // A global brand account without audience data.
    c.set_creator_id("x:brandco");
    c.set_platform(cv1::PLATFORM_X);
    c.set_handle("brandco");
    c.set_country_code("US");
    c.set_account_type(cv1::ACCOUNT_TYPE_BRAND);
    c.add_categories(cv1::CATEGORY_TECH);
    c.mutable_stats()->set_followers(20'000'000);
    c.mutable_stats()->set_engagement_rate(0.001);
    out.push_back(c);
  }
  {
    cv1::Creator c;  // London fitness coach; ties Anna on followers and ER.
    c.set_creator_id("ig:dan");
    c.set_platform(cv1::PLATFORM_INSTAGRAM);
    c.set_handle("dan_lifts");
    c.set_country_code("GB");
    c.set_city("London");
    c.add_language_codes("en");
    c.set_gender(cv1::GENDER_MALE);
    c.set_birth_year(1980);
    c.set_account_type(cv1::ACCOUNT_TYPE_CREATOR);
    c.add_categories(cv1::CATEGORY_FITNESS);
    auto* s = c.mutable_stats();
    s->set_followers(50'000);
    s->set_content_count(1000);
    s->set_engagement_rate(0.045);
    s->set_avg_likes(1500);
    Money(s->mutable_estimated_price(), "EUR", 400);
    auto* a = c.mutable_audience();
    auto* ac = a->add_countries();
    ac->set_country_code("GB");
    ac->set_share(0.6);
    ac = a->add_countries();
    ac->set_country_code("US");
    ac->set_share(0.2);
    auto* g = a->add_genders();
    g->set_gender(cv1::GENDER_MALE);
    g->set_share(0.6);
    g = a->add_genders();
    g->set_gender(cv1::GENDER_FEMALE);
    g->set_share(0.4);
    auto* ab = a->add_age_bands();
    ab->set_age_band(cv1::AGE_BAND_35_44);
    ab->set_share(0.5);
    auto* l = a->add_languages();
    l->set_language_code("en");
    l->set_share(1.0);
    auto* i = a->add_interests();
    i->set_interest("fitness");
    i->set_share(0.3);
    auto* b = a->add_brand_affinities();
    b->set_brand("nike");
    b->set_share(0.1);
    a->set_reachability(0.4);
    auto* ct = c.mutable_content();
    ct->set_bio("London fitness coach, vegan");
    ct->add_caption_keywords("hiit workout");
    ct->add_hashtags("fitness");
    ct->add_hashtags("vegan");
    ct->add_mentions("nike");
    ct->add_brands("adidas");
    ct->mutable_last_post_time()->set_seconds(kNow - 40 * kDay);
    c.add_brand_safety_flags(cv1::BRAND_SAFETY_FLAG_ALCOHOL);
    out.push_back(c);
  }
  return out;
}

class CatalogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    catalog_ = Catalog();
    ASSERT_EQ(index_.BulkLoad(catalog_), catalog_.size());
  }
  SearchQuery Query() {
    SearchQuery q;
    q.now = absl::FromUnixSeconds(kNow);
    q.limit = 100;
    return q;
  }
  std::vector<std::string> Ids(const SearchQuery& q) {
    absl::StatusOr<SearchPage> page = index_.Search(q);
    EXPECT_TRUE(page.ok()) << page.status();
    std::vector<std::string> ids;
    if (!page.ok()) return ids;
    EXPECT_EQ(page->total_size, static_cast<int64_t>(page->hits.size()));
    for (const auto& h : page->hits) ids.push_back(h.creator_id);
    return ids;
  }
  std::vector<std::string> Match(const std::function<void(cv1::CreatorFilter*)>& f) {
    SearchQuery q = Query();
    f(&q.filter);
    std::vector<std::string> ids = Ids(q);
    std::sort(ids.begin(), ids.end());
    return ids;
  }
  std::vector<cv1::Creator> catalog_;
  CreatorIndex index_;
};

using F = cv1::CreatorFilter;
using Want = std::vector<std::string>;

// Every filter of ARCHITECTURE.md section 3 (but the workspace ones), include
// and exclude, against hand-checked answers.
TEST_F(CatalogTest, CreatorFilters) {
  EXPECT_EQ(Match([](F* f) {
              f->mutable_creator()->mutable_platforms()->add_include(cv1::PLATFORM_INSTAGRAM);
            }),
            (Want{"ig:anna", "ig:cara", "ig:dan"}));
  EXPECT_EQ(Match([](F* f) {
              f->mutable_creator()->mutable_platforms()->add_exclude(cv1::PLATFORM_INSTAGRAM);
            }),
            (Want{"tt:ben", "x:brandco", "yt:anna"}));
  EXPECT_EQ(Match([](F* f) {
              f->mutable_creator()->mutable_followers()->set_min(50'000);
              f->mutable_creator()->mutable_followers()->set_max(2'000'000);
            }),
            (Want{"ig:anna", "ig:dan", "tt:ben", "yt:anna"}));
  EXPECT_EQ(
      Match([](F* f) { f->mutable_creator()->mutable_tiers()->add_include(cv1::TIER_MICRO); }),
      (Want{"ig:anna", "ig:dan"}));
  EXPECT_EQ(Match([](F* f) {
              f->mutable_creator()->mutable_tiers()->add_exclude(cv1::TIER_MICRO);
              f->mutable_creator()->mutable_tiers()->add_exclude(cv1::TIER_NANO);
            }),
            (Want{"tt:ben", "x:brandco", "yt:anna"}));
  EXPECT_EQ(Match([](F* f) { f->mutable_creator()->mutable_countries()->add_include("de"); }),
            (Want{"ig:anna", "yt:anna"}));
  EXPECT_EQ(Match([](F* f) { f->mutable_creator()->mutable_countries()->add_exclude("US"); }),
            (Want{"ig:anna", "ig:cara", "ig:dan", "yt:anna"}));
  EXPECT_EQ(Match([](F* f) { f->mutable_creator()->mutable_cities()->add_include("new york"); }),
            (Want{"tt:ben"}));
  EXPECT_EQ(Match([](F* f) { f->mutable_creator()->mutable_cities()->add_exclude("Berlin"); }),
            (Want{"ig:cara", "ig:dan", "tt:ben", "x:brandco", "yt:anna"}));
  EXPECT_EQ(Match([](F* f) { f->mutable_creator()->mutable_languages()->add_include("EN"); }),
            (Want{"ig:anna", "ig:dan", "tt:ben"}));
  EXPECT_EQ(Match([](F* f) {
              f->mutable_creator()->mutable_languages()->add_include("en");
              f->mutable_creator()->mutable_languages()->add_exclude("de");
            }),
            (Want{"ig:dan", "tt:ben"}));
  EXPECT_EQ(
      Match([](F* f) { f->mutable_creator()->mutable_genders()->add_include(cv1::GENDER_FEMALE); }),
      (Want{"ig:anna"}));
  EXPECT_EQ(
      Match([](F* f) { f->mutable_creator()->mutable_genders()->add_exclude(cv1::GENDER_MALE); }),
      (Want{"ig:anna", "ig:cara", "x:brandco", "yt:anna"}));
  // Ages in 2025: anna 30, cara 24, dan 45; ben only has the 25-34 band.
  EXPECT_EQ(Match([](F* f) {
              f->mutable_creator()->mutable_age()->set_min(25);
              f->mutable_creator()->mutable_age()->set_max(35);
            }),
            (Want{"ig:anna", "tt:ben"}));
  EXPECT_EQ(Match([](F* f) { f->mutable_creator()->mutable_age()->set_max(24); }),
            (Want{"ig:cara"}));
  EXPECT_EQ(Match([](F* f) {
              f->mutable_creator()->mutable_account_types()->add_include(cv1::ACCOUNT_TYPE_CREATOR);
            }),
            (Want{"ig:anna", "ig:dan"}));
  EXPECT_EQ(Match([](F* f) {
              f->mutable_creator()->mutable_account_types()->add_exclude(cv1::ACCOUNT_TYPE_BRAND);
            }),
            (Want{"ig:anna", "ig:cara", "ig:dan", "tt:ben", "yt:anna"}));
  EXPECT_EQ(Match([](F* f) { f->mutable_creator()->set_verified(true); }), (Want{"ig:anna"}));
  EXPECT_EQ(Match([](F* f) { f->mutable_creator()->set_exclude_private(true); }),
            (Want{"ig:anna", "ig:cara", "ig:dan", "x:brandco", "yt:anna"}));
  EXPECT_EQ(Match([](F* f) {
              f->mutable_creator()->mutable_categories()->add_include(cv1::CATEGORY_FITNESS);
            }),
            (Want{"ig:anna", "ig:dan", "yt:anna"}));
  EXPECT_EQ(Match([](F* f) {
              f->mutable_creator()->mutable_categories()->add_include(cv1::CATEGORY_FITNESS);
              f->mutable_creator()->mutable_categories()->add_exclude(cv1::CATEGORY_FOOD);
            }),
            (Want{"ig:dan", "yt:anna"}));
  EXPECT_EQ(Match([](F* f) { f->mutable_creator()->mutable_interests()->add_include("Running"); }),
            (Want{"ig:anna"}));
  EXPECT_EQ(Match([](F* f) { f->mutable_creator()->mutable_interests()->add_exclude("esports"); }),
            (Want{"ig:anna", "ig:cara", "ig:dan", "x:brandco", "yt:anna"}));
  EXPECT_EQ(Match([](F* f) { f->mutable_creator()->set_has_email(true); }),
            (Want{"ig:anna", "ig:cara"}));
  EXPECT_EQ(Match([](F* f) { f->mutable_creator()->set_has_phone(true); }), (Want{"tt:ben"}));
  EXPECT_EQ(Match([](F* f) { f->mutable_creator()->set_posted_within_days(30); }),
            (Want{"ig:anna", "ig:cara"}));
  EXPECT_EQ(Match([](F* f) { f->mutable_creator()->mutable_content_count()->set_min(1000); }),
            (Want{"ig:dan", "tt:ben"}));
  EXPECT_EQ(Match([](F* f) {
              f->mutable_creator()->mutable_content_types()->add_include(cv1::CONTENT_TYPE_SHORT);
            }),
            (Want{"ig:anna", "tt:ben"}));
  EXPECT_EQ(Match([](F* f) {
              f->mutable_creator()->mutable_content_types()->add_include(cv1::CONTENT_TYPE_PHOTO);
              f->mutable_creator()->mutable_content_types()->add_exclude(cv1::CONTENT_TYPE_STORY);
            }),
            (Want{"ig:anna"}));
  // Dan's price is in EUR: unknown in a USD catalog.
  EXPECT_EQ(Match([](F* f) {
              f->mutable_creator()->mutable_estimated_price()->set_currency_code("USD");
              f->mutable_creator()->mutable_estimated_price()->set_min_micros(50'000'000);
              f->mutable_creator()->mutable_estimated_price()->set_max_micros(1'000'000'000);
            }),
            (Want{"ig:anna", "ig:cara"}));
  EXPECT_EQ(Match([](F* f) {
              f->mutable_creator()->mutable_also_on_platforms()->add_include(cv1::PLATFORM_YOUTUBE);
            }),
            (Want{"ig:anna"}));
  EXPECT_EQ(
      Match([](F* f) {
        f->mutable_creator()->mutable_also_on_platforms()->add_include(cv1::PLATFORM_INSTAGRAM);
      }),
      (Want{"yt:anna"}));
  EXPECT_EQ(
      Match([](F* f) {
        f->mutable_creator()->mutable_also_on_platforms()->add_exclude(cv1::PLATFORM_INSTAGRAM);
      }),
      (Want{"ig:anna", "ig:cara", "ig:dan", "tt:ben", "x:brandco"}));
}

TEST_F(CatalogTest, PerformanceFilters) {
  auto pf = [&](auto setter) { return Match([&](F* f) { setter(f->mutable_performance()); }); };
  // Ben's rate is unknown (likes hidden), so it never matches a range.
  EXPECT_EQ(pf([](cv1::PerformanceFilter* p) { p->mutable_engagement_rate()->set_min(0.04); }),
            (Want{"ig:anna", "ig:cara", "ig:dan"}));
  EXPECT_EQ(pf([](cv1::PerformanceFilter* p) { p->mutable_engagement_rate()->set_max(0.045); }),
            (Want{"ig:anna", "ig:dan", "x:brandco"}));
  EXPECT_EQ(pf([](cv1::PerformanceFilter* p) { p->mutable_avg_likes()->set_min(1600); }),
            (Want{"ig:anna"}));
  EXPECT_EQ(pf([](cv1::PerformanceFilter* p) { p->mutable_avg_comments()->set_min(1); }),
            (Want{"ig:anna"}));
  EXPECT_EQ(pf([](cv1::PerformanceFilter* p) { p->mutable_avg_shares()->set_max(20); }),
            (Want{"ig:anna"}));
  EXPECT_EQ(pf([](cv1::PerformanceFilter* p) { p->mutable_avg_saves()->set_min(30); }),
            (Want{"ig:anna"}));
  EXPECT_EQ(pf([](cv1::PerformanceFilter* p) { p->mutable_avg_views()->set_min(20000); }),
            (Want{"tt:ben", "yt:anna"}));
  EXPECT_EQ(pf([](cv1::PerformanceFilter* p) { p->mutable_follower_growth_30d()->set_max(0); }),
            (Want{"ig:cara"}));
  EXPECT_EQ(pf([](cv1::PerformanceFilter* p) { p->mutable_follower_growth_90d()->set_min(0); }),
            (Want{"ig:anna"}));
  EXPECT_EQ(pf([](cv1::PerformanceFilter* p) { p->mutable_posts_per_week()->set_min(1); }),
            (Want{"ig:anna"}));
  EXPECT_EQ(pf([](cv1::PerformanceFilter* p) { p->mutable_audience_credibility()->set_min(0.6); }),
            (Want{"ig:anna", "ig:cara"}));
  EXPECT_EQ(pf([](cv1::PerformanceFilter* p) { p->mutable_audience_quality_score()->set_min(50); }),
            (Want{"ig:anna"}));
  EXPECT_EQ(pf([](cv1::PerformanceFilter* p) { p->set_has_sponsored_posts(true); }),
            (Want{"ig:anna"}));
  EXPECT_EQ(pf([](cv1::PerformanceFilter* p) { p->set_has_sponsored_posts(false); }),
            (Want{"tt:ben"}));
  EXPECT_EQ(
      pf([](cv1::PerformanceFilter* p) { p->mutable_sponsored_engagement_ratio()->set_max(1); }),
      (Want{"ig:anna"}));
}

TEST_F(CatalogTest, AudienceFilters) {
  auto af = [&](auto setter) { return Match([&](F* f) { setter(f->mutable_audience()); }); };
  EXPECT_EQ(af([](cv1::AudienceFilter* a) {
              a->mutable_countries()->add_include("DE");
              a->mutable_countries()->set_min_share(0.1);
            }),
            (Want{"ig:anna", "ig:cara"}));
  EXPECT_EQ(af([](cv1::AudienceFilter* a) {
              a->mutable_countries()->add_include("DE");
              a->mutable_countries()->set_min_share(0.5);
            }),
            (Want{"ig:anna"}));
  // SUM: DE + AT = 0.8 for Anna; FR + DE = 0.6 for Cara.
  EXPECT_EQ(af([](cv1::AudienceFilter* a) {
              a->mutable_countries()->add_include("DE");
              a->mutable_countries()->add_include("AT");
              a->mutable_countries()->add_include("FR");
              a->mutable_countries()->set_min_share(0.65);
              a->mutable_countries()->set_aggregation(cv1::SHARE_AGGREGATION_SUM);
            }),
            (Want{"ig:anna"}));
  // Exclude: no more than 15% US (absent counts as 0; no data passes).
  EXPECT_EQ(af([](cv1::AudienceFilter* a) {
              a->mutable_countries()->add_exclude("US");
              a->mutable_countries()->set_max_excluded_share(0.15);
            }),
            (Want{"ig:anna", "ig:cara", "x:brandco", "yt:anna"}));
  EXPECT_EQ(af([](cv1::AudienceFilter* a) { a->mutable_cities()->add_include("berlin"); }),
            (Want{"ig:anna"}));
  EXPECT_EQ(af([](cv1::AudienceFilter* a) {
              a->mutable_genders()->add_include(cv1::GENDER_FEMALE);
              a->mutable_genders()->set_min_share(0.5);
            }),
            (Want{"ig:anna", "ig:cara"}));
  EXPECT_EQ(af([](cv1::AudienceFilter* a) {
              a->mutable_genders()->add_exclude(cv1::GENDER_MALE);
              a->mutable_genders()->set_max_excluded_share(0.5);
            }),
            (Want{"ig:anna", "ig:cara", "x:brandco", "yt:anna"}));
  // Ages 18-34 together at least 60%: Anna 0.8, Cara 0.7; Ben 0.5.
  EXPECT_EQ(af([](cv1::AudienceFilter* a) {
              a->mutable_age_bands()->add_include(cv1::AGE_BAND_18_24);
              a->mutable_age_bands()->add_include(cv1::AGE_BAND_25_34);
              a->mutable_age_bands()->set_aggregation(cv1::SHARE_AGGREGATION_SUM);
              a->mutable_age_bands()->set_min_share(0.6);
            }),
            (Want{"ig:anna", "ig:cara"}));
  EXPECT_EQ(af([](cv1::AudienceFilter* a) {
              a->mutable_age_bands()->add_include(cv1::AGE_BAND_18_24);
              a->mutable_age_bands()->add_exclude(cv1::AGE_BAND_13_17);
            }),
            (Want{"ig:anna", "ig:cara"}));
  EXPECT_EQ(af([](cv1::AudienceFilter* a) {
              a->mutable_languages()->add_include("en");
              a->mutable_languages()->set_min_share(0.95);
            }),
            (Want{"ig:dan"}));
  EXPECT_EQ(af([](cv1::AudienceFilter* a) { a->mutable_interests()->add_include("fitness"); }),
            (Want{"ig:anna", "ig:dan"}));
  EXPECT_EQ(af([](cv1::AudienceFilter* a) {
              a->mutable_interests()->add_include("fitness");
              a->mutable_interests()->set_min_share(0.4);
            }),
            (Want{"ig:anna"}));
  EXPECT_EQ(af([](cv1::AudienceFilter* a) {
              a->mutable_brand_affinities()->add_include("nike");
              a->mutable_brand_affinities()->add_exclude("razer");
            }),
            (Want{"ig:anna", "ig:dan"}));
  EXPECT_EQ(af([](cv1::AudienceFilter* a) { a->mutable_reachability()->set_min(0.5); }),
            (Want{"ig:anna"}));
}

// An excluded audience country's maximum on a share-bucket bound, and just
// off it: the posting-decided buckets and the exact check must agree.
TEST(AudienceExclusionTest, MaximumOnAndOffShareBuckets) {
  CreatorIndex index;
  const double shares[] = {0.05, 0.2, 0.295, 0.3, 0.305, 0.5, 0.9};
  for (size_t i = 0; i < std::size(shares); ++i) {
    cv1::Creator c;
    c.set_creator_id(absl::StrCat("ig:c", i));
    c.set_platform(cv1::PLATFORM_INSTAGRAM);
    c.mutable_stats()->set_followers(10'000);
    auto* ac = c.mutable_audience()->add_countries();
    ac->set_country_code("ID");
    ac->set_share(shares[i]);
    ASSERT_TRUE(index.Upsert(c).ok());
  }
  auto ids = [&](double max_share) {
    SearchQuery q;
    q.limit = 100;
    q.sort_field = v1::SORT_FIELD_FOLLOWERS;
    auto* countries = q.filter.mutable_audience()->mutable_countries();
    countries->add_exclude("ID");
    countries->set_max_excluded_share(max_share);
    absl::StatusOr<SearchPage> page = index.Search(q);
    EXPECT_TRUE(page.ok()) << page.status();
    std::set<std::string> out;
    if (page.ok()) {
      for (const SearchHit& h : page->hits) out.insert(h.creator_id);
    }
    return out;
  };
  EXPECT_EQ(ids(0.3), (std::set<std::string>{"ig:c0", "ig:c1", "ig:c2", "ig:c3"}));
  EXPECT_EQ(ids(0.2), (std::set<std::string>{"ig:c0", "ig:c1"}));
  EXPECT_EQ(ids(0.5),
            (std::set<std::string>{"ig:c0", "ig:c1", "ig:c2", "ig:c3", "ig:c4", "ig:c5"}));
  EXPECT_EQ(ids(0.1), (std::set<std::string>{"ig:c0"}));
}

TEST_F(CatalogTest, ContentFilters) {
  auto cf = [&](auto setter) { return Match([&](F* f) { setter(f->mutable_content()); }); };
  EXPECT_EQ(cf([](cv1::ContentFilter* c) { c->mutable_bio_keywords()->add_include("VEGAN"); }),
            (Want{"ig:anna", "ig:dan"}));
  EXPECT_EQ(
      cf([](cv1::ContentFilter* c) { c->mutable_bio_keywords()->add_include("berlin runner"); }),
      (Want{"ig:anna"}));
  EXPECT_EQ(cf([](cv1::ContentFilter* c) {
              c->mutable_bio_keywords()->add_include("berlin");
              c->mutable_bio_keywords()->add_exclude("vegan");
            }),
            (Want{"yt:anna"}));
  EXPECT_EQ(
      cf([](cv1::ContentFilter* c) { c->mutable_caption_keywords()->add_include("marathon"); }),
      (Want{"ig:anna"}));
  EXPECT_EQ(cf([](cv1::ContentFilter* c) {
              c->mutable_caption_keywords()->add_include("workout");
              c->mutable_caption_keywords()->add_include("speedrun");
            }),
            (Want{"ig:dan", "tt:ben"}));
  EXPECT_EQ(cf([](cv1::ContentFilter* c) { c->mutable_hashtags()->add_include("#Vegan"); }),
            (Want{"ig:anna", "ig:dan"}));
  EXPECT_EQ(cf([](cv1::ContentFilter* c) {
              c->mutable_hashtags()->add_include("vegan");
              c->mutable_hashtags()->add_exclude("fitness");
            }),
            (Want{"ig:anna"}));
  EXPECT_EQ(cf([](cv1::ContentFilter* c) { c->mutable_mentions()->add_include("@NIKE"); }),
            (Want{"ig:anna", "ig:dan"}));
  EXPECT_EQ(cf([](cv1::ContentFilter* c) { c->mutable_mentions()->add_exclude("nike"); }),
            (Want{"ig:cara", "tt:ben", "x:brandco", "yt:anna"}));
  EXPECT_EQ(cf([](cv1::ContentFilter* c) { c->mutable_brands()->add_include("adidas"); }),
            (Want{"ig:dan"}));
  EXPECT_EQ(cf([](cv1::ContentFilter* c) { c->mutable_brands()->add_exclude("nike"); }),
            (Want{"ig:cara", "ig:dan", "tt:ben", "x:brandco", "yt:anna"}));
  EXPECT_EQ(cf([](cv1::ContentFilter* c) {
              c->add_exclude_brand_safety_flags(cv1::BRAND_SAFETY_FLAG_PROFANITY);
              c->add_exclude_brand_safety_flags(cv1::BRAND_SAFETY_FLAG_ALCOHOL);
            }),
            (Want{"ig:anna", "ig:cara", "x:brandco", "yt:anna"}));
  // Lookalikes never include the seed itself.
  Want content = cf([](cv1::ContentFilter* c) {
    c->mutable_lookalike()->set_creator_id("ig:anna");
    c->mutable_lookalike()->set_min_similarity(0.5);
  });
  EXPECT_THAT(content, ::testing::Contains("ig:dan"));
  EXPECT_THAT(content, ::testing::Not(::testing::Contains("ig:anna")));
  Want audience = cf([](cv1::ContentFilter* c) {
    c->mutable_audience_lookalike()->set_creator_id("ig:anna");
    c->mutable_audience_lookalike()->set_min_similarity(0.5);
  });
  EXPECT_THAT(audience, ::testing::Not(::testing::Contains("ig:anna")));
  EXPECT_THAT(audience, ::testing::Not(::testing::Contains("x:brandco")));  // no audience data
}

TEST_F(CatalogTest, FreeTextAndExclusions) {
  SearchQuery q = Query();
  q.text = "vegan London";  // every word must occur somewhere
  EXPECT_THAT(Ids(q), ElementsAre("ig:dan"));
  q.text = "anna";  // display name and handle words
  EXPECT_THAT(Ids(q), ElementsAre("ig:anna"));
  q.text = "annaruns";  // a one-word handle
  EXPECT_THAT(Ids(q), ElementsAre("yt:anna"));
  q.text = "@Anna.Runs";  // a handle is found by its words
  EXPECT_THAT(Ids(q), ElementsAre("ig:anna"));
  q.text = "nosuchword";
  EXPECT_TRUE(Ids(q).empty());
  q = Query();
  q.exclude_creator_ids = {"ig:anna", "x:brandco", "unknown"};
  q.filter.mutable_workspace()->add_exclude_creator_ids("tt:ben");
  EXPECT_THAT(Ids(q), ElementsAre("yt:anna", "ig:dan", "ig:cara"));
}

TEST_F(CatalogTest, SortsKnownFirstThenCreatorIdOnTies) {
  SearchQuery q = Query();
  EXPECT_THAT(Ids(q),
              ElementsAre("x:brandco", "tt:ben", "yt:anna", "ig:anna", "ig:dan", "ig:cara"));
  q.sort_direction = v1::SORT_DIRECTION_ASCENDING;
  EXPECT_THAT(Ids(q),
              ElementsAre("ig:cara", "ig:anna", "ig:dan", "yt:anna", "tt:ben", "x:brandco"));
  q = Query();
  q.sort_field = v1::SORT_FIELD_ENGAGEMENT_RATE;
  EXPECT_THAT(Ids(q),
              ElementsAre("ig:cara", "ig:anna", "ig:dan", "x:brandco", "tt:ben", "yt:anna"));
  q.sort_direction = v1::SORT_DIRECTION_ASCENDING;  // unknown still last
  EXPECT_THAT(Ids(q),
              ElementsAre("x:brandco", "ig:anna", "ig:dan", "ig:cara", "tt:ben", "yt:anna"));
  q = Query();
  q.sort_field = v1::SORT_FIELD_FOLLOWER_GROWTH;
  EXPECT_THAT(Ids(q),
              ElementsAre("tt:ben", "ig:anna", "ig:cara", "ig:dan", "x:brandco", "yt:anna"));
  q.sort_field = v1::SORT_FIELD_AVG_VIEWS;
  EXPECT_THAT(Ids(q),
              ElementsAre("tt:ben", "yt:anna", "ig:anna", "ig:cara", "ig:dan", "x:brandco"));
  q.sort_field = v1::SORT_FIELD_ESTIMATED_PRICE;
  EXPECT_THAT(Ids(q),
              ElementsAre("ig:anna", "ig:cara", "ig:dan", "tt:ben", "x:brandco", "yt:anna"));
  q.sort_field = v1::SORT_FIELD_CREDIBILITY;
  EXPECT_THAT(Ids(q),
              ElementsAre("ig:anna", "ig:cara", "tt:ben", "ig:dan", "x:brandco", "yt:anna"));
  absl::StatusOr<SearchPage> page = index_.Search(q);
  ASSERT_TRUE(page.ok());
  EXPECT_NEAR(*page->hits[0].sort_value, 0.85, 1e-6);
  EXPECT_FALSE(page->hits[5].sort_value.has_value());

  q = Query();
  q.text = "vegan";  // unspecified sort = relevance with a query
  page = index_.Search(q);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->hits.size(), 2u);
  EXPECT_GT(*page->hits[0].relevance, 0);
  EXPECT_GE(*page->hits[0].sort_value, *page->hits[1].sort_value);
  // Anna has "vegan" in bio, captions and hashtags; Dan in bio and hashtags.
  EXPECT_EQ(page->hits[0].creator_id, "ig:anna");

  q = Query();
  cv1::CampaignBrief brief;
  auto* g = brief.mutable_target_audience()->add_genders();
  g->set_gender(cv1::GENDER_FEMALE);
  auto* c = brief.mutable_target_audience()->add_countries();
  c->set_country_code("FR");
  q.target = brief;
  q.sort_field = v1::SORT_FIELD_AUDIENCE_MATCH;
  page = index_.Search(q);
  ASSERT_TRUE(page.ok());
  // Cara: 0.5/0.6 * 0.9 + 0.1/0.6 * 0.5 = 0.833 -> 83.3; Anna: 0.5/0.6 * 0.7.
  EXPECT_EQ(page->hits[0].creator_id, "ig:cara");
  EXPECT_NEAR(*page->hits[0].audience_match, 100 * (0.5 / 0.6 * 0.9 + 0.1 / 0.6 * 0.5), 1e-9);
  EXPECT_EQ(page->hits[1].creator_id, "ig:anna");
  EXPECT_NEAR(*page->hits[1].audience_match, 100 * (0.5 / 0.6 * 0.7), 1e-9);
  EXPECT_TRUE(page->hits[5].fit_score.has_value());

  q.sort_field = v1::SORT_FIELD_FIT_SCORE;
  q.target->add_categories(cv1::CATEGORY_FITNESS);
  page = index_.Search(q);
  ASSERT_TRUE(page.ok());
  // Anna: main category fits, good engagement for micro, credible, female.
  EXPECT_EQ(page->hits[0].creator_id, "ig:anna");
  for (size_t i = 1; i < page->hits.size(); ++i) {
    EXPECT_GE(*page->hits[i - 1].fit_score, *page->hits[i].fit_score);
  }
}

TEST_F(CatalogTest, PagesAndFacets) {
  SearchQuery q = Query();
  q.offset = 2;
  q.limit = 2;
  q.facets = {
      v1::FACET_FIELD_TIER,         v1::FACET_FIELD_PLATFORM,     v1::FACET_FIELD_COUNTRY,
      v1::FACET_FIELD_CATEGORY,     v1::FACET_FIELD_LANGUAGE,     v1::FACET_FIELD_GENDER,
      v1::FACET_FIELD_ACCOUNT_TYPE, v1::FACET_FIELD_CONTENT_TYPE, v1::FACET_FIELD_AUDIENCE_COUNTRY,
      v1::FACET_FIELD_CITY};
  absl::StatusOr<SearchPage> page = index_.Search(q);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->total_size, 6);
  ASSERT_EQ(page->hits.size(), 2u);
  EXPECT_EQ(page->hits[0].creator_id, "yt:anna");
  EXPECT_EQ(page->hits[1].creator_id, "ig:anna");
  using V = std::vector<std::pair<std::string, int64_t>>;
  const auto& f = page->facets;
  ASSERT_EQ(f.size(), 10u);
  EXPECT_EQ(f[0].values, (V{{"TIER_MICRO", 2},
                            {"TIER_COUNTRY", 1},
                            {"TIER_GLOBAL", 1},
                            {"TIER_MACRO", 1},
                            {"TIER_NANO", 1}}));
  EXPECT_EQ(f[1].values, (V{{"PLATFORM_INSTAGRAM", 3},
                            {"PLATFORM_TIKTOK", 1},
                            {"PLATFORM_X", 1},
                            {"PLATFORM_YOUTUBE", 1}}));
  EXPECT_EQ(f[2].values, (V{{"DE", 2}, {"US", 2}, {"FR", 1}, {"GB", 1}}));
  EXPECT_EQ(f[3].values, (V{{"CATEGORY_FITNESS", 3},
                            {"CATEGORY_BEAUTY", 1},
                            {"CATEGORY_FASHION", 1},
                            {"CATEGORY_FOOD", 1},
                            {"CATEGORY_GAMING", 1},
                            {"CATEGORY_TECH", 1}}));
  EXPECT_EQ(f[4].values, (V{{"en", 3}, {"de", 1}, {"fr", 1}}));
  EXPECT_EQ(f[4].missing, 2);
  EXPECT_EQ(f[5].values, (V{{"GENDER_MALE", 2}, {"GENDER_FEMALE", 1}, {"GENDER_NON_BINARY", 1}}));
  EXPECT_EQ(f[5].missing, 2);
  EXPECT_EQ(f[6].values, (V{{"ACCOUNT_TYPE_CREATOR", 2},
                            {"ACCOUNT_TYPE_BRAND", 1},
                            {"ACCOUNT_TYPE_BUSINESS", 1},
                            {"ACCOUNT_TYPE_PERSONAL", 1}}));
  EXPECT_EQ(f[7].values, (V{{"CONTENT_TYPE_PHOTO", 2},
                            {"CONTENT_TYPE_SHORT", 2},
                            {"CONTENT_TYPE_LIVE", 1},
                            {"CONTENT_TYPE_STORY", 1},
                            {"CONTENT_TYPE_VIDEO", 1}}));
  EXPECT_EQ(f[8].values, (V{{"DE", 1}, {"FR", 1}, {"GB", 1}, {"US", 1}}));
  EXPECT_EQ(f[8].missing, 2);
  EXPECT_EQ(f[9].values, (V{{"berlin", 1}, {"london", 1}, {"new york", 1}, {"paris", 1}}));
  q.facets = {v1::FACET_FIELD_VERIFIED};  // at most 10 facets per query
  absl::StatusOr<SearchPage> verified = index_.Search(q);
  ASSERT_TRUE(verified.ok());
  EXPECT_EQ(verified->facets[0].values, (V{{"false", 5}, {"true", 1}}));
  v1::FacetResult top = TopFacetValues(f[2], 2);
  ASSERT_EQ(top.values_size(), 2);
  EXPECT_EQ(top.values(0).value(), "DE");
  EXPECT_EQ(top.other_count(), 2);  // FR and GB
}

TEST_F(CatalogTest, UpsertReplacesRemoveDeletesAndStatsCount) {
  cv1::Creator c = catalog_[0];
  c.mutable_stats()->set_followers(3'000'000);
  c.set_country_code("AT");
  ASSERT_TRUE(index_.Upsert(c).ok());
  EXPECT_EQ(index_.size(), 6u);
  EXPECT_EQ(Match([](F* f) { f->mutable_creator()->mutable_countries()->add_include("DE"); }),
            (Want{"yt:anna"}));
  EXPECT_EQ(Match([](F* f) { f->mutable_creator()->mutable_countries()->add_include("AT"); }),
            (Want{"ig:anna"}));
  EXPECT_TRUE(index_.Remove("tt:ben"));
  EXPECT_FALSE(index_.Remove("tt:ben"));
  EXPECT_EQ(index_.size(), 5u);
  CatalogCounts stats = index_.Stats();
  EXPECT_EQ(stats.total_creators, 5);
  EXPECT_EQ(stats.total_persons, 4);  // both annas are one person
  int64_t instagram_country = 0;
  for (const auto& cell : stats.counts) {
    if (cell.platform == cv1::PLATFORM_INSTAGRAM && cell.tier == cv1::TIER_COUNTRY) {
      instagram_country = cell.count;
    }
  }
  EXPECT_EQ(instagram_country, 1);
  EXPECT_GT(stats.index_size_bytes, 0);
  index_.Compact();
  EXPECT_EQ(index_.size(), 5u);
  EXPECT_EQ(Match([](F* f) { f->mutable_creator()->mutable_followers()->set_min(1'000'000); }),
            (Want{"ig:anna", "x:brandco"}));
  EXPECT_FALSE(index_.Upsert(cv1::Creator()).ok());
}

TEST_F(CatalogTest, SimilarExcludesSeedAndItsPerson) {
  SimilarQuery q;
  q.seed_creator_id = "ig:anna";
  q.limit = 10;
  absl::StatusOr<SimilarPage> page = index_.Similar(q);
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_EQ(page->total_size, 4);  // everyone but Anna's two profiles
  for (const auto& h : page->hits) {
    EXPECT_NE(h.creator_id, "ig:anna");
    EXPECT_NE(h.creator_id, "yt:anna");
  }
  EXPECT_EQ(page->hits[0].creator_id, "ig:dan");  // fitness, instagram, micro
  for (size_t i = 1; i < page->hits.size(); ++i) {
    EXPECT_GE(page->hits[i - 1].similarity, page->hits[i].similarity);
  }
  q.mode = v1::SIMILARITY_MODE_AUDIENCE;
  q.min_similarity = 0.5;
  page = index_.Similar(q);
  ASSERT_TRUE(page.ok());
  for (const auto& h : page->hits) EXPECT_NE(h.creator_id, "x:brandco");
  q.seed_creator_id = "x:brandco";
  EXPECT_EQ(index_.Similar(q).status().code(), absl::StatusCode::kFailedPrecondition);
  q.seed_creator_id = "nobody";
  EXPECT_EQ(index_.Similar(q).status().code(), absl::StatusCode::kNotFound);
  SearchQuery s = Query();
  s.filter.mutable_content()->mutable_lookalike()->set_creator_id("nobody");
  EXPECT_EQ(index_.Search(s).status().code(), absl::StatusCode::kNotFound);
}

std::string FirstViolation(const absl::Status& s) {
  auto v = status::ViolationsOf(s);
  return v.empty() ? std::string("<none: ") + std::string(s.message()) + ">" : v[0].field;
}

TEST_F(CatalogTest, ValidationNamesTheField) {
  auto bad = [&](const std::function<void(SearchQuery*)>& f) {
    SearchQuery q = Query();
    f(&q);
    absl::StatusOr<SearchPage> page = index_.Search(q);
    EXPECT_EQ(page.status().code(), absl::StatusCode::kInvalidArgument);
    return FirstViolation(page.status());
  };
  EXPECT_EQ(bad([](SearchQuery* q) {
              q->filter.mutable_performance()->mutable_engagement_rate()->set_min(0.05);
              q->filter.mutable_performance()->mutable_engagement_rate()->set_max(0.01);
            }),
            "filter.performance.engagement_rate.min");
  EXPECT_EQ(bad([](SearchQuery* q) {
              q->filter.mutable_performance()->mutable_avg_likes()->set_min(-1);
            }),
            "filter.performance.avg_likes.min");
  EXPECT_EQ(bad([](SearchQuery* q) {
              q->filter.mutable_performance()->mutable_engagement_rate()->set_max(NAN);
            }),
            "filter.performance.engagement_rate.max");
  EXPECT_EQ(bad([](SearchQuery* q) {
              q->filter.mutable_audience()->mutable_countries()->set_min_share(1.5);
            }),
            "filter.audience.countries.min_share");
  EXPECT_EQ(
      bad([](SearchQuery* q) { q->filter.mutable_audience()->mutable_reachability()->set_max(2); }),
      "filter.audience.reachability.max");
  EXPECT_EQ(bad([](SearchQuery* q) {
              q->filter.mutable_audience()->mutable_genders()->set_max_excluded_share(-0.1);
            }),
            "filter.audience.genders.max_excluded_share");
  EXPECT_EQ(bad([](SearchQuery* q) {
              q->filter.mutable_creator()->mutable_platforms()->add_include(
                  static_cast<cv1::Platform>(42));
            }),
            "filter.creator.platforms.include[0]");
  EXPECT_EQ(bad([](SearchQuery* q) {
              q->filter.mutable_creator()->mutable_followers()->set_min(10);
              q->filter.mutable_creator()->mutable_followers()->set_max(5);
            }),
            "filter.creator.followers.min");
  EXPECT_EQ(bad([](SearchQuery* q) {
              for (int i = 0; i < 501; ++i)
                q->filter.mutable_content()->mutable_hashtags()->add_include("x");
            }),
            "filter.content.hashtags.include");
  EXPECT_EQ(bad([](SearchQuery* q) {
              q->filter.mutable_content()->mutable_bio_keywords()->add_include("!!");
            }),
            "filter.content.bio_keywords.include[0]");
  EXPECT_EQ(bad([](SearchQuery* q) {
              q->filter.mutable_creator()->mutable_estimated_price()->set_currency_code("EUR");
              q->filter.mutable_creator()->mutable_estimated_price()->set_min_micros(1);
            }),
            "filter.creator.estimated_price.currency_code");
  EXPECT_EQ(bad([](SearchQuery* q) { q->filter.mutable_creator()->set_posted_within_days(0); }),
            "filter.creator.posted_within_days");
  EXPECT_EQ(bad([](SearchQuery* q) { q->sort_field = v1::SORT_FIELD_AUDIENCE_MATCH; }), "target");
  EXPECT_EQ(bad([](SearchQuery* q) { q->sort_field = v1::SORT_FIELD_KEYWORD_RELEVANCE; }),
            "sort.field");
  EXPECT_EQ(bad([](SearchQuery* q) { q->sort_field = static_cast<v1::SortField>(77); }),
            "sort.field");
  EXPECT_EQ(bad([](SearchQuery* q) {
              q->sort_field = v1::SORT_FIELD_FIT_SCORE;
              q->target = cv1::CampaignBrief();
              q->target->mutable_target_audience()->add_genders()->set_weight(-1);
            }),
            "target.target_audience.genders[0].weight");
  EXPECT_EQ(bad([](SearchQuery* q) { q->facets = {v1::FACET_FIELD_UNSPECIFIED}; }), "facets[0]");
  EXPECT_EQ(bad([](SearchQuery* q) { q->limit = 5000; }), "page_size");
  EXPECT_EQ(bad([](SearchQuery* q) { q->offset = 200000; }), "page_token");
  EXPECT_EQ(bad([](SearchQuery* q) { q->text = std::string(300, 'a'); }), "query");
}

// Four partitions queried with PartitionQuery and merged with MergePages give
// exactly one index's page, facets and totals, keyword relevance included.
TEST(PartitionTest, FourPartitionsMergeToOneIndex) {
  testing::Rng r(7);
  testing::CatalogShape shape;
  CreatorIndex whole;
  std::array<CreatorIndex, 4> parts;
  std::vector<cv1::Creator> all;
  for (uint32_t i = 0; i < 3000; ++i) all.push_back(testing::RandomCreator(r, i, shape, kNow));
  whole.BulkLoad(all);
  for (const auto& c : all) {
    ASSERT_TRUE(parts[PersonKey(c.creator_id()) % 4].Upsert(c).ok());
  }
  const v1::SortField sorts[] = {v1::SORT_FIELD_FOLLOWERS,         v1::SORT_FIELD_ENGAGEMENT_RATE,
                                 v1::SORT_FIELD_FOLLOWER_GROWTH,   v1::SORT_FIELD_AVG_VIEWS,
                                 v1::SORT_FIELD_ESTIMATED_PRICE,   v1::SORT_FIELD_CREDIBILITY,
                                 v1::SORT_FIELD_KEYWORD_RELEVANCE, v1::SORT_FIELD_AUDIENCE_MATCH,
                                 v1::SORT_FIELD_FIT_SCORE};
  int checked = 0;
  for (int i = 0; i < 90; ++i) {
    SearchQuery q;
    q.now = absl::FromUnixSeconds(kNow);
    q.sort_field = sorts[i % 9];
    q.sort_direction = i % 2 ? v1::SORT_DIRECTION_ASCENDING : v1::SORT_DIRECTION_DESCENDING;
    q.offset = r.Uniform(40);
    q.limit = 1 + static_cast<int32_t>(r.Uniform(25));
    q.facets = {v1::FACET_FIELD_TIER, v1::FACET_FIELD_COUNTRY, v1::FACET_FIELD_CATEGORY,
                v1::FACET_FIELD_LANGUAGE, v1::FACET_FIELD_CITY};
    if (i % 3 == 0)
      q.filter.mutable_creator()->mutable_platforms()->add_include(cv1::PLATFORM_INSTAGRAM);
    if (i % 4 == 0) q.filter.mutable_performance()->mutable_engagement_rate()->set_min(0.01);
    if (q.sort_field == v1::SORT_FIELD_KEYWORD_RELEVANCE || i % 5 == 0) {
      q.text = absl::StrCat("w", r.Skewed(20));
      q.filter.mutable_content()->mutable_hashtags()->add_include(absl::StrCat("t", r.Skewed(10)));
    }
    if (i % 7 == 0) {
      q.filter.mutable_content()->mutable_lookalike()->set_creator_id(
          absl::StrCat("c", r.Uniform(3000)));
      q.filter.mutable_content()->mutable_lookalike()->set_min_similarity(0.6);
    }
    if (q.sort_field == v1::SORT_FIELD_AUDIENCE_MATCH || q.sort_field == v1::SORT_FIELD_FIT_SCORE) {
      cv1::CampaignBrief b;
      b.mutable_target_audience()->add_genders()->set_gender(cv1::GENDER_FEMALE);
      b.mutable_target_audience()->add_countries()->set_country_code("US");
      b.add_categories(cv1::CATEGORY_FASHION);
      q.target = b;
    }
    absl::StatusOr<SearchPage> want = whole.Search(q);
    ASSERT_TRUE(want.ok()) << want.status();
    // Scatter: global BM25 statistics and lookalike seeds, then the queries.
    SearchQuery pq = PartitionQuery(q);
    std::vector<CorpusStats> stats;
    for (auto& p : parts) stats.push_back(p.CollectCorpusStats(q));
    pq.corpus_stats = std::make_shared<CorpusStats>(MergeCorpusStats(stats));
    const std::string& seed = q.filter.content().lookalike().creator_id();
    if (!seed.empty()) {
      for (auto& p : parts) {
        if (auto s = p.SeedOf(seed); s.ok()) pq.seeds[seed] = *s;
      }
    }
    std::vector<SearchPage> pages;
    for (auto& p : parts) {
      absl::StatusOr<SearchPage> page = p.Search(pq);
      ASSERT_TRUE(page.ok()) << page.status();
      pages.push_back(*page);
    }
    SearchPage got = MergePages(pages, q);
    ASSERT_EQ(got.total_size, want->total_size) << i;
    ASSERT_EQ(got.hits.size(), want->hits.size()) << i;
    for (size_t h = 0; h < got.hits.size(); ++h) {
      EXPECT_EQ(got.hits[h].creator_id, want->hits[h].creator_id) << i << " " << h;
      EXPECT_EQ(got.hits[h].sort_value, want->hits[h].sort_value) << i << " " << h;
    }
    for (size_t f = 0; f < q.facets.size(); ++f) {
      EXPECT_EQ(got.facets[f].values, want->facets[f].values) << i;
      EXPECT_EQ(got.facets[f].missing, want->facets[f].missing) << i;
    }
    checked += want->total_size > 0 ? 1 : 0;
  }
  EXPECT_GT(checked, 60);
}

// Readers keep getting consistent answers while a writer upserts, replaces and
// removes profiles (run under TSan in CI to check the locking).
TEST(ConcurrencyTest, SearchesWhileWriting) {
  testing::Rng r(11);
  testing::CatalogShape shape;
  // Every search splits into parts on the shared pool, so concurrent
  // searches also contend for its workers (and take parts back).
  CreatorIndex::Options parts;
  parts.query_threads = 3;
  parts.parallel_min_docs = 0;
  CreatorIndex index(parts);
  std::vector<cv1::Creator> base;
  for (uint32_t i = 0; i < 2000; ++i) base.push_back(testing::RandomCreator(r, i, shape, kNow));
  index.BulkLoad(base);
  std::atomic<bool> stop{false};
  std::atomic<int> searches{0};
  std::atomic<int> errors{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 3; ++t) {
    readers.emplace_back([&, t] {
      testing::Rng rr(100 + static_cast<uint64_t>(t));
      while (!stop.load()) {
        SearchQuery q;
        q.sort_field = v1::SORT_FIELD_ENGAGEMENT_RATE;
        q.facets = {v1::FACET_FIELD_PLATFORM};
        if (rr.Chance(0.5))
          q.filter.mutable_creator()->mutable_platforms()->add_include(cv1::PLATFORM_INSTAGRAM);
        if (rr.Chance(0.5)) q.text = absl::StrCat("w", rr.Skewed(20));
        absl::StatusOr<SearchPage> page = index.Search(q);
        if (!page.ok() || page->total_size < 0 || page->total_size > 2000) ++errors;
        int64_t facet_sum = page.ok() && !page->facets.empty() ? page->facets[0].missing : 0;
        if (page.ok()) {
          for (auto& [v, n] : page->facets[0].values) facet_sum += n;
          if (facet_sum != page->total_size) ++errors;
        }
        ++searches;
      }
    });
  }
  CreatorIndex::Options opts;
  for (int i = 0; i < 3000; ++i) {
    const uint32_t id = r.Uniform(2000);
    if (r.Chance(0.7)) {
      ASSERT_TRUE(index.Upsert(testing::RandomCreator(r, id, shape, kNow)).ok());
    } else {
      index.Remove(absl::StrCat("c", id));
    }
    if (i == 1500) index.Compact();
  }
  stop = true;
  for (auto& t : readers) t.join();
  EXPECT_EQ(errors.load(), 0);
  EXPECT_GT(searches.load(), 0);
  EXPECT_LE(index.size(), 2000u);
}

}  // namespace
}  // namespace microreach::search
