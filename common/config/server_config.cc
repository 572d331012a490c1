// Flags shared by every server, their environment fallbacks and validation.
#include "common/config/server_config.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/reflection.h"
#include "absl/flags/usage.h"
#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

ABSL_FLAG(
    std::string, grpc_address, "",
    "host:port for the gRPC server (default 127.0.0.1:<service port>; 0.0.0.0 in containers)");
ABSL_FLAG(std::string, metrics_address, "",
          "host:port for the Prometheus /metrics endpoint (default 127.0.0.1:<metrics port>)");
ABSL_FLAG(std::string, redis_address, "127.0.0.1:6379",
          "host:port of the shared Redis profile cache; empty disables the cache");
ABSL_FLAG(std::string, redis_password, "", "Redis AUTH password (secret)");
ABSL_FLAG(int, redis_pool_size, 8, "Redis connections per process (1..256)");
ABSL_FLAG(absl::Duration, redis_timeout, absl::Milliseconds(50),
          "connect and command timeout for Redis; the cache fails open past it");
ABSL_FLAG(std::string, data_dir, "var", "directory for embedded stores and index snapshots");
ABSL_FLAG(std::string, store_url, "",
          "sqlite:///abs/path.db or postgresql://user:pass@host/db "
          "(default sqlite://<data_dir>/<service>.db)");
ABSL_FLAG(std::string, auth_tokens, "",
          "bearer tokens and their workspaces: token=workspace[,token=workspace...] (secret)");
ABSL_FLAG(std::string, auth_tokens_file, "",
          "file of `token=workspace` lines (# comments allowed), e.g. a mounted Secret");
ABSL_FLAG(std::string, search_address, "127.0.0.1:50051", "address of the search service");
ABSL_FLAG(std::string, scoring_address, "127.0.0.1:50052", "address of the scoring service");
ABSL_FLAG(std::string, outreach_address, "127.0.0.1:50053", "address of the outreach service");
ABSL_FLAG(int64_t, max_message_bytes, 16 << 20, "largest gRPC message accepted or sent");
ABSL_FLAG(int, max_threads, 256,
          "most threads serving synchronous RPCs at once (4..4096); calls beyond it get "
          "RESOURCE_EXHAUSTED");
ABSL_FLAG(absl::Duration, keepalive_time, absl::Seconds(30), "HTTP/2 keepalive ping interval");
ABSL_FLAG(absl::Duration, keepalive_timeout, absl::Seconds(10), "keepalive ping ack timeout");
ABSL_FLAG(absl::Duration, max_connection_age, absl::Minutes(5),
          "close client connections after this age so load rebalances (0 disables)");
ABSL_FLAG(absl::Duration, drain, absl::Seconds(5),
          "after SIGTERM, how long to report NOT_SERVING before refusing new calls");
ABSL_FLAG(absl::Duration, shutdown_timeout, absl::Seconds(10),
          "after draining, how long in-flight calls get before they are cancelled");
ABSL_FLAG(std::string, log_level, "info", "debug, info, warning or error");

namespace microreach::config {
namespace {

std::string EnvName(absl::string_view flag) {
  return absl::StrCat("MICROREACH_", absl::AsciiStrToUpper(flag));
}

absl::Status FlagError(absl::string_view flag, absl::string_view reason) {
  return absl::InvalidArgumentError(absl::StrCat("--", flag, ": ", reason));
}

absl::StatusOr<std::map<std::string, std::string>> ReadTokensFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return FlagError("auth_tokens_file", absl::StrCat("cannot read ", path));
  std::map<std::string, std::string> tokens;
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    absl::string_view text = absl::StripAsciiWhitespace(line);
    if (text.empty() || absl::StartsWith(text, "#")) continue;
    auto parsed = ParseAuthTokens(text);
    if (!parsed.ok()) {
      return FlagError("auth_tokens_file",
                       absl::StrCat(path, ":", line_no, ": ", parsed.status().message()));
    }
    tokens.insert(parsed->begin(), parsed->end());
  }
  return tokens;
}

bool ValidWorkspaceId(absl::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    if (!absl::ascii_isalnum(c) && c != '-' && c != '_') return false;
  }
  return true;
}

}  // namespace

std::vector<std::string> ApplyEnvironmentFallbacks() {
  std::vector<std::string> errors;
  for (auto& [name, flag] : absl::GetAllFlags()) {
    // Runs once at start-up, before any thread that could modify the environment.
    const char* value = std::getenv(EnvName(name).c_str());  // NOLINT(concurrency-mt-unsafe)
    if (value == nullptr) continue;
    std::string error;
    if (!flag->ParseFrom(value, &error)) {
      errors.push_back(absl::StrCat(EnvName(name), ": ", error));
    }
  }
  return errors;
}

