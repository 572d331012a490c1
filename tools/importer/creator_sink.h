// Where imported creators go: a file (length-delimited binary or JSONL) or
// the search service's UpsertCreators stream.
#ifndef MICROREACH_TOOLS_IMPORTER_CREATOR_SINK_H_
#define MICROREACH_TOOLS_IMPORTER_CREATOR_SINK_H_

#include <chrono>
#include <cstdint>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"
#include "microreach/common/v1/creator.pb.h"
#include "microreach/search/v1/search_service.grpc.pb.h"
#include "tools/importer/importer.h"

namespace microreach::importer {

// What a sink says once everything is written.
struct SinkResult {
  int64_t written = 0;   // records accepted by the destination
  int64_t rejected = 0;  // records the destination refused
  // The destination's per-record errors, mapped back to source rows.
  std::vector<RowIssue> errors;
};

// A destination for imported creators. Write in order, then Close once.
class CreatorSink {
 public:
  virtual ~CreatorSink() = default;
  // Writes one record; an error stops the import (the destination broke).
  virtual absl::Status Write(const ImportedCreator& creator) = 0;
  // Flushes and reports.
  virtual absl::StatusOr<SinkResult> Close() = 0;
};

enum class FileFormat { kDelimited, kJsonl };

// Writes records to a file: kDelimited is each Creator in binary preceded by
// its varint length (protobuf's writeDelimitedTo convention), kJsonl one
// protobuf-JSON Creator per line.
class FileSink final : public CreatorSink {
 public:
  static absl::StatusOr<std::unique_ptr<FileSink>> Open(const std::string& path, FileFormat format);

  absl::Status Write(const ImportedCreator& creator) override;
  absl::StatusOr<SinkResult> Close() override;

 private:
  FileSink(std::string path, FileFormat format) : path_(std::move(path)), format_(format) {}

  std::string path_;
  FileFormat format_;
  std::ofstream out_;
  int64_t written_ = 0;
};

struct GrpcSinkOptions {
  std::string token;
  // Deadline of the whole stream.
  absl::Duration deadline = absl::Minutes(5);
  // Records per UpsertCreatorsRequest; the service accepts at most 500.
  int batch_size = 500;
  bool validate_only = false;
};

// Streams records to microreach.search.v1.SearchService/UpsertCreators in
// batches, with `authorization: Bearer <token>`. One stream per sink: the
// call is idempotent, so a failed import is retried whole.
class GrpcSink final : public CreatorSink {
 public:
  GrpcSink(std::shared_ptr<grpc::Channel> channel, GrpcSinkOptions options);

  absl::Status Write(const ImportedCreator& creator) override;
  absl::StatusOr<SinkResult> Close() override;

 private:
  absl::Status Flush();

  std::unique_ptr<search::v1::SearchService::Stub> stub_;
  GrpcSinkOptions options_;
  grpc::ClientContext context_;
  search::v1::UpsertCreatorsResponse response_;
  std::unique_ptr<grpc::ClientWriter<search::v1::UpsertCreatorsRequest>> writer_;
  search::v1::UpsertCreatorsRequest batch_;
  bool first_message_ = true;
  // Source of each streamed record, by stream position, to place the
  // server's errors in the input files.
  std::vector<std::pair<std::string, int64_t>> sources_;
};

}  // namespace microreach::importer

#endif  // MICROREACH_TOOLS_IMPORTER_CREATOR_SINK_H_
