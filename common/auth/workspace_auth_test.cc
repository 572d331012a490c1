// Tests that only a known bearer token yields a workspace.
#include "common/auth/workspace_auth.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace microreach::auth {
namespace {

using ::testing::HasSubstr;

class WorkspaceAuthTest : public ::testing::Test {
 protected:
  absl::StatusOr<std::string> Call(std::vector<std::pair<std::string, std::string>> entries) {
    storage_ = std::move(entries);
    WorkspaceAuthenticator::Metadata metadata;
    for (const auto& [k, v] : storage_) metadata.emplace(k, v);
    return auth_.Authenticate(metadata);
  }
  WorkspaceAuthenticator auth_{{{"token-acme-0123456789", "acme"}}};
  std::vector<std::pair<std::string, std::string>> storage_;
};

TEST_F(WorkspaceAuthTest, KnownTokenYieldsWorkspace) {
  auto ws = Call({{"authorization", "Bearer token-acme-0123456789"}});
  ASSERT_TRUE(ws.ok()) << ws.status();
  EXPECT_EQ(*ws, "acme");
  EXPECT_EQ(*Call({{"authorization", "bearer token-acme-0123456789"}}), "acme");
}

TEST_F(WorkspaceAuthTest, MissingOrMalformedIsUnauthenticated) {
  auto missing = Call({{"x-workspace", "acme"}});
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_THAT(missing.status().message(), HasSubstr("Bearer <token>"));
  EXPECT_EQ(Call({{"authorization", "Basic abc"}}).status().code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(Call({{"authorization", "Bearer "}}).status().code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(Call({{"authorization", "Bearer wrong-token-000000"}}).status().code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(Call({{"authorization", "Bearer token-acme-0123456789"},
                  {"authorization", "Bearer token-acme-0123456789"}})
                .status()
                .code(),
            absl::StatusCode::kUnauthenticated);
}

}  // namespace
}  // namespace microreach::auth
