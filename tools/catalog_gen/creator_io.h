// Reading and writing creator catalogs: varint-length-delimited Creator
// messages (the fast binary format) and JSON lines.
#ifndef MICROREACH_TOOLS_CATALOG_GEN_CREATOR_IO_H_
#define MICROREACH_TOOLS_CATALOG_GEN_CREATOR_IO_H_

#include <string>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/io/zero_copy_stream.h"
#include "microreach/common/v1/creator.pb.h"

namespace microreach::catalog_gen {

// Appends one record of the binary format to *out: the serialized size as a
// base-128 varint, then the serialized Creator (protobuf's
// writeDelimitedTo / SerializeDelimitedToOstream framing).
void WriteCreator(const common::v1::Creator& creator, std::string* out);

// Appends the creator as one line of proto3 JSON (lowerCamelCase names,
// enums by name) followed by "\n".
absl::Status WriteCreatorJson(const common::v1::Creator& creator, std::string* out);

// Called once per record, in file order. The reference is valid only during
// the call (the message is reused). A non-OK status stops the read and is
// returned by ReadCreators.
using CreatorCallback = absl::FunctionRef<absl::Status(const common::v1::Creator&)>;

// Reads every record of a binary catalog file ("-" reads stdin). NOT_FOUND if
// the file cannot be opened, DATA_LOSS for a truncated or corrupt record.
//
// Example:
//   int64_t n = 0;
//   absl::Status s = ReadCreators("catalog.bin", [&](const Creator& c) {
//     ++n;
//     return absl::OkStatus();
//   });
absl::Status ReadCreators(absl::string_view path, CreatorCallback callback);

// Same, from any stream (in-memory buffers in tests, pipes).
absl::Status ReadCreators(google::protobuf::io::ZeroCopyInputStream* input,
                          CreatorCallback callback);

}  // namespace microreach::catalog_gen

#endif  // MICROREACH_TOOLS_CATALOG_GEN_CREATOR_IO_H_
