// Drives a real in-process grpc.health.v1.Health server (callback and sync)
// through the metrics interceptors and checks the scraped series exactly.
#include "common/metrics/grpc_metrics.h"

#include <gmock/gmock.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/support/byte_buffer.h>
#include <grpcpp/support/slice.h>
#include <gtest/gtest.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "grpc/health/v1/health.grpc.pb.h"

namespace microreach::metrics {
namespace {

using ::grpc::health::v1::Health;
using ::grpc::health::v1::HealthCheckRequest;
using ::grpc::health::v1::HealthCheckResponse;
using ::testing::HasSubstr;
using ::testing::UnorderedElementsAreArray;

// Check: OK for "", NOT_FOUND otherwise. Watch: for "" sends SERVING and
// ends the stream; otherwise sends SERVICE_UNKNOWN and stays open until the
// client cancels, as a real health watch does.
class CallbackHealth final : public Health::CallbackService {
 public:
  grpc::ServerUnaryReactor* Check(grpc::CallbackServerContext* context,
                                  const HealthCheckRequest* request,
                                  HealthCheckResponse* response) override {
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    if (!request->service().empty()) {
      reactor->Finish(grpc::Status(grpc::StatusCode::NOT_FOUND, "unknown service"));
      return reactor;
    }
    response->set_status(HealthCheckResponse::SERVING);
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }

  grpc::ServerWriteReactor<HealthCheckResponse>* Watch(grpc::CallbackServerContext* context,
                                                       const HealthCheckRequest* request) override {
    return new Watcher(request->service().empty(), &watch_done_);
  }

  // Returns once a Watch call has fully ended on the server, i.e. after every
  // interceptor hook of that call ran.
  void AwaitWatchDone() { watch_done_.WaitForNotification(); }

 private:
  class Watcher final : public grpc::ServerWriteReactor<HealthCheckResponse> {
   public:
    Watcher(bool known, absl::Notification* done) : known_(known), done_(done) {
      response_.set_status(known ? HealthCheckResponse::SERVING
                                 : HealthCheckResponse::SERVICE_UNKNOWN);
      StartWrite(&response_);
    }
    void OnWriteDone(bool ok) override {
      if (known_ || !ok) FinishOnce(ok ? grpc::Status::OK : grpc::Status::CANCELLED);
    }
    void OnCancel() override { FinishOnce(grpc::Status::CANCELLED); }
    void OnDone() override {
      done_->Notify();
      delete this;
    }

   private:
    // OnWriteDone and OnCancel may race; a reactor must Finish exactly once.
    void FinishOnce(const grpc::Status& status) {
      absl::MutexLock lock(&mu_);
      if (finished_) return;
      finished_ = true;
      Finish(status);
    }

    const bool known_;
    absl::Notification* const done_;
    HealthCheckResponse response_;
    absl::Mutex mu_;
    bool finished_ ABSL_GUARDED_BY(mu_) = false;
  };

  absl::Notification watch_done_;
};

// The same contract on the synchronous API; Watch always ends after one
// message because a sync handler cannot wait for cancellation without polling.
class SyncHealth final : public Health::Service {
 public:
  grpc::Status Check(grpc::ServerContext* context, const HealthCheckRequest* request,
                     HealthCheckResponse* response) override {
    if (!request->service().empty()) {
      return grpc::Status(grpc::StatusCode::NOT_FOUND, "unknown service");
    }
    response->set_status(HealthCheckResponse::SERVING);
    return grpc::Status::OK;
  }

