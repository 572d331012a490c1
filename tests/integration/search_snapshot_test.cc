// Index snapshots end to end: a real microreach-search process on SQLite
// saves its index on SIGTERM and starts from it, catches up with writes
// other processes made to the store meanwhile, and rebuilds from the store
// when the snapshot is damaged.
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"
#include "microreach/search/v1/search_service.grpc.pb.h"
#include "tests/fixtures/free_port.h"
#include "tests/fixtures/metric_scrape.h"
#include "tests/fixtures/service_process.h"
#include "tests/fixtures/temp_dir.h"

namespace microreach {
namespace {

using common::v1::Creator;
using ::testing::HasSubstr;
using ::testing::Not;
using namespace search::v1;  // NOLINT(google-build-using-namespace): test brevity

constexpr char kToken[] = "snapshot-test-token-0123456789";

Creator Profile(const std::string& handle, int64_t followers) {
  Creator c;
  c.set_creator_id("instagram:" + handle);
  c.set_platform(common::v1::PLATFORM_INSTAGRAM);
  c.set_handle(handle);
  c.set_display_name("Name " + handle);
  c.set_country_code("DE");
  c.add_categories(common::v1::CATEGORY_FITNESS);
  c.mutable_stats()->set_followers(followers);
  c.mutable_stats()->set_engagement_rate(0.04);
  c.mutable_content()->set_bio("trail running " + handle);
  return c;
}

class SearchSnapshotTest : public ::testing::Test {
 protected:
  std::string SnapshotPath() const { return data_.path() + "/index.snap"; }

  // A search process on the shared SQLite store, with or without snapshots.
  std::unique_ptr<testing::ServiceProcess> Start(bool snapshots,
                                                 const std::string& interval = "10m") {
    address_ = absl::StrCat("127.0.0.1:", testing::FreePort());
    std::vector<std::string> args = {
        absl::StrCat("--grpc_address=", address_),
        absl::StrCat("--metrics_address=127.0.0.1:", metrics_port_ = testing::FreePort()),
        absl::StrCat("--data_dir=", data_.path()), absl::StrCat("--auth_tokens=", kToken, "=acme"),
        "--drain=0s"};
    if (snapshots) {
      args.push_back(absl::StrCat("--index_snapshot_path=", SnapshotPath()));
      args.push_back(absl::StrCat("--index_snapshot_interval=", interval));
    }
    auto process = testing::ServiceProcess::StartServing(
        testing::BuiltBinary("services/search/microreach-search"), args, address_);
    EXPECT_TRUE(process.ok()) << process.status();
    if (!process.ok()) return nullptr;
    stub_ =
        SearchService::NewStub(grpc::CreateChannel(address_, grpc::InsecureChannelCredentials()));
    return *std::move(process);
  }

  std::unique_ptr<grpc::ClientContext> Context() { return testing::BearerContext(kToken); }

  void Upsert(const std::vector<Creator>& creators) {
    auto ctx = Context();
    UpsertCreatorsResponse response;
    auto writer = stub_->UpsertCreators(ctx.get(), &response);
    UpsertCreatorsRequest request;
    for (const Creator& c : creators) *request.add_creators() = c;
    EXPECT_TRUE(writer->Write(request));
    writer->WritesDone();
    grpc::Status s = writer->Finish();
    ASSERT_TRUE(s.ok()) << s.error_message();
  }

  void Delete(const std::string& id) {
    DeleteCreatorRequest del;
    del.set_creator_id(id);
    DeleteCreatorResponse deleted;
    auto ctx = Context();
    ASSERT_TRUE(stub_->DeleteCreator(ctx.get(), del, &deleted).ok());
  }

  // Handles of the DE creators by followers, as the index answers.
  std::vector<std::string> Handles() {
    SearchCreatorsRequest request;
    request.mutable_filter()->mutable_creator()->mutable_countries()->add_include("DE");
    request.mutable_sort()->set_field(SORT_FIELD_FOLLOWERS);
    request.set_page_size(50);
    SearchCreatorsResponse page;
    auto ctx = Context();
    grpc::Status s = stub_->SearchCreators(ctx.get(), request, &page);
    EXPECT_TRUE(s.ok()) << s.error_message();
    std::vector<std::string> out;
    for (const auto& r : page.results()) out.push_back(r.creator().handle());
    return out;
  }

  void Stop(std::unique_ptr<testing::ServiceProcess>& p) {
    absl::StatusOr<int> code = p->Stop();
    ASSERT_TRUE(code.ok()) << code.status();
    EXPECT_EQ(*code, 0) << p->ReadLog();
  }

  // The value of a metric sample, or "" when absent.
  std::string Metric(const std::string& name) {
    absl::StatusOr<std::string> v = testing::ScrapeMetric(metrics_port_, name);
    EXPECT_NE(v.status().code(), absl::StatusCode::kUnavailable) << v.status();
    return v.ok() ? *v : "";
  }

