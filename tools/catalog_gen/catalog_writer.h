// WriteCatalog: generates a range of creators on several threads and emits
// them in index order, so the bytes never depend on the thread count.
#ifndef MICROREACH_TOOLS_CATALOG_GEN_CATALOG_WRITER_H_
#define MICROREACH_TOOLS_CATALOG_GEN_CATALOG_WRITER_H_

#include <cstdint>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "tools/catalog_gen/catalog_generator.h"

namespace microreach::catalog_gen {

enum class OutputFormat {
  // Varint-length-delimited Creator messages (see WriteCreator).
  kBinary,
  // One proto3 JSON object per line.
  kJsonl,
};

// Receives consecutive pieces of the output, in order, always on the calling
// thread. A non-OK status stops the run and is returned by WriteCatalog.
using ByteSink = absl::FunctionRef<absl::Status(absl::string_view)>;

// Generates creators [start, start + count) with `threads` workers (values
// < 1 mean 1) and hands the encoded records to `sink` in index order. Memory
// stays bounded: at most 2 x threads chunks of 2,048 records are in flight.
//
// Example:
//   std::string out;
//   absl::Status s = WriteCatalog(generator, 0, 1000, OutputFormat::kBinary, 4,
//                                 [&](absl::string_view bytes) {
//                                   out.append(bytes);
//                                   return absl::OkStatus();
//                                 });
absl::Status WriteCatalog(const CatalogGenerator& generator, uint64_t start, uint64_t count,
                          OutputFormat format, int threads, ByteSink sink);

}  // namespace microreach::catalog_gen

#endif  // MICROREACH_TOOLS_CATALOG_GEN_CATALOG_WRITER_H_
