// Percentiles within the catalog's own distribution, and the kernel choosing
// it over the reference one (docs/metrics.md "Percentile among peers").
#include "services/scoring/peer_distribution.h"

#include <memory>

#include "gtest/gtest.h"
#include "services/scoring/creator_scorer.h"

namespace microreach::scoring {
namespace {

namespace cv1 = ::microreach::common::v1;

TEST(CatalogPercentile, HandComputed) {
  // Points at probabilities 0, 1/4, 1/2, 3/4, 1.
  const std::vector<double> q = {0.01, 0.02, 0.04, 0.08, 0.16};
  EXPECT_DOUBLE_EQ(CatalogPercentile(0.03, q), 37.5);  // 100 x (1 + 0.01 / 0.02) / 4
  EXPECT_DOUBLE_EQ(CatalogPercentile(0.04, q), 50);    // on a point
  EXPECT_DOUBLE_EQ(CatalogPercentile(0.12, q), 87.5);  // 100 x (3 + 0.04 / 0.08) / 4
  EXPECT_DOUBLE_EQ(CatalogPercentile(0.005, q), 0);    // below the minimum
  EXPECT_DOUBLE_EQ(CatalogPercentile(0.01, q), 0);     // the minimum itself
  EXPECT_DOUBLE_EQ(CatalogPercentile(0.16, q), 100);   // the maximum itself
  EXPECT_DOUBLE_EQ(CatalogPercentile(0.5, q), 100);    // above it
  // Ties: a rate equal to a run of points gets the middle of the run.
  const std::vector<double> tied = {0.01, 0.02, 0.02, 0.02, 0.05};
  EXPECT_DOUBLE_EQ(CatalogPercentile(0.02, tied), 50);                      // points 1..3
  EXPECT_DOUBLE_EQ(CatalogPercentile(0.035, tied), 87.5);                   // 100 x (3 + 0.5) / 4
  EXPECT_DOUBLE_EQ(CatalogPercentile(0.03, std::vector<double>{0.03}), 0);  // no distribution
}

TEST(PeerTable, KeepsOnlyWellFormedCells) {
  PeerTable t(7, absl::UnixEpoch());
  t.Set(cv1::PLATFORM_INSTAGRAM, cv1::TIER_MICRO, {0.01, 0.02});
  t.Set(cv1::PLATFORM_TIKTOK, cv1::TIER_MICRO, {0.02, 0.01});  // decreasing
  t.Set(cv1::PLATFORM_YOUTUBE, cv1::TIER_MICRO, {0.02});       // one point
  t.Set(static_cast<cv1::Platform>(99), cv1::TIER_MICRO, {0.01, 0.02});
  EXPECT_EQ(t.Find(cv1::PLATFORM_INSTAGRAM, cv1::TIER_MICRO).size(), 2u);
  EXPECT_TRUE(t.Find(cv1::PLATFORM_TIKTOK, cv1::TIER_MICRO).empty());
  EXPECT_TRUE(t.Find(cv1::PLATFORM_YOUTUBE, cv1::TIER_MICRO).empty());
  EXPECT_TRUE(t.Find(cv1::PLATFORM_INSTAGRAM, cv1::TIER_NANO).empty());
  EXPECT_EQ(t.catalog_version(), 7);
}

TEST(PeerDistributions, StaleSnapshotsAreDropped) {
  PeerDistributions peers(absl::Minutes(60));
  const absl::Time t0 = absl::FromUnixSeconds(1'000'000);
  EXPECT_EQ(peers.Current(t0), nullptr);
  peers.Replace(std::make_shared<const PeerTable>(3, t0));
  EXPECT_NE(peers.Current(t0 + absl::Minutes(60)), nullptr);
  EXPECT_EQ(peers.Current(t0 + absl::Minutes(61)), nullptr);
}

cv1::Creator MicroCreator() {
  // (1,400 + 100) / 50,000 = 3% on Instagram, micro tier.
  cv1::Creator c;
  c.set_creator_id("instagram:micro");
  c.set_platform(cv1::PLATFORM_INSTAGRAM);
  c.mutable_stats()->set_followers(50'000);
  c.mutable_stats()->set_avg_likes(1'400);
  c.mutable_stats()->set_avg_comments(100);
  c.mutable_audience()->set_credibility(0.9);
  return c;
}

TEST(ScoreCreator, PercentileFollowsTheCatalog) {
  const ModelConfig config = DefaultModelConfig();
  ScoringContext ctx{.config = &config, .brief = nullptr};
  CreatorResult reference;
  ScoreCreator(MicroCreator(), ctx, &reference);
  EXPECT_FALSE(reference.percentile_from_catalog);
  // Reference: median sqrt(3.5% x 2%) = 2.6458%, sigma ln(1.75) / 1.349 =
  // 0.41484; Phi(ln(3 / 2.6458) / 0.41484 = 0.30284) = 61.90.
  EXPECT_NEAR(*reference.tier_percentile, 61.90, 0.01);

  // A catalog whose micro creators run low: 3% is its P75.
  PeerTable low(1, absl::UnixEpoch());
  low.Set(cv1::PLATFORM_INSTAGRAM, cv1::TIER_MICRO, {0.005, 0.01, 0.02, 0.03, 0.06});
  ctx.peers = &low;
  CreatorResult r;
  ScoreCreator(MicroCreator(), ctx, &r);
  EXPECT_TRUE(r.percentile_from_catalog);
  EXPECT_DOUBLE_EQ(*r.tier_percentile, 75);
  // The percentile feeds audience quality: (0.45 x 0.9 + 0.25 x 0.75) / 0.70.
  EXPECT_NEAR(*r.audience_quality, 100 * (0.45 * 0.9 + 0.25 * 0.75) / 0.70, 1e-9);

  // The same creator in a catalog that runs high: 3% is its P25.
  PeerTable high(2, absl::UnixEpoch());
  high.Set(cv1::PLATFORM_INSTAGRAM, cv1::TIER_MICRO, {0.01, 0.03, 0.05, 0.07, 0.09});
  ctx.peers = &high;
  ScoreCreator(MicroCreator(), ctx, &r);
  EXPECT_DOUBLE_EQ(*r.tier_percentile, 25);

  // A catalog without the creator's cell: the reference, and it says so.
  PeerTable other(3, absl::UnixEpoch());
  other.Set(cv1::PLATFORM_TIKTOK, cv1::TIER_MICRO, {0.01, 0.09});
  ctx.peers = &other;
  ScoreCreator(MicroCreator(), ctx, &r);
  EXPECT_FALSE(r.percentile_from_catalog);
  EXPECT_DOUBLE_EQ(*r.tier_percentile, *reference.tier_percentile);
  v1::CreatorScore proto;
  ToProto(MicroCreator(), r, ctx, &proto);
  EXPECT_EQ(proto.engagement().peer_distribution(), v1::PEER_DISTRIBUTION_REFERENCE);
}

}  // namespace
}  // namespace microreach::scoring