  testing::TempDir data_;
  int metrics_port_ = 0;
  std::string address_;
  std::unique_ptr<SearchService::Stub> stub_;
};

TEST_F(SearchSnapshotTest, RestartLoadsTheSnapshotAndCatchesUpWithTheStore) {
  auto first = Start(true);
  ASSERT_NE(first, nullptr);
  EXPECT_THAT(first->ReadLog(), HasSubstr("rebuilding the index from the store"));  // no file yet
  Upsert({Profile("anna", 25'000), Profile("ben", 80'000), Profile("carla", 40'000)});
  Upsert({Profile("anna", 90'000)});  // replaces: a tombstone in the index
  Stop(first);
  EXPECT_THAT(first->ReadLog(), HasSubstr("index snapshot written"));
  ASSERT_TRUE(std::ifstream(SnapshotPath()).good());

  // Another process writes to the store after the snapshot.
  auto other = Start(false);
  ASSERT_NE(other, nullptr);
  Upsert({Profile("dora", 60'000)});
  Delete("instagram:ben");
  Stop(other);

  auto second = Start(true);
  ASSERT_NE(second, nullptr);
  const std::string log = second->ReadLog();
  EXPECT_THAT(log, HasSubstr("index loaded from snapshot"));
  EXPECT_THAT(log, Not(HasSubstr("rebuilding the index")));
  EXPECT_EQ(Metric("microreach_index_snapshot_loaded"), "1");
  EXPECT_NE(Metric("microreach_index_snapshot_load_seconds"), "");
  EXPECT_EQ(Metric("microreach_index_creators"), "3");  // anna, carla and dora
  EXPECT_NE(Metric("microreach_index_bytes"), "0");
  EXPECT_THAT(Handles(), ::testing::ElementsAre("anna", "dora", "carla"));
  // Writes after a snapshot start behave as usual.
  Upsert({Profile("eve", 70'000)});
  EXPECT_THAT(Handles(), ::testing::ElementsAre("anna", "eve", "dora", "carla"));
  Stop(second);

  // A damaged snapshot is not used: the index is rebuilt from the store.
  std::string bytes;
  {
    std::ifstream in(SnapshotPath(), std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  ASSERT_GT(bytes.size(), 200u);
  bytes[bytes.size() / 2] ^= 0x20;
  {
    std::ofstream out(SnapshotPath(), std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  }
  auto third = Start(true);
  ASSERT_NE(third, nullptr);
  EXPECT_THAT(third->ReadLog(), HasSubstr("rebuilding the index from the store"));
  EXPECT_THAT(third->ReadLog(), Not(HasSubstr("index loaded from snapshot")));
  EXPECT_THAT(third->ReadLog(), HasSubstr("index.snap: "));  // the reason follows
  EXPECT_EQ(Metric("microreach_index_snapshot_loaded"), "0");
  EXPECT_EQ(Metric("microreach_index_snapshot_failures_total{op=\"load\"}"), "1");
  EXPECT_THAT(Handles(), ::testing::ElementsAre("anna", "eve", "dora", "carla"));
  Stop(third);
  // ... and shutdown writes a good one again.
  auto fourth = Start(true);
  ASSERT_NE(fourth, nullptr);
  EXPECT_THAT(fourth->ReadLog(), HasSubstr("index loaded from snapshot"));
  EXPECT_THAT(Handles(), ::testing::ElementsAre("anna", "eve", "dora", "carla"));
  Stop(fourth);
}

TEST_F(SearchSnapshotTest, SnapshotOfAnotherStoreIsNotUsed) {
  auto first = Start(true);
  ASSERT_NE(first, nullptr);
  Upsert({Profile("anna", 25'000), Profile("ben", 80'000)});
  Stop(first);
  const std::string foreign = data_.path() + "/foreign.snap";
  ASSERT_EQ(std::rename(SnapshotPath().c_str(), foreign.c_str()), 0);

  // A new store (its own catalog id) with more writes than the snapshot
  // holds: versions alone would let the foreign snapshot pass.
  for (const char* file : {"/search.db", "/search.db-wal", "/search.db-shm"}) {
    std::remove((data_.path() + file).c_str());
  }
  auto second = Start(true);
  ASSERT_NE(second, nullptr);
  Upsert({Profile("carla", 40'000), Profile("dora", 60'000), Profile("eve", 70'000)});
  Stop(second);
  ASSERT_EQ(std::rename(foreign.c_str(), SnapshotPath().c_str()), 0);

  auto third = Start(true);
  ASSERT_NE(third, nullptr);
  EXPECT_THAT(third->ReadLog(), HasSubstr("rebuilding the index from the store"));
  EXPECT_THAT(third->ReadLog(), HasSubstr("taken from the catalog"));
  EXPECT_EQ(Metric("microreach_index_snapshot_loaded"), "0");
  EXPECT_THAT(Handles(), ::testing::ElementsAre("eve", "dora", "carla"));
  Stop(third);
}

TEST_F(SearchSnapshotTest, ChangedIndexIsSavedInTheBackground) {
  auto p = Start(true, "10s");
  ASSERT_NE(p, nullptr);
  Upsert({Profile("anna", 25'000)});
  const absl::Time deadline = absl::Now() + absl::Seconds(25);
  while (p->ReadLog().find("index snapshot written") == std::string::npos &&
         absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(200));
  }
  EXPECT_THAT(p->ReadLog(), HasSubstr("index snapshot written"));
  EXPECT_NE(Metric("microreach_index_snapshot_last_save_timestamp_seconds"), "0");
  EXPECT_TRUE(std::ifstream(SnapshotPath()).good());
  Stop(p);
}

}  // namespace
}  // namespace microreach
