// Unit tests of JitteredTtl: bounds, exact values with an injected source,
// and spread with the internal generator.
#include "common/redis/jittered_ttl.h"

#include <set>

#include "gtest/gtest.h"

namespace microreach::redis {
namespace {

TEST(JitteredTtlTest, InjectedSourceMapsOntoTheRange) {
  double u = 0;
  JitteredTtl ttl(absl::Seconds(100), 0.2, [&u] { return u; });
  EXPECT_EQ(ttl.min(), absl::Seconds(80));
  EXPECT_EQ(ttl.max(), absl::Seconds(120));
  u = 0.0;
  EXPECT_EQ(ttl.Next(), absl::Seconds(80));
  u = 0.5;
  EXPECT_EQ(ttl.Next(), absl::Seconds(100));
  u = 0.75;
  EXPECT_EQ(ttl.Next(), absl::Seconds(110));
  u = 0.9999999999;
  EXPECT_EQ(ttl.Next(), absl::Seconds(120));
}

TEST(JitteredTtlTest, OutOfRangeSourceIsClampedToTheBounds) {
  double u = -3;
  JitteredTtl ttl(absl::Seconds(10), 0.1, [&u] { return u; });
  EXPECT_EQ(ttl.Next(), absl::Seconds(9));
  u = 7;
  EXPECT_EQ(ttl.Next(), absl::Seconds(11));
}

TEST(JitteredTtlTest, InternalGeneratorStaysInBoundsAndSpreads) {
  JitteredTtl ttl(absl::Minutes(10), 0.1);
  std::set<int64_t> distinct;
  bool below = false;
  bool above = false;
  for (int i = 0; i < 10'000; ++i) {
    const absl::Duration d = ttl.Next();
    ASSERT_GE(d, absl::Minutes(9));
    ASSERT_LE(d, absl::Minutes(11));
    ASSERT_EQ(d, absl::Floor(d, absl::Milliseconds(1))) << "PX takes whole milliseconds";
    distinct.insert(absl::ToInt64Milliseconds(d));
    below |= d < absl::Minutes(10);
    above |= d > absl::Minutes(10);
  }
  EXPECT_TRUE(below);
  EXPECT_TRUE(above);
  EXPECT_GT(distinct.size(), 9'000u);
}

TEST(JitteredTtlTest, ZeroJitterIsExactAndTinyTtlsStayPositive) {
  JitteredTtl exact(absl::Seconds(30), 0.0);
  EXPECT_EQ(exact.Next(), absl::Seconds(30));
  JitteredTtl tiny(absl::Microseconds(10), 0.5);
  EXPECT_EQ(tiny.Next(), absl::Milliseconds(1));
}

}  // namespace
}  // namespace microreach::redis
