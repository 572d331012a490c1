// Tests of the import pipeline: the six real 2022 exports, growth between
// snapshots, duplicates, JSONL errors and the error report.
#include "tools/importer/importer.h"

#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "google/protobuf/util/delimited_message_util.h"
#include "gtest/gtest.h"
#include "tools/importer/test_data.h"

namespace microreach::importer {
namespace {

using ::testing::HasSubstr;

const ImportedCreator* Find(const ImportResult& result, absl::string_view creator_id) {
  for (const ImportedCreator& c : result.creators) {
    if (c.creator.creator_id() == creator_id) return &c;
  }
  return nullptr;
}

int64_t CountIssues(const ImportResult& result, absl::string_view file, Severity severity) {
  int64_t n = 0;
  for (const RowIssue& issue : result.issues) n += issue.file == file && issue.severity == severity;
  return n;
}

ImportResult ImportOne(const std::string& dir, const std::string& name,
                       const std::string& previous = "", ImporterOptions options = {}) {
  Importer importer(std::move(options));
  EXPECT_TRUE(importer.AddCsv(name, testing::ReadExport(dir, name)).ok()) << name;
  if (!previous.empty()) {
    EXPECT_TRUE(importer.AddPreviousCsv(previous, testing::ReadExport(dir, previous)).ok());
  }
  return std::move(importer).Finish();
}

struct Expected {
  const char* file;
  int64_t read, imported, duplicates, rejected;
};

TEST(RealExportsTest, EveryRowIsImportedOrAccountedFor) {
  MR_REQUIRE_EXPORTS(dir);
  // Counts checked against the files by hand (python csv + a handle count):
  // YouTube rejections are channel titles with spaces in the handle column.
  const Expected expected[] = {
      {"instagram-sep-2022.csv", 1050, 983, 67, 0}, {"instagram-dec-2022.csv", 1000, 991, 9, 0},
      {"tiktok-sep-2022.csv", 1000, 996, 4, 0},     {"tiktok-dec-2022.csv", 1000, 999, 1, 0},
      {"youtube-sep-2022.csv", 1047, 605, 25, 417}, {"youtube-dec-2022.csv", 1003, 670, 3, 330},
  };
  for (const Expected& e : expected) {
    SCOPED_TRACE(e.file);
    const ImportResult result = ImportOne(dir, e.file);
    ASSERT_EQ(result.files.size(), 1u);
    const FileSummary& f = result.files[0];
    EXPECT_EQ(f.read, f.imported + f.duplicates + f.rejected);
    EXPECT_EQ(f.read, e.read);
    EXPECT_EQ(f.imported, e.imported);
    EXPECT_EQ(f.duplicates, e.duplicates);
    EXPECT_EQ(f.rejected, e.rejected);
    EXPECT_EQ(static_cast<int64_t>(result.creators.size()), f.imported);
    // Every duplicate and every rejection has its line in the report.
    EXPECT_EQ(CountIssues(result, e.file, Severity::kDuplicate), f.duplicates);
    std::set<int64_t> rejected_rows;
    for (const RowIssue& issue : result.issues) {
      if (issue.severity == Severity::kError) rejected_rows.insert(issue.row);
    }
    EXPECT_EQ(static_cast<int64_t>(rejected_rows.size()), f.rejected);
  }
}

TEST(RealExportsTest, StrippingHandleSpacesImportsEveryYouTubeChannel) {
  MR_REQUIRE_EXPORTS(dir);
  ImporterOptions options;
  options.convert.strip_handle_spaces = true;
  const ImportResult result = ImportOne(dir, "youtube-dec-2022.csv", "", options);
  EXPECT_EQ(result.files[0].rejected, 0);
  EXPECT_EQ(result.files[0].imported, 999);
  EXPECT_EQ(result.files[0].warnings, 330);
}

TEST(RealExportsTest, GrowthFromSeptemberToDecember) {
  MR_REQUIRE_EXPORTS(dir);
  // Followers read off both files by hand (September -> December).
  struct Case {
    const char* platform;
    const char* id;
    double sep, dec;
  };
  const Case cases[] = {
      {"instagram", "instagram:cristiano", 477.9e6, 523e6},
      {"instagram", "instagram:leomessi", 358.6e6, 409.8e6},
      {"tiktok", "tiktok:mrbeast", 42.2e6, 60.3e6},
      {"tiktok", "tiktok:khaby.lame", 149.2e6, 153.1e6},
      {"youtube", "youtube:tseries", 224.4e6, 229.5e6},
      {"youtube", "youtube:pewdiepie", 111.6e6, 111.6e6},
  };
  for (const char* platform : {"instagram", "tiktok", "youtube"}) {
    const ImportResult result = ImportOne(dir, absl::StrCat(platform, "-dec-2022.csv"),
                                          absl::StrCat(platform, "-sep-2022.csv"));
    EXPECT_GT(result.growth.matched, 300) << platform;
    EXPECT_EQ(result.growth.matched + result.growth.unmatched,
              static_cast<int64_t>(result.creators.size()));
    for (const Case& c : cases) {
      if (absl::string_view(c.platform) != platform) continue;
      const ImportedCreator* found = Find(result, c.id);
      ASSERT_NE(found, nullptr) << c.id;
      EXPECT_EQ(found->creator.stats().followers(), static_cast<int64_t>(c.dec)) << c.id;
      ASSERT_TRUE(found->creator.stats().has_follower_growth_90d()) << c.id;
      EXPECT_NEAR(found->creator.stats().follower_growth_90d(), (c.dec - c.sep) / c.sep, 1e-9)
          << c.id;
    }
  }
}

TEST(RealExportsTest, NonLatinNamesArePreservedByteExact) {
  MR_REQUIRE_EXPORTS(dir);
  const ImportResult tiktok = ImportOne(dir, "tiktok-dec-2022.csv");
  ASSERT_NE(Find(tiktok, "tiktok:yzn47"), nullptr);
  EXPECT_EQ(Find(tiktok, "tiktok:yzn47")->creator.display_name(), "يزن الأسمر");
  ASSERT_NE(Find(tiktok, "tiktok:mishayoung"), nullptr);
  EXPECT_EQ(Find(tiktok, "tiktok:mishayoung")->creator.display_name(), "Міша Городецький 🇺🇦");
  const ImportResult instagram = ImportOne(dir, "instagram-dec-2022.csv");
  ASSERT_NE(Find(instagram, "instagram:neymarjr"), nullptr);
  EXPECT_EQ(Find(instagram, "instagram:neymarjr")->creator.display_name(), "NJ 🇧🇷");
  EXPECT_EQ(Find(instagram, "instagram:neymarjr")->creator.country_code(), "BR");
}

TEST(RealExportsTest, InstagramEngagementRateIsByFollowers) {
  MR_REQUIRE_EXPORTS(dir);
  const ImportResult result = ImportOne(dir, "instagram-dec-2022.csv");
  const ImportedCreator* messi = Find(result, "instagram:leomessi");
  ASSERT_NE(messi, nullptr);
  // Eng. (Avg.) 23.4M over 409.8M followers.
  EXPECT_NEAR(messi->creator.stats().engagement_rate(), 23.4e6 / 409.8e6, 1e-12);
  EXPECT_EQ(messi->creator.country_code(), "AR");
}

TEST(ImporterTest, DuplicatesKeepTheMoreCompleteThenTheLaterRow) {
  const std::string csv =
      "handle,followers,country\n"
      "alice,100,\n"        // line 2: superseded by the fuller line 3
      "Alice,200,France\n"  // line 3
      "bob,1,Spain\n"       // line 4: superseded by the later line 5
      "bob,2,Spain\n"       // line 5
      "alice,300,\n";       // line 6: less complete than line 3
  ImporterOptions options;
  options.mapping =
      *ColumnMapping::Parse("handle = handle\nfollowers = followers\ncountry = country");
  options.convert.platform = common::v1::PLATFORM_INSTAGRAM;
  Importer importer(options);
  ASSERT_TRUE(importer.AddCsv("x.csv", csv).ok());
  const ImportResult result = std::move(importer).Finish();
  ASSERT_EQ(result.creators.size(), 2u);
  EXPECT_EQ(result.creators[0].creator.creator_id(), "instagram:alice");  // first-seen order
  EXPECT_EQ(result.creators[0].creator.stats().followers(), 200);
  EXPECT_EQ(result.creators[0].row, 3);
  EXPECT_EQ(result.creators[1].creator.stats().followers(), 2);
  EXPECT_EQ(result.files[0].duplicates, 3);
  std::vector<int64_t> rows;
  for (const RowIssue& issue : result.issues) rows.push_back(issue.row);
  EXPECT_THAT(rows, ::testing::ElementsAre(2, 4, 6));
}

TEST(ImporterTest, FileWithoutPlatformIsRefusedRowByRow) {
  ImporterOptions options;
  options.mapping = *ColumnMapping::Parse("handle = h");
  Importer importer(options);
  ASSERT_TRUE(importer.AddCsv("x.csv", "h\na\n").ok());
  const ImportResult result = std::move(importer).Finish();
  EXPECT_EQ(result.files[0].rejected, 1);
  EXPECT_EQ(result.issues[0].field, "platform");
}

TEST(ImporterTest, UnknownHeaderFailsTheFile) {
  Importer importer(ImporterOptions{});
  const absl::Status status = importer.AddCsv("odd.csv", "foo,bar\n1,2\n");
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(status.message()), HasSubstr("odd.csv"));
}

TEST(ImporterTest, DelimitedProfilesImportAndTruncationIsReported) {
  std::string bytes;
  for (const char* handle : {"a", "b", "a"}) {
    common::v1::Creator c;
    c.set_platform(common::v1::PLATFORM_TIKTOK);
    c.set_handle(handle);
    c.mutable_stats()->set_followers(10);
    google::protobuf::io::StringOutputStream stream(&bytes);
    ASSERT_TRUE(google::protobuf::util::SerializeDelimitedToZeroCopyStream(c, &stream));
  }
  Importer importer(ImporterOptions{});
  ASSERT_TRUE(importer.AddDelimited("in.pb", bytes).ok());
  const ImportResult result = std::move(importer).Finish();
  EXPECT_EQ(result.files[0].read, 3);
  EXPECT_EQ(result.files[0].imported, 2);
  EXPECT_EQ(result.files[0].duplicates, 1);
  EXPECT_EQ(result.creators[0].creator.creator_id(), "tiktok:a");

  Importer truncated(ImporterOptions{});
  const absl::Status status = truncated.AddDelimited("cut.pb", bytes.substr(0, bytes.size() - 3));
  EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(std::string(status.message()), HasSubstr("cut.pb: record 3"));
}

TEST(ImporterTest, JsonlErrorsCarryLineNumbers) {
  const std::string jsonl =
      R"({"creatorId":"tiktok:a","platform":"PLATFORM_TIKTOK","handle":"a","stats":{"followers":"10"}})"
      "\n"
      "{not json\n"
      "\n"
      R"({"platform":"PLATFORM_TIKTOK","displayName":"no handle"})"
      "\n"
      R"({"handle":"b","platform":"PLATFORM_TIKTOK","favouriteColour":"red"})"
      "\n"
      R"({"handle":"c","stats":{"followers":"5"}})"
      "\n"
      R"({"creatorId":"tiktok:a","platform":"PLATFORM_TIKTOK","handle":"a","displayName":"A","stats":{"followers":"11"}})"
      "\n";
  ImporterOptions options;
  options.convert.platform = common::v1::PLATFORM_TIKTOK;  // for line 6
  Importer importer(options);
  ASSERT_TRUE(importer.AddJsonl("in.jsonl", jsonl).ok());
  const ImportResult result = std::move(importer).Finish();
  const FileSummary& f = result.files[0];
  EXPECT_EQ(f.read, 6);
  EXPECT_EQ(f.rejected, 3);
  EXPECT_EQ(f.duplicates, 1);
  EXPECT_EQ(f.imported, 2);
  // Line 4 has two errors (no creator_id, no handle): one row, two issues.
  std::set<int64_t> error_rows;
  for (const RowIssue& issue : result.issues) {
    if (issue.severity == Severity::kError) error_rows.insert(issue.row);
  }
  EXPECT_THAT(error_rows, ::testing::ElementsAre(2, 4, 5));
  ASSERT_EQ(result.creators.size(), 2u);
  EXPECT_EQ(result.creators[0].creator.display_name(), "A");  // line 7 is fuller
  EXPECT_EQ(result.creators[1].creator.creator_id(), "tiktok:c");
}

TEST(ImporterTest, ReportIsCsvWithOneLinePerIssue) {
  const std::vector<RowIssue> issues = {
      {"a.csv", 3, Severity::kError, "subscribers", "followers: not a number: \"x,y\""},
      {"a.csv", 9, Severity::kWarning, "country", "unknown country \"Atlantis\""}};
  EXPECT_EQ(FormatIssueReport(issues),
            "file,row,field,reason,severity\n"
            "a.csv,3,subscribers,\"followers: not a number: \"\"x,y\"\"\",error\n"
            "a.csv,9,country,\"unknown country \"\"Atlantis\"\"\",warning\n");
}

}  // namespace
}  // namespace microreach::importer
