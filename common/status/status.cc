// Conversion between absl::Status and grpc::Status with rich error details.
#include "common/status/status.h"

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace microreach::status {
namespace {

constexpr absl::string_view kBadRequestUrl = "type.googleapis.com/google.rpc.BadRequest";
constexpr absl::string_view kPreconditionUrl = "type.googleapis.com/google.rpc.PreconditionFailure";

google::rpc::BadRequest ToProto(const std::vector<FieldViolation>& violations) {
  google::rpc::BadRequest bad_request;
  for (const auto& v : violations) {
    auto* fv = bad_request.add_field_violations();
    fv->set_field(v.field);
    fv->set_description(v.description);
  }
  return bad_request;
}

std::vector<FieldViolation> FromProto(const google::rpc::BadRequest& bad_request) {
  std::vector<FieldViolation> out;
  for (const auto& fv : bad_request.field_violations()) {
    out.push_back({fv.field(), fv.description()});
  }
  return out;
}

}  // namespace

void FieldViolations::Merge(absl::string_view prefix, const FieldViolations& other) {
  for (const auto& v : other.violations_) {
    Add(prefix.empty() ? v.field : absl::StrCat(prefix, ".", v.field), v.description);
  }
}

absl::Status FieldViolations::ToStatus() const {
  if (violations_.empty()) return absl::OkStatus();
  std::string message;
  for (const auto& v : violations_) {
    if (!message.empty()) message += "; ";
    absl::StrAppend(&message, v.field, ": ", v.description);
  }
  absl::Status status = absl::InvalidArgumentError(message);
  status.SetPayload(kBadRequestUrl, absl::Cord(ToProto(violations_).SerializeAsString()));
  return status;
}

absl::Status InvalidField(std::string field, std::string description) {
  FieldViolations v;
  v.Add(std::move(field), std::move(description));
  return v.ToStatus();
}

absl::Status PreconditionFailed(std::string type, std::string subject, std::string description) {
  google::rpc::PreconditionFailure failure;
  auto* v = failure.add_violations();
  v->set_type(std::move(type));
  v->set_subject(std::move(subject));
  v->set_description(description);
  absl::Status status = absl::FailedPreconditionError(description);
  status.SetPayload(kPreconditionUrl, absl::Cord(failure.SerializeAsString()));
  return status;
}

std::vector<PreconditionViolation> PreconditionViolationsOf(const absl::Status& status) {
  auto payload = status.GetPayload(kPreconditionUrl);
  if (!payload) return {};
  google::rpc::PreconditionFailure failure;
  if (!failure.ParseFromString(std::string(*payload))) return {};
  std::vector<PreconditionViolation> out;
  for (const auto& v : failure.violations()) {
    out.push_back({v.type(), v.subject(), v.description()});
  }
  return out;
}

std::vector<FieldViolation> ViolationsOf(const absl::Status& status) {
  auto payload = status.GetPayload(kBadRequestUrl);
  if (!payload) return {};
  google::rpc::BadRequest bad_request;
  if (!bad_request.ParseFromString(std::string(*payload))) return {};
  return FromProto(bad_request);
}

grpc::Status ToGrpc(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  // absl::StatusCode and grpc::StatusCode share their numbering by design.
  const auto code = static_cast<grpc::StatusCode>(static_cast<int>(status.code()));
  std::vector<FieldViolation> violations = ViolationsOf(status);
  auto precondition = status.GetPayload(kPreconditionUrl);
  google::rpc::PreconditionFailure failure;
  const bool has_precondition =
      precondition.has_value() && failure.ParseFromString(std::string(*precondition));
  if (violations.empty() && !has_precondition) {
    return grpc::Status(code, std::string(status.message()));
  }
  google::rpc::Status rich;
  rich.set_code(static_cast<int>(code));
  rich.set_message(std::string(status.message()));
  if (!violations.empty()) rich.add_details()->PackFrom(ToProto(violations));
  if (has_precondition) rich.add_details()->PackFrom(failure);
  return grpc::Status(code, std::string(status.message()), rich.SerializeAsString());
}

absl::Status FromGrpc(const grpc::Status& status) {
  if (status.ok()) return absl::OkStatus();
  const auto code = static_cast<absl::StatusCode>(static_cast<int>(status.error_code()));
  absl::Status out(code, status.error_message());
  google::rpc::Status rich;
  if (!status.error_details().empty() && rich.ParseFromString(status.error_details())) {
    for (const auto& any : rich.details()) {
      google::rpc::BadRequest bad_request;
      google::rpc::PreconditionFailure failure;
      if (any.Is<google::rpc::BadRequest>() && any.UnpackTo(&bad_request)) {
        out.SetPayload(kBadRequestUrl, absl::Cord(bad_request.SerializeAsString()));
      } else if (any.Is<google::rpc::PreconditionFailure>() && any.UnpackTo(&failure)) {
        out.SetPayload(kPreconditionUrl, absl::Cord(failure.SerializeAsString()));
      }
    }
  }
  return out;
}

}  // namespace microreach::status
