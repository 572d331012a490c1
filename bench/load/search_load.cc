// Load generator for the search service: streams a catalog through
// UpsertCreators and measures profiles/s, then keeps `--concurrency`
// GetCreator calls in flight for `--duration` and reports requests/s with
// p50/p99/p999 client-side latency.
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <random>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "bench/common/process_stats.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/security/credentials.h"
#include "microreach/search/v1/search_service.grpc.pb.h"
#include "tools/catalog_gen/creator_io.h"

ABSL_FLAG(std::string, address, "127.0.0.1:50051", "search service");
ABSL_FLAG(std::string, token, "", "bearer token of a catalog writer");
ABSL_FLAG(std::string, catalog, "",
          "delimited Creator file (microreach-catalog-gen --format=binary)");
ABSL_FLAG(std::string, mode, "get", "upsert: stream the catalog; get: GetCreator load");
ABSL_FLAG(int, concurrency, 64, "GetCreator calls in flight");
ABSL_FLAG(int, channels, 4, "gRPC channels (connections) the calls spread over");
ABSL_FLAG(absl::Duration, duration, absl::Seconds(10), "how long the GetCreator load runs");
ABSL_FLAG(int, batch, 500, "creators per UpsertCreators message");
ABSL_FLAG(bool, preencoded, true,
          "upsert: encode every message before the clock starts and stream the bytes, so the "
          "generator's share of the cores is only sending (false: build and serialize each "
          "message while streaming, as an importer would)");

