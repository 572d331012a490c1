// Tests logfmt formatting and quoting.
#include "common/log/log.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace microreach::log {
namespace {

using ::testing::EndsWith;
using ::testing::HasSubstr;
using ::testing::StartsWith;

TEST(LogTest, FormatsKeyValuePairs) {
  Configure("search", Level::kInfo);
  std::string line = Format(Level::kWarning, "cache degraded", {{"errors", "3"}});
  EXPECT_THAT(line, StartsWith("ts="));
  EXPECT_THAT(line, HasSubstr(" level=warning service=search msg=\"cache degraded\""));
  EXPECT_THAT(line, EndsWith(" errors=3"));
}

TEST(LogTest, QuotesAndEscapesValues) {
  std::string line = Format(Level::kInfo, "x", {{"reason", "bad \"token\"\nnext=1"}, {"e", ""}});
  EXPECT_THAT(line, HasSubstr("reason=\"bad \\\"token\\\"\\nnext=1\""));
  EXPECT_THAT(line, EndsWith(" e=\"\""));
}

TEST(LogTest, ParsesLevels) {
  Level level = Level::kInfo;
  EXPECT_TRUE(ParseLevel("WARNING", &level));
  EXPECT_EQ(level, Level::kWarning);
  EXPECT_FALSE(ParseLevel("verbose", &level));
}

}  // namespace
}  // namespace microreach::log
