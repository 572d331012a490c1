// The process skeleton every service binary shares: flags and config,
// logging, metrics endpoint, gRPC server with health and interceptors,
// readiness, and the SIGTERM drain. A service's main() is one call.
#ifndef MICROREACH_COMMON_SERVER_SERVICE_MAIN_H_
#define MICROREACH_COMMON_SERVER_SERVICE_MAIN_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/auth/workspace_auth.h"
#include "common/config/server_config.h"
#include "grpcpp/impl/codegen/service_type.h"
#include "prometheus/registry.h"

namespace microreach::server {

// What a service's wiring gets to build itself.
struct ServiceContext {
  const config::ServerConfig& config;
  prometheus::Registry& registry;
  const auth::WorkspaceAuthenticator& auth;
};

// One binary's services and their lifecycle.
class ServiceModule {
 public:
  struct Registration {
    grpc::Service* service;
    std::string full_name;  // e.g. microreach.search.v1.SearchService
  };

  virtual ~ServiceModule() = default;
  // The gRPC services to serve; owned by the module.
  virtual std::vector<Registration> Services() = 0;
  // Runs once the server listens (health NOT_SERVING): migrations, index
  // loading. The server reports SERVING when it returns OK; an error stops
  // the process with that reason.
  virtual absl::Status Prepare() { return absl::OkStatus(); }
  // Runs after the server has stopped taking calls.
  virtual void Shutdown() {}
};

// A module serving one gRPC service implementation it owns.
template <typename Impl>
class SingleServiceModule : public ServiceModule {
 public:
  SingleServiceModule(std::unique_ptr<Impl> impl, std::string full_name)
      : impl_(std::move(impl)), full_name_(std::move(full_name)) {}
  std::vector<Registration> Services() override { return {{impl_.get(), full_name_}}; }
  Impl& impl() { return *impl_; }

 private:
  std::unique_ptr<Impl> impl_;
  std::string full_name_;
};

using ModuleFactory =
    std::function<absl::StatusOr<std::unique_ptr<ServiceModule>>(const ServiceContext&)>;

// Parses flags, validates config (exit 2 with a one-line reason when bad),
// starts metrics and gRPC, calls Prepare(), serves until SIGTERM/SIGINT,
// drains and stops. Returns the process exit code.
//
// Example:
//   int main(int argc, char** argv) {
//     return microreach::server::RunService(argc, argv, kDefaults, MakeSearchModule);
//   }
int RunService(int argc, char** argv, const config::ServiceDefaults& defaults,
               const ModuleFactory& factory);

}  // namespace microreach::server

#endif  // MICROREACH_COMMON_SERVER_SERVICE_MAIN_H_
