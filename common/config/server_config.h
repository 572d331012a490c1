// The configuration every microreach server shares: flags with
// MICROREACH_<FLAG> environment fallbacks, parsed once into a typed struct
// and validated before anything starts.
#ifndef MICROREACH_COMMON_CONFIG_SERVER_CONFIG_H_
#define MICROREACH_COMMON_CONFIG_SERVER_CONFIG_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/log/log.h"

namespace microreach::config {

// Per-binary defaults: the default ports are what the clients of the other
// services default to, so a local suite needs no flags at all.
struct ServiceDefaults {
  std::string name;      // "search"
  int grpc_port = 0;     // 50051
  int metrics_port = 0;  // 9464
  bool uses_store = false;
};

// Default ports of the four services (grpc, metrics).
inline constexpr int kSearchGrpcPort = 50051;
inline constexpr int kScoringGrpcPort = 50052;
inline constexpr int kOutreachGrpcPort = 50053;
inline constexpr int kCampaignGrpcPort = 50054;
inline constexpr int kSearchMetricsPort = 9464;
inline constexpr int kScoringMetricsPort = 9465;
inline constexpr int kOutreachMetricsPort = 9466;
inline constexpr int kCampaignMetricsPort = 9467;

struct ServerConfig {
  std::string service;
  std::string grpc_address;     // host:port the gRPC server listens on
  std::string metrics_address;  // host:port of the Prometheus /metrics endpoint
  std::string redis_address;    // host:port of the shared cache; empty disables it
  std::string redis_password;   // secret
  int redis_pool_size = 8;
  absl::Duration redis_timeout = absl::Milliseconds(50);
  std::string data_dir;   // where embedded stores and snapshots live
  std::string store_url;  // sqlite:///path or postgresql://...; secret parts masked
  // Bearer token -> workspace id. Secret.
  std::map<std::string, std::string> auth_tokens;
  // Peer service addresses (host:port), by service name.
  std::map<std::string, std::string> peers;
  int64_t max_message_bytes = 16 << 20;
  int max_threads = 256;
  absl::Duration keepalive_time = absl::Seconds(30);
  absl::Duration keepalive_timeout = absl::Seconds(10);
  // Caps a client connection's age so long-lived gRPC channels rebalance
  // across replicas behind a Kubernetes Service. Zero disables.
  absl::Duration max_connection_age = absl::Minutes(5);
  absl::Duration drain = absl::Seconds(5);
  absl::Duration shutdown_timeout = absl::Seconds(10);
  log::Level log_level = log::Level::kInfo;
};

// Sets every flag that was not given on the command line from the
// environment variable MICROREACH_<FLAG_NAME_IN_UPPER_CASE>, if present.
// Call before absl::ParseCommandLine so that the command line wins.
// Returns the violations as "MICROREACH_X: reason" strings.
std::vector<std::string> ApplyEnvironmentFallbacks();

// Parses argv (after environment fallbacks). Exits with status 2 and a
// one-line reason on an unknown flag or a value that does not parse.
void ParseFlags(int argc, char** argv, absl::string_view usage);

// Builds and validates the config from the parsed flags.
// Errors are INVALID_ARGUMENT naming the flag, e.g. "--grpc_address: ...".
absl::StatusOr<ServerConfig> LoadServerConfig(const ServiceDefaults& defaults);

// One line for the start-up log, secrets masked.
std::string Describe(const ServerConfig& config);

// Helpers shared with tests and tools.
// Validates "host:port" (port 0..65535; host a name, IPv4 or [IPv6]).
absl::Status ValidateHostPort(absl::string_view value);
// Parses "token=workspace,token2=workspace2".
absl::StatusOr<std::map<std::string, std::string>> ParseAuthTokens(absl::string_view value);
// Masks the password in a URL such as postgresql://user:secret@host/db.
std::string MaskUrl(absl::string_view url);

}  // namespace microreach::config

#endif  // MICROREACH_COMMON_CONFIG_SERVER_CONFIG_H_
