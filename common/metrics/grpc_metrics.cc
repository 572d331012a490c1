// Interceptors and per-method metric tables behind grpc_metrics.h. The hot
// path is one flat_hash_map lookup per call plus counter increments.
#include "common/metrics/grpc_metrics.h"

#include <grpcpp/server_context.h>
#include <grpcpp/support/interceptor.h>

#include <chrono>
#include <exception>
#include <utility>

#include "absl/strings/str_cat.h"

namespace microreach::metrics {
namespace {

using grpc::experimental::InterceptionHookPoints;
using RpcType = internal::RpcMetricsTable::RpcType;

constexpr absl::string_view kTypeLabels[] = {"unary", "client_stream", "server_stream",
                                             "bidi_stream"};

constexpr absl::string_view kCodeNames[] = {
    "OK",
    "CANCELLED",
    "UNKNOWN",
    "INVALID_ARGUMENT",
    "DEADLINE_EXCEEDED",
    "NOT_FOUND",
    "ALREADY_EXISTS",
    "PERMISSION_DENIED",
    "RESOURCE_EXHAUSTED",
    "FAILED_PRECONDITION",
    "ABORTED",
    "OUT_OF_RANGE",
    "UNIMPLEMENTED",
    "INTERNAL",
    "UNAVAILABLE",
    "DATA_LOSS",
    "UNAUTHENTICATED",
};

// Normalises codes outside the enum (a peer may send any integer) so they
// cannot index past the per-code cache.
grpc::StatusCode Canonical(grpc::StatusCode code) {
  const int value = static_cast<int>(code);
  if (value < 0 || value >= static_cast<int>(std::size(kCodeNames))) {
    return grpc::StatusCode::UNKNOWN;
  }
  return code;
}

RpcType TypeOf(const google::protobuf::MethodDescriptor& method) {
  if (method.client_streaming()) {
    return method.server_streaming() ? RpcType::kBidiStream : RpcType::kClientStream;
  }
  return method.server_streaming() ? RpcType::kServerStream : RpcType::kUnary;
}

RpcType TypeOf(grpc::experimental::ServerRpcInfo::Type type) {
  switch (type) {
    case grpc::experimental::ServerRpcInfo::Type::UNARY:
      return RpcType::kUnary;
    case grpc::experimental::ServerRpcInfo::Type::CLIENT_STREAMING:
      return RpcType::kClientStream;
    case grpc::experimental::ServerRpcInfo::Type::SERVER_STREAMING:
      return RpcType::kServerStream;
    case grpc::experimental::ServerRpcInfo::Type::BIDI_STREAMING:
      return RpcType::kBidiStream;
  }
  return RpcType::kBidiStream;
}

RpcType TypeOf(grpc::experimental::ClientRpcInfo::Type type) {
  switch (type) {
    case grpc::experimental::ClientRpcInfo::Type::UNARY:
      return RpcType::kUnary;
    case grpc::experimental::ClientRpcInfo::Type::CLIENT_STREAMING:
      return RpcType::kClientStream;
    case grpc::experimental::ClientRpcInfo::Type::SERVER_STREAMING:
      return RpcType::kServerStream;
    case grpc::experimental::ClientRpcInfo::Type::BIDI_STREAMING:
    case grpc::experimental::ClientRpcInfo::Type::UNKNOWN:
      // Generic calls carry no shape; they are streams at the wire level.
      return RpcType::kBidiStream;
  }
  return RpcType::kBidiStream;
}

absl::string_view MethodPath(const char* method) { return method == nullptr ? "" : method; }

// Counts one call. handled_total and the histogram are recorded exactly once,
// by whichever of "status sent/received", "call closed" or destruction comes
// first, so started_total and handled_total always balance.
class CallRecorder {
 public:
  explicit CallRecorder(internal::MethodMetrics& metrics)
      : metrics_(metrics), start_(std::chrono::steady_clock::now()) {
    metrics_.started().Increment();
  }

  void MessageReceived() { metrics_.msg_received().Increment(); }
  void MessageSent() { metrics_.msg_sent().Increment(); }

  void Handled(grpc::StatusCode code) {
    if (recorded_.exchange(true, std::memory_order_acq_rel)) return;
    const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start_;
    metrics_.Handled(code).Increment();
    metrics_.handling_seconds().Observe(elapsed.count());
  }

 private:
  internal::MethodMetrics& metrics_;
  const std::chrono::steady_clock::time_point start_;
  // Hooks of one call can run on different threads (callback API: the
  // reactor's Finish vs. the cancellation), hence atomic.
  std::atomic<bool> recorded_{false};
};

class ServerMetricsInterceptor final : public grpc::experimental::Interceptor {
 public:
  ServerMetricsInterceptor(internal::MethodMetrics& metrics, grpc::ServerContextBase* context)
      : recorder_(metrics), context_(context) {}

