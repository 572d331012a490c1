// Tests that file sinks write streams the importer and protobuf read back.
#include "tools/importer/creator_sink.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "google/protobuf/io/zero_copy_stream_impl.h"
#include "google/protobuf/util/delimited_message_util.h"
#include "gtest/gtest.h"

namespace microreach::importer {
namespace {

std::vector<ImportedCreator> Sample() {
  std::vector<ImportedCreator> out(2);
  out[0].creator.set_creator_id("tiktok:yzn47");
  out[0].creator.set_platform(common::v1::PLATFORM_TIKTOK);
  out[0].creator.set_handle("yzn47");
  out[0].creator.set_display_name("يزن الأسمر");
  out[0].creator.mutable_stats()->set_followers(8'900'000);
  out[1].creator.set_creator_id("tiktok:b");
  out[1].creator.set_platform(common::v1::PLATFORM_TIKTOK);
  out[1].creator.set_handle("b");
  return out;
}

std::string TempPath(const std::string& name) {
  return (std::filesystem::temp_directory_path() / (name + "." + std::to_string(::getpid())))
      .string();
}

TEST(FileSinkTest, DelimitedStreamReadsBack) {
  const std::string path = TempPath("creators.binpb");
  auto sink = FileSink::Open(path, FileFormat::kDelimited);
  ASSERT_TRUE(sink.ok()) << sink.status();
  for (const auto& c : Sample()) ASSERT_TRUE((*sink)->Write(c).ok());
  auto closed = (*sink)->Close();
  ASSERT_TRUE(closed.ok());
  EXPECT_EQ(closed->written, 2);

  const int fd = ::open(path.c_str(), O_RDONLY);
  ASSERT_GE(fd, 0);
  google::protobuf::io::FileInputStream in(fd);
  std::vector<common::v1::Creator> read;
  common::v1::Creator c;
  bool clean_eof = false;
  while (google::protobuf::util::ParseDelimitedFromZeroCopyStream(&c, &in, &clean_eof)) {
    read.push_back(c);
  }
  ::close(fd);
  EXPECT_TRUE(clean_eof);
  ASSERT_EQ(read.size(), 2u);
  EXPECT_EQ(read[0].display_name(), "يزن الأسمر");
  EXPECT_EQ(read[0].stats().followers(), 8'900'000);
  std::filesystem::remove(path);
}

TEST(FileSinkTest, JsonlReadsBackThroughTheImporter) {
  const std::string path = TempPath("creators.jsonl");
  auto sink = FileSink::Open(path, FileFormat::kJsonl);
  ASSERT_TRUE(sink.ok());
  for (const auto& c : Sample()) ASSERT_TRUE((*sink)->Write(c).ok());
  ASSERT_TRUE((*sink)->Close().ok());
  std::ifstream in(path);
  std::stringstream content;
  content << in.rdbuf();
  Importer importer(ImporterOptions{});
  ASSERT_TRUE(importer.AddJsonl(path, content.str()).ok());
  const ImportResult result = std::move(importer).Finish();
  ASSERT_EQ(result.creators.size(), 2u);
  EXPECT_EQ(result.creators[0].creator.SerializeAsString(),
            Sample()[0].creator.SerializeAsString());
  std::filesystem::remove(path);
}

TEST(FileSinkTest, UnwritablePathFailsOnOpen) {
  EXPECT_FALSE(FileSink::Open("/nonexistent-dir/x.binpb", FileFormat::kDelimited).ok());
}

}  // namespace
}  // namespace microreach::importer
