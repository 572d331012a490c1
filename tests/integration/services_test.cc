// Every service binary, started as a real process: health goes SERVING,
// reflection lists the service with all its public RPCs, /metrics passes
// promtool, SIGTERM drains and exits 0, and bad config exits 2 with a reason.
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/notification.h"
#include "common/metrics/grpc_metrics.h"
#include "common/metrics/http_get.h"
#include "gmock/gmock.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/support/byte_buffer.h"
#include "gtest/gtest.h"
#include "tests/fixtures/child_process.h"
#include "tests/fixtures/free_port.h"
#include "tests/fixtures/redis_server.h"
#include "tests/fixtures/service_process.h"
#include "tests/fixtures/temp_dir.h"

namespace microreach {
namespace {

using testing::ChildProcess;
using testing::ChildProcessOptions;
using testing::FreePort;
using ::testing::HasSubstr;
using testing::RedisServer;
using testing::ServiceProcess;
using testing::TempDir;

struct ServiceSpec {
  std::string name;
  std::string full_name;
  std::vector<std::string> rpcs;  // the public contract (ARCHITECTURE.md section 2)
};

const std::vector<ServiceSpec>& Specs() {
  static const auto* specs = new std::vector<ServiceSpec>{
      {"search",
       "microreach.search.v1.SearchService",
       {"SearchCreators", "GetCreator", "BatchGetCreators", "UpsertCreators", "DeleteCreator",
        "SimilarCreators", "GetCatalogStats"}},
      {"scoring",
       "microreach.scoring.v1.ScoringService",
       {"ScoreCreators", "ClassifyAccounts", "EstimatePrice", "PredictCampaign"}},
      {"outreach",
       "microreach.outreach.v1.OutreachService",
       {"CreateTemplate", "ListTemplates", "DraftMessage", "StartThread", "SendMessage",
        "RecordReply", "ProposeOffer", "RespondToOffer", "GetThread", "ListThreads",
        "AddDoNotContact", "RemoveDoNotContact"}},
      {"campaign",
       "microreach.campaign.v1.CampaignService",
       {"CreateCampaign", "GetCampaign", "ListCampaigns", "UpdateCampaign", "ShortlistCreators",
        "AddCreators", "InviteCreators", "AcceptTerms", "RecordDeliverable", "RecordPerformance",
        "GetCampaignReport"}},
  };
  return *specs;
}

std::string BinaryDir() {
  const char* dir = std::getenv("MR_BINARY_DIR");
  return dir ? dir : ".";
}

// Runs the probe tool to completion and returns its exit code and output.
std::pair<int, std::string> RunProbe(const std::vector<std::string>& args) {
  ChildProcessOptions options;
  options.binary = BinaryDir() + "/tools/probe/microreach-probe";
  options.args = args;
  auto probe = ChildProcess::Start(options);
  if (!probe.ok()) return {-1, std::string(probe.status().message())};
  absl::StatusOr<int> code = (*probe)->Wait(absl::Seconds(30));
  return {code.ok() ? *code : -1, (*probe)->ReadLog()};
}

class ServiceProcessTest : public ::testing::TestWithParam<ServiceSpec> {
 protected:
  void SetUp() override {
    ASSERT_TRUE(redis_.Start().ok());
    grpc_port_ = FreePort();
    metrics_port_ = FreePort();
    address_ = absl::StrCat("127.0.0.1:", grpc_port_);
  }

  std::vector<std::string> Flags() const {
    return {absl::StrCat("--grpc_address=", address_),
            absl::StrCat("--metrics_address=127.0.0.1:", metrics_port_),
            absl::StrCat("--redis_address=", redis_.address()),
            absl::StrCat("--data_dir=", data_.path()),
            "--auth_tokens=test-token-0123456789=acme",
            "--drain=500ms"};
  }

  std::unique_ptr<ServiceProcess> StartService() {
    const ServiceSpec& spec = GetParam();
    auto process = ServiceProcess::Start(
        absl::StrCat(BinaryDir(), "/services/", spec.name, "/microreach-", spec.name), Flags());
    EXPECT_TRUE(process.ok()) << process.status();
    if (!process.ok()) return nullptr;
    absl::Status healthy = (*process)->WaitForHealthy(address_, absl::Now() + absl::Seconds(30));
    EXPECT_TRUE(healthy.ok()) << healthy << "\n" << (*process)->ReadLog();
    return *std::move(process);
  }

  // Calls `method` with an empty request through a generic stub.
  grpc::Status CallEmpty(const std::string& method) {
    auto channel = grpc::CreateChannel(address_, grpc::InsecureChannelCredentials());
    grpc::GenericStub stub(channel);
    grpc::ClientContext ctx;
    ctx.AddMetadata("authorization", "Bearer test-token-0123456789");
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    // An empty protobuf message: zero bytes, but a real (non-null) buffer.
    grpc::Slice empty("", 0);
    grpc::ByteBuffer request(&empty, 1);
    grpc::ByteBuffer response;
    grpc::Status status;
    absl::Notification done;
    stub.UnaryCall(&ctx, method, grpc::StubOptions(), &request, &response, [&](grpc::Status s) {
      status = std::move(s);
      done.Notify();
    });
    done.WaitForNotification();
    return status;
  }