  grpc::Status Watch(grpc::ServerContext* context, const HealthCheckRequest* request,
                     grpc::ServerWriter<HealthCheckResponse>* writer) override {
    HealthCheckResponse response;
    response.set_status(request->service().empty() ? HealthCheckResponse::SERVING
                                                   : HealthCheckResponse::SERVICE_UNKNOWN);
    writer->Write(response);
    return grpc::Status::OK;
  }
};

const google::protobuf::ServiceDescriptor* HealthDescriptor() {
  return HealthCheckRequest::descriptor()->file()->FindServiceByName("Health");
}

// Sample lines of families starting with `prefix` and mentioning `filter`,
// minus the _bucket and _sum lines whose values depend on timing; _count stays.
std::vector<std::string> Samples(const prometheus::Registry& registry, absl::string_view prefix,
                                 absl::string_view filter = "") {
  std::ostringstream out;
  prometheus::TextSerializer().Serialize(out, registry.Collect());
  std::vector<std::string> samples;
  for (absl::string_view line : absl::StrSplit(out.str(), '\n')) {
    if (!absl::StartsWith(line, prefix) || !absl::StrContains(line, filter)) continue;
    const absl::string_view name = line.substr(0, line.find('{'));
    if (absl::EndsWith(name, "_bucket") || absl::EndsWith(name, "_sum")) continue;
    samples.emplace_back(line);
  }
  return samples;
}

std::string Scrape(const prometheus::Registry& registry) {
  std::ostringstream out;
  prometheus::TextSerializer().Serialize(out, registry.Collect());
  return out.str();
}

enum class Api { kCallback, kSync };

class GrpcMetricsTest : public ::testing::TestWithParam<Api> {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<GrpcServerMetrics>> server_metrics =
        GrpcServerMetrics::Create(server_registry_);
    ASSERT_TRUE(server_metrics.ok()) << server_metrics.status();
    server_metrics_ = std::move(*server_metrics);
    ASSERT_TRUE(server_metrics_->RegisterService(HealthDescriptor()).ok());

    absl::StatusOr<std::unique_ptr<GrpcClientMetrics>> client_metrics =
        GrpcClientMetrics::Create(client_registry_);
    ASSERT_TRUE(client_metrics.ok()) << client_metrics.status();
    client_metrics_ = std::move(*client_metrics);
    ASSERT_TRUE(client_metrics_->RegisterService(HealthDescriptor()).ok());

    int port = 0;
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    if (GetParam() == Api::kCallback) {
      builder.RegisterService(&callback_service_);
    } else {
      builder.RegisterService(&sync_service_);
    }
    std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> creators;
    creators.push_back(server_metrics_->CreateInterceptorFactory());
    builder.experimental().SetInterceptorCreators(std::move(creators));
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    ASSERT_NE(port, 0);

    std::vector<std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface>> factories;
    factories.push_back(client_metrics_->CreateInterceptorFactory());
    channel_ = grpc::experimental::CreateCustomChannelWithInterceptors(
        "127.0.0.1:" + std::to_string(port), grpc::InsecureChannelCredentials(),
        grpc::ChannelArguments(), std::move(factories));
    stub_ = Health::NewStub(channel_);
  }

  void TearDown() override {
    if (server_ != nullptr) server_->Shutdown();
  }

  grpc::StatusCode CallCheck(const std::string& service) {
    grpc::ClientContext context;
    HealthCheckRequest request;
    request.set_service(service);
    HealthCheckResponse response;
    return stub_->Check(&context, request, &response).error_code();
  }

