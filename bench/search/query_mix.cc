// The buyer's query mix (see query_mix.h). Values come from the synthetic
// catalog's vocabulary (tools/catalog_gen/vocabulary.cc).
#include "bench/search/query_mix.h"

#include <utility>

#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"

namespace microreach::bench {
namespace {

namespace cv1 = ::microreach::common::v1;
namespace sv1 = ::microreach::search::v1;

template <typename List, typename... T>
void Add(List* list, T... values) {
  (list->Add(std::move(values)), ...);
}

MixQuery Make(std::string name, std::string type, std::string description, absl::Time now) {
  MixQuery m;
  m.name = std::move(name);
  m.type = std::move(type);
  m.description = std::move(description);
  m.query.now = now;
  m.query.limit = 50;
  return m;
}

int CountMessage(const google::protobuf::Message& m) {
  const google::protobuf::Reflection* r = m.GetReflection();
  std::vector<const google::protobuf::FieldDescriptor*> fields;
  r->ListFields(m, &fields);
  int n = 0;
  for (const google::protobuf::FieldDescriptor* f : fields) {
    const std::string& name = f->name();
    // Modifiers of another condition, not conditions of their own.
    if (name == "min_share" || name == "max_excluded_share" || name == "aggregation" ||
        name == "min_similarity" || name == "currency_code") {
      continue;
    }
    if (f->is_repeated()) {
      ++n;
    } else if (f->cpp_type() == google::protobuf::FieldDescriptor::CPPTYPE_MESSAGE) {
      const std::string& type = f->message_type()->name();
      if (type == "Int64Range" || type == "DoubleRange" || type == "MoneyRange") {
        ++n;
      } else {
        n += CountMessage(r->GetMessage(m, f));
      }
    } else {
      ++n;
    }
  }
  return n;
}

}  // namespace

int CountFilters(const search::SearchQuery& q) {
  return CountMessage(q.filter) + (q.text.empty() ? 0 : 1) +
         (q.exclude_creator_ids.empty() ? 0 : 1);
}

std::vector<MixQuery> BuyerMix(absl::Time now) {
  std::vector<MixQuery> mix;

  {
    MixQuery m = Make("selective_de_fitness", "selective",
                      "Instagram micro fitness creators in DE with ER >= 4%, by ER", now);
    auto* cr = m.query.filter.mutable_creator();
    cr->mutable_platforms()->add_include(cv1::PLATFORM_INSTAGRAM);
    cr->mutable_tiers()->add_include(cv1::TIER_MICRO);
    cr->mutable_countries()->add_include("DE");
    cr->mutable_categories()->add_include(cv1::CATEGORY_FITNESS);
    m.query.filter.mutable_performance()->mutable_engagement_rate()->set_min(0.04);
    m.query.sort_field = sv1::SORT_FIELD_ENGAGEMENT_RATE;
    mix.push_back(std::move(m));
  }
  {
    MixQuery m = Make("selective_fr_beauty_sephora", "selective",
                      "Nano/micro beauty creators in FR who worked with Sephora and have an "
                      "email, by followers",
                      now);
    auto* cr = m.query.filter.mutable_creator();
    cr->mutable_countries()->add_include("FR");
    cr->mutable_categories()->add_include(cv1::CATEGORY_BEAUTY);
    cr->mutable_tiers()->add_include(cv1::TIER_NANO);
    cr->mutable_tiers()->add_include(cv1::TIER_MICRO);
    cr->set_has_email(true);
    m.query.filter.mutable_content()->mutable_brands()->add_include("sephora");
    mix.push_back(std::move(m));
  }
  {
    MixQuery m = Make("medium_us_gb_beauty_fashion", "medium",
                      "Beauty or fashion, US or GB, 10k-500k followers, credibility >= 0.7, "
                      "female audience >= 60%, public, by followers",
                      now);
    auto* cr = m.query.filter.mutable_creator();
    Add(cr->mutable_countries()->mutable_include(), "US", "GB");
    cr->mutable_categories()->add_include(cv1::CATEGORY_BEAUTY);
    cr->mutable_categories()->add_include(cv1::CATEGORY_FASHION);
    cr->mutable_followers()->set_min(10'000);
    cr->mutable_followers()->set_max(500'000);
    cr->set_exclude_private(true);
    m.query.filter.mutable_performance()->mutable_audience_credibility()->set_min(0.7);
    auto* g = m.query.filter.mutable_audience()->mutable_genders();
    g->add_include(cv1::GENDER_FEMALE);
    g->set_min_share(0.6);
    mix.push_back(std::move(m));
  }
  {
    MixQuery m = Make("medium_audience_de_young", "medium",
                      "Audience >= 30% in DE and >= 50% aged 18-34, ER >= 2%, by credibility", now);
    auto* au = m.query.filter.mutable_audience();
    au->mutable_countries()->add_include("DE");
    au->mutable_countries()->set_min_share(0.3);
    au->mutable_age_bands()->add_include(cv1::AGE_BAND_18_24);
    au->mutable_age_bands()->add_include(cv1::AGE_BAND_25_34);
    au->mutable_age_bands()->set_min_share(0.5);
    au->mutable_age_bands()->set_aggregation(cv1::SHARE_AGGREGATION_SUM);
    m.query.filter.mutable_performance()->mutable_engagement_rate()->set_min(0.02);
    m.query.sort_field = sv1::SORT_FIELD_CREDIBILITY;
    mix.push_back(std::move(m));
  }
  {
    MixQuery m = Make("broad_ig_tiktok_facets", "broad_facets",
                      "All public Instagram and TikTok accounts, by followers, with tier, "
                      "country and category facets",
                      now);
    auto* cr = m.query.filter.mutable_creator();
    cr->mutable_platforms()->add_include(cv1::PLATFORM_INSTAGRAM);
    cr->mutable_platforms()->add_include(cv1::PLATFORM_TIKTOK);
    cr->set_exclude_private(true);
    m.query.facets = {sv1::FACET_FIELD_TIER, sv1::FACET_FIELD_COUNTRY, sv1::FACET_FIELD_CATEGORY};
    mix.push_back(std::move(m));
  }
  {
    MixQuery m = Make("broad_credible_facets", "broad_facets",
                      "Credibility >= 0.5 across the catalog, by ER, with tier, platform, "
                      "country, category and language facets",
                      now);
    m.query.filter.mutable_performance()->mutable_audience_credibility()->set_min(0.5);
    m.query.sort_field = sv1::SORT_FIELD_ENGAGEMENT_RATE;
    m.query.facets = {sv1::FACET_FIELD_TIER, sv1::FACET_FIELD_PLATFORM, sv1::FACET_FIELD_COUNTRY,
                      sv1::FACET_FIELD_CATEGORY, sv1::FACET_FIELD_LANGUAGE};
    mix.push_back(std::move(m));
  }
  {
    MixQuery m = Make("keyword_vegan_en", "keyword",
                      "Free text \"vegan\" in English-speaking markets, micro/macro, ER >= 2%, by "
                      "ER",
                      now);
    m.query.text = "vegan";
    auto* cr = m.query.filter.mutable_creator();
    Add(cr->mutable_countries()->mutable_include(), "US", "GB", "CA", "AU");
    cr->mutable_tiers()->add_include(cv1::TIER_MICRO);
    cr->mutable_tiers()->add_include(cv1::TIER_MACRO);
    m.query.filter.mutable_performance()->mutable_engagement_rate()->set_min(0.02);
    m.query.sort_field = sv1::SORT_FIELD_ENGAGEMENT_RATE;
    mix.push_back(std::move(m));
  }
  {
    MixQuery m = Make("keyword_captions_coach", "keyword",
                      "Caption keywords \"meal prep\" or \"home workout\", bio \"coach\", no "
                      "#ad hashtag, by followers",
                      now);
    auto* ct = m.query.filter.mutable_content();
    Add(ct->mutable_caption_keywords()->mutable_include(), "meal prep", "home workout");
    ct->mutable_bio_keywords()->add_include("coach");
    ct->mutable_hashtags()->add_exclude("#ad");
    m.query.sort_field = sv1::SORT_FIELD_FOLLOWERS;
    mix.push_back(std::move(m));
  }
  {
    MixQuery m = Make("filters40_lifestyle_brief", "filters40",
                      "A full brief: 40 conditions over creator, performance, audience and "
                      "content, by ER",
                      now);
    auto* cr = m.query.filter.mutable_creator();
    Add(cr->mutable_platforms()->mutable_include(), cv1::PLATFORM_INSTAGRAM, cv1::PLATFORM_TIKTOK,
        cv1::PLATFORM_YOUTUBE);
    cr->mutable_platforms()->add_exclude(cv1::PLATFORM_X);
    cr->mutable_followers()->set_min(5'000);
    cr->mutable_followers()->set_max(2'000'000);
    Add(cr->mutable_tiers()->mutable_include(), cv1::TIER_NANO, cv1::TIER_MICRO, cv1::TIER_MACRO,
        cv1::TIER_COUNTRY);
    Add(cr->mutable_countries()->mutable_include(), "US", "GB", "CA", "AU", "DE", "FR", "ES", "IT",
        "NL");
    cr->mutable_cities()->add_exclude("Las Vegas");
    Add(cr->mutable_languages()->mutable_include(), "en", "de", "fr", "es", "it", "nl");
    cr->mutable_genders()->add_include(cv1::GENDER_FEMALE);
    cr->mutable_genders()->add_include(cv1::GENDER_MALE);
    cr->mutable_age()->set_min(18);
    cr->mutable_age()->set_max(44);
    cr->mutable_account_types()->add_include(cv1::ACCOUNT_TYPE_CREATOR);
    cr->mutable_account_types()->add_include(cv1::ACCOUNT_TYPE_PERSONAL);
    cr->mutable_account_types()->add_exclude(cv1::ACCOUNT_TYPE_BRAND);
    cr->set_exclude_private(true);
    Add(cr->mutable_categories()->mutable_include(), cv1::CATEGORY_FITNESS, cv1::CATEGORY_FOOD,
        cv1::CATEGORY_HEALTH, cv1::CATEGORY_LIFESTYLE, cv1::CATEGORY_TRAVEL);
    cr->mutable_categories()->add_exclude(cv1::CATEGORY_NEWS);
    cr->mutable_interests()->add_exclude("crypto");
    cr->set_has_email(true);
    cr->set_posted_within_days(60);
    cr->mutable_content_count()->set_min(30);
    Add(cr->mutable_content_types()->mutable_include(), cv1::CONTENT_TYPE_SHORT,
        cv1::CONTENT_TYPE_VIDEO, cv1::CONTENT_TYPE_PHOTO);
    cr->mutable_estimated_price()->set_currency_code("USD");
    cr->mutable_estimated_price()->set_max_micros(5'000'000'000);
    auto* pf = m.query.filter.mutable_performance();
    pf->mutable_engagement_rate()->set_min(0.01);
    pf->mutable_engagement_rate()->set_max(0.30);
    pf->mutable_avg_likes()->set_min(20);
    pf->mutable_avg_comments()->set_min(0.5);
    pf->mutable_follower_growth_30d()->set_min(-0.05);
    pf->mutable_follower_growth_90d()->set_min(-0.10);
    pf->mutable_posts_per_week()->set_min(0.5);
    pf->mutable_posts_per_week()->set_max(21);
    pf->mutable_audience_credibility()->set_min(0.6);
    pf->mutable_audience_quality_score()->set_min(30);
    auto* au = m.query.filter.mutable_audience();
    Add(au->mutable_countries()->mutable_include(), "US", "GB", "DE", "FR", "ES", "IT", "CA", "AU",
        "NL");
    au->mutable_countries()->set_min_share(0.10);
    au->mutable_countries()->add_exclude("ID");
    au->mutable_countries()->set_max_excluded_share(0.30);
    au->mutable_genders()->add_include(cv1::GENDER_FEMALE);
    au->mutable_genders()->add_include(cv1::GENDER_MALE);
    au->mutable_genders()->set_min_share(0.40);
    au->mutable_age_bands()->add_include(cv1::AGE_BAND_18_24);
    au->mutable_age_bands()->add_include(cv1::AGE_BAND_25_34);
    au->mutable_age_bands()->set_min_share(0.35);
    au->mutable_age_bands()->set_aggregation(cv1::SHARE_AGGREGATION_SUM);
    au->mutable_age_bands()->add_exclude(cv1::AGE_BAND_13_17);
    au->mutable_age_bands()->set_max_excluded_share(0.40);
    Add(au->mutable_languages()->mutable_include(), "en", "de", "fr", "es", "it", "nl");
    au->mutable_languages()->set_min_share(0.10);
    au->mutable_reachability()->set_min(0.15);
    auto* ct = m.query.filter.mutable_content();
    ct->mutable_bio_keywords()->add_exclude("giveaway");
    ct->mutable_caption_keywords()->add_exclude("casino");
    Add(ct->mutable_hashtags()->mutable_exclude(), "ad", "sponsored");
    ct->mutable_mentions()->add_exclude("@competitor");
    ct->mutable_brands()->add_exclude("reebok");
    Add(ct->mutable_exclude_brand_safety_flags(), cv1::BRAND_SAFETY_FLAG_ADULT_CONTENT,
        cv1::BRAND_SAFETY_FLAG_VIOLENCE, cv1::BRAND_SAFETY_FLAG_DRUGS,
        cv1::BRAND_SAFETY_FLAG_GAMBLING, cv1::BRAND_SAFETY_FLAG_HATE_SPEECH);
    m.query.filter.mutable_workspace()->add_exclude_creator_ids("instagram:17841400000000001");
    m.query.exclude_creator_ids = {"tiktok:6800000000000000001"};
    m.query.sort_field = sv1::SORT_FIELD_ENGAGEMENT_RATE;
    mix.push_back(std::move(m));
  }
  {
    MixQuery m =
        Make("deep_page_food_travel", "deep_page",
             "Instagram food or travel, ER >= 1%, page 21 (offset 1000), by followers", now);
    m.query.filter.mutable_creator()->mutable_platforms()->add_include(cv1::PLATFORM_INSTAGRAM);
    m.query.filter.mutable_creator()->mutable_categories()->add_include(cv1::CATEGORY_FOOD);
    m.query.filter.mutable_creator()->mutable_categories()->add_include(cv1::CATEGORY_TRAVEL);
    m.query.filter.mutable_performance()->mutable_engagement_rate()->set_min(0.01);
    m.query.offset = 1000;
    mix.push_back(std::move(m));
  }
  {
    MixQuery m = Make("deep_page_tiktok_views", "deep_page",
                      "TikTok, page 101 (offset 5000), by average views", now);
    m.query.filter.mutable_creator()->mutable_platforms()->add_include(cv1::PLATFORM_TIKTOK);
    m.query.sort_field = sv1::SORT_FIELD_AVG_VIEWS;
    m.query.offset = 5000;
    mix.push_back(std::move(m));
  }
  return mix;
}

}  // namespace microreach::bench
