// The search service on the production store: PostgreSQL 15, restarted
// under a stream of writes. Every acknowledged write must survive, both in
// the running service and in a new process that rebuilds its index.
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"
#include "microreach/search/v1/search_service.grpc.pb.h"
#include "tests/fixtures/free_port.h"
#include "tests/fixtures/metric_scrape.h"
#include "tests/fixtures/postgres_server.h"
#include "tests/fixtures/service_process.h"
#include "tests/fixtures/temp_dir.h"

namespace microreach {
namespace {

using search::v1::SearchService;

constexpr char kToken[] = "pg-test-token-0123456789";

class SearchOnPostgresTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::Status s = postgres_.Start();
    ASSERT_TRUE(s.ok()) << s << postgres_.ReadLog();
  }

  std::unique_ptr<testing::ServiceProcess> StartSearch() {
    address_ = absl::StrCat("127.0.0.1:", testing::FreePort());
    auto process = testing::ServiceProcess::StartServing(
        testing::BuiltBinary("services/search/microreach-search"),
        {absl::StrCat("--grpc_address=", address_),
         absl::StrCat("--metrics_address=127.0.0.1:", metrics_port_ = testing::FreePort()),
         "--redis_address=",  // reads go to the store, so they prove what it holds
         absl::StrCat("--store_url=postgresql://postgres@", postgres_.host(), ":", postgres_.port(),
                      "/", postgres_.database()),
         absl::StrCat("--data_dir=", data_.path()), absl::StrCat("--auth_tokens=", kToken, "=acme"),
         "--drain=0s"},
        address_, absl::Seconds(60));
    EXPECT_TRUE(process.ok()) << process.status();
    if (!process.ok()) return nullptr;
    stub_ =
        SearchService::NewStub(grpc::CreateChannel(address_, grpc::InsecureChannelCredentials()));
    return *std::move(process);
  }

  // microreach_index_staleness_seconds, or -1 when it cannot be read.
  double Staleness() {
    absl::StatusOr<std::string> v =
        testing::ScrapeMetric(metrics_port_, "microreach_index_staleness_seconds");
    double value = -1;
    if (!v.ok() || !absl::SimpleAtod(*v, &value)) return -1;
    return value;
  }

  // Waits up to 20 s for `pred(Staleness())`.
  template <typename Pred>
  bool StalenessBecomes(Pred pred) {
    const absl::Time deadline = absl::Now() + absl::Seconds(20);
    while (absl::Now() < deadline) {
      if (pred(Staleness())) return true;
      absl::SleepFor(absl::Milliseconds(100));
    }
    return false;
  }

  // Upserts one profile; true only when the service acknowledged it.
  bool Write(int i) {
    grpc::ClientContext ctx;
    ctx.AddMetadata("authorization", absl::StrCat("Bearer ", kToken));
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(15));
    search::v1::UpsertCreatorsResponse response;
    auto writer = stub_->UpsertCreators(&ctx, &response);
    search::v1::UpsertCreatorsRequest request;
    common::v1::Creator* c = request.add_creators();
    c->set_creator_id(absl::StrCat("tiktok:user", i));
    c->set_platform(common::v1::PLATFORM_TIKTOK);
    c->set_handle(absl::StrCat("user", i));
    c->mutable_stats()->set_followers(1000 + i);
    writer->Write(request);
    writer->WritesDone();
    grpc::Status status = writer->Finish();
    return status.ok() && response.created_count() + response.unchanged_count() == 1;
  }

  int64_t Count() {
    grpc::ClientContext ctx;
    ctx.AddMetadata("authorization", absl::StrCat("Bearer ", kToken));
    search::v1::GetCatalogStatsResponse stats;
    grpc::Status s = stub_->GetCatalogStats(&ctx, {}, &stats);
    return s.ok() ? stats.total_creators() : -1;
  }

  bool Readable(int i) {
    grpc::ClientContext ctx;
    ctx.AddMetadata("authorization", absl::StrCat("Bearer ", kToken));
    search::v1::GetCreatorRequest request;
    request.set_creator_id(absl::StrCat("tiktok:user", i));
    search::v1::GetCreatorResponse response;
    return stub_->GetCreator(&ctx, request, &response).ok();
  }

  testing::TempDir data_;
  testing::PostgresServer postgres_;
  std::string address_;
  int metrics_port_ = 0;
  std::unique_ptr<SearchService::Stub> stub_;
};

TEST_F(SearchOnPostgresTest, RestartOfPostgresLosesNoAcknowledgedWrite) {
  auto search = StartSearch();
  ASSERT_NE(search, nullptr);
  std::vector<int> acknowledged;
  for (int i = 0; i < 20; ++i) {
    if (Write(i)) acknowledged.push_back(i);
  }
  ASSERT_EQ(acknowledged.size(), 20u);
  // The replica poller keeps the index current: staleness stays below a second.
  EXPECT_TRUE(StalenessBecomes([](double s) { return s >= 0 && s < 1.0; })) << Staleness();

  ASSERT_TRUE(postgres_.Stop().ok());
  // Writes while the database is down fail (UNAVAILABLE) rather than hang.
  EXPECT_FALSE(Write(1000));
  // The poller cannot reach the store: operators see the index fall behind.
  EXPECT_TRUE(StalenessBecomes([](double s) { return s > 2.0; })) << Staleness();
  ASSERT_TRUE(postgres_.Start().ok()) << postgres_.ReadLog();

  // The service reconnects by itself; writes are acknowledged again.
  int next = 20;
  const absl::Time deadline = absl::Now() + absl::Seconds(30);
  while (absl::Now() < deadline && !Write(next)) absl::SleepFor(absl::Milliseconds(100));
  acknowledged.push_back(next);
  for (int i = next + 1; i < next + 10; ++i) {
    if (Write(i)) acknowledged.push_back(i);
  }
  for (int i : acknowledged) EXPECT_TRUE(Readable(i)) << "creator " << i;
  EXPECT_TRUE(StalenessBecomes([](double s) { return s >= 0 && s < 1.0; })) << Staleness();

  // A new process rebuilds its index from PostgreSQL with every write in it.
  ASSERT_TRUE(search->Stop().ok());
  search = StartSearch();
  ASSERT_NE(search, nullptr);
  EXPECT_GE(Count(), static_cast<int64_t>(acknowledged.size()));
  for (int i : acknowledged) EXPECT_TRUE(Readable(i)) << "creator " << i;
}

}  // namespace
}  // namespace microreach