namespace {

using microreach::search::v1::GetCreatorRequest;
using microreach::search::v1::GetCreatorResponse;
using microreach::search::v1::SearchService;

std::vector<microreach::common::v1::Creator> LoadCatalog() {
  std::vector<microreach::common::v1::Creator> out;
  absl::Status s = microreach::catalog_gen::ReadCreators(
      absl::GetFlag(FLAGS_catalog), [&](const microreach::common::v1::Creator& c) {
        out.push_back(c);
        return absl::OkStatus();
      });
  if (!s.ok()) {
    std::fprintf(stderr, "cannot read --catalog: %s\n", std::string(s.message()).c_str());
    std::exit(2);
  }
  return out;
}

void AddAuth(grpc::ClientContext* ctx) {
  ctx->AddMetadata("authorization", absl::StrCat("Bearer ", absl::GetFlag(FLAGS_token)));
}

int Report(size_t profiles, double seconds, double cpu_seconds, const grpc::Status& status,
           const microreach::search::v1::UpsertCreatorsResponse& response) {
  if (!status.ok()) {
    std::fprintf(stderr, "UpsertCreators failed: %s\n", status.error_message().c_str());
    return 1;
  }
  std::printf(
      "upsert: %zu profiles in %.2f s = %.0f profiles/s (created %lld, updated %lld, "
      "unchanged %lld, failed %lld); generator CPU %.1f s = %.1f us/profile\n",
      profiles, seconds, static_cast<double>(profiles) / seconds,
      static_cast<long long>(response.created_count()),
      static_cast<long long>(response.updated_count()),
      static_cast<long long>(response.unchanged_count()),
      static_cast<long long>(response.failed_count()), cpu_seconds,
      cpu_seconds * 1e6 / static_cast<double>(profiles));
  return 0;
}

int Upsert(const std::vector<microreach::common::v1::Creator>& catalog) {
  auto stub = SearchService::NewStub(
      grpc::CreateChannel(absl::GetFlag(FLAGS_address), grpc::InsecureChannelCredentials()));
  grpc::ClientContext ctx;
  AddAuth(&ctx);
  microreach::search::v1::UpsertCreatorsResponse response;
  const absl::Time start = absl::Now();
  const double cpu0 = microreach::bench::SelfCpuSeconds();
  auto writer = stub->UpsertCreators(&ctx, &response);
  microreach::search::v1::UpsertCreatorsRequest request;
  for (const auto& c : catalog) {
    *request.add_creators() = c;
    if (request.creators_size() == absl::GetFlag(FLAGS_batch)) {
      if (!writer->Write(request)) break;
      request.Clear();
    }
  }
  if (request.creators_size() > 0) writer->Write(request);
  writer->WritesDone();
  grpc::Status status = writer->Finish();
  return Report(catalog.size(), absl::ToDoubleSeconds(absl::Now() - start),
                microreach::bench::SelfCpuSeconds() - cpu0, status, response);
}

// The stream's UpsertCreatorsRequest messages, serialized ahead of time.
std::vector<grpc::ByteBuffer> EncodeRequests(
    const std::vector<microreach::common::v1::Creator>& catalog) {
  std::vector<grpc::ByteBuffer> out;
  const size_t batch = static_cast<size_t>(absl::GetFlag(FLAGS_batch));
  microreach::search::v1::UpsertCreatorsRequest request;
  for (size_t start = 0; start < catalog.size(); start += batch) {
    request.Clear();
    for (size_t i = start; i < std::min(catalog.size(), start + batch); ++i) {
      *request.add_creators() = catalog[i];
    }
    grpc::ByteBuffer& bytes = out.emplace_back();
    bool own = false;
    if (!grpc::SerializationTraits<microreach::search::v1::UpsertCreatorsRequest>::Serialize(
             request, &bytes, &own)
             .ok()) {
      std::fprintf(stderr, "cannot encode an UpsertCreators message\n");
      std::exit(2);
    }
  }
  return out;
}

// Streams pre-encoded messages through the generic stub (the same RPC on
// the wire) and reads the typed response.
int UpsertPreencoded(const std::vector<microreach::common::v1::Creator>& catalog) {
  const std::vector<grpc::ByteBuffer> messages = EncodeRequests(catalog);
  grpc::GenericStub stub(
      grpc::CreateChannel(absl::GetFlag(FLAGS_address), grpc::InsecureChannelCredentials()));
  grpc::CompletionQueue cq;
  grpc::ClientContext ctx;
  AddAuth(&ctx);
  const absl::Time start = absl::Now();
  const double cpu0 = microreach::bench::SelfCpuSeconds();
  std::unique_ptr<grpc::GenericClientAsyncReaderWriter> call =
      stub.PrepareCall(&ctx, "/microreach.search.v1.SearchService/UpsertCreators", &cq);
  // One operation at a time: each waits for its completion.
  auto wait = [&cq]() {
    void* tag = nullptr;
    bool ok = false;
    return cq.Next(&tag, &ok) && ok;
  };
  call->StartCall(nullptr);
  bool ok = wait();
  for (size_t i = 0; ok && i < messages.size(); ++i) {
    call->Write(messages[i], nullptr);
    ok = wait();
  }
  if (ok) {
    call->WritesDone(nullptr);
    (void)wait();
  }
  grpc::ByteBuffer reply;
  call->Read(&reply, nullptr);
  const bool got_reply = wait();
  grpc::Status status;
  call->Finish(&status, nullptr);
  (void)wait();
  const double seconds = absl::ToDoubleSeconds(absl::Now() - start);
  microreach::search::v1::UpsertCreatorsResponse response;
  if (status.ok() &&
      (!got_reply ||
       !grpc::SerializationTraits<microreach::search::v1::UpsertCreatorsResponse>::Deserialize(
            &reply, &response)
            .ok())) {
    status = grpc::Status(grpc::StatusCode::INTERNAL, "unreadable UpsertCreators response");
  }
  return Report(catalog.size(), seconds, microreach::bench::SelfCpuSeconds() - cpu0, status,
                response);
}

// One closed-loop caller: issues the next call when the previous returns.
class Caller : public grpc::ClientUnaryReactor {
 public:
  Caller(SearchService::Stub* stub, const std::vector<std::string>* ids, absl::Time end,
         uint64_t seed, std::atomic<int>* running)
      : stub_(stub), ids_(ids), end_(end), rng_(seed), running_(running) {}

  void Start() { Next(); }
  const std::vector<int64_t>& latencies_ns() const { return latencies_ns_; }
  int64_t errors() const { return errors_; }
  int last_error() const { return last_error_; }

  void OnDone(const grpc::Status& status) override {
    latencies_ns_.push_back(absl::ToInt64Nanoseconds(absl::Now() - started_));
    if (!status.ok()) {
      ++errors_;
      last_error_ = status.error_code();
    }
    if (absl::Now() < end_) {
      Next();
    } else {
      running_->fetch_sub(1);
    }
  }

 private:
  void Next() {
    ctx_ = std::make_unique<grpc::ClientContext>();
    AddAuth(ctx_.get());
    ctx_->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    request_.set_creator_id((*ids_)[rng_() % ids_->size()]);
    started_ = absl::Now();
    stub_->async()->GetCreator(ctx_.get(), &request_, &response_, this);
    StartCall();
  }

