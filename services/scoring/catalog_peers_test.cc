// The peer table built from search's GetCatalogStats quantiles.
#include "services/scoring/catalog_peers.h"

#include "gtest/gtest.h"

namespace microreach::scoring {
namespace {

namespace cv1 = ::microreach::common::v1;

TEST(PeerTableFromCatalogStats, CellsWithTooFewRatesFallBackToTheReference) {
  search::v1::GetCatalogStatsResponse stats;
  stats.set_catalog_version(42);
  auto add = [&](cv1::Platform p, cv1::Tier t, int64_t n, const std::vector<double>& q) {
    search::v1::EngagementRateQuantiles* cell = stats.add_engagement_quantiles();
    cell->set_platform(p);
    cell->set_tier(t);
    cell->set_sample_count(n);
    for (double v : q) cell->add_quantiles(v);
  };
  add(cv1::PLATFORM_INSTAGRAM, cv1::TIER_MICRO, 100, {0.01, 0.02, 0.05});
  add(cv1::PLATFORM_INSTAGRAM, cv1::TIER_MACRO, 99, {0.01, 0.02, 0.05});
  add(cv1::PLATFORM_TIKTOK, cv1::TIER_NANO, 500, {0.05, 0.02});  // malformed
  const absl::Time now = absl::FromUnixSeconds(1'700'000'000);
  PeerTable t = PeerTableFromCatalogStats(stats, 100, now);
  EXPECT_EQ(t.catalog_version(), 42);
  EXPECT_EQ(t.fetched_at(), now);
  ASSERT_EQ(t.Find(cv1::PLATFORM_INSTAGRAM, cv1::TIER_MICRO).size(), 3u);
  EXPECT_DOUBLE_EQ(CatalogPercentile(0.02, t.Find(cv1::PLATFORM_INSTAGRAM, cv1::TIER_MICRO)), 50);
  EXPECT_TRUE(t.Find(cv1::PLATFORM_INSTAGRAM, cv1::TIER_MACRO).empty());
  EXPECT_TRUE(t.Find(cv1::PLATFORM_TIKTOK, cv1::TIER_NANO).empty());
}

}  // namespace
}  // namespace microreach::scoring
