// gRPC server and client interceptors that count calls, messages and latency
// under the metric names go-grpc-prometheus uses (grpc_server_*, grpc_client_*).
#ifndef MICROREACH_COMMON_METRICS_GRPC_METRICS_H_
#define MICROREACH_COMMON_METRICS_GRPC_METRICS_H_

#include <google/protobuf/descriptor.h>
#include <grpcpp/support/client_interceptor.h>
#include <grpcpp/support/server_interceptor.h>
#include <grpcpp/support/status_code_enum.h>
#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <array>
#include <atomic>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"

namespace microreach::metrics {

// Label values used for calls to methods no RegisterService() call declared.
// Every such call shares one series per grpc_type, so a client probing random
// paths cannot create unbounded label values.
inline constexpr absl::string_view kUnknownLabel = "unknown";

// Upper bounds (seconds) of grpc_*_handling_seconds: our services answer in
// milliseconds, so resolution is spent below 100ms.
const prometheus::Histogram::BucketBoundaries& LatencyBuckets();

// Canonical upper-case name of a gRPC status code ("OK", "NOT_FOUND", ...);
// "UNKNOWN" for values outside the enum.
absl::string_view StatusCodeName(grpc::StatusCode code);

namespace internal {

// Metric children of one (grpc_type, grpc_service, grpc_method), resolved once
// so the hot path only increments.
class MethodMetrics {
 public:
  MethodMetrics(prometheus::Labels labels, prometheus::Counter& started,
                prometheus::Counter& msg_received, prometheus::Counter& msg_sent,
                prometheus::Histogram& handling_seconds,
                prometheus::Family<prometheus::Counter>& handled);

  prometheus::Counter& started() const { return started_; }
  prometheus::Counter& msg_received() const { return msg_received_; }
  prometheus::Counter& msg_sent() const { return msg_sent_; }
  prometheus::Histogram& handling_seconds() const { return handling_seconds_; }

  // The handled_total child for `code`, created on first use: most methods
  // only ever see a few codes, and pre-creating all 17 would multiply the
  // series count by 17 for no information.
  prometheus::Counter& Handled(grpc::StatusCode code);

 private:
  static constexpr int kNumCodes = grpc::StatusCode::UNAUTHENTICATED + 1;

  const prometheus::Labels labels_;
  prometheus::Counter& started_;
  prometheus::Counter& msg_received_;
  prometheus::Counter& msg_sent_;
  prometheus::Histogram& handling_seconds_;
  prometheus::Family<prometheus::Counter>& handled_family_;
  // Family::Add is idempotent and internally locked, so racing first uses
  // resolve to the same child; the atomic only caches the pointer.
  std::array<std::atomic<prometheus::Counter*>, kNumCodes> handled_{};
};

// The five families of one side ("grpc_server" or "grpc_client") and the
// per-method children, keyed by the "/package.Service/Method" path.
class RpcMetricsTable {
 public:
  // grpc_type values, in the order of grpc::internal::RpcMethod::RpcType.
  enum class RpcType { kUnary = 0, kClientStream, kServerStream, kBidiStream };

  static absl::StatusOr<std::unique_ptr<RpcMetricsTable>> Create(prometheus::Registry& registry,
                                                                 absl::string_view prefix);

  absl::Status RegisterService(const google::protobuf::ServiceDescriptor* service);

  // After Freeze() the map is read without locks; RegisterService fails.
  void Freeze() { frozen_.store(true, std::memory_order_release); }

  // Metrics for `path`, or the "unknown" entry for `fallback_type` when the
  // path was never registered. Precondition: Freeze() was called.
  MethodMetrics& Lookup(absl::string_view path, RpcType fallback_type) const;

 private:
  RpcMetricsTable() = default;
  std::unique_ptr<MethodMetrics> MakeMethod(RpcType type, absl::string_view service,
                                            absl::string_view method) const;

