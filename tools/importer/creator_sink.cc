// File and gRPC destinations of the importer.
#include "tools/importer/creator_sink.h"

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/delimited_message_util.h"
#include "google/protobuf/util/json_util.h"
#include "grpcpp/support/status.h"

namespace microreach::importer {

absl::StatusOr<std::unique_ptr<FileSink>> FileSink::Open(const std::string& path,
                                                         FileFormat format) {
  std::unique_ptr<FileSink> sink(new FileSink(path, format));
  sink->out_.open(path, std::ios::binary | std::ios::trunc);
  if (!sink->out_)
    return absl::UnavailableError(absl::StrCat("cannot open ", path, " for writing"));
  return sink;
}

absl::Status FileSink::Write(const ImportedCreator& creator) {
  if (format_ == FileFormat::kDelimited) {
    if (!google::protobuf::util::SerializeDelimitedToOstream(creator.creator, &out_)) {
      return absl::DataLossError(absl::StrCat("writing ", path_, " failed"));
    }
  } else {
    std::string json;
    const auto status = google::protobuf::util::MessageToJsonString(creator.creator, &json);
    if (!status.ok()) {
      return absl::InternalError(absl::StrCat("JSON of ", creator.creator.creator_id(), ": ",
                                              status.message().ToString()));
    }
    out_ << json << '\n';
  }
  if (!out_) return absl::DataLossError(absl::StrCat("writing ", path_, " failed"));
  ++written_;
  return absl::OkStatus();
}

absl::StatusOr<SinkResult> FileSink::Close() {
  out_.close();
  if (out_.fail()) return absl::DataLossError(absl::StrCat("closing ", path_, " failed"));
  SinkResult result;
  result.written = written_;
  return result;
}

GrpcSink::GrpcSink(std::shared_ptr<grpc::Channel> channel, GrpcSinkOptions options)
    : stub_(search::v1::SearchService::NewStub(std::move(channel))), options_(std::move(options)) {
  context_.AddMetadata("authorization", absl::StrCat("Bearer ", options_.token));
  context_.set_deadline(absl::ToChronoTime(absl::Now() + options_.deadline));
}

absl::Status GrpcSink::Flush() {
  if (batch_.creators_size() == 0) return absl::OkStatus();
  // Opened lazily so a run that imports nothing never opens a stream.
  if (writer_ == nullptr) writer_ = stub_->UpsertCreators(&context_, &response_);
  if (first_message_) batch_.set_validate_only(options_.validate_only);
  first_message_ = false;
  const bool ok = writer_->Write(batch_);
  batch_.Clear();
  if (!ok) {
    // The server ended the stream; Finish() has the reason.
    const grpc::Status status = writer_->Finish();
    writer_.reset();
    return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                        absl::StrCat("UpsertCreators: ", status.error_message()));
  }
  return absl::OkStatus();
}

absl::Status GrpcSink::Write(const ImportedCreator& creator) {
  *batch_.add_creators() = creator.creator;
  sources_.emplace_back(creator.file, creator.row);
  if (batch_.creators_size() >= options_.batch_size) return Flush();
  return absl::OkStatus();
}

absl::StatusOr<SinkResult> GrpcSink::Close() {
  if (absl::Status s = Flush(); !s.ok()) return s;
  SinkResult result;
  if (writer_ == nullptr) return result;
  writer_->WritesDone();
  const grpc::Status status = writer_->Finish();
  writer_.reset();
  if (!status.ok()) {
    return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                        absl::StrCat("UpsertCreators: ", status.error_message()));
  }
  result.written =
      response_.created_count() + response_.updated_count() + response_.unchanged_count();
  result.rejected = response_.failed_count();
  for (const auto& error : response_.errors()) {
    RowIssue issue;
    if (error.position() >= 0 && error.position() < static_cast<int64_t>(sources_.size())) {
      issue.file = sources_[error.position()].first;
      issue.row = sources_[error.position()].second;
    }
    issue.severity = Severity::kError;
    issue.field = error.field();
    issue.reason = absl::StrCat("server: ", error.description(), " (", error.creator_id(), ")");
    result.errors.push_back(std::move(issue));
  }
  return result;
}

}  // namespace microreach::importer
