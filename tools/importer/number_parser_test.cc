// Tests of shorthand, grouped and percentage number parsing.
#include "tools/importer/number_parser.h"

#include "gtest/gtest.h"

namespace microreach::importer {
namespace {

double Value(absl::string_view text) {
  auto parsed = ParseNumber(text);
  EXPECT_TRUE(parsed.ok()) << text << ": " << parsed.status();
  EXPECT_TRUE(parsed.ok() && parsed->has_value()) << text;
  return parsed.ok() && parsed->has_value() ? (*parsed)->value : -1;
}

TEST(ParseNumberTest, Shorthand) {
  EXPECT_EQ(Value("477.9M"), 477'900'000);
  EXPECT_EQ(Value("30.8K"), 30'800);
  EXPECT_EQ(Value("1.2B"), 1'200'000'000);
  EXPECT_EQ(Value("523M"), 523'000'000);
  EXPECT_EQ(Value(" 7.2k "), 7'200);
  EXPECT_FALSE((*ParseNumber("30.8K"))->plain);
}

TEST(ParseNumberTest, PlainAndGrouped) {
  EXPECT_EQ(Value("1,234"), 1234);
  EXPECT_EQ(Value("1,234,567.5"), 1234567.5);
  EXPECT_EQ(Value("477900000.00"), 477'900'000);
  EXPECT_EQ(Value("158"), 158);
  EXPECT_EQ(Value("-0.25"), -0.25);
  EXPECT_TRUE((*ParseNumber("409800000"))->plain);
}

TEST(ParseNumberTest, PercentIsAFraction) {
  EXPECT_DOUBLE_EQ(Value("1.39%"), 0.0139);
  EXPECT_DOUBLE_EQ(Value("100%"), 1.0);
  EXPECT_TRUE((*ParseNumber("1.39%"))->percent);
}

TEST(ParseNumberTest, BlanksAreUnknown) {
  for (absl::string_view blank : {"", "   ", "-", "N/A", "null", "None"}) {
    auto parsed = ParseNumber(blank);
    ASSERT_TRUE(parsed.ok()) << blank;
    EXPECT_FALSE(parsed->has_value()) << blank;
  }
}

TEST(ParseNumberTest, GarbageIsRejectedQuotingTheText) {
  for (absl::string_view bad :
       {"abc", "1.2.3", "12,34", "1,", "1e5", "inf", "nan", "1.2KM", "K", "%", "1.5x", "0x10"}) {
    auto parsed = ParseNumber(bad);
    EXPECT_FALSE(parsed.ok()) << bad;
    if (!parsed.ok()) {
      EXPECT_NE(parsed.status().message().find(bad), absl::string_view::npos);
    }
  }
}

}  // namespace
}  // namespace microreach::importer
