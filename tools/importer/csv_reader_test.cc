// Tests of the CSV reader on the shapes real exports take.
#include "tools/importer/csv_reader.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace microreach::importer {
namespace {

using ::testing::ElementsAre;

std::vector<CsvRecord> ReadAll(absl::string_view text, absl::Status* status = nullptr) {
  CsvReader reader(text);
  std::vector<CsvRecord> records;
  CsvRecord record;
  while (reader.Next(&record)) records.push_back(record);
  if (status != nullptr) *status = reader.status();
  return records;
}

TEST(CsvReaderTest, QuotedCellsKeepCommasAndDoubledQuotes) {
  auto records = ReadAll("a,\"b,c\",\"say \"\"hi\"\"\"\n");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_THAT(records[0].fields, ElementsAre("a", "b,c", "say \"hi\""));
}

TEST(CsvReaderTest, LineBreakInQuotedHeaderCellAndRowNumbersAreStartLines) {
  // The Instagram September export: header cells end in "\n" and "\r\n".
  auto records =
      ReadAll("S.no,\"Authentic engagement\n\",\"Engagement average\r\n\"\r\n1,5M,6.2M\r\n2,3M,4M");
  ASSERT_EQ(records.size(), 3u);
  EXPECT_THAT(records[0].fields,
              ElementsAre("S.no", "Authentic engagement\n", "Engagement average\r\n"));
  EXPECT_EQ(records[0].line, 1);
  EXPECT_EQ(records[1].line, 4);
  EXPECT_THAT(records[1].fields, ElementsAre("1", "5M", "6.2M"));
  EXPECT_EQ(records[2].line, 5);
}

TEST(CsvReaderTest, MultiLineCellInADataRowShiftsLaterRowNumbers) {
  auto records = ReadAll("h1,h2\nx,\"two\nlines\"\ny,z\n");
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[1].line, 2);
  EXPECT_EQ(records[1].fields[1], "two\nlines");
  EXPECT_EQ(records[2].line, 4);
}

TEST(CsvReaderTest, ByteOrderMarkIsNotPartOfTheFirstHeader) {
  auto records = ReadAll("\xEF\xBB\xBFRank,name\n1,a\n");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].fields[0], "Rank");
}

TEST(CsvReaderTest, EmptyCellsAndBlankLines) {
  auto records = ReadAll("a,,c\n\n\n,,\n");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_THAT(records[0].fields, ElementsAre("a", "", "c"));
  EXPECT_THAT(records[1].fields, ElementsAre("", "", ""));
  EXPECT_EQ(records[1].line, 4);
}

TEST(CsvReaderTest, LoneCarriageReturnEndsARecord) {
  auto records = ReadAll("a,b\rc,d\r");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_THAT(records[1].fields, ElementsAre("c", "d"));
  EXPECT_EQ(records[1].line, 2);
}

TEST(CsvReaderTest, UnterminatedQuoteIsAnErrorNamingItsLine) {
  absl::Status status;
  auto records = ReadAll("a,b\n1,2\n3,\"oops\n4,5\n", &status);
  EXPECT_EQ(records.size(), 2u);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), ::testing::HasSubstr("line 3"));
}

TEST(CsvReaderTest, QuoteInsideUnquotedCellIsText) {
  auto records = ReadAll("5'10\" tall,x\n");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].fields[0], "5'10\" tall");
}

}  // namespace
}  // namespace microreach::importer
