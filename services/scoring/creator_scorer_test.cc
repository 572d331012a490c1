// The scoring kernel on hand-built profiles: engagement, authenticity,
// audience fit, price, predictions and the fit breakdown.
#include "services/scoring/creator_scorer.h"

#include "gtest/gtest.h"

namespace microreach::scoring {
namespace {

namespace cv1 = ::microreach::common::v1;

cv1::Creator Runner() {
  cv1::Creator c;
  c.set_creator_id("instagram:runner");
  c.set_platform(cv1::PLATFORM_INSTAGRAM);
  c.set_country_code("US");
  c.add_categories(cv1::CATEGORY_FITNESS);
  cv1::CreatorStats* s = c.mutable_stats();
  s->set_followers(50'000);
  s->set_following(20'000);
  s->set_avg_likes(1'400);
  s->set_avg_comments(100);
  cv1::AudienceDemographics* a = c.mutable_audience();
  auto add_country = [a](const char* code, double share) {
    cv1::CountryShare* cs = a->add_countries();
    cs->set_country_code(code);
    cs->set_share(share);
  };
  add_country("US", 0.6);
  add_country("GB", 0.1);
  cv1::GenderShare* f = a->add_genders();
  f->set_gender(cv1::GENDER_FEMALE);
  f->set_share(0.7);
  cv1::GenderShare* m = a->add_genders();
  m->set_gender(cv1::GENDER_MALE);
  m->set_share(0.3);
  cv1::AgeBandShare* young = a->add_age_bands();
  young->set_age_band(cv1::AGE_BAND_18_24);
  young->set_share(0.4);
  cv1::AgeBandShare* mid = a->add_age_bands();
  mid->set_age_band(cv1::AGE_BAND_25_34);
  mid->set_share(0.35);
  cv1::LanguageShare* en = a->add_languages();
  en->set_language_code("en");
  en->set_share(0.8);
  cv1::InterestShare* run = a->add_interests();
  run->set_interest("running");
  run->set_share(0.3);
  a->set_credibility(0.85);
  a->set_reachability(0.7);
  return c;
}

cv1::CampaignBrief Brief() {
  cv1::CampaignBrief b;
  b.set_objective(cv1::CAMPAIGN_OBJECTIVE_SALES);
  b.add_categories(cv1::CATEGORY_FITNESS);
  cv1::AudienceTarget* t = b.mutable_target_audience();
  cv1::WeightedCountry* us = t->add_countries();
  us->set_country_code("US");
  us->set_weight(2);
  cv1::WeightedCountry* gb = t->add_countries();
  gb->set_country_code("GB");
  gb->set_weight(1);
  t->add_genders()->set_gender(cv1::GENDER_FEMALE);
  t->add_age_bands()->set_age_band(cv1::AGE_BAND_18_24);
  t->add_age_bands()->set_age_band(cv1::AGE_BAND_25_34);
  t->add_interests()->set_interest("Running");
  return b;
}

TEST(MatchAudience, HandComputedDimensionsScoreAndTargetShare) {
  const ModelConfig config = DefaultModelConfig();
  const PreparedBrief brief = PrepareBrief(Brief(), config, 1.0);
  // Weights 0.10, 0.15, 0.50, 0.15 over country, age, gender, interests (0.90).
  EXPECT_NEAR(brief.dimension_weight[kGender], 0.555556, 1e-6);
  AudienceMatch m = MatchAudience(Runner().audience(), brief);
  EXPECT_NEAR(m.match[kCountry], 0.65, 1e-12);  // 1 x 0.6 + 0.5 x 0.1
  EXPECT_NEAR(m.match[kAge], 0.75, 1e-12);      // 0.4 + 0.35
  EXPECT_NEAR(m.match[kGender], 0.7, 1e-12);
  EXPECT_NEAR(m.match[kInterests], 0.3, 1e-12);  // case-insensitive slug
  EXPECT_EQ(m.match[kLanguage], 0);
  // 100 x (0.65/9 + 0.75/6 + 0.7 x 5/9 + 0.3/6) = 63.6111
  EXPECT_NEAR(m.score, 63.6111, 1e-4);
  EXPECT_NEAR(m.target_share, 0.65 * 0.75 * 0.7, 1e-12);
}

TEST(ScoreCreator, WithoutBriefScoresEngagementAuthenticityPriceAndReach) {
  const ModelConfig config = DefaultModelConfig();
  ScoringContext ctx{.config = &config, .brief = nullptr};
  CreatorResult r;
  ScoreCreator(Runner(), ctx, &r);
  EXPECT_EQ(r.tier, cv1::TIER_MICRO);
  EXPECT_NEAR(*r.engagement_rate, 0.03, 1e-12);  // (1,400 + 100) / 50,000
  EXPECT_EQ(r.band, EngagementBand::kAverage);
  EXPECT_NEAR(*r.tier_percentile, 61.9018, 1e-3);
  // Quality: 100 x (0.45 x 0.85 + 0.25 x 0.619018 + 0.15 x 0.7) / 0.85
  EXPECT_NEAR(*r.audience_quality, 100 * (0.45 * 0.85 + 0.25 * 0.619018 + 0.15 * 0.7) / 0.85, 1e-3);
  // Following 20,000 of 50,000 = 40% > 30%: severity 0.1 / 0.7 + 0.1.
  ASSERT_EQ(r.anomaly_count, 1);
  EXPECT_EQ(r.anomalies[0].type, v1::ANOMALY_TYPE_HIGH_FOLLOWING_RATIO);
  EXPECT_NEAR(r.anomalies[0].severity, 0.242857, 1e-6);
  EXPECT_EQ(r.deliverable, cv1::DELIVERABLE_TYPE_POST);
  EXPECT_FALSE(r.has_fit);
  EXPECT_FALSE(r.has_audience_fit);
  EXPECT_NEAR(r.outcome.engagements.mean, 1'500, 1e-9);
}

TEST(ScoreCreator, FitBreakdownAddsUpAndIsExplained) {
  const ModelConfig config = DefaultModelConfig();
  const PreparedBrief brief = PrepareBrief(Brief(), config, 1.0);
  ScoringContext ctx{.config = &config, .brief = &brief};
  CreatorResult r;
  ScoreCreator(Runner(), ctx, &r);
  ASSERT_TRUE(r.has_fit);
  ASSERT_TRUE(r.has_audience_fit);
  EXPECT_NEAR(r.audience_fit, 63.6111, 1e-4);
  // Sales weights: every factor present (brief has a target and categories).
  double total = 0;
  for (int f = 0; f < kNumFitFactors; ++f) {
    EXPECT_TRUE(r.fit.present[static_cast<size_t>(f)]) << FitFactorName(f);
    total += r.fit.contribution[static_cast<size_t>(f)];
  }
  EXPECT_NEAR(total, r.fit.score, 1e-9);
  EXPECT_DOUBLE_EQ(r.fit.weight[kAudienceFit], 0.25);
  EXPECT_NEAR(r.fit.value[kEngagement], 61.9018, 1e-3);
  EXPECT_NEAR(r.fit.value[kCredibility], 85, 1e-9);
  EXPECT_EQ(r.fit.value[kCategoryFit], 100);
  // Funnel (sales: CTR 0.8%, CVR 2.5%, AOV $50) on the targeted share.
  EXPECT_NEAR(r.funnel.clicks.mean, 10'875 * 0.34125 * 0.008, 1e-6);

  v1::CreatorScore proto;
  ToProto(Runner(), r, ctx, &proto);
  EXPECT_EQ(proto.creator_id(), "instagram:runner");
  EXPECT_EQ(proto.engagement().band(), v1::ENGAGEMENT_BAND_AVERAGE);
  EXPECT_EQ(proto.fit().factors_size(), 6);
  EXPECT_EQ(proto.fit().factors(0).name(), "audience_fit");
  EXPECT_EQ(proto.audience_fit().dimensions_size(), 4);
  EXPECT_EQ(proto.price().fee().currency_code(), "USD");
  EXPECT_LE(proto.price().fee().p10_micros(), proto.price().fee().expected_micros());
  EXPECT_GE(proto.price().fee().p90_micros(), proto.price().fee().expected_micros());
  EXPECT_EQ(proto.authenticity().anomalies(0).description(),
            "follows 40% of its follower count (screening rule: <= 30%)");
}

TEST(ScoreCreator, AnomaliesHandComputedAndSortedBySeverity) {
  const ModelConfig config = DefaultModelConfig();
  ScoringContext ctx{.config = &config, .brief = nullptr};
  cv1::Creator c;
  c.set_platform(cv1::PLATFORM_INSTAGRAM);
  c.set_country_code("US");
  c.mutable_stats()->set_followers(10'000);
  c.mutable_stats()->set_avg_likes(2'000);
  c.mutable_stats()->set_avg_comments(5);
  c.mutable_stats()->set_follower_growth_30d(0.30);
  c.mutable_stats()->set_follower_growth_90d(0.36);
  cv1::CountryShare* br = c.mutable_audience()->add_countries();
  br->set_country_code("BR");
  br->set_share(0.6);
  c.mutable_audience()->set_credibility(0.5);
  CreatorResult r;
  ScoreCreator(c, ctx, &r);
  ASSERT_EQ(r.anomaly_count, 5);
  // Rate 2,005 / 10,000 = 0.2005 = 5.729x micro's good 0.035: (5.729 - 2) / 4.
  EXPECT_EQ(r.anomalies[0].type, v1::ANOMALY_TYPE_ENGAGEMENT_OUTLIER);
  EXPECT_NEAR(r.anomalies[0].severity, (0.2005 / 0.035 - 2) / 4, 1e-9);
  EXPECT_EQ(r.anomalies[1].type, v1::ANOMALY_TYPE_FOLLOWER_SPIKE);
  EXPECT_NEAR(r.anomalies[1].severity, 0.65, 1e-9);
  // 5 comments per 2,000 likes = 0.25%: 1 - 0.0025 / 0.005 = 0.5; the geo
  // mismatch (0% in the US) also 0.5, after it by type.
  EXPECT_EQ(r.anomalies[2].type, v1::ANOMALY_TYPE_LIKES_WITHOUT_COMMENTS);
  EXPECT_NEAR(r.anomalies[2].severity, 0.5, 1e-9);
  EXPECT_EQ(r.anomalies[3].type, v1::ANOMALY_TYPE_AUDIENCE_GEO_MISMATCH);
  EXPECT_NEAR(r.anomalies[3].severity, 0.5, 1e-9);
  EXPECT_EQ(r.anomalies[4].type, v1::ANOMALY_TYPE_LOW_CREDIBILITY);
  EXPECT_NEAR(r.anomalies[4].severity, 0.25 / 0.75 + 0.1, 1e-9);
}

TEST(ScoreCreator, SameInputSameBytes) {
  const ModelConfig config = DefaultModelConfig();
  const PreparedBrief brief = PrepareBrief(Brief(), config, 1.0);
  ScoringContext ctx{.config = &config, .brief = &brief};
  std::string first;
  for (int i = 0; i < 2; ++i) {
    CreatorResult r;
    ScoreCreator(Runner(), ctx, &r);
    v1::CreatorScore proto;
    ToProto(Runner(), r, ctx, &proto);
    std::string bytes;
    ASSERT_TRUE(proto.SerializeToString(&bytes));
    if (i == 0) first = bytes;
    EXPECT_EQ(bytes, first);
  }
}

TEST(ScoreCreator, HiddenLikesLeaveEngagementUnsetAndCountZeroInFit) {
  const ModelConfig config = DefaultModelConfig();
  const PreparedBrief brief = PrepareBrief(Brief(), config, 1.0);
  ScoringContext ctx{.config = &config, .brief = &brief};
  cv1::Creator c = Runner();
  c.mutable_stats()->set_likes_hidden(true);
  CreatorResult r;
  ScoreCreator(c, ctx, &r);
  EXPECT_FALSE(r.engagement_rate.has_value());
  EXPECT_EQ(r.fit.value[kEngagement], 0);
  v1::CreatorScore proto;
  ToProto(c, r, ctx, &proto);
  EXPECT_FALSE(proto.engagement().has_rate());
  EXPECT_EQ(proto.engagement().band(), v1::ENGAGEMENT_BAND_UNSPECIFIED);
}

TEST(ScoreCreator, MoneyInTheContextCurrency) {
  auto config = ApplyOverrides(DefaultModelConfig(), "", "", "EUR=0.5", 0);
  ASSERT_TRUE(config.ok());
  ScoringContext usd{.config = &*config, .brief = nullptr};
  ScoringContext eur{
      .config = &*config, .currency_code = "EUR", .fx_per_usd = 0.5, .brief = nullptr};
  CreatorResult r;
  ScoreCreator(Runner(), usd, &r);
  v1::CreatorScore in_usd, in_eur;
  ToProto(Runner(), r, usd, &in_usd);
  ToProto(Runner(), r, eur, &in_eur);
  EXPECT_EQ(in_eur.price().fee().currency_code(), "EUR");
  EXPECT_NEAR(static_cast<double>(in_eur.price().fee().expected_micros()),
              in_usd.price().fee().expected_micros() * 0.5, 1);
}

TEST(ScoreCreator, BasicViewKeepsEveryScoreAndDropsOnlyTheExplanation) {
  const ModelConfig config = DefaultModelConfig();
  const PreparedBrief brief = PrepareBrief(Brief(), config, 1.0);
  ScoringContext full{.config = &config, .brief = &brief};
  ScoringContext basic = full;
  basic.explain = false;
  CreatorResult r;
  ScoreCreator(Runner(), full, &r);
  v1::CreatorScore with, without;
  ToProto(Runner(), r, full, &with);
  ToProto(Runner(), r, basic, &without);
  ASSERT_GT(with.fit().factors_size(), 0);
  ASSERT_GT(with.audience_fit().dimensions_size(), 0);
  ASSERT_GT(with.authenticity().anomalies_size(), 0);
  EXPECT_FALSE(with.authenticity().anomalies(0).description().empty());
  EXPECT_GT(with.price().expected_impressions(), 0);
  // The explanation is exactly what BASIC leaves out.
  v1::CreatorScore stripped = with;
  stripped.mutable_fit()->clear_factors();
  stripped.mutable_audience_fit()->clear_dimensions();
  for (v1::Anomaly& a : *stripped.mutable_authenticity()->mutable_anomalies()) {
    a.clear_description();
  }
  stripped.mutable_price()->clear_expected_impressions();
  stripped.mutable_price()->clear_expected_engagements();
  EXPECT_EQ(stripped.SerializeAsString(), without.SerializeAsString());
  EXPECT_EQ(without.fit().score(), with.fit().score());
  EXPECT_LT(without.ByteSizeLong(), with.ByteSizeLong() * 0.7);
}

TEST(ScoreCreator, GrowthFromTheDailySeriesWhenGivenElseFromTheProxy) {
  const ModelConfig config = DefaultModelConfig();
  ScoringContext ctx{.config = &config, .brief = nullptr};
  cv1::Creator c;
  c.set_platform(cv1::PLATFORM_INSTAGRAM);
  c.mutable_stats()->set_followers(22'000);
  c.mutable_stats()->set_follower_growth_30d(0.10);  // proxy: excess 0.10 - 0.03 = 0.07
  c.mutable_stats()->set_follower_growth_90d(0.09);  // -> severity (0.07 - 0.05) / 0.2 = 0.1
  c.mutable_audience()->set_credibility(0.8);
  c.mutable_audience()->set_reachability(0.9);

  CreatorResult proxy;
  ScoreCreator(c, ctx, &proxy);
  EXPECT_EQ(proxy.growth_evidence, v1::GROWTH_EVIDENCE_GROWTH_RATES);
  EXPECT_NEAR(*proxy.growth_severity, 0.1, 1e-9);
  ctx.explain = true;
  v1::CreatorScore proxy_proto;
  ToProto(c, proxy, ctx, &proxy_proto);
  EXPECT_EQ(proxy_proto.authenticity().growth_evidence(), v1::GROWTH_EVIDENCE_GROWTH_RATES);
  ASSERT_EQ(proxy_proto.authenticity().anomalies_size(), 1);
  EXPECT_EQ(proxy_proto.authenticity().anomalies(0).description(),
            "+10.0% followers in 30 days against +9.0% in 90 days (from growth rates: no daily "
            "follower series given)");

  // Three purchases a week apart (audience_quality_test): severity 0.327273,
  // a staircase, and the series wins over the growth rates.
  std::vector<int64_t> series = {20'000};
  for (int day = 1; day <= 28; ++day) {
    series.push_back(series.back() + (day == 7 ? 400 : day == 14 ? 600 : day == 21 ? 500 : 20));
  }
  CreatorResult r;
  ScoreCreator(c, ctx, &r, series);
  EXPECT_EQ(r.growth_evidence, v1::GROWTH_EVIDENCE_DAILY_SERIES);
  EXPECT_NEAR(*r.growth_severity, 5.0 * 1'440 / 22'000, 1e-12);
  EXPECT_TRUE(r.series.staircase);
  // Audience quality: credibility and growth and reach, engagement unknown:
  // (0.45 x 0.8 + 0.15 x (1 - 0.327273) + 0.15 x 0.9) / 0.75.
  EXPECT_NEAR(*r.audience_quality,
              100 * (0.45 * 0.8 + 0.15 * (1 - 5.0 * 1'440 / 22'000) + 0.15 * 0.9) / 0.75, 1e-9);
  v1::CreatorScore proto;
  ToProto(c, r, ctx, &proto);
  EXPECT_EQ(proto.authenticity().growth_evidence(), v1::GROWTH_EVIDENCE_DAILY_SERIES);
  ASSERT_EQ(proto.authenticity().anomalies_size(), 1);
  EXPECT_EQ(proto.authenticity().anomalies(0).type(), v1::ANOMALY_TYPE_FOLLOWER_SPIKE);
  EXPECT_EQ(proto.authenticity().anomalies(0).description(),
            "staircase: 3 follower spikes in the daily series, the largest +600 on day 14");

  // Too short a series is ignored (the proxy stays); no growth data at all
  // leaves growth unjudged.
  ScoreCreator(c, ctx, &r, absl::MakeConstSpan(series).subspan(0, 6));
  EXPECT_EQ(r.growth_evidence, v1::GROWTH_EVIDENCE_GROWTH_RATES);
  c.mutable_stats()->clear_follower_growth_90d();
  ScoreCreator(c, ctx, &r);
  EXPECT_EQ(r.growth_evidence, v1::GROWTH_EVIDENCE_UNSPECIFIED);
  EXPECT_FALSE(r.growth_severity.has_value());
}

}  // namespace
}  // namespace microreach::scoring
