// MetricsServer: wraps prometheus::Exposer so civetweb's exceptions stop here
// and become absl::Status.
#include "common/metrics/metrics_server.h"

#include <prometheus/gauge.h>
#include <unistd.h>

#include <cstdint>
#include <exception>
#include <fstream>
#include <iterator>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace microreach::metrics {
namespace {

// Process start from /proc (boot time + start ticks), the same source other
// Prometheus clients use, so restarts show up even when the registry is made
// late in main(). Falls back to "now" off Linux.
double ProcessStartTimeSeconds() {
  const double now = absl::ToDoubleSeconds(absl::Now() - absl::UnixEpoch());
  std::ifstream stat_file("/proc/self/stat");
  std::string stat((std::istreambuf_iterator<char>(stat_file)), std::istreambuf_iterator<char>());
  // The command name (field 2) may contain spaces; fields resume after ')'.
  const size_t paren = stat.rfind(')');
  if (paren == std::string::npos) return now;
  const std::vector<absl::string_view> fields =
      absl::StrSplit(absl::string_view(stat).substr(paren + 2), ' ');
  // starttime is field 22 overall, i.e. index 19 after "pid (comm)".
  uint64_t start_ticks = 0;
  if (fields.size() < 20 || !absl::SimpleAtoi(fields[19], &start_ticks)) return now;

  std::ifstream proc_stat("/proc/stat");
  std::string line;
  uint64_t boot_time = 0;
  while (std::getline(proc_stat, line)) {
    absl::string_view rest = line;
    if (absl::ConsumePrefix(&rest, "btime ")) {
      if (!absl::SimpleAtoi(rest, &boot_time)) return now;
      break;
    }
  }
  const long ticks_per_second = sysconf(_SC_CLK_TCK);
  if (boot_time == 0 || ticks_per_second <= 0) return now;
  return static_cast<double>(boot_time) +
         static_cast<double>(start_ticks) / static_cast<double>(ticks_per_second);
}

}  // namespace

absl::StatusOr<std::unique_ptr<MetricsServer>> MetricsServer::Create(
    const MetricsServerOptions& options) {
  if (options.bind_address.empty()) {
    return absl::InvalidArgumentError("metrics bind address is empty");
  }
  if (options.service.empty()) {
    return absl::InvalidArgumentError("metrics service name is empty");
  }
  auto registry = std::make_shared<prometheus::Registry>();
  std::unique_ptr<prometheus::Exposer> exposer;
  // prometheus-cpp (civetweb) reports a failed bind by throwing; nothing
  // past this boundary sees an exception.
  try {
    prometheus::BuildGauge()
        .Name("microreach_build_info")
        .Help("Always 1; labels name the service and the version of the running binary.")
        .Register(*registry)
        .Add({{"service", options.service}, {"version", options.version}})
        .Set(1);
    prometheus::BuildGauge()
        .Name("process_start_time_seconds")
        .Help("Start time of the process since unix epoch in seconds.")
        .Register(*registry)
        .Add({})
        .Set(ProcessStartTimeSeconds());
    exposer = std::make_unique<prometheus::Exposer>(
        options.bind_address,
        static_cast<size_t>(options.num_threads > 0 ? options.num_threads : 1));
  } catch (const std::exception& e) {
    return absl::UnavailableError(
        absl::StrCat("cannot serve metrics on ", options.bind_address, ": ", e.what()));
  } catch (...) {
    return absl::UnavailableError(absl::StrCat("cannot serve metrics on ", options.bind_address));
  }
  const std::vector<int> ports = exposer->GetListeningPorts();
  if (ports.empty()) {
    return absl::UnavailableError(
        absl::StrCat("metrics server on ", options.bind_address, " has no listening port"));
  }
  exposer->RegisterCollectable(registry);
  return std::unique_ptr<MetricsServer>(
      new MetricsServer(std::move(registry), std::move(exposer), ports.front()));
}

MetricsServer::MetricsServer(std::shared_ptr<prometheus::Registry> registry,
                             std::unique_ptr<prometheus::Exposer> exposer, int port)
    : registry_(std::move(registry)), exposer_(std::move(exposer)), port_(port) {}

MetricsServer::~MetricsServer() = default;

}  // namespace microreach::metrics
