// Binary and JSON-lines framing of Creator records.
#include "tools/catalog_gen/creator_io.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "absl/strings/str_cat.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl.h"
#include "google/protobuf/util/delimited_message_util.h"
#include "google/protobuf/util/json_util.h"

namespace microreach::catalog_gen {

namespace v1 = ::microreach::common::v1;
namespace pbio = ::google::protobuf::io;

void WriteCreator(const v1::Creator& creator, std::string* out) {
  // Serialise straight into the output buffer: no temporary string.
  const size_t size = creator.ByteSizeLong();
  const size_t header = pbio::CodedOutputStream::VarintSize32(static_cast<uint32_t>(size));
  const size_t start = out->size();
  out->resize(start + header + size);
  auto* target = reinterpret_cast<uint8_t*>(out->data() + start);
  target = pbio::CodedOutputStream::WriteVarint32ToArray(static_cast<uint32_t>(size), target);
  creator.SerializeWithCachedSizesToArray(target);
}

absl::Status WriteCreatorJson(const v1::Creator& creator, std::string* out) {
  std::string line;
  const auto status = google::protobuf::util::MessageToJsonString(creator, &line);
  if (!status.ok()) {
    return absl::InternalError(absl::StrCat("JSON conversion failed: ", status.ToString()));
  }
  absl::StrAppend(out, line, "\n");
  return absl::OkStatus();
}

absl::Status ReadCreators(pbio::ZeroCopyInputStream* input, CreatorCallback callback) {
  v1::Creator creator;
  int64_t record = 0;
  while (true) {
    bool clean_eof = false;
    // The helper merges, so clear first; Clear keeps allocations for reuse.
    creator.Clear();
    if (!google::protobuf::util::ParseDelimitedFromZeroCopyStream(&creator, input, &clean_eof)) {
      if (clean_eof) return absl::OkStatus();
      return absl::DataLossError(absl::StrCat("truncated or corrupt creator record #", record));
    }
    if (absl::Status status = callback(creator); !status.ok()) return status;
    ++record;
  }
}

absl::Status ReadCreators(absl::string_view path, CreatorCallback callback) {
  const bool use_stdin = path == "-";
  const int fd = use_stdin ? STDIN_FILENO : ::open(std::string(path).c_str(), O_RDONLY);
  if (fd < 0) {
    return absl::NotFoundError(absl::StrCat("cannot open ", path, ": ", std::strerror(errno)));
  }
  // Large blocks: records are ~1 kB and the reader is on the bench's path.
  pbio::FileInputStream input(fd, 1 << 20);
  input.SetCloseOnDelete(!use_stdin);
  absl::Status status = ReadCreators(&input, callback);
  if (status.ok() && input.GetErrno() != 0) {
    status = absl::DataLossError(
        absl::StrCat("read error on ", path, ": ", std::strerror(input.GetErrno())));
  }
  return status;
}

}  // namespace microreach::catalog_gen
