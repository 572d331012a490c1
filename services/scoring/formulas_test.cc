// Hand-computed checks of every shared formula of docs/metrics.md.
#include "services/scoring/formulas.h"

#include <utility>
#include <vector>

#include "gtest/gtest.h"

namespace microreach::scoring {
namespace {

namespace cv1 = ::microreach::common::v1;

TEST(TierOf, UsesInclusiveLowerBounds) {
  EXPECT_EQ(TierOf(9'999), cv1::TIER_NANO);
  EXPECT_EQ(TierOf(10'000), cv1::TIER_MICRO);
  EXPECT_EQ(TierOf(99'999), cv1::TIER_MICRO);
  EXPECT_EQ(TierOf(100'000), cv1::TIER_MACRO);
  EXPECT_EQ(TierOf(1'000'000), cv1::TIER_COUNTRY);
  EXPECT_EQ(TierOf(10'000'000), cv1::TIER_GLOBAL);
  EXPECT_EQ(TierOf(-1), cv1::TIER_UNSPECIFIED);
}

EngagementInputs Inputs(cv1::Platform platform, int64_t followers) {
  EngagementInputs in;
  in.platform = platform;
  in.followers = followers;
  return in;
}

TEST(EngagementRate, InstagramIsByFollowers) {
  // (300 + 20) / 10,000 = 0.032
  EngagementInputs in = Inputs(cv1::PLATFORM_INSTAGRAM, 10'000);
  in.avg_likes = 300;
  in.avg_comments = 20;
  EXPECT_DOUBLE_EQ(*EngagementRate(in), 0.032);
}

TEST(EngagementRate, TikTokIsByViewsWithShares) {
  // (900 + 50 + 50) / 20,000 = 0.05
  EngagementInputs in = Inputs(cv1::PLATFORM_TIKTOK, 1'000'000);
  in.avg_likes = 900;
  in.avg_comments = 50;
  in.avg_shares = 50;
  in.avg_views = 20'000;
  EXPECT_DOUBLE_EQ(*EngagementRate(in), 0.05);
}

TEST(EngagementRate, YouTubeIsByViewsWithoutShares) {
  // (400 + 100) / 10,000 = 0.05; shares are not part of YouTube's rate.
  EngagementInputs in = Inputs(cv1::PLATFORM_YOUTUBE, 5);
  in.avg_likes = 400;
  in.avg_comments = 100;
  in.avg_shares = 999;
  in.avg_views = 10'000;
  EXPECT_DOUBLE_EQ(*EngagementRate(in), 0.05);
}

TEST(EngagementRate, HiddenLikesGiveNoRateAndStoredRateIsTheFallback) {
  EngagementInputs hidden = Inputs(cv1::PLATFORM_INSTAGRAM, 10'000);
  hidden.likes_hidden = true;
  hidden.avg_likes = 300;
  hidden.avg_comments = 20;
  hidden.stored_rate = 0.04;
  EXPECT_FALSE(EngagementRate(hidden).has_value());
  EngagementInputs stored = Inputs(cv1::PLATFORM_INSTAGRAM, 10'000);
  stored.stored_rate = 0.04;
  EXPECT_DOUBLE_EQ(*EngagementRate(stored), 0.04);
  EngagementInputs nothing = Inputs(cv1::PLATFORM_INSTAGRAM, 0);
  nothing.avg_likes = 1;
  nothing.avg_comments = 1;
  EXPECT_FALSE(EngagementRate(nothing).has_value());
}

TEST(BandOf, FollowsThePublishedCutOffs) {
  EXPECT_EQ(BandOf(0.0099), EngagementBand::kLow);
  EXPECT_EQ(BandOf(0.01), EngagementBand::kAverage);
  EXPECT_EQ(BandOf(0.0349), EngagementBand::kAverage);
  EXPECT_EQ(BandOf(0.035), EngagementBand::kHigh);
  EXPECT_EQ(BandOf(0.06), EngagementBand::kHigh);
  EXPECT_EQ(BandOf(0.0601), EngagementBand::kVeryHigh);
}

TEST(EngagementBenchmark, DoublesOnViewBasedPlatforms) {
  TierBenchmark ig = EngagementBenchmark(cv1::PLATFORM_INSTAGRAM, cv1::TIER_MICRO);
  EXPECT_DOUBLE_EQ(ig.good, 0.035);
  EXPECT_DOUBLE_EQ(ig.below_average, 0.02);
  EXPECT_NEAR(ig.Median(), 0.0264575131, 1e-9);  // sqrt(0.035 * 0.02)
  TierBenchmark tt = EngagementBenchmark(cv1::PLATFORM_TIKTOK, cv1::TIER_MICRO);
  EXPECT_DOUBLE_EQ(tt.good, 0.07);
  EXPECT_DOUBLE_EQ(tt.below_average, 0.04);
}

TEST(EngagementPercentile, GoodIsP75BelowAverageIsP25) {
  const TierBenchmark b = EngagementBenchmark(cv1::PLATFORM_INSTAGRAM, cv1::TIER_MICRO);
  EXPECT_NEAR(EngagementPercentile(b.good, b), 75.0, 1e-9);
  EXPECT_NEAR(EngagementPercentile(b.below_average, b), 25.0, 1e-9);
  EXPECT_NEAR(EngagementPercentile(b.Median(), b), 50.0, 1e-9);
  // 3%: z = ln(0.03 / 0.026458) / 0.414844 = 0.30284 -> 61.90
  EXPECT_NEAR(EngagementPercentile(0.03, b), 61.9018, 1e-3);
  EXPECT_EQ(EngagementPercentile(0, b), 0);
}

TEST(ResolveDimensionWeights, DefaultsRenormalisedOverSpecifiedDimensions) {
  DimensionArray all = ResolveDimensionWeights({}, {true, true, true, true, true});
  EXPECT_DOUBLE_EQ(all[kGender], 0.50);
  EXPECT_DOUBLE_EQ(all[kAge], 0.15);
  EXPECT_DOUBLE_EQ(all[kInterests], 0.15);
  EXPECT_DOUBLE_EQ(all[kCountry], 0.10);
  EXPECT_DOUBLE_EQ(all[kLanguage], 0.10);
  // Gender and country only: 0.5 / 0.6 and 0.1 / 0.6.
  DimensionArray two = ResolveDimensionWeights({}, {true, false, true, false, false});
  EXPECT_NEAR(two[kGender], 0.833333, 1e-6);
  EXPECT_NEAR(two[kCountry], 0.166667, 1e-6);
  EXPECT_EQ(two[kAge], 0);
  DimensionArray explicit_w =
      ResolveDimensionWeights({1, 0, 1, 0, 0}, {true, true, true, false, false});
  EXPECT_DOUBLE_EQ(explicit_w[kCountry], 0.5);
  EXPECT_DOUBLE_EQ(explicit_w[kGender], 0.5);
  EXPECT_DOUBLE_EQ(explicit_w[kAge], 0);
  DimensionArray none = ResolveDimensionWeights({}, {});
  for (double w : none) EXPECT_EQ(w, 0);
}

TEST(DimensionMatch, WeightsScaledToTheHeaviestAndCapped) {
  std::vector<double> w = {2, 1, 0};
  NormalizeToHeaviest(absl::MakeSpan(w));
  EXPECT_EQ(w, (std::vector<double>{1, 0.5, 0}));
  std::vector<double> zeros = {0, 0};
  NormalizeToHeaviest(absl::MakeSpan(zeros));
  EXPECT_EQ(zeros, (std::vector<double>{1, 1}));
  // 1 x 0.4 + 0.5 x 0.2 = 0.5
  EXPECT_DOUBLE_EQ(DimensionMatch(std::vector<double>{1, 0.5}, std::vector<double>{0.4, 0.2}), 0.5);
  EXPECT_DOUBLE_EQ(DimensionMatch(std::vector<double>{1, 1}, std::vector<double>{0.7, 0.6}), 1.0);
}

TEST(FitWeights, SumToOneForEveryObjective) {
  for (int o = 0; o <= 4; ++o) {
    double total = 0;
    for (double w : FitWeightsFor(static_cast<cv1::CampaignObjective>(o))) total += w;
    EXPECT_NEAR(total, 1.0, 1e-12) << o;
  }
}

TEST(FitWeights, TheDocumentedTableByObjective) {
  // docs/metrics.md "Fit score for a brief": audience_fit, engagement,
  // credibility, category_fit, price_efficiency, predicted_return.
  const FitArray awareness = {0.35, 0.15, 0.20, 0.10, 0.20, 0};
  const FitArray launch = {0.30, 0.25, 0.20, 0.10, 0.15, 0};
  const FitArray leads = {0.25, 0.20, 0.15, 0.10, 0.10, 0.20};
  const FitArray sales = {0.25, 0.15, 0.15, 0.10, 0.10, 0.25};
  const std::pair<cv1::CampaignObjective, FitArray> table[] = {
      {cv1::CAMPAIGN_OBJECTIVE_UNSPECIFIED, awareness},
      {cv1::CAMPAIGN_OBJECTIVE_AWARENESS, awareness},
      {cv1::CAMPAIGN_OBJECTIVE_LAUNCH, launch},
      {cv1::CAMPAIGN_OBJECTIVE_LEADS, leads},
      {cv1::CAMPAIGN_OBJECTIVE_SALES, sales}};
  for (const auto& [objective, want] : table) {
    const FitArray got = FitWeightsFor(objective);
    for (size_t f = 0; f < want.size(); ++f) EXPECT_NEAR(got[f], want[f], 1e-12) << objective;
  }
}

TEST(CombineFactors, DropsMissingFactorsAndRenormalises) {
  // Awareness: audience 0.35, engagement 0.15, credibility 0.20, price 0.20
  // present (0.90); return has weight 0. (80*.35 + 60*.15 + 90*.2 + 50*.2) / .9
  std::array<std::optional<double>, kNumFitFactors> v;
  v[kAudienceFit] = 80;
  v[kEngagement] = 60;
  v[kCredibility] = 90;
  v[kPriceEfficiency] = 50;
  v[kPredictedReturn] = 100;
  FitBreakdown b = CombineFactors(FitWeightsFor(cv1::CAMPAIGN_OBJECTIVE_AWARENESS), v);
  EXPECT_NEAR(b.score, 72.222222, 1e-6);
  EXPECT_FALSE(b.present[kCategoryFit]);
  EXPECT_FALSE(b.present[kPredictedReturn]);
  EXPECT_NEAR(b.weight[kAudienceFit], 0.388889, 1e-6);
  EXPECT_NEAR(b.contribution[kAudienceFit], 31.111111, 1e-6);
  EXPECT_NEAR(b.contribution[kEngagement], 10.0, 1e-9);
  EXPECT_NEAR(b.contribution[kCredibility], 20.0, 1e-9);
  EXPECT_NEAR(b.contribution[kPriceEfficiency], 11.111111, 1e-6);
}

TEST(CategoryFit, MainCategoryFullOtherHalf) {
  const uint32_t fitness = 1u << cv1::CATEGORY_FITNESS;
  const uint32_t food = 1u << cv1::CATEGORY_FOOD;
  const uint32_t travel = 1u << cv1::CATEGORY_TRAVEL;
  std::vector<int> creator = {cv1::CATEGORY_FITNESS, cv1::CATEGORY_FOOD};
  EXPECT_EQ(CategoryFit(creator, fitness), 100);
  EXPECT_EQ(CategoryFit(creator, food), 50);
  EXPECT_EQ(CategoryFit(creator, travel), 0);
  EXPECT_EQ(CategoryFit({}, fitness), 0);
}

TEST(MoneyRatios, HandComputed) {
  EXPECT_DOUBLE_EQ(Cpm(500, 20'000), 25);
  EXPECT_DOUBLE_EQ(Cpe(500, 1'000), 0.5);
  EXPECT_DOUBLE_EQ(Emv(20'000, 6.5), 130);
  EXPECT_DOUBLE_EQ(Roi(1'500, 1'000), 0.5);
  EXPECT_DOUBLE_EQ(Roas(1'500, 1'000), 1.5);
  EXPECT_EQ(Cpm(500, 0), 0);
  EXPECT_EQ(Cpe(500, 0), 0);
}

TEST(LogNormal, QuantilesProductsAndSums) {
  Quantiles exact = QuantilesOf({100, 0});
  EXPECT_DOUBLE_EQ(exact.p10, 100);
  EXPECT_DOUBLE_EQ(exact.p90, 100);
  // p10 = 100 exp(-0.125 - 1.28155 * 0.5), p90 = 100 exp(-0.125 + 1.28155 * 0.5)
  Quantiles q = QuantilesOf({100, 0.5});
  EXPECT_DOUBLE_EQ(q.expected, 100);
  EXPECT_NEAR(q.p10, 46.497307, 1e-5);
  EXPECT_NEAR(q.p90, 167.493739, 1e-5);
  Dist product = Multiply({10, 0.3}, {2, 0.4});
  EXPECT_DOUBLE_EQ(product.mean, 20);
  EXPECT_NEAR(product.sigma, 0.5, 1e-12);
  Dist sum = SumOf(std::vector<Dist>{{100, 0}, {100, 0}});
  EXPECT_DOUBLE_EQ(sum.mean, 200);
  EXPECT_DOUBLE_EQ(sum.sigma, 0);
  Dist one = SumOf(std::vector<Dist>{{100, 0.5}});
  EXPECT_NEAR(one.sigma, 0.5, 1e-12);
  // Two equal independent parts: var = 2 * 100^2 (e^0.25 - 1), mean 200,
  // sigma^2 = ln(1 + (e^0.25 - 1) / 2) = 0.132792
  Dist two = SumOf(std::vector<Dist>{{100, 0.5}, {100, 0.5}});
  EXPECT_NEAR(two.sigma * two.sigma, 0.1327922, 1e-6);
}

TEST(WilsonInterval, EightOfTen) {
  Interval i = WilsonInterval(8, 10);
  EXPECT_NEAR(i.low, 0.490162, 1e-6);
  EXPECT_NEAR(i.high, 0.943318, 1e-6);
  Interval none = WilsonInterval(0, 0);
  EXPECT_EQ(none.low, 0);
  EXPECT_EQ(none.high, 1);
}

}  // namespace
}  // namespace microreach::scoring
