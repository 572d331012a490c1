// MetricsServer: the per-service Prometheus /metrics endpoint and the registry
// every metric of the process is registered with.
#ifndef MICROREACH_COMMON_METRICS_METRICS_SERVER_H_
#define MICROREACH_COMMON_METRICS_METRICS_SERVER_H_

#include <prometheus/exposer.h>
#include <prometheus/registry.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"

namespace microreach::metrics {

struct MetricsServerOptions {
  // host:port to listen on; port 0 picks a free port (see port()).
  std::string bind_address = "0.0.0.0:9464";
  // Values of microreach_build_info{service,version}.
  std::string service;
  std::string version;
  // civetweb worker threads; scrapes are rare, two are plenty.
  int num_threads = 2;
};

// Serves GET /metrics from registry() until destroyed. Also exports
// microreach_build_info{service,version} 1 and process_start_time_seconds.
//
// Example:
//   MetricsServerOptions options;
//   options.bind_address = config.metrics_address;  // "0.0.0.0:9464"
//   options.service = "search";
//   options.version = MICROREACH_VERSION;
//   absl::StatusOr<std::unique_ptr<MetricsServer>> metrics = MetricsServer::Create(options);
//   if (!metrics.ok()) return metrics.status();
//   prometheus::Registry& registry = (*metrics)->registry();
class MetricsServer {
 public:
  // kInvalidArgument for an empty address or service name; kUnavailable when
  // the address cannot be bound (in use, no such interface).
  static absl::StatusOr<std::unique_ptr<MetricsServer>> Create(const MetricsServerOptions& options);

  MetricsServer(const MetricsServer&) = delete;
  MetricsServer& operator=(const MetricsServer&) = delete;
  ~MetricsServer();

  prometheus::Registry& registry() const { return *registry_; }
  // The port actually bound: the configured one, or the kernel's pick for 0.
  int port() const { return port_; }

 private:
  MetricsServer(std::shared_ptr<prometheus::Registry> registry,
                std::unique_ptr<prometheus::Exposer> exposer, int port);

  // Declared before exposer_ so the exposer, which serves scrapes from other
  // threads, is destroyed first.
  std::shared_ptr<prometheus::Registry> registry_;
  std::unique_ptr<prometheus::Exposer> exposer_;
  int port_;
};

}  // namespace microreach::metrics

#endif  // MICROREACH_COMMON_METRICS_METRICS_SERVER_H_
