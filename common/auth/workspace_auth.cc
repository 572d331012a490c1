// Bearer-token authentication of the caller's workspace.
#include "common/auth/workspace_auth.h"

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/string_view.h"

namespace microreach::auth {

absl::StatusOr<std::string> WorkspaceAuthenticator::Authenticate(const Metadata& metadata) const {
  auto it = metadata.find("authorization");
  if (it == metadata.end()) {
    return absl::UnauthenticatedError(
        "missing 'authorization' metadata; send 'authorization: Bearer <token>'");
  }
  if (metadata.count("authorization") > 1) {
    return absl::UnauthenticatedError("more than one 'authorization' metadata entry");
  }
  absl::string_view value(it->second.data(), it->second.size());
  constexpr absl::string_view kScheme = "bearer ";
  if (value.size() <= kScheme.size() ||
      !absl::EqualsIgnoreCase(value.substr(0, kScheme.size()), kScheme)) {
    return absl::UnauthenticatedError("'authorization' must be 'Bearer <token>'");
  }
  absl::string_view token = absl::StripAsciiWhitespace(value.substr(kScheme.size()));
  auto found = token_to_workspace_.find(std::string(token));
  if (found == token_to_workspace_.end()) {
    return absl::UnauthenticatedError("the bearer token is not valid for any workspace");
  }
  return found->second;
}

}  // namespace microreach::auth
