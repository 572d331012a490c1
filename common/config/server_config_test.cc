// Tests flag validation, environment fallbacks and secret masking.
#include "common/config/server_config.h"

#include <cstdlib>
#include <filesystem>

#include "absl/flags/declare.h"
#include "absl/flags/flag.h"
#include "absl/flags/reflection.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

ABSL_DECLARE_FLAG(std::string, grpc_address);
ABSL_DECLARE_FLAG(std::string, auth_tokens);
ABSL_DECLARE_FLAG(std::string, store_url);
ABSL_DECLARE_FLAG(std::string, redis_password);
ABSL_DECLARE_FLAG(int, redis_pool_size);

namespace microreach::config {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

const ServiceDefaults kSearch{"search", 50051, 9464, true};

class ServerConfigTest : public ::testing::Test {
 private:
  absl::FlagSaver saver_;
};

TEST_F(ServerConfigTest, DefaultsComeFromTheService) {
  auto c = LoadServerConfig(kSearch);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->grpc_address, "127.0.0.1:50051");
  EXPECT_EQ(c->metrics_address, "127.0.0.1:9464");
  EXPECT_EQ(c->store_url,
            "sqlite://" + std::filesystem::current_path().string() + "/var/search.db");
  EXPECT_EQ(c->peers.at("scoring"), "127.0.0.1:50052");
}

TEST_F(ServerConfigTest, BadAddressNamesTheFlag) {
  absl::SetFlag(&FLAGS_grpc_address, "localhost");
  auto c = LoadServerConfig(kSearch);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(c.status().message(), HasSubstr("--grpc_address: \"localhost\" is not host:port"));
  absl::SetFlag(&FLAGS_grpc_address, "127.0.0.1:70000");
  EXPECT_THAT(LoadServerConfig(kSearch).status().message(), HasSubstr("0..65535"));
}

TEST_F(ServerConfigTest, RejectsOutOfRangeValues) {
  absl::SetFlag(&FLAGS_redis_pool_size, 0);
  EXPECT_THAT(LoadServerConfig(kSearch).status().message(), HasSubstr("--redis_pool_size"));
}

TEST_F(ServerConfigTest, RejectsUnknownStoreScheme) {
  absl::SetFlag(&FLAGS_store_url, "mysql://u:hunter2@db/x");
  auto c = LoadServerConfig(kSearch);
  ASSERT_FALSE(c.ok());
  EXPECT_THAT(c.status().message(), HasSubstr("--store_url"));
  EXPECT_THAT(c.status().message(), Not(HasSubstr("hunter2")));
}

TEST_F(ServerConfigTest, ParsesTokensAndMasksSecrets) {
  absl::SetFlag(&FLAGS_auth_tokens, "0123456789abcdef-acme=acme,fedcba9876543210-zeta=zeta");
  absl::SetFlag(&FLAGS_store_url, "postgresql://svc:s3cret@db:5432/search");
  absl::SetFlag(&FLAGS_redis_password, "redispass");
  auto c = LoadServerConfig(kSearch);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->auth_tokens.at("0123456789abcdef-acme"), "acme");
  const std::string described = Describe(*c);
  EXPECT_THAT(described, HasSubstr("store_url=postgresql://svc:****@db:5432/search"));
  EXPECT_THAT(described, HasSubstr("workspaces:acme,zeta"));
  EXPECT_THAT(described, Not(HasSubstr("s3cret")));
  EXPECT_THAT(described, Not(HasSubstr("0123456789abcdef")));
  EXPECT_THAT(described, Not(HasSubstr("redispass")));
}

TEST_F(ServerConfigTest, RejectsShortTokensAndBadWorkspaces) {
  EXPECT_FALSE(ParseAuthTokens("short=acme").ok());
  EXPECT_FALSE(ParseAuthTokens("0123456789abcdef=bad workspace").ok());
  EXPECT_FALSE(ParseAuthTokens("no-equals-sign-here").ok());
  EXPECT_TRUE(ParseAuthTokens("").ok());
}

TEST_F(ServerConfigTest, EnvironmentFillsFlagsAndReportsBadValues) {
  // Tests run single-threaded here; nothing else reads the environment.
  setenv("MICROREACH_GRPC_ADDRESS", "0.0.0.0:6000", 1);  // NOLINT(concurrency-mt-unsafe)
  setenv("MICROREACH_REDIS_POOL_SIZE", "many", 1);       // NOLINT(concurrency-mt-unsafe)
  std::vector<std::string> errors = ApplyEnvironmentFallbacks();
  unsetenv("MICROREACH_GRPC_ADDRESS");     // NOLINT(concurrency-mt-unsafe)
  unsetenv("MICROREACH_REDIS_POOL_SIZE");  // NOLINT(concurrency-mt-unsafe)
  EXPECT_EQ(absl::GetFlag(FLAGS_grpc_address), "0.0.0.0:6000");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_THAT(errors[0], HasSubstr("MICROREACH_REDIS_POOL_SIZE"));
}

TEST(HostPortTest, AcceptsIpv6AndPortZero) {
  EXPECT_TRUE(ValidateHostPort("[::1]:0").ok());
  EXPECT_TRUE(ValidateHostPort("search.microreach.svc:50051").ok());
  EXPECT_FALSE(ValidateHostPort(":50051").ok());
  EXPECT_FALSE(ValidateHostPort("[::1:50051").ok());
}

}  // namespace
}  // namespace microreach::config
