// Caller identity: the workspace a request acts for comes from its
// `authorization: Bearer <token>` metadata, never from the request body.
#ifndef MICROREACH_COMMON_AUTH_WORKSPACE_AUTH_H_
#define MICROREACH_COMMON_AUTH_WORKSPACE_AUTH_H_

#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "grpcpp/server_context.h"

namespace microreach::auth {

// Maps bearer tokens to workspace ids (configured with --auth_tokens).
//
// Example:
//   WorkspaceAuthenticator auth(config.auth_tokens);
//   absl::StatusOr<std::string> workspace = auth.Authenticate(*context);
//   if (!workspace.ok()) return status::ToGrpc(workspace.status());
class WorkspaceAuthenticator {
 public:
  using Metadata = std::multimap<grpc::string_ref, grpc::string_ref>;

  explicit WorkspaceAuthenticator(std::map<std::string, std::string> token_to_workspace)
      : token_to_workspace_(std::move(token_to_workspace)) {}

  // The caller's workspace id, or UNAUTHENTICATED saying what to send.
  absl::StatusOr<std::string> Authenticate(const Metadata& metadata) const;
  absl::StatusOr<std::string> Authenticate(const grpc::ServerContextBase& context) const {
    return Authenticate(context.client_metadata());
  }

  bool empty() const { return token_to_workspace_.empty(); }

 private:
  std::map<std::string, std::string> token_to_workspace_;
};

}  // namespace microreach::auth

#endif  // MICROREACH_COMMON_AUTH_WORKSPACE_AUTH_H_