  RedisServer redis_;
  TempDir data_;
  int grpc_port_ = 0;
  int metrics_port_ = 0;
  std::string address_;
};

TEST_P(ServiceProcessTest, ServesHealthReflectionAndMetricsThenDrains) {
  const ServiceSpec& spec = GetParam();
  std::unique_ptr<ServiceProcess> service = StartService();
  ASSERT_NE(service, nullptr);

  // Health for the whole server and for the named service.
  auto [health_code, health_out] =
      RunProbe({"health", absl::StrCat("--address=", address_), "--service=" + spec.full_name});
  EXPECT_EQ(health_code, 0) << health_out;
  EXPECT_THAT(health_out, HasSubstr("SERVING"));

  // Reflection lists the service and every public RPC.
  auto [list_code, listing] = RunProbe({"list", absl::StrCat("--address=", address_)});
  ASSERT_EQ(list_code, 0) << listing;
  for (const std::string& rpc : spec.rpcs) {
    EXPECT_THAT(listing, HasSubstr(absl::StrCat(spec.full_name, "/", rpc, "\n")));
  }
  EXPECT_THAT(listing, HasSubstr("grpc.health.v1.Health\n"));

  // A call is counted with its code; the exposition passes promtool.
  grpc::Status status = CallEmpty(absl::StrCat("/", spec.full_name, "/", spec.rpcs[0]));
  EXPECT_NE(status.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  auto metrics = metrics::HttpGet("127.0.0.1", metrics_port_, "/metrics");
  ASSERT_TRUE(metrics.ok()) << metrics.status();
  const std::string handled =
      absl::StrCat("grpc_server_handled_total{grpc_code=\"",
                   metrics::StatusCodeName(status.error_code()), "\",grpc_method=\"", spec.rpcs[0],
                   "\",grpc_service=\"", spec.full_name, "\",grpc_type=\"unary\"} 1");
  EXPECT_THAT(metrics->body, HasSubstr(handled));
  if (std::FILE* f = std::fopen("/usr/bin/promtool", "r")) {
    std::fclose(f);
    const std::string path = data_.path() + "/metrics.txt";
    std::ofstream(path) << metrics->body;
    const int rc = std::system(
        absl::StrCat("/usr/bin/promtool check metrics < ", path, " > ", path, ".out 2>&1").c_str());
    std::ifstream out(path + ".out");
    std::string report((std::istreambuf_iterator<char>(out)), std::istreambuf_iterator<char>());
    EXPECT_EQ(rc, 0) << report;
  }

  // SIGTERM: drains and exits cleanly.
  absl::StatusOr<int> exit_code = service->Stop(absl::Seconds(20));
  ASSERT_TRUE(exit_code.ok()) << exit_code.status();
  EXPECT_EQ(*exit_code, 0) << service->ReadLog();
  EXPECT_THAT(service->ReadLog(), HasSubstr("msg=stopped"));
}

// Starts the service with one bad flag added and expects exit code 2 with
// `reason` in its log.
void ExpectExitsTwo(const ServiceSpec& spec, std::vector<std::string> flags,
                    const std::string& bad_flag, const std::string& reason) {
  flags.push_back(bad_flag);
  ChildProcessOptions options;
  options.binary = absl::StrCat(BinaryDir(), "/services/", spec.name, "/microreach-", spec.name);
  options.args = flags;
  auto process = ChildProcess::Start(options);
  ASSERT_TRUE(process.ok()) << process.status();
  absl::StatusOr<int> exit_code = (*process)->Wait(absl::Seconds(20));
  ASSERT_TRUE(exit_code.ok()) << exit_code.status();
  EXPECT_EQ(*exit_code, 2);
  EXPECT_THAT((*process)->ReadLog(), HasSubstr(reason));
}

TEST_P(ServiceProcessTest, BadConfigExitsTwoWithTheFlagNamed) {
  ExpectExitsTwo(GetParam(), Flags(), "--max_message_bytes=12",
                 "--max_message_bytes: must be between");
}

TEST_P(ServiceProcessTest, SearchRejectsAnIndexQueryThreadCountOutOfRange) {
  if (GetParam().name != "search") GTEST_SKIP() << "a search flag";
  ExpectExitsTwo(GetParam(), Flags(), "--index_query_threads=65",
                 "--index_query_threads: must be between 0 and 64");
}

INSTANTIATE_TEST_SUITE_P(AllServices, ServiceProcessTest, ::testing::ValuesIn(Specs()),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace microreach
