// The shared process skeleton of the service binaries.
#include "common/server/service_main.h"

#include <cstdio>

#include "absl/strings/str_cat.h"
#include "common/log/log.h"
#include "common/metrics/grpc_metrics.h"
#include "common/metrics/metrics_server.h"
#include "common/server/grpc_server.h"
#include "google/protobuf/descriptor.h"

namespace microreach::server {
namespace {

int Fail(absl::string_view what, const absl::Status& status) {
  log::Error(what, {{"error", std::string(status.message())}});
  std::fprintf(stderr, "%s: %s\n", std::string(what).c_str(),
               std::string(status.message()).c_str());
  return 1;
}

}  // namespace

int RunService(int argc, char** argv, const config::ServiceDefaults& defaults,
               const ModuleFactory& factory) {
  // Before any thread exists, so that only WaitForTerminationSignal sees them.
  BlockTerminationSignals();
  config::ParseFlags(argc, argv,
                     absl::StrCat("microreach-", defaults.name, ": the microreach ", defaults.name,
                                  " gRPC service"));
  absl::StatusOr<config::ServerConfig> loaded = config::LoadServerConfig(defaults);
  if (!loaded.ok()) {
    std::fprintf(stderr, "microreach-%s: invalid config: %s\n", defaults.name.c_str(),
                 std::string(loaded.status().message()).c_str());
    return 2;
  }
  const config::ServerConfig& config = *loaded;
  log::Configure(defaults.name, config.log_level);
  log::Info("starting", {{"config", config::Describe(config)}});

  metrics::MetricsServerOptions metrics_options;
  metrics_options.bind_address = config.metrics_address;
  metrics_options.service = defaults.name;
  metrics_options.version = MICROREACH_VERSION;
  auto metrics_server = metrics::MetricsServer::Create(metrics_options);
  if (!metrics_server.ok())
    return Fail("cannot start the metrics endpoint", metrics_server.status());
  prometheus::Registry& registry = (*metrics_server)->registry();

  auto server_metrics = metrics::GrpcServerMetrics::Create(registry);
  if (!server_metrics.ok()) return Fail("cannot create gRPC metrics", server_metrics.status());

  auth::WorkspaceAuthenticator auth(config.auth_tokens);
  if (auth.empty()) {
    log::Warning(
        "no --auth_tokens configured: every workspace-scoped call will be UNAUTHENTICATED");
  }
  ServiceContext context{config, registry, auth};
  absl::StatusOr<std::unique_ptr<ServiceModule>> module = factory(context);
  if (!module.ok() && absl::IsInvalidArgument(module.status())) {
    // A service's own flag failed validation ("--flag: reason"): a config
    // error like those above.
    std::fprintf(stderr, "microreach-%s: invalid config: %s\n", defaults.name.c_str(),
                 std::string(module.status().message()).c_str());
    return 2;
  }
  if (!module.ok()) return Fail("cannot build the service", module.status());

  GrpcServerOptions options;
  options.address = config.grpc_address;
  options.max_message_bytes = config.max_message_bytes;
  options.keepalive_time = config.keepalive_time;
  options.keepalive_timeout = config.keepalive_timeout;
  options.max_connection_age = config.max_connection_age;
  options.drain = config.drain;
  options.shutdown_timeout = config.shutdown_timeout;
  options.max_threads = config.max_threads;
  GrpcServer server(options);
  for (const ServiceModule::Registration& r : (*module)->Services()) {
    const auto* descriptor =
        google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(r.full_name);
    if (descriptor == nullptr) {
      return Fail("unknown service", absl::NotFoundError(r.full_name));
    }
    if (auto s = (*server_metrics)->RegisterService(descriptor); !s.ok()) {
      return Fail("cannot register metrics", s);
    }
    server.AddService(r.service, r.full_name);
  }
  server.AddInterceptorFactory((*server_metrics)->CreateInterceptorFactory());
  if (auto s = server.Start(); !s.ok()) return Fail("cannot start the gRPC server", s);
  log::Info("listening", {{"grpc_port", absl::StrCat(server.port())},
                          {"metrics_port", absl::StrCat((*metrics_server)->port())}});

  if (auto s = (*module)->Prepare(); !s.ok()) {
    server.Stop();
    return Fail("cannot get ready", s);
  }
  server.SetServing(true);
  log::Info("serving");

  const int signal = WaitForTerminationSignal();
  log::Info("stopping", {{"signal", absl::StrCat(signal)}});
  server.Stop();
  (*module)->Shutdown();
  return 0;
}

}  // namespace microreach::server
