// scoring_e2e_bench: ScoreCreators end to end with a warm cache. Starts a
// redis-server and a microreach-scoring process, writes a synthetic catalog
// into the hot-profile cache, then has client threads score batches of
// creators over gRPC and reports creators per second and call latency.
#include <dirent.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "bench/common/process_stats.h"
#include "common/redis/redis_connection.h"
#include "google/protobuf/arena.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "microreach/scoring/v1/scoring_service.grpc.pb.h"
#include "tests/fixtures/free_port.h"
#include "tests/fixtures/redis_server.h"
#include "tests/fixtures/service_process.h"
#include "tools/catalog_gen/catalog_generator.h"

ABSL_FLAG(std::string, binary_dir, ".", "build directory holding services/scoring");
ABSL_FLAG(int, catalog, 100'000, "profiles written to the cache");
ABSL_FLAG(int, batch, 10'000, "creator_ids per ScoreCreators call");
ABSL_FLAG(int, clients, 2, "concurrent client threads");
ABSL_FLAG(absl::Duration, duration, absl::Seconds(10), "measured time");
ABSL_FLAG(bool, brief, true, "send a campaign brief (fit, audience fit, funnel)");
ABSL_FLAG(bool, full, false,
          "ask for SCORE_VIEW_FULL (the scores and their explanation); default the lean BASIC");

namespace cv1 = ::microreach::common::v1;
namespace v1 = ::microreach::scoring::v1;

namespace {

constexpr char kToken[] = "bench-token-0123456789";

cv1::CampaignBrief Brief() {
  cv1::CampaignBrief b;
  b.set_objective(cv1::CAMPAIGN_OBJECTIVE_SALES);
  b.add_categories(cv1::CATEGORY_FITNESS);
  cv1::AudienceTarget* t = b.mutable_target_audience();
  for (const char* cc : {"US", "GB", "DE"}) t->add_countries()->set_country_code(cc);
  t->add_genders()->set_gender(cv1::GENDER_FEMALE);
  t->add_age_bands()->set_age_band(cv1::AGE_BAND_25_34);
  t->add_interests()->set_interest("fitness");
  return b;
}

// CPU seconds (user + system) used so far by process `pid`.
double ProcessCpuSeconds(pid_t pid) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/stat"));
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const size_t close = stat.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream fields(stat.substr(close + 2));
  std::string field;
  double ticks = 0;
  for (int i = 3; i <= 15 && fields >> field; ++i) {
    if (i == 14 || i == 15) ticks += std::stod(field);  // utime, stime
  }
  return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
}

using ::microreach::bench::LoadAverage;
using ::microreach::bench::SelfCpuSeconds;

// The redis-server listening on `port`, found by its command line.
pid_t FindRedis(int port) {
  DIR* proc = opendir("/proc");
  if (proc == nullptr) return 0;
  pid_t found = 0;
  // NOLINTNEXTLINE(concurrency-mt-unsafe): called before any client thread starts
  while (dirent* e = readdir(proc)) {
    const pid_t pid = static_cast<pid_t>(std::atoi(e->d_name));
    if (pid <= 0) continue;
    std::ifstream in(absl::StrCat("/proc/", pid, "/cmdline"));
    std::string cmd((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::replace(cmd.begin(), cmd.end(), '\0', ' ');
    if (cmd.find("redis-server") != std::string::npos &&
        (cmd.find(absl::StrCat(":", port)) != std::string::npos ||  // its retitled name
         cmd.find(absl::StrCat(" ", port, " ")) != std::string::npos)) {
      found = pid;
      break;
    }
  }
  closedir(proc);
  return found;
}

int Fail(const std::string& what) {
  std::fprintf(stderr, "scoring_e2e_bench: %s\n", what.c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  const int catalog = absl::GetFlag(FLAGS_catalog);
  const int batch = absl::GetFlag(FLAGS_batch);
  microreach::testing::RedisServer redis;
  if (absl::Status s = redis.Start(); !s.ok()) return Fail(std::string(s.message()));

  // Warm the cache exactly as search would: serialized profiles, TTL.
  microreach::redis::RedisOptions options;
  options.port = redis.port();
  options.command_timeout = absl::Seconds(30);
  auto connection = microreach::redis::RedisConnection::Connect(options);
  if (!connection.ok()) return Fail(std::string(connection.status().message()));
  microreach::catalog_gen::GeneratorOptions gen_options;
  gen_options.seed = 7;
  microreach::catalog_gen::CatalogGenerator generator(gen_options);
  std::vector<std::string> ids;
  ids.reserve(static_cast<size_t>(catalog));
  size_t bytes = 0;
  std::vector<microreach::redis::SetEntry> entries;
  for (int i = 0; i < catalog; ++i) {
    cv1::Creator c = generator.Generate(static_cast<uint64_t>(i));
    ids.push_back(c.creator_id());
    entries.push_back({"mr:v1:profile:" + c.creator_id(), c.SerializeAsString(), absl::Hours(1)});
    bytes += entries.back().value.size();
    if (entries.size() == 1000 || i + 1 == catalog) {
      if (absl::Status s = (*connection)->MSet(entries); !s.ok()) {
        return Fail(std::string(s.message()));
      }
      entries.clear();
    }
  }

  const std::string address = absl::StrCat("127.0.0.1:", microreach::testing::FreePort());
  auto scoring = microreach::testing::ServiceProcess::Start(
      absl::StrCat(absl::GetFlag(FLAGS_binary_dir), "/services/scoring/microreach-scoring"),
      {absl::StrCat("--grpc_address=", address),
       absl::StrCat("--metrics_address=127.0.0.1:", microreach::testing::FreePort()),
       absl::StrCat("--redis_address=", redis.address()), "--redis_timeout=2s",
       absl::StrCat("--search_address=127.0.0.1:", microreach::testing::FreePort()),
       absl::StrCat("--auth_tokens=", kToken, "=bench"), "--max_message_bytes=268435456",
       "--drain=0s", "--log_level=warning"});
  if (!scoring.ok()) return Fail(std::string(scoring.status().message()));
  if (absl::Status s = (*scoring)->WaitForHealthy(address, absl::Now() + absl::Seconds(30));
      !s.ok()) {
    return Fail(absl::StrCat(s.message(), "\n", (*scoring)->ReadLog()));
  }

  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(256 << 20);
  const int clients = absl::GetFlag(FLAGS_clients);
  std::atomic<int64_t> scored{0};
  std::atomic<int64_t> calls{0};
  std::atomic<int64_t> failures{0};
  std::vector<std::vector<double>> latencies(static_cast<size_t>(clients));
  size_t response_bytes = 0;
  auto run = [&](int client, absl::Time until, bool record) {
    // One channel per client: separate HTTP/2 connections, as separate
    // callers would have.
    grpc::ChannelArguments own = args;
    own.SetInt("microreach.bench.client", client);
    auto stub = v1::ScoringService::NewStub(
        grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), own));
    v1::ScoreCreatorsRequest request;
    if (absl::GetFlag(FLAGS_brief)) *request.mutable_brief() = Brief();
    request.set_view(absl::GetFlag(FLAGS_full) ? v1::SCORE_VIEW_FULL : v1::SCORE_VIEW_BASIC);
    size_t offset = static_cast<size_t>(client) * 7919;
    // Large responses parse onto an arena, as a client scoring in bulk should.
    google::protobuf::Arena arena;
    while (absl::Now() < until) {
      request.clear_creator_ids();
      for (int i = 0; i < batch; ++i) request.add_creator_ids(ids[(offset + i) % ids.size()]);
      offset += static_cast<size_t>(batch);
      grpc::ClientContext context;
      context.AddMetadata("authorization", absl::StrCat("Bearer ", kToken));
      context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
      arena.Reset();
      v1::ScoreCreatorsResponse& response =
          *google::protobuf::Arena::CreateMessage<v1::ScoreCreatorsResponse>(&arena);
      const absl::Time start = absl::Now();
      grpc::Status s = stub->ScoreCreators(&context, request, &response);
      const double ms = absl::ToDoubleMilliseconds(absl::Now() - start);
      if (!s.ok()) {
        failures.fetch_add(1);
        std::fprintf(stderr, "ScoreCreators: %s\n", s.error_message().c_str());
        continue;
      }
      if (!record) continue;
      if (client == 0 && response_bytes == 0) response_bytes = response.ByteSizeLong();
      scored.fetch_add(response.scores_size());
      calls.fetch_add(1);
      latencies[static_cast<size_t>(client)].push_back(ms);
    }
  };
  // Warm-up: connections, Redis pool, thread pool.
  run(0, absl::Now() + absl::Seconds(1), false);
  const absl::Duration duration = absl::GetFlag(FLAGS_duration);
  const pid_t redis_pid = FindRedis(redis.port());
  const double server_cpu0 = ProcessCpuSeconds((*scoring)->pid());
  const double redis_cpu0 = redis_pid > 0 ? ProcessCpuSeconds(redis_pid) : 0;
  const double client_cpu0 = SelfCpuSeconds();
  const std::string load_before = LoadAverage();
  const absl::Time start = absl::Now();
  std::vector<std::thread> threads;
  threads.reserve(static_cast<size_t>(clients));
  for (int c = 0; c < clients; ++c) threads.emplace_back(run, c, start + duration, true);
  for (std::thread& t : threads) t.join();
  const double seconds = absl::ToDoubleSeconds(absl::Now() - start);
  const double server_cpu = ProcessCpuSeconds((*scoring)->pid()) - server_cpu0;
  const double redis_cpu = redis_pid > 0 ? ProcessCpuSeconds(redis_pid) - redis_cpu0 : 0;
  const double client_cpu = SelfCpuSeconds() - client_cpu0;
  std::vector<double> all;
  for (const auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
  std::sort(all.begin(), all.end());
  auto pct = [&all](double p) {
    return all.empty() ? 0.0
                       : all[std::min(all.size() - 1,
                                      static_cast<size_t>(p * static_cast<double>(all.size())))];
  };
  absl::PrintF(
      "catalog %d profiles (avg %.0f bytes serialized), batch %d, clients %d, brief %s, view %s\n",
      catalog, static_cast<double>(bytes) / catalog, batch, clients,
      absl::GetFlag(FLAGS_brief) ? "yes" : "no", absl::GetFlag(FLAGS_full) ? "FULL" : "BASIC");
  absl::PrintF("load average before %s, after %s\n", load_before, LoadAverage());
  absl::PrintF("calls %d in %.1f s, failures %d, response %.1f MB per call\n", calls.load(),
               seconds, failures.load(), static_cast<double>(response_bytes) / 1e6);
  absl::PrintF("creators/s %.0f; call latency p50 %.1f ms, p90 %.1f ms, max %.1f ms\n",
               static_cast<double>(scored.load()) / seconds, pct(0.5), pct(0.9),
               all.empty() ? 0.0 : all.back());
  const double n = static_cast<double>(scored.load());
  absl::PrintF(
      "CPU seconds: scoring %.2f, redis %.2f, client %.2f (machine has %d cores, %.1f core-s "
      "elapsed)\n",
      server_cpu, redis_cpu, client_cpu, static_cast<int>(sysconf(_SC_NPROCESSORS_ONLN)),
      seconds * static_cast<double>(sysconf(_SC_NPROCESSORS_ONLN)));
  absl::PrintF("creators per CPU-second: scoring %.0f, scoring+redis %.0f, all three %.0f\n",
               n / server_cpu, n / (server_cpu + redis_cpu),
               n / (server_cpu + redis_cpu + client_cpu));
  (*scoring)->Stop().IgnoreError();
  return failures.load() == 0 ? 0 : 1;
}