  prometheus::Family<prometheus::Counter>* started_ = nullptr;
  prometheus::Family<prometheus::Counter>* handled_ = nullptr;
  prometheus::Family<prometheus::Histogram>* handling_seconds_ = nullptr;
  prometheus::Family<prometheus::Counter>* msg_received_ = nullptr;
  prometheus::Family<prometheus::Counter>* msg_sent_ = nullptr;

  std::atomic<bool> frozen_{false};
  // Written only before Freeze(), by the thread that wires the server.
  absl::flat_hash_map<std::string, std::unique_ptr<MethodMetrics>> methods_;
  // Created on the first unknown call of each type so a healthy service does
  // not export empty "unknown" histograms; unknown calls are rare enough to
  // take a lock.
  mutable absl::Mutex unknown_mu_;
  mutable std::array<std::unique_ptr<MethodMetrics>, 4> unknown_ ABSL_GUARDED_BY(unknown_mu_);
};

}  // namespace internal

// Server-side metrics: grpc_server_started_total, grpc_server_handled_total,
// grpc_server_handling_seconds, grpc_server_msg_received_total and
// grpc_server_msg_sent_total.
//
// Must outlive every grpc::Server built with its interceptor factory.
//
// Example:
//   absl::StatusOr<std::unique_ptr<GrpcServerMetrics>> grpc_metrics =
//       GrpcServerMetrics::Create(metrics_server->registry());
//   if (!grpc_metrics.ok()) return grpc_metrics.status();
//   absl::Status s = (*grpc_metrics)->RegisterService(SearchService::descriptor());
//   std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> f;
//   f.push_back((*grpc_metrics)->CreateInterceptorFactory());
//   builder.experimental().SetInterceptorCreators(std::move(f));
class GrpcServerMetrics {
 public:
  // Fails if the registry already holds one of the names as another type.
  static absl::StatusOr<std::unique_ptr<GrpcServerMetrics>> Create(prometheus::Registry& registry);

  // Pre-creates the series of every method of `service`. Call from the
  // wiring thread before CreateInterceptorFactory(); afterwards it returns
  // FailedPrecondition (the method table is then read without locks).
  absl::Status RegisterService(const google::protobuf::ServiceDescriptor* service);

  // Freezes the method table and returns a factory for
  // ServerBuilder::experimental().SetInterceptorCreators().
  std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface> CreateInterceptorFactory();

 private:
  explicit GrpcServerMetrics(std::unique_ptr<internal::RpcMetricsTable> table)
      : table_(std::move(table)) {}
  std::unique_ptr<internal::RpcMetricsTable> table_;
};

// Client-side twins (grpc_client_*), for outgoing calls.
//
// Must outlive every channel created with its interceptor factory.
//
// Example:
//   absl::StatusOr<std::unique_ptr<GrpcClientMetrics>> client_metrics =
//       GrpcClientMetrics::Create(metrics_server->registry());
//   absl::Status s = (*client_metrics)->RegisterService(ScoringService::descriptor());
//   std::vector<std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface>> f;
//   f.push_back((*client_metrics)->CreateInterceptorFactory());
//   auto channel = grpc::experimental::CreateCustomChannelWithInterceptors(
//       target, creds, grpc::ChannelArguments(), std::move(f));
class GrpcClientMetrics {
 public:
  static absl::StatusOr<std::unique_ptr<GrpcClientMetrics>> Create(prometheus::Registry& registry);

  // As GrpcServerMetrics::RegisterService, for the services this process calls.
  absl::Status RegisterService(const google::protobuf::ServiceDescriptor* service);

  std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface> CreateInterceptorFactory();

 private:
  explicit GrpcClientMetrics(std::unique_ptr<internal::RpcMetricsTable> table)
      : table_(std::move(table)) {}
  std::unique_ptr<internal::RpcMetricsTable> table_;
};

}  // namespace microreach::metrics

#endif  // MICROREACH_COMMON_METRICS_GRPC_METRICS_H_
