// Tests the server lifecycle: NOT_SERVING until ready, SERVING, drain on stop.
#include "common/server/grpc_server.h"

#include <thread>

#include "absl/strings/str_cat.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"
#include "microreach/search/v1/search_service.grpc.pb.h"

namespace microreach::server {
namespace {

using grpc::health::v1::Health;
using grpc::health::v1::HealthCheckRequest;
using grpc::health::v1::HealthCheckResponse;

// A service to register, left unimplemented.
class IdleService final : public microreach::search::v1::SearchService::CallbackService {};

class GrpcServerTest : public ::testing::Test {
 protected:
  HealthCheckResponse::ServingStatus Check(int port, const std::string& service,
                                           grpc::StatusCode* code = nullptr) {
    auto channel =
        grpc::CreateChannel(absl::StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials());
    auto stub = Health::NewStub(channel);
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    HealthCheckRequest req;
    req.set_service(service);
    HealthCheckResponse resp;
    grpc::Status s = stub->Check(&ctx, req, &resp);
    if (code) *code = s.error_code();
    return s.ok() ? resp.status() : HealthCheckResponse::UNKNOWN;
  }
};

TEST_F(GrpcServerTest, HealthFollowsReadinessAndStop) {
  IdleService service;
  GrpcServerOptions options;
  options.drain = absl::Milliseconds(300);
  options.shutdown_timeout = absl::Milliseconds(200);
  GrpcServer server(options);
  server.AddService(&service, "test.Idle");
  ASSERT_TRUE(server.Start().ok());
  ASSERT_GT(server.port(), 0);

  EXPECT_EQ(Check(server.port(), ""), HealthCheckResponse::NOT_SERVING);
  EXPECT_EQ(Check(server.port(), "test.Idle"), HealthCheckResponse::NOT_SERVING);
  server.SetServing(true);
  EXPECT_EQ(Check(server.port(), ""), HealthCheckResponse::SERVING);
  EXPECT_EQ(Check(server.port(), "test.Idle"), HealthCheckResponse::SERVING);
  grpc::StatusCode code;
  Check(server.port(), "no.Such", &code);
  EXPECT_EQ(code, grpc::StatusCode::NOT_FOUND);

  // During the drain the server still answers, but says NOT_SERVING.
  std::thread stopper([&] { server.Stop(); });
  absl::Time deadline = absl::Now() + absl::Seconds(5);
  HealthCheckResponse::ServingStatus during = HealthCheckResponse::SERVING;
  while (absl::Now() < deadline && during == HealthCheckResponse::SERVING) {
    during = Check(server.port(), "");
  }
  EXPECT_EQ(during, HealthCheckResponse::NOT_SERVING);
  stopper.join();
  server.Stop();  // idempotent
}

TEST_F(GrpcServerTest, UnbindableAddressIsUnavailable) {
  GrpcServerOptions options;
  options.address = "203.0.113.1:1";  // not an address of this machine
  GrpcServer server(options);
  absl::Status s = server.Start();
  EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace microreach::server
