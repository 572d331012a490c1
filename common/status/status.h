// Errors at the RPC boundary: absl::Status inside the code, grpc::Status on
// the wire, with google.rpc.BadRequest field violations for bad input.
#ifndef MICROREACH_COMMON_STATUS_STATUS_H_
#define MICROREACH_COMMON_STATUS_STATUS_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "grpcpp/support/status.h"

namespace microreach::status {

// One bad field of a request: the field's path ("filter.followers.min",
// "creators[3].handle") and what to send instead.
struct FieldViolation {
  std::string field;
  std::string description;
};

// Collects every violation of a request so a caller can fix them all at once.
//
// Example:
//   FieldViolations v;
//   if (req.page_size() < 0) v.Add("page_size", "must be >= 0");
//   if (!v.empty()) return v.ToStatus();
class FieldViolations {
 public:
  void Add(std::string field, std::string description) {
    violations_.push_back({std::move(field), std::move(description)});
  }
  // Adds every violation of `other`, prefixing each field with `prefix` + ".".
  void Merge(absl::string_view prefix, const FieldViolations& other);
  bool empty() const { return violations_.empty(); }
  const std::vector<FieldViolation>& violations() const { return violations_; }

  // OK when empty; otherwise INVALID_ARGUMENT whose message lists every
  // violation and whose payload carries them as google.rpc.BadRequest.
  absl::Status ToStatus() const;

 private:
  std::vector<FieldViolation> violations_;
};

// INVALID_ARGUMENT for a single bad field.
absl::Status InvalidField(std::string field, std::string description);

// The field violations attached to `status` by FieldViolations (empty when none).
std::vector<FieldViolation> ViolationsOf(const absl::Status& status);

// One broken precondition of a FAILED_PRECONDITION: `type` is one of the
// types docs/api.md lists (e.g. "BUDGET"), `subject` what it is about.
struct PreconditionViolation {
  std::string type;
  std::string subject;
  std::string description;
};

// FAILED_PRECONDITION with `description` as its message and a
// google.rpc.PreconditionFailure payload holding one violation.
//
// Example:
//   return PreconditionFailed("BUDGET", "campaigns/c1", "the fee exceeds the budget left");
absl::Status PreconditionFailed(std::string type, std::string subject, std::string description);

// The precondition violations attached to `status` (empty when none).
std::vector<PreconditionViolation> PreconditionViolationsOf(const absl::Status& status);

// absl::Status -> grpc::Status, preserving the code one to one and turning
// attached field and precondition violations into `grpc-status-details-bin`
// (google.rpc.Status with google.rpc.BadRequest / PreconditionFailure
// details). Call only at the RPC boundary.
grpc::Status ToGrpc(const absl::Status& status);

// grpc::Status -> absl::Status for outgoing calls; decodes BadRequest and
// PreconditionFailure details.
absl::Status FromGrpc(const grpc::Status& status);

}  // namespace microreach::status

#endif  // MICROREACH_COMMON_STATUS_STATUS_H_