  SearchService::Stub* stub_;
  const std::vector<std::string>* ids_;
  absl::Time end_;
  std::mt19937_64 rng_;
  std::atomic<int>* running_;
  std::unique_ptr<grpc::ClientContext> ctx_;
  GetCreatorRequest request_;
  GetCreatorResponse response_;
  absl::Time started_;
  std::vector<int64_t> latencies_ns_;
  int64_t errors_ = 0;
  int last_error_ = 0;
};

int Get(const std::vector<microreach::common::v1::Creator>& catalog) {
  std::vector<std::string> ids;
  ids.reserve(catalog.size());
  for (const auto& c : catalog) ids.push_back(c.creator_id());
  std::vector<std::unique_ptr<SearchService::Stub>> stubs;
  for (int i = 0; i < absl::GetFlag(FLAGS_channels); ++i) {
    grpc::ChannelArguments args;
    args.SetInt("microreach.channel", i);  // distinct args: one connection per channel
    stubs.push_back(SearchService::NewStub(grpc::CreateCustomChannel(
        absl::GetFlag(FLAGS_address), grpc::InsecureChannelCredentials(), args)));
  }
  // Warm the cache: BatchGetCreators over every id fills Redis (one MGET
  // and one pipelined SET per batch), so the timed calls are all hits.
  const absl::Time warm_start = absl::Now();
  for (size_t first = 0; first < ids.size(); first += 1000) {
    microreach::search::v1::BatchGetCreatorsRequest batch;
    for (size_t i = first; i < std::min(ids.size(), first + 1000); ++i)
      batch.add_creator_ids(ids[i]);
    microreach::search::v1::BatchGetCreatorsResponse response;
    grpc::ClientContext ctx;
    AddAuth(&ctx);
    grpc::Status status = stubs[0]->BatchGetCreators(&ctx, batch, &response);
    if (!status.ok()) {
      std::fprintf(stderr, "warm-up BatchGetCreators failed: %s\n", status.error_message().c_str());
      return 1;
    }
  }
  std::printf("warm-up: %zu profiles cached in %.2f s\n", ids.size(),
              absl::ToDoubleSeconds(absl::Now() - warm_start));
  std::atomic<int> running{0};
  const absl::Time start = absl::Now();
  const absl::Time end = start + absl::GetFlag(FLAGS_duration);
  std::vector<std::unique_ptr<Caller>> callers;
  for (int i = 0; i < absl::GetFlag(FLAGS_concurrency); ++i) {
    running.fetch_add(1);
    callers.push_back(
        std::make_unique<Caller>(stubs[i % stubs.size()].get(), &ids, end, 1000 + i, &running));
  }
  for (auto& c : callers) c->Start();
  while (running.load() > 0) absl::SleepFor(absl::Milliseconds(10));
  const double seconds = absl::ToDoubleSeconds(absl::Now() - start);
  std::vector<int64_t> all;
  int64_t errors = 0;
  int last_error = 0;
  for (const auto& c : callers) {
    all.insert(all.end(), c->latencies_ns().begin(), c->latencies_ns().end());
    errors += c->errors();
    if (c->errors() > 0) last_error = c->last_error();
  }
  if (errors > 0)
    std::printf("errors: %lld, e.g. status code %d\n", static_cast<long long>(errors), last_error);
  std::sort(all.begin(), all.end());
  auto pct = [&](double p) {
    return all.empty() ? 0.0
                       : all[std::min(all.size() - 1, static_cast<size_t>(p * all.size()))] / 1e6;
  };
  std::printf(
      "get: %zu calls in %.2f s = %.0f requests/s, concurrency %d, errors %lld, "
      "latency ms p50 %.3f p99 %.3f p999 %.3f\n",
      all.size(), seconds, all.size() / seconds, absl::GetFlag(FLAGS_concurrency),
      static_cast<long long>(errors), pct(0.5), pct(0.99), pct(0.999));
  return errors == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  std::vector<microreach::common::v1::Creator> catalog = LoadCatalog();
  if (catalog.empty()) {
    std::fprintf(stderr, "--catalog is empty\n");
    return 2;
  }
  const std::string mode = absl::GetFlag(FLAGS_mode);
  if (mode == "upsert") {
    return absl::GetFlag(FLAGS_preencoded) ? UpsertPreencoded(catalog) : Upsert(catalog);
  }
  if (mode == "get") return Get(catalog);
  std::fprintf(stderr, "unknown --mode=%s (upsert or get)\n", mode.c_str());
  return 2;
}
