// Runs a gRPC server the way every microreach service needs it: health
// (NOT_SERVING until ready), reflection, message limits, keepalive, and a
// graceful stop (NOT_SERVING -> drain -> Shutdown(deadline)).
#ifndef MICROREACH_COMMON_SERVER_GRPC_SERVER_H_
#define MICROREACH_COMMON_SERVER_GRPC_SERVER_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "grpcpp/server.h"
#include "grpcpp/support/server_interceptor.h"

namespace microreach::server {

struct GrpcServerOptions {
  std::string address = "127.0.0.1:0";
  int64_t max_message_bytes = 16 << 20;
  absl::Duration keepalive_time = absl::Seconds(30);
  absl::Duration keepalive_timeout = absl::Seconds(10);
  absl::Duration max_connection_age = absl::ZeroDuration();  // zero: no cap
  absl::Duration drain = absl::Seconds(5);
  absl::Duration shutdown_timeout = absl::Seconds(10);
  // Upper bound on threads serving synchronous services (gRPC's resource
  // quota); callback services run on gRPC's own executor.
  int max_threads = 256;
};

// Owns one grpc::Server. Services are registered before Start(); they stay
// owned by the caller and must outlive the server.
//
// Example:
//   GrpcServer server(options);
//   server.AddService(&search_service, SearchService::service_full_name());
//   if (auto s = server.Start(); !s.ok()) return s;   // health: NOT_SERVING
//   LoadIndex();
//   server.SetServing(true);                           // health: SERVING
//   WaitForTerminationSignal();
//   server.Stop();                                     // drain, then shutdown
class GrpcServer {
 public:
  explicit GrpcServer(GrpcServerOptions options);
  ~GrpcServer();
  GrpcServer(const GrpcServer&) = delete;
  GrpcServer& operator=(const GrpcServer&) = delete;

  // `full_name` is the service's protobuf name (e.g.
  // microreach.search.v1.SearchService), which health checks report on.
  // Precondition: before Start().
  void AddService(grpc::Service* service, std::string full_name);
  void AddInterceptorFactory(
      std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface> factory);

  // Binds and starts; every service (and "") reports NOT_SERVING until
  // SetServing(true). UNAVAILABLE when the address cannot be bound.
  absl::Status Start();

  // The bound port (useful with port 0). Precondition: Start() succeeded.
  int port() const { return port_; }

  // Flips the health status of the whole server and each service.
  void SetServing(bool serving);

  // NOT_SERVING, waits `drain` so load balancers and probes notice, then
  // shuts down, cancelling calls still running after `shutdown_timeout`.
  // Idempotent.
  void Stop();

  grpc::Server* server() { return server_.get(); }

 private:
  GrpcServerOptions options_;
  std::vector<grpc::Service*> services_;
  std::vector<std::string> service_names_;
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>>
      interceptor_factories_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
  bool stopped_ = false;
};

// Blocks SIGTERM and SIGINT in the calling thread (and every thread created
// after), so WaitForTerminationSignal() can receive them synchronously. Call
// first thing in main, before any thread exists.
void BlockTerminationSignals();

// Waits until SIGTERM or SIGINT arrives; returns the signal number.
int WaitForTerminationSignal();

}  // namespace microreach::server

#endif  // MICROREACH_COMMON_SERVER_GRPC_SERVER_H_