void ParseFlags(int argc, char** argv, absl::string_view usage) {
  absl::SetProgramUsageMessage(usage);
  std::vector<std::string> env_errors = ApplyEnvironmentFallbacks();
  if (!env_errors.empty()) {
    std::fprintf(stderr, "%s: invalid environment: %s\n", argv[0],
                 absl::StrJoin(env_errors, "; ").c_str());
    std::exit(2);  // NOLINT(concurrency-mt-unsafe): single-threaded start-up
  }
  absl::ParseCommandLine(argc, argv);
}

absl::Status ValidateHostPort(absl::string_view value) {
  if (value.empty()) return absl::InvalidArgumentError("is empty; expected host:port");
  size_t colon = value.rfind(':');
  if (colon == absl::string_view::npos || colon == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", value, "\" is not host:port, e.g. 127.0.0.1:50051"));
  }
  absl::string_view host = value.substr(0, colon);
  if (absl::StartsWith(host, "[") != absl::EndsWith(host, "]")) {
    return absl::InvalidArgumentError(absl::StrCat("\"", host, "\" has unbalanced brackets"));
  }
  int port = 0;
  if (!absl::SimpleAtoi(value.substr(colon + 1), &port) || port < 0 || port > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat("port \"", value.substr(colon + 1), "\" is not a number in 0..65535"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::map<std::string, std::string>> ParseAuthTokens(absl::string_view value) {
  std::map<std::string, std::string> tokens;
  for (absl::string_view pair : absl::StrSplit(value, ',', absl::SkipWhitespace())) {
    pair = absl::StripAsciiWhitespace(pair);
    std::vector<absl::string_view> parts = absl::StrSplit(pair, absl::MaxSplits('=', 1));
    if (parts.size() != 2 || parts[0].empty()) {
      return absl::InvalidArgumentError("expected token=workspace pairs separated by commas");
    }
    if (parts[0].size() < 16) {
      return absl::InvalidArgumentError("a token must be at least 16 characters long");
    }
    if (!ValidWorkspaceId(parts[1])) {
      return absl::InvalidArgumentError(
          absl::StrCat("workspace id \"", parts[1],
                       "\" must be 1-64 characters of letters, digits, '-' or '_'"));
    }
    tokens[std::string(parts[0])] = std::string(parts[1]);
  }
  return tokens;
}

std::string MaskUrl(absl::string_view url) {
  size_t scheme = url.find("://");
  if (scheme == absl::string_view::npos) return std::string(url);
  size_t at = url.find('@', scheme + 3);
  if (at == absl::string_view::npos) return std::string(url);
  size_t colon = url.find(':', scheme + 3);
  if (colon == absl::string_view::npos || colon > at) return std::string(url);
  return absl::StrCat(url.substr(0, colon + 1), "****", url.substr(at));
}

absl::StatusOr<ServerConfig> LoadServerConfig(const ServiceDefaults& defaults) {
  ServerConfig c;
  c.service = defaults.name;
  c.grpc_address = absl::GetFlag(FLAGS_grpc_address);
  if (c.grpc_address.empty()) c.grpc_address = absl::StrCat("127.0.0.1:", defaults.grpc_port);
  if (auto s = ValidateHostPort(c.grpc_address); !s.ok()) {
    return FlagError("grpc_address", s.message());
  }
  c.metrics_address = absl::GetFlag(FLAGS_metrics_address);
  if (c.metrics_address.empty()) {
    c.metrics_address = absl::StrCat("127.0.0.1:", defaults.metrics_port);
  }
  if (auto s = ValidateHostPort(c.metrics_address); !s.ok()) {
    return FlagError("metrics_address", s.message());
  }
  c.redis_address = absl::GetFlag(FLAGS_redis_address);
  if (!c.redis_address.empty()) {
    if (auto s = ValidateHostPort(c.redis_address); !s.ok()) {
      return FlagError("redis_address", s.message());
    }
  }
  c.redis_password = absl::GetFlag(FLAGS_redis_password);
  c.redis_pool_size = absl::GetFlag(FLAGS_redis_pool_size);
  if (c.redis_pool_size < 1 || c.redis_pool_size > 256) {
    return FlagError("redis_pool_size", absl::StrCat("must be in 1..256, got ", c.redis_pool_size));
  }
  c.redis_timeout = absl::GetFlag(FLAGS_redis_timeout);
  if (c.redis_timeout <= absl::ZeroDuration() || c.redis_timeout > absl::Seconds(10)) {
    return FlagError("redis_timeout", "must be in (0, 10s]");
  }
  c.data_dir = absl::GetFlag(FLAGS_data_dir);
  if (c.data_dir.empty()) return FlagError("data_dir", "must not be empty");
  // Absolute, so that store URLs do not depend on the working directory.
  std::error_code ec;
  c.data_dir = std::filesystem::absolute(c.data_dir, ec).lexically_normal().string();
  if (ec) return FlagError("data_dir", ec.message());
  if (c.data_dir.size() > 1 && c.data_dir.back() == '/') c.data_dir.pop_back();
  c.store_url = absl::GetFlag(FLAGS_store_url);
  if (c.store_url.empty() && defaults.uses_store) {
    c.store_url = absl::StrCat("sqlite://", c.data_dir, "/", defaults.name, ".db");
  }
  if (!c.store_url.empty() && !absl::StartsWith(c.store_url, "sqlite:") &&
      !absl::StartsWith(c.store_url, "postgresql://") &&
      !absl::StartsWith(c.store_url, "postgres://")) {
    return FlagError("store_url", absl::StrCat("\"", MaskUrl(c.store_url),
                                               "\" must start with sqlite:// or postgresql://"));
  }
  auto tokens = ParseAuthTokens(absl::GetFlag(FLAGS_auth_tokens));
  if (!tokens.ok()) return FlagError("auth_tokens", tokens.status().message());
  c.auth_tokens = *std::move(tokens);
  if (const std::string path = absl::GetFlag(FLAGS_auth_tokens_file); !path.empty()) {
    auto from_file = ReadTokensFile(path);
    if (!from_file.ok()) return from_file.status();
    c.auth_tokens.insert(from_file->begin(), from_file->end());
  }
  const std::pair<const char*, std::string> peers[] = {
      {"search", absl::GetFlag(FLAGS_search_address)},
      {"scoring", absl::GetFlag(FLAGS_scoring_address)},
      {"outreach", absl::GetFlag(FLAGS_outreach_address)}};
  for (const auto& [name, address] : peers) {
    if (auto s = ValidateHostPort(address); !s.ok()) {
      return FlagError(absl::StrCat(name, "_address"), s.message());
    }
    c.peers[name] = address;
  }
  c.max_message_bytes = absl::GetFlag(FLAGS_max_message_bytes);
  if (c.max_message_bytes < 1024 || c.max_message_bytes > (int64_t{1} << 30)) {
    return FlagError("max_message_bytes", "must be between 1024 and 1073741824");
  }
  c.max_threads = absl::GetFlag(FLAGS_max_threads);
  if (c.max_threads < 4 || c.max_threads > 4096) {
    return FlagError("max_threads", absl::StrCat("must be in 4..4096, got ", c.max_threads));
  }
  struct DurationFlag {
    const char* name;
    absl::Duration value;
    absl::Duration min;
    absl::Duration* out;
  };
  const DurationFlag durations[] = {
      {"keepalive_time", absl::GetFlag(FLAGS_keepalive_time), absl::Seconds(1), &c.keepalive_time},
      {"keepalive_timeout", absl::GetFlag(FLAGS_keepalive_timeout), absl::Milliseconds(100),
       &c.keepalive_timeout},
      {"max_connection_age", absl::GetFlag(FLAGS_max_connection_age), absl::ZeroDuration(),
       &c.max_connection_age},
      {"drain", absl::GetFlag(FLAGS_drain), absl::ZeroDuration(), &c.drain},
      {"shutdown_timeout", absl::GetFlag(FLAGS_shutdown_timeout), absl::ZeroDuration(),
       &c.shutdown_timeout},
  };
  for (const auto& d : durations) {
    if (d.value < d.min || d.value > absl::Hours(24)) {
      return FlagError(d.name, absl::StrCat("must be between ", absl::FormatDuration(d.min),
                                            " and 24h, got ", absl::FormatDuration(d.value)));
    }
    *d.out = d.value;
  }
  if (!log::ParseLevel(absl::GetFlag(FLAGS_log_level), &c.log_level)) {
    return FlagError("log_level", "must be debug, info, warning or error");
  }
  return c;
}

std::string Describe(const ServerConfig& c) {
  std::vector<std::string> workspaces;
  for (const auto& [token, workspace] : c.auth_tokens) workspaces.push_back(workspace);
  std::vector<std::string> peers;
  for (const auto& [name, address] : c.peers) peers.push_back(absl::StrCat(name, "=", address));
  return absl::StrCat(
      "grpc_address=", c.grpc_address, " metrics_address=", c.metrics_address,
      " redis_address=", c.redis_address.empty() ? "(disabled)" : c.redis_address,
      " redis_password=", c.redis_password.empty() ? "(none)" : "****",
      " redis_pool_size=", c.redis_pool_size,
      " redis_timeout=", absl::FormatDuration(c.redis_timeout), " data_dir=", c.data_dir,
      " store_url=", c.store_url.empty() ? "(none)" : MaskUrl(c.store_url),
      " auth_tokens=", c.auth_tokens.size(), "(workspaces:", absl::StrJoin(workspaces, ","), ")",
      " peers=", absl::StrJoin(peers, ","), " max_message_bytes=", c.max_message_bytes,
      " max_threads=", c.max_threads, " keepalive_time=", absl::FormatDuration(c.keepalive_time),
      " max_connection_age=", absl::FormatDuration(c.max_connection_age),
      " drain=", absl::FormatDuration(c.drain),
      " shutdown_timeout=", absl::FormatDuration(c.shutdown_timeout));
}

}  // namespace microreach::config
