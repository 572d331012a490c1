// Tests of header normalisation, the mapping file format and preset
// detection on the six real 2022 exports.
#include "tools/importer/column_mapping.h"

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tools/importer/csv_reader.h"
#include "tools/importer/test_data.h"

namespace microreach::importer {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(NormalizeHeaderTest, TrimsCollapsesAndLowerCases) {
  EXPECT_EQ(NormalizeHeader("Engagement average\r\n"), "engagement average");
  EXPECT_EQ(NormalizeHeader("Authentic engagement Values \n"), "authentic engagement values");
  EXPECT_EQ(NormalizeHeader("\nViews (Avg.)"), "views (avg.)");
  EXPECT_EQ(NormalizeHeader(" Subscribers"), "subscribers");
  EXPECT_EQ(NormalizeHeader("Eng.\t (Avg.)"), "eng. (avg.)");
  EXPECT_EQ(NormalizeHeader(""), "");
}

TEST(ColumnMappingTest, FileFormatRoundTrips) {
  const std::string text =
      "# my export\n"
      "@name = agency-x\n"
      "@platform = TikTok\n"
      "handle = Account\n"
      "display_name = Full  Name\n"
      "category = Topic 1\n"
      "category = Topic 2\n"
      "followers = Fans\n"
      "engagement_rate = ER %\n";
  auto mapping = ColumnMapping::Parse(text);
  ASSERT_TRUE(mapping.ok()) << mapping.status();
  EXPECT_EQ(mapping->name, "agency-x");
  EXPECT_EQ(mapping->platform, common::v1::PLATFORM_TIKTOK);
  ASSERT_EQ(mapping->sources.size(), 6u);
  EXPECT_EQ(mapping->sources[2].first, Target::kCategory);
  EXPECT_EQ(mapping->sources[2].second, "Topic 1");

  auto again = ColumnMapping::Parse(mapping->ToString());
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->name, mapping->name);
  EXPECT_EQ(again->platform, mapping->platform);
  ASSERT_EQ(again->sources.size(), mapping->sources.size());
  for (size_t i = 0; i < mapping->sources.size(); ++i) {
    EXPECT_EQ(again->sources[i].first, mapping->sources[i].first);
    EXPECT_EQ(NormalizeHeader(again->sources[i].second),
              NormalizeHeader(mapping->sources[i].second));
  }
  // Every preset survives the round trip too, so `--print_mapping` output
  // is a valid starting point for a custom mapping.
  for (const ColumnMapping& preset : Presets()) {
    auto parsed = ColumnMapping::Parse(preset.ToString());
    ASSERT_TRUE(parsed.ok()) << preset.name;
    EXPECT_EQ(parsed->ToString(), preset.ToString());
  }
}

TEST(ColumnMappingTest, ParseErrorsNameTheLine) {
  EXPECT_THAT(std::string(ColumnMapping::Parse("handle = a\nfollowers\n").status().message()),
              HasSubstr("line 2"));
  EXPECT_THAT(std::string(ColumnMapping::Parse("handel = a\n").status().message()),
              HasSubstr("unknown field \"handel\""));
  EXPECT_THAT(
      std::string(ColumnMapping::Parse("@platform = myspace\nhandle = a").status().message()),
      HasSubstr("unknown platform"));
  EXPECT_FALSE(ColumnMapping::Parse("# nothing\n").ok());
}

TEST(ResolveColumnsTest, DuplicatedHeadersYieldBothColumns) {
  auto mapping = ColumnMapping::Parse("handle = Name\nfollowers = followers\n");
  ASSERT_TRUE(mapping.ok());
  auto resolved = ResolveColumns(*mapping, {"Rank", " name", "followers", "FOLLOWERS "});
  ASSERT_TRUE(resolved.ok()) << resolved.status();
  EXPECT_THAT(resolved->of(Target::kHandle), ElementsAre(1));
  EXPECT_THAT(resolved->of(Target::kFollowers), ElementsAre(2, 3));
}

TEST(ResolveColumnsTest, MissingColumnIsNamed) {
  auto mapping = ColumnMapping::Parse("handle = Name\nfollowers = Fans\n");
  ASSERT_TRUE(mapping.ok());
  auto resolved = ResolveColumns(*mapping, {"name", "followers"});
  EXPECT_THAT(std::string(resolved.status().message()), HasSubstr("\"Fans\""));
}

TEST(DetectPresetTest, UnknownHeaderIsNotFound) {
  EXPECT_EQ(DetectPreset({"foo", "bar"}).status().code(), absl::StatusCode::kNotFound);
}

TEST(DetectPresetTest, EachRealExportGetsItsOwnPreset) {
  MR_REQUIRE_EXPORTS(dir);
  for (const char* name : {"instagram-sep-2022", "instagram-dec-2022", "tiktok-sep-2022",
                           "tiktok-dec-2022", "youtube-sep-2022", "youtube-dec-2022"}) {
    const std::string content = testing::ReadExport(dir, absl::StrCat(name, ".csv"));
    ASSERT_FALSE(content.empty()) << name;
    CsvReader reader(content);
    CsvRecord header;
    ASSERT_TRUE(reader.Next(&header)) << name;
    auto preset = DetectPreset(header.fields);
    ASSERT_TRUE(preset.ok()) << name << ": " << preset.status();
    EXPECT_EQ(preset->name, name);
    EXPECT_TRUE(ResolveColumns(*preset, header.fields).ok()) << name;
  }
}

}  // namespace
}  // namespace microreach::importer