  // A call torn down without sending a status (server shutdown) still ends.
  ~ServerMetricsInterceptor() override { recorder_.Handled(grpc::StatusCode::CANCELLED); }

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_MESSAGE) &&
        methods->GetRecvMessage() != nullptr) {  // nullptr: the read hit end of stream.
      recorder_.MessageReceived();
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_MESSAGE)) {
      recorder_.MessageSent();
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS)) {
      // Recorded before the status leaves, so a client that has its answer
      // can scrape and see it. Past the deadline the client got
      // DEADLINE_EXCEEDED whatever the handler says.
      recorder_.Handled(DeadlinePassed() ? grpc::StatusCode::DEADLINE_EXCEEDED
                                         : Canonical(methods->GetSendStatus().error_code()));
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_CLOSE)) {
      // Closed before any status was sent means the client cancelled or the
      // deadline expired; after a sent status this is a no-op.
      recorder_.Handled(DeadlinePassed() ? grpc::StatusCode::DEADLINE_EXCEEDED
                                         : grpc::StatusCode::CANCELLED);
    }
    methods->Proceed();
  }

 private:
  bool DeadlinePassed() const {
    return context_ != nullptr && context_->deadline() <= std::chrono::system_clock::now();
  }

  CallRecorder recorder_;
  grpc::ServerContextBase* const context_;  // Outlives the hooks, not the destructor.
};

class ClientMetricsInterceptor final : public grpc::experimental::Interceptor {
 public:
  explicit ClientMetricsInterceptor(internal::MethodMetrics& metrics) : recorder_(metrics) {}

  // A call abandoned before Finish() read the status.
  ~ClientMetricsInterceptor() override { recorder_.Handled(grpc::StatusCode::CANCELLED); }

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_MESSAGE)) {
      recorder_.MessageSent();
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_MESSAGE) &&
        methods->GetRecvMessage() != nullptr) {
      recorder_.MessageReceived();
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_STATUS)) {
      recorder_.Handled(Canonical(methods->GetRecvStatus()->error_code()));
    }
    methods->Proceed();
  }

 private:
  CallRecorder recorder_;
};

class ServerFactory final : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit ServerFactory(const internal::RpcMetricsTable& table) : table_(table) {}

  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override {
    return new ServerMetricsInterceptor(
        table_.Lookup(MethodPath(info->method()), TypeOf(info->type())), info->server_context());
  }

 private:
  const internal::RpcMetricsTable& table_;
};

class ClientFactory final : public grpc::experimental::ClientInterceptorFactoryInterface {
 public:
  explicit ClientFactory(const internal::RpcMetricsTable& table) : table_(table) {}

  grpc::experimental::Interceptor* CreateClientInterceptor(
      grpc::experimental::ClientRpcInfo* info) override {
    return new ClientMetricsInterceptor(
        table_.Lookup(MethodPath(info->method()), TypeOf(info->type())));
  }

 private:
  const internal::RpcMetricsTable& table_;
};

}  // namespace

const prometheus::Histogram::BucketBoundaries& LatencyBuckets() {
  static const auto* const kBuckets = new prometheus::Histogram::BucketBoundaries{
      .0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10};
  return *kBuckets;
}

absl::string_view StatusCodeName(grpc::StatusCode code) {
  return kCodeNames[static_cast<int>(Canonical(code))];
}