  prometheus::Registry server_registry_;
  prometheus::Registry client_registry_;
  std::unique_ptr<GrpcServerMetrics> server_metrics_;
  std::unique_ptr<GrpcClientMetrics> client_metrics_;
  CallbackHealth callback_service_;
  SyncHealth sync_service_;
  std::unique_ptr<grpc::Server> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<Health::Stub> stub_;
};

constexpr char kCheck[] =
    R"(grpc_method="Check",grpc_service="grpc.health.v1.Health",grpc_type="unary")";
constexpr char kWatch[] =
    R"(grpc_method="Watch",grpc_service="grpc.health.v1.Health",grpc_type="server_stream")";

std::string Series(absl::string_view name, absl::string_view labels, int value,
                   absl::string_view code = "") {
  std::string out(name);
  out += "{";
  if (!code.empty()) out += "grpc_code=\"" + std::string(code) + "\",";
  out += std::string(labels) + "} " + std::to_string(value);
  return out;
}

TEST_P(GrpcMetricsTest, CountsUnaryAndServerStreamingCallsOnBothSides) {
  EXPECT_EQ(CallCheck(""), grpc::StatusCode::OK);
  EXPECT_EQ(CallCheck("no.such.Service"), grpc::StatusCode::NOT_FOUND);
  {
    grpc::ClientContext context;
    HealthCheckRequest request;
    std::unique_ptr<grpc::ClientReader<HealthCheckResponse>> reader =
        stub_->Watch(&context, request);
    HealthCheckResponse response;
    int messages = 0;
    while (reader->Read(&response)) ++messages;
    EXPECT_EQ(messages, 1);
    EXPECT_TRUE(reader->Finish().ok());
  }
  if (GetParam() == Api::kCallback) callback_service_.AwaitWatchDone();

  EXPECT_THAT(Samples(server_registry_, "grpc_server_"),
              UnorderedElementsAreArray({
                  Series("grpc_server_started_total", kCheck, 2),
                  Series("grpc_server_started_total", kWatch, 1),
                  Series("grpc_server_handled_total", kCheck, 1, "OK"),
                  Series("grpc_server_handled_total", kCheck, 1, "NOT_FOUND"),
                  Series("grpc_server_handled_total", kWatch, 1, "OK"),
                  Series("grpc_server_handling_seconds_count", kCheck, 2),
                  Series("grpc_server_handling_seconds_count", kWatch, 1),
                  Series("grpc_server_msg_received_total", kCheck, 2),
                  Series("grpc_server_msg_received_total", kWatch, 1),
                  // The NOT_FOUND answer carries no message.
                  Series("grpc_server_msg_sent_total", kCheck, 1),
                  Series("grpc_server_msg_sent_total", kWatch, 1),
              }))
      << Scrape(server_registry_);

  EXPECT_THAT(Samples(client_registry_, "grpc_client_"),
              UnorderedElementsAreArray({
                  Series("grpc_client_started_total", kCheck, 2),
                  Series("grpc_client_started_total", kWatch, 1),
                  Series("grpc_client_handled_total", kCheck, 1, "OK"),
                  Series("grpc_client_handled_total", kCheck, 1, "NOT_FOUND"),
                  Series("grpc_client_handled_total", kWatch, 1, "OK"),
                  Series("grpc_client_handling_seconds_count", kCheck, 2),
                  Series("grpc_client_handling_seconds_count", kWatch, 1),
                  Series("grpc_client_msg_received_total", kCheck, 1),
                  Series("grpc_client_msg_received_total", kWatch, 1),
                  Series("grpc_client_msg_sent_total", kCheck, 2),
                  Series("grpc_client_msg_sent_total", kWatch, 1),
              }))
      << Scrape(client_registry_);

  // Latency buckets are the ms-scale ones, ending in +Inf.
  const std::string server_text = Scrape(server_registry_);
  EXPECT_THAT(server_text, HasSubstr(R"(grpc_server_handling_seconds_bucket{)" +
                                     std::string(kCheck) + R"(,le="0.0005"})"));
  EXPECT_THAT(server_text, HasSubstr(R"(grpc_server_handling_seconds_bucket{)" +
                                     std::string(kCheck) + R"(,le="+Inf"} 2)"));
}

TEST_P(GrpcMetricsTest, UnregisteredMethodsShareOneUnknownSeries) {
  grpc::GenericStub generic(channel_);
  for (const char* method : {"/no.such.Service/A", "/other.Service/B"}) {
    grpc::ClientContext context;
    // An empty but initialised buffer: a default ByteBuffer is not a message.
    grpc::Slice empty("");
    grpc::ByteBuffer request(&empty, 1);
    grpc::ByteBuffer response;
    absl::Notification done;
    grpc::Status status;
    generic.UnaryCall(&context, method, grpc::StubOptions(), &request, &response,
                      [&](grpc::Status s) {
                        status = std::move(s);
                        done.Notify();
                      });
    done.WaitForNotification();
    EXPECT_EQ(status.error_code(), grpc::StatusCode::UNIMPLEMENTED);
  }
  // gRPC routes unknown paths to its generic "unimplemented" handler, a bidi
  // stream; on the client a generic unary call stays unary.
  const std::string server_text = Scrape(server_registry_);
  EXPECT_THAT(Samples(server_registry_, "grpc_server_handled_total", "unknown"),
              UnorderedElementsAreArray({
                  R"(grpc_server_handled_total{grpc_code="UNIMPLEMENTED",grpc_method="unknown",)"
                  R"(grpc_service="unknown",grpc_type="bidi_stream"} 2)",
              }))
      << server_text;
  EXPECT_THAT(Samples(client_registry_, "grpc_client_handled_total"),
              UnorderedElementsAreArray({
                  R"(grpc_client_handled_total{grpc_code="UNIMPLEMENTED",grpc_method="unknown",)"
                  R"(grpc_service="unknown",grpc_type="unary"} 2)",
              }));
  EXPECT_FALSE(absl::StrContains(server_text, "no.such.Service"));
}

TEST_P(GrpcMetricsTest, RegisterServiceAfterFactoryIsRejected) {
  EXPECT_EQ(server_metrics_->RegisterService(HealthDescriptor()).code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(client_metrics_->RegisterService(HealthDescriptor()).code(),
            absl::StatusCode::kFailedPrecondition);
}

INSTANTIATE_TEST_SUITE_P(Apis, GrpcMetricsTest, ::testing::Values(Api::kCallback, Api::kSync),
                         [](const ::testing::TestParamInfo<Api>& info) {
                           return info.param == Api::kCallback ? "Callback" : "Sync";
                         });

// A client that cancels a stream the server keeps open: both sides count the
// call as CANCELLED, and started/handled still balance.
TEST(GrpcMetricsCancelTest, CancelledStreamIsHandledAsCancelled) {
  prometheus::Registry server_registry;
  prometheus::Registry client_registry;
  std::unique_ptr<GrpcServerMetrics> server_metrics = *GrpcServerMetrics::Create(server_registry);
  std::unique_ptr<GrpcClientMetrics> client_metrics = *GrpcClientMetrics::Create(client_registry);
  ASSERT_TRUE(server_metrics->RegisterService(HealthDescriptor()).ok());
  ASSERT_TRUE(client_metrics->RegisterService(HealthDescriptor()).ok());

  CallbackHealth service;
  int port = 0;
  grpc::ServerBuilder builder;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(&service);
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> creators;
  creators.push_back(server_metrics->CreateInterceptorFactory());
  builder.experimental().SetInterceptorCreators(std::move(creators));
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  ASSERT_NE(server, nullptr);

  std::vector<std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface>> factories;
  factories.push_back(client_metrics->CreateInterceptorFactory());
  std::unique_ptr<Health::Stub> stub =
      Health::NewStub(grpc::experimental::CreateCustomChannelWithInterceptors(
          "127.0.0.1:" + std::to_string(port), grpc::InsecureChannelCredentials(),
          grpc::ChannelArguments(), std::move(factories)));
  {
    grpc::ClientContext context;
    HealthCheckRequest request;
    request.set_service("not.yet.Registered");
    std::unique_ptr<grpc::ClientReader<HealthCheckResponse>> reader =
        stub->Watch(&context, request);
    HealthCheckResponse response;
    ASSERT_TRUE(reader->Read(&response));
    EXPECT_EQ(response.status(), HealthCheckResponse::SERVICE_UNKNOWN);
    context.TryCancel();
    EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::CANCELLED);
  }
  service.AwaitWatchDone();
  server->Shutdown();

  EXPECT_THAT(Samples(server_registry, "grpc_server_", "Watch"),
              UnorderedElementsAreArray({
                  Series("grpc_server_started_total", kWatch, 1),
                  Series("grpc_server_handled_total", kWatch, 1, "CANCELLED"),
                  Series("grpc_server_handling_seconds_count", kWatch, 1),
                  Series("grpc_server_msg_received_total", kWatch, 1),
                  Series("grpc_server_msg_sent_total", kWatch, 1),
              }))
      << Scrape(server_registry);
  EXPECT_THAT(Samples(client_registry, "grpc_client_", "Watch"),
              UnorderedElementsAreArray({
                  Series("grpc_client_started_total", kWatch, 1),
                  Series("grpc_client_handled_total", kWatch, 1, "CANCELLED"),
                  Series("grpc_client_handling_seconds_count", kWatch, 1),
                  Series("grpc_client_msg_received_total", kWatch, 1),
                  Series("grpc_client_msg_sent_total", kWatch, 1),
              }))
      << Scrape(client_registry);
}

TEST(StatusCodeNameTest, UsesCanonicalUpperCaseNames) {
  EXPECT_EQ(StatusCodeName(grpc::StatusCode::OK), "OK");
  EXPECT_EQ(StatusCodeName(grpc::StatusCode::INVALID_ARGUMENT), "INVALID_ARGUMENT");
  EXPECT_EQ(StatusCodeName(grpc::StatusCode::UNAUTHENTICATED), "UNAUTHENTICATED");
  EXPECT_EQ(StatusCodeName(static_cast<grpc::StatusCode>(99)), "UNKNOWN");
}

}  // namespace
}  // namespace microreach::metrics
