// Tests of the binary catalog format: round trips through memory and files,
// and the errors for missing or damaged input.
#include "tools/catalog_gen/creator_io.h"

#include <cstdio>
#include <string>
#include <vector>

#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "tools/catalog_gen/catalog_generator.h"
#include "tools/catalog_gen/catalog_writer.h"

namespace microreach::catalog_gen {
namespace {

namespace v1 = ::microreach::common::v1;

std::vector<std::string> ReadAllSerialized(const std::string& bytes, absl::Status* status) {
  google::protobuf::io::ArrayInputStream input(bytes.data(), static_cast<int>(bytes.size()));
  std::vector<std::string> out;
  *status = ReadCreators(&input, [&](const v1::Creator& c) {
    out.push_back(c.SerializeAsString());
    return absl::OkStatus();
  });
  return out;
}

TEST(CreatorIoTest, BinaryRoundTripInMemory) {
  const CatalogGenerator generator(GeneratorOptions{});
  std::string bytes;
  std::vector<std::string> expected;
  for (uint64_t i = 0; i < 300; ++i) {
    const v1::Creator c = generator.Generate(i);
    WriteCreator(c, &bytes);
    expected.push_back(c.SerializeAsString());
  }
  absl::Status status;
  EXPECT_EQ(ReadAllSerialized(bytes, &status), expected);
  EXPECT_TRUE(status.ok()) << status;
}

TEST(CreatorIoTest, ReadsAFileWrittenByWriteCatalog) {
  const CatalogGenerator generator(GeneratorOptions{.seed = 5});
  const std::string path = ::testing::TempDir() + "/catalog_gen_test.bin";
  std::FILE* file = std::fopen(path.c_str(), "wb");
  ASSERT_NE(file, nullptr);
  ASSERT_TRUE(
      WriteCatalog(generator, 100, 5000, OutputFormat::kBinary, 2, [&](absl::string_view bytes) {
        std::fwrite(bytes.data(), 1, bytes.size(), file);
        return absl::OkStatus();
      }).ok());
  std::fclose(file);

  uint64_t next = 100;
  const absl::Status status = ReadCreators(path, [&](const v1::Creator& c) {
    EXPECT_EQ(c.SerializeAsString(), generator.Generate(next).SerializeAsString());
    ++next;
    return absl::OkStatus();
  });
  EXPECT_TRUE(status.ok()) << status;
  EXPECT_EQ(next, 5100u);
  std::remove(path.c_str());
}

TEST(CreatorIoTest, CallbackErrorStopsTheRead) {
  const CatalogGenerator generator(GeneratorOptions{});
  std::string bytes;
  for (uint64_t i = 0; i < 10; ++i) WriteCreator(generator.Generate(i), &bytes);
  google::protobuf::io::ArrayInputStream input(bytes.data(), static_cast<int>(bytes.size()));
  int calls = 0;
  const absl::Status status = ReadCreators(&input, [&](const v1::Creator&) {
    return ++calls == 3 ? absl::CancelledError("enough") : absl::OkStatus();
  });
  EXPECT_EQ(status.code(), absl::StatusCode::kCancelled);
  EXPECT_EQ(calls, 3);
}

TEST(CreatorIoTest, TruncatedInputIsDataLoss) {
  const CatalogGenerator generator(GeneratorOptions{});
  std::string bytes;
  for (uint64_t i = 0; i < 3; ++i) WriteCreator(generator.Generate(i), &bytes);
  bytes.resize(bytes.size() - 10);
  absl::Status status;
  EXPECT_EQ(ReadAllSerialized(bytes, &status).size(), 2u);
  EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss);
}

TEST(CreatorIoTest, MissingFileIsNotFound) {
  const absl::Status status =
      ReadCreators("/nonexistent/catalog.bin", [](const v1::Creator&) { return absl::OkStatus(); });
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound);
}

TEST(CreatorIoTest, JsonLineParsesBack) {
  const v1::Creator c = CatalogGenerator(GeneratorOptions{}).Generate(42);
  std::string line;
  ASSERT_TRUE(WriteCreatorJson(c, &line).ok());
  ASSERT_EQ(line.back(), '\n');
  line.pop_back();
  EXPECT_EQ(line.find('\n'), std::string::npos);
  v1::Creator parsed;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(line, &parsed).ok());
  EXPECT_EQ(parsed.SerializeAsString(), c.SerializeAsString());
}

}  // namespace
}  // namespace microreach::catalog_gen
