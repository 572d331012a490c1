// Starts MetricsServer on a free port, scrapes /metrics over HTTP and lints
// the exposition with promtool, the checker Prometheus operators use.
#include "common/metrics/metrics_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <prometheus/counter.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <utility>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/str_cat.h"
#include "common/metrics/grpc_metrics.h"
#include "common/metrics/http_get.h"
#include "grpc/health/v1/health.pb.h"

namespace microreach::metrics {
namespace {

using ::grpc::health::v1::HealthCheckRequest;
using ::testing::HasSubstr;

constexpr char kPromtool[] = "/usr/bin/promtool";

// Field by field: designated initializers that skip a member trip GCC's
// -Wmissing-field-initializers.
MetricsServerOptions Options(std::string bind_address, std::string service) {
  MetricsServerOptions options;
  options.bind_address = std::move(bind_address);
  options.service = std::move(service);
  options.version = "1.2.3";
  return options;
}

// One scraped server per process, deliberately never destroyed: civetweb's
// accept loop polls in 2 s quanta, so tearing down an Exposer that has served
// a request costs up to 2 s of test time.
MetricsServer& SharedServer() {
  static MetricsServer* const server = [] {
    absl::StatusOr<std::unique_ptr<MetricsServer>> created =
        MetricsServer::Create(Options("127.0.0.1:0", "search"));
    if (!created.ok()) {
      ADD_FAILURE() << created.status();
      std::abort();
    }
    return created->release();
  }();
  return *server;
}

TEST(MetricsServerTest, ServesBuildInfoOnTheBoundPort) {
  MetricsServer* server = &SharedServer();
  ASSERT_GT(server->port(), 0);

  absl::StatusOr<HttpResponse> response = HttpGet("127.0.0.1", server->port(), "/metrics");
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->status_code, 200);
  EXPECT_THAT(response->body,
              HasSubstr(R"(microreach_build_info{service="search",version="1.2.3"} 1)"));
  EXPECT_THAT(response->body, HasSubstr("process_start_time_seconds "));
}

TEST(MetricsServerTest, BindFailureIsAStatusNotAnException) {
  MetricsServer* first = &SharedServer();
  absl::StatusOr<std::unique_ptr<MetricsServer>> second =
      MetricsServer::Create(Options(absl::StrCat("127.0.0.1:", first->port()), "search"));
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(second.status().message(), HasSubstr(absl::StrCat("127.0.0.1:", first->port())));
}

TEST(MetricsServerTest, RejectsEmptyConfig) {
  EXPECT_EQ(MetricsServer::Create(Options("", "search")).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(MetricsServer::Create(Options("127.0.0.1:0", "")).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(MetricsServerTest, ExpositionPassesPromtoolLint) {
  if (access(kPromtool, X_OK) != 0) GTEST_SKIP() << kPromtool << " not installed";
  MetricsServer* server = &SharedServer();
  // Populate every family the services export, with histogram samples, a
  // lazily created grpc_code child and the "unknown" fallback.
  for (const char* prefix : {"grpc_server", "grpc_client"}) {
    absl::StatusOr<std::unique_ptr<internal::RpcMetricsTable>> table =
        internal::RpcMetricsTable::Create(server->registry(), prefix);
    ASSERT_TRUE(table.ok()) << table.status();
    ASSERT_TRUE(
        (*table)->RegisterService(HealthCheckRequest::descriptor()->file()->service(0)).ok());
    (*table)->Freeze();
    for (const char* path : {"/grpc.health.v1.Health/Check", "/random.Path/X"}) {
      internal::MethodMetrics& method =
          (*table)->Lookup(path, internal::RpcMetricsTable::RpcType::kUnary);
      method.started().Increment();
      method.Handled(grpc::StatusCode::NOT_FOUND).Increment();
      method.handling_seconds().Observe(0.003);
    }
  }
  prometheus::BuildCounter()
      .Name("microreach_cache_hits_total")
      .Help("Profile cache hits.")
      .Register(server->registry())
      .Add({})
      .Increment();

  absl::StatusOr<HttpResponse> response = HttpGet("127.0.0.1", server->port(), "/metrics");
  ASSERT_TRUE(response.ok()) << response.status();
  ASSERT_EQ(response->status_code, 200);

  const std::string dir = ::testing::TempDir();
  const std::string metrics_path = dir + "/mr_metrics_scrape.txt";
  const std::string report_path = dir + "/mr_metrics_promtool.txt";
  {
    std::ofstream out(metrics_path, std::ios::trunc);
    out << response->body;
  }
  // posix_spawn rather than system(): no shell, and safe with gRPC/civetweb
  // threads running.
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  absl::Cleanup destroy_actions = [&actions] { posix_spawn_file_actions_destroy(&actions); };
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, metrics_path.c_str(), O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, report_path.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  char arg0[] = "promtool";
  char arg1[] = "check";
  char arg2[] = "metrics";
  char* argv[] = {arg0, arg1, arg2, nullptr};
  char* envp[] = {nullptr};
  pid_t pid = 0;
  ASSERT_EQ(posix_spawn(&pid, kPromtool, &actions, nullptr, argv, envp), 0);
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  std::ifstream report_file(report_path);
  const std::string report((std::istreambuf_iterator<char>(report_file)),
                           std::istreambuf_iterator<char>());
  ASSERT_TRUE(WIFEXITED(status)) << report;
  EXPECT_EQ(WEXITSTATUS(status), 0) << report << "\n--- scrape ---\n" << response->body;
  EXPECT_EQ(report, "") << response->body;
}

TEST(HttpGetTest, PortWithoutListenerIsUnavailable) {
  // A socket bound but not listening reserves a port nobody accepts on.
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(fd, 0);
  absl::Cleanup close_fd = [fd] { close(fd); };
  sockaddr_in addr = {};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  socklen_t len = sizeof(addr);
  ASSERT_EQ(getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);

  absl::StatusOr<HttpResponse> response = HttpGet("127.0.0.1", ntohs(addr.sin_port), "/metrics");
  EXPECT_EQ(response.status().code(), absl::StatusCode::kUnavailable) << response.status();
}

}  // namespace
}  // namespace microreach::metrics