namespace internal {

MethodMetrics::MethodMetrics(prometheus::Labels labels, prometheus::Counter& started,
                             prometheus::Counter& msg_received, prometheus::Counter& msg_sent,
                             prometheus::Histogram& handling_seconds,
                             prometheus::Family<prometheus::Counter>& handled)
    : labels_(std::move(labels)),
      started_(started),
      msg_received_(msg_received),
      msg_sent_(msg_sent),
      handling_seconds_(handling_seconds),
      handled_family_(handled) {}

prometheus::Counter& MethodMetrics::Handled(grpc::StatusCode code) {
  std::atomic<prometheus::Counter*>& slot = handled_[static_cast<int>(Canonical(code))];
  prometheus::Counter* counter = slot.load(std::memory_order_acquire);
  if (counter == nullptr) {
    prometheus::Labels labels = labels_;
    labels.emplace("grpc_code", StatusCodeName(code));
    counter = &handled_family_.Add(labels);
    slot.store(counter, std::memory_order_release);
  }
  return *counter;
}

absl::StatusOr<std::unique_ptr<RpcMetricsTable>> RpcMetricsTable::Create(
    prometheus::Registry& registry, absl::string_view prefix) {
  const bool server = prefix == "grpc_server";
  std::unique_ptr<RpcMetricsTable> table(new RpcMetricsTable());
  // prometheus-cpp throws when a name is already registered as another type;
  // this is the boundary where that becomes a Status.
  try {
    table->started_ = &prometheus::BuildCounter()
                           .Name(absl::StrCat(prefix, "_started_total"))
                           .Help(server ? "Total number of RPCs started on the server."
                                        : "Total number of RPCs started on the client.")
                           .Register(registry);
    table->handled_ =
        &prometheus::BuildCounter()
             .Name(absl::StrCat(prefix, "_handled_total"))
             .Help(server ? "Total number of RPCs completed on the server, regardless of "
                            "success or failure."
                          : "Total number of RPCs completed by the client, regardless of "
                            "success or failure.")
             .Register(registry);
    table->handling_seconds_ =
        &prometheus::BuildHistogram()
             .Name(absl::StrCat(prefix, "_handling_seconds"))
             .Help(server ? "Histogram of response latency (seconds) of gRPC that had been "
                            "application-level handled by the server."
                          : "Histogram of response latency (seconds) of the gRPC until it is "
                            "finished by the application.")
             .Register(registry);
    table->msg_received_ =
        &prometheus::BuildCounter()
             .Name(absl::StrCat(prefix, "_msg_received_total"))
             .Help(server ? "Total number of RPC stream messages received on the server."
                          : "Total number of RPC stream messages received by the client.")
             .Register(registry);
    table->msg_sent_ =
        &prometheus::BuildCounter()
             .Name(absl::StrCat(prefix, "_msg_sent_total"))
             .Help(server ? "Total number of gRPC stream messages sent by the server."
                          : "Total number of gRPC stream messages sent by the client.")
             .Register(registry);
  } catch (const std::exception& e) {
    return absl::FailedPreconditionError(
        absl::StrCat("registering ", prefix, "_* metrics: ", e.what()));
  }
  return table;
}

std::unique_ptr<MethodMetrics> RpcMetricsTable::MakeMethod(RpcType type, absl::string_view service,
                                                           absl::string_view method) const {
  prometheus::Labels labels = {
      {"grpc_type", std::string(kTypeLabels[static_cast<int>(type)])},
      {"grpc_service", std::string(service)},
      {"grpc_method", std::string(method)},
  };
  return std::make_unique<MethodMetrics>(
      labels, started_->Add(labels), msg_received_->Add(labels), msg_sent_->Add(labels),
      handling_seconds_->Add(labels, LatencyBuckets()), *handled_);
}

absl::Status RpcMetricsTable::RegisterService(const google::protobuf::ServiceDescriptor* service) {
  if (service == nullptr) return absl::InvalidArgumentError("service descriptor is null");
  if (frozen_.load(std::memory_order_acquire)) {
    return absl::FailedPreconditionError(absl::StrCat(
        "RegisterService(", service->full_name(), ") after the interceptor factory was created"));
  }
  for (int i = 0; i < service->method_count(); ++i) {
    const google::protobuf::MethodDescriptor& method = *service->method(i);
    std::string path = absl::StrCat("/", service->full_name(), "/", method.name());
    if (methods_.contains(path)) continue;  // Registering twice is harmless.
    methods_.emplace(std::move(path),
                     MakeMethod(TypeOf(method), service->full_name(), method.name()));
  }
  return absl::OkStatus();
}

MethodMetrics& RpcMetricsTable::Lookup(absl::string_view path, RpcType fallback_type) const {
  if (auto it = methods_.find(path); it != methods_.end()) return *it->second;
  absl::MutexLock lock(&unknown_mu_);
  std::unique_ptr<MethodMetrics>& unknown = unknown_[static_cast<int>(fallback_type)];
  if (unknown == nullptr) unknown = MakeMethod(fallback_type, kUnknownLabel, kUnknownLabel);
  return *unknown;
}

}  // namespace internal

absl::StatusOr<std::unique_ptr<GrpcServerMetrics>> GrpcServerMetrics::Create(
    prometheus::Registry& registry) {
  absl::StatusOr<std::unique_ptr<internal::RpcMetricsTable>> table =
      internal::RpcMetricsTable::Create(registry, "grpc_server");
  if (!table.ok()) return table.status();
  return std::unique_ptr<GrpcServerMetrics>(new GrpcServerMetrics(std::move(*table)));
}

absl::Status GrpcServerMetrics::RegisterService(
    const google::protobuf::ServiceDescriptor* service) {
  return table_->RegisterService(service);
}

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
GrpcServerMetrics::CreateInterceptorFactory() {
  table_->Freeze();
  return std::make_unique<ServerFactory>(*table_);
}

absl::StatusOr<std::unique_ptr<GrpcClientMetrics>> GrpcClientMetrics::Create(
    prometheus::Registry& registry) {
  absl::StatusOr<std::unique_ptr<internal::RpcMetricsTable>> table =
      internal::RpcMetricsTable::Create(registry, "grpc_client");
  if (!table.ok()) return table.status();
  return std::unique_ptr<GrpcClientMetrics>(new GrpcClientMetrics(std::move(*table)));
}

absl::Status GrpcClientMetrics::RegisterService(
    const google::protobuf::ServiceDescriptor* service) {
  return table_->RegisterService(service);
}

std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface>
GrpcClientMetrics::CreateInterceptorFactory() {
  table_->Freeze();
  return std::make_unique<ClientFactory>(*table_);
}

}  // namespace microreach::metrics
