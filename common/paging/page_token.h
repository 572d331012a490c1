// Opaque page tokens (AIP-158) bound to the caller's workspace and to every
// field of the request except the paging ones, with an expiry.
#ifndef MICROREACH_COMMON_PAGING_PAGE_TOKEN_H_
#define MICROREACH_COMMON_PAGING_PAGE_TOKEN_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "google/protobuf/message.h"

namespace microreach::paging {

// A stable 64-bit fingerprint of (workspace, request) that ignores the
// request's `page_token` and `page_size` fields. Stable across processes
// and replicas of the same build (it hashes deterministic serialisation).
uint64_t QueryFingerprint(absl::string_view workspace, const google::protobuf::Message& request);

// Encodes and checks tokens. `secret` keys the integrity check so tokens
// cannot be edited; replicas must share it.
//
// Example:
//   PageTokenCodec codec(secret, absl::Hours(24));
//   uint64_t fp = QueryFingerprint(workspace, request);
//   absl::StatusOr<int64_t> offset = codec.Decode(request.page_token(), fp, absl::Now());
//   ...
//   response.set_next_page_token(codec.Encode(fp, offset + page_size, absl::Now()));
class PageTokenCodec {
 public:
  PageTokenCodec(std::string secret, absl::Duration lifetime)
      : secret_(std::move(secret)), lifetime_(lifetime) {}

  std::string Encode(uint64_t fingerprint, int64_t offset, absl::Time now) const;

  // The offset the token continues from; 0 for an empty token.
  // INVALID_ARGUMENT (field "page_token") when the token is malformed,
  // tampered with, expired, or was issued for another query or workspace.
  absl::StatusOr<int64_t> Decode(absl::string_view token, uint64_t fingerprint,
                                 absl::Time now) const;

 private:
  uint64_t Mac(absl::string_view bytes) const;
  std::string secret_;
  absl::Duration lifetime_;
};

}  // namespace microreach::paging

#endif  // MICROREACH_COMMON_PAGING_PAGE_TOKEN_H_
