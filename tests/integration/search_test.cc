// The search service end to end over gRPC, as a platform team uses it: a real
// microreach-search process with a real redis-server and SQLite store.
#include <thread>

#include "absl/strings/str_cat.h"
#include "common/status/status.h"
#include "gmock/gmock.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"
#include "microreach/search/v1/search_service.grpc.pb.h"
#include "tests/fixtures/free_port.h"
#include "tests/fixtures/redis_server.h"
#include "tests/fixtures/service_process.h"
#include "tests/fixtures/temp_dir.h"

namespace microreach {
namespace {

using common::v1::Creator;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using namespace search::v1;  // NOLINT(google-build-using-namespace): test brevity

constexpr char kToken[] = "search-test-token-0123456789";

Creator Profile(const std::string& handle, int64_t followers, const std::string& country,
                common::v1::Category category, double engagement) {
  Creator c;
  c.set_creator_id("instagram:" + handle);
  c.set_platform(common::v1::PLATFORM_INSTAGRAM);
  c.set_handle(handle);
  c.set_display_name("Name " + handle);
  c.set_country_code(country);
  c.add_categories(category);
  c.mutable_stats()->set_followers(followers);
  c.mutable_stats()->set_engagement_rate(engagement);
  c.mutable_content()->set_bio("trail running and mountain " + handle);
  c.mutable_content()->add_hashtags("trailrunning");
  auto* a = c.mutable_audience();
  auto* share = a->add_countries();
  share->set_country_code(country);
  share->set_share(0.7);
  a->set_credibility(0.85);
  return c;
}

class SearchServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(redis_.Start().ok());
    primary_ = Start(&primary_address_);
    ASSERT_NE(primary_, nullptr);
    stub_ = SearchService::NewStub(
        grpc::CreateChannel(primary_address_, grpc::InsecureChannelCredentials()));
  }

  std::unique_ptr<testing::ServiceProcess> Start(std::string* address) {
    *address = absl::StrCat("127.0.0.1:", testing::FreePort());
    auto process = testing::ServiceProcess::StartServing(
        testing::BuiltBinary("services/search/microreach-search"),
        {absl::StrCat("--grpc_address=", *address),
         absl::StrCat("--metrics_address=127.0.0.1:", testing::FreePort()),
         absl::StrCat("--redis_address=", redis_.address()),
         absl::StrCat("--data_dir=", data_.path()),
         absl::StrCat("--auth_tokens=", kToken, "=acme,other-token-0123456789=zeta"),
         "--catalog_writers=acme", "--catalog_poll_interval=100ms", "--drain=0s"},
        *address);
    EXPECT_TRUE(process.ok()) << process.status();
    if (!process.ok()) return nullptr;
    return *std::move(process);
  }

  std::unique_ptr<grpc::ClientContext> Context(const char* token = kToken) {
    return testing::BearerContext(token);
  }

  UpsertCreatorsResponse Upsert(const std::vector<Creator>& creators, grpc::Status* status,
                                SearchService::Stub* stub = nullptr) {
    auto ctx = Context();
    UpsertCreatorsResponse response;
    auto writer = (stub ? stub : stub_.get())->UpsertCreators(ctx.get(), &response);
    UpsertCreatorsRequest request;
    for (size_t i = 0; i < creators.size(); ++i) {
      *request.add_creators() = creators[i];
      if (request.creators_size() == 2 || i + 1 == creators.size()) {
        EXPECT_TRUE(writer->Write(request));
        request.Clear();
      }
    }
    writer->WritesDone();
    *status = writer->Finish();
    return response;
  }

  void SeedCatalog() {
    grpc::Status status;
    UpsertCreatorsResponse r =
        Upsert({Profile("anna", 25'000, "DE", common::v1::CATEGORY_FITNESS, 0.052),
                Profile("ben", 80'000, "DE", common::v1::CATEGORY_FITNESS, 0.031),
                Profile("carla", 400'000, "FR", common::v1::CATEGORY_FITNESS, 0.021),
                Profile("dora", 12'000, "DE", common::v1::CATEGORY_BEAUTY, 0.061)},
               &status);
    ASSERT_TRUE(status.ok()) << status.error_message();
    ASSERT_EQ(r.created_count(), 4);
  }

  testing::TempDir data_;
  testing::RedisServer redis_;
  std::string primary_address_;
  std::unique_ptr<testing::ServiceProcess> primary_;
  std::unique_ptr<SearchService::Stub> stub_;
};

TEST_F(SearchServiceTest, UpsertReportsBadRecordsByPositionAndKeepsTheRest) {
  Creator bad = Profile("eve", 1000, "DE", common::v1::CATEGORY_FITNESS, 0.05);
  bad.mutable_stats()->set_followers(-3);
  Creator bad2 = Profile("fay", 1000, "DE", common::v1::CATEGORY_FITNESS, 0.05);
  bad2.set_handle("");
  grpc::Status status;
  UpsertCreatorsResponse r = Upsert(
      {Profile("anna", 25'000, "DE", common::v1::CATEGORY_FITNESS, 0.05), bad, bad2}, &status);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(r.received_count(), 3);
  EXPECT_EQ(r.created_count(), 1);
  EXPECT_EQ(r.failed_count(), 2);
  ASSERT_EQ(r.errors_size(), 2);
  EXPECT_EQ(r.errors(0).position(), 1);
  EXPECT_EQ(r.errors(0).field(), "creators[1].stats.followers");
  EXPECT_EQ(r.errors(1).field(), "creators[2].handle");

  // Re-sending the same record changes nothing.
  r = Upsert({Profile("anna", 25'000, "DE", common::v1::CATEGORY_FITNESS, 0.05)}, &status);
  EXPECT_EQ(r.unchanged_count(), 1);
}

TEST_F(SearchServiceTest, AuthIsRequiredAndWritesNeedAWriterWorkspace) {
  GetCatalogStatsResponse stats;
  auto ctx = Context(nullptr);
  grpc::Status s = stub_->GetCatalogStats(ctx.get(), {}, &stats);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  ctx = Context("wrong-token-00000000000");
  EXPECT_EQ(stub_->GetCatalogStats(ctx.get(), {}, &stats).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  DeleteCreatorRequest del;
  del.set_creator_id("instagram:anna");
  DeleteCreatorResponse deleted;
  ctx = Context("other-token-0123456789");
  EXPECT_EQ(stub_->DeleteCreator(ctx.get(), del, &deleted).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(SearchServiceTest, GetAndBatchGetThroughTheCache) {
  SeedCatalog();
  GetCreatorRequest get;
  get.set_creator_id("instagram:anna");
  GetCreatorResponse got;
  auto ctx = Context();
  ASSERT_TRUE(stub_->GetCreator(ctx.get(), get, &got).ok());
  EXPECT_EQ(got.creator().tier(), common::v1::TIER_MICRO);
  EXPECT_GT(got.creator().version(), 0);
  EXPECT_TRUE(got.creator().has_audience());

  get.set_creator_id("instagram:nobody");
  ctx = Context();
  EXPECT_EQ(stub_->GetCreator(ctx.get(), get, &got).error_code(), grpc::StatusCode::NOT_FOUND);

  get.set_creator_id("bad id");
  ctx = Context();
  grpc::Status s = stub_->GetCreator(ctx.get(), get, &got);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  auto violations = status::ViolationsOf(status::FromGrpc(s));
  ASSERT_EQ(violations.size(), 1u);
  EXPECT_EQ(violations[0].field, "creator_id");

  BatchGetCreatorsRequest batch;
  batch.add_creator_ids("instagram:ben");
  batch.add_creator_ids("instagram:nobody");
  batch.set_view(CREATOR_VIEW_BASIC);
  BatchGetCreatorsResponse many;
  ctx = Context();
  ASSERT_TRUE(stub_->BatchGetCreators(ctx.get(), batch, &many).ok());
  ASSERT_EQ(many.creators_size(), 1);
  EXPECT_FALSE(many.creators(0).has_audience());
  EXPECT_THAT(many.missing_creator_ids(), ElementsAre("instagram:nobody"));
}

TEST_F(SearchServiceTest, GetCreatorIsNeverOlderThanTheLastWriteAppliedInEachProcess) {
  std::string replica_address;
  auto replica = Start(&replica_address);
  ASSERT_NE(replica, nullptr);
  auto replica_stub = SearchService::NewStub(
      grpc::CreateChannel(replica_address, grpc::InsecureChannelCredentials()));
  SeedCatalog();
  auto followers = [&](SearchService::Stub* stub, CreatorView view = CREATOR_VIEW_UNSPECIFIED) {
    GetCreatorRequest get;
    get.set_creator_id("instagram:anna");
    get.set_view(view);
    GetCreatorResponse got;
    auto ctx = Context();
    grpc::Status s = stub->GetCreator(ctx.get(), get, &got);
    if (s.error_code() == grpc::StatusCode::NOT_FOUND) return int64_t{-1};
    EXPECT_TRUE(s.ok()) << s.error_message();
    EXPECT_EQ(got.creator().has_audience(), view != CREATOR_VIEW_BASIC);
    return got.creator().stats().followers();
  };
  // Both processes hold anna in their in-process LRU.
  ASSERT_EQ(followers(stub_.get()), 25'000);
  EXPECT_EQ(followers(stub_.get(), CREATOR_VIEW_BASIC), 25'000);
  const absl::Time seeded = absl::Now();
  while (followers(replica_stub.get()) != 25'000 && absl::Now() - seeded < absl::Seconds(5)) {
    absl::SleepFor(absl::Milliseconds(20));
  }
  ASSERT_EQ(followers(replica_stub.get()), 25'000);

  grpc::Status status;
  Upsert({Profile("anna", 31'000, "DE", common::v1::CATEGORY_FITNESS, 0.052)}, &status);
  ASSERT_TRUE(status.ok()) << status.error_message();
  // The writer answers with the new profile as soon as the write returns ...
  EXPECT_EQ(followers(stub_.get()), 31'000);
  // ... the replica once it has polled the version feed.
  const absl::Time written = absl::Now();
  while (followers(replica_stub.get()) != 31'000 && absl::Now() - written < absl::Seconds(5)) {
    absl::SleepFor(absl::Milliseconds(20));
  }
  EXPECT_EQ(followers(replica_stub.get()), 31'000);

  DeleteCreatorRequest del;
  del.set_creator_id("instagram:anna");
  DeleteCreatorResponse deleted;
  auto ctx = Context();
  ASSERT_TRUE(stub_->DeleteCreator(ctx.get(), del, &deleted).ok());
  EXPECT_EQ(followers(stub_.get()), -1);
  const absl::Time removed = absl::Now();
  while (followers(replica_stub.get()) != -1 && absl::Now() - removed < absl::Seconds(5)) {
    absl::SleepFor(absl::Milliseconds(20));
  }
  EXPECT_EQ(followers(replica_stub.get()), -1);
}

TEST_F(SearchServiceTest, SearchFiltersSortsFacetsAndPages) {
  SeedCatalog();
  SearchCreatorsRequest request;
  request.mutable_filter()->mutable_creator()->mutable_countries()->add_include("DE");
  request.mutable_sort()->set_field(SORT_FIELD_FOLLOWERS);
  request.set_page_size(2);
  request.add_facets(FACET_FIELD_CATEGORY);
  SearchCreatorsResponse page1;
  auto ctx = Context();
  grpc::Status s = stub_->SearchCreators(ctx.get(), request, &page1);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(page1.total_size(), 3);
  ASSERT_EQ(page1.results_size(), 2);
  EXPECT_EQ(page1.results(0).creator().handle(), "ben");
  EXPECT_EQ(page1.results(1).creator().handle(), "anna");
  ASSERT_EQ(page1.facets_size(), 1);
  ASSERT_FALSE(page1.next_page_token().empty());

  request.set_page_token(page1.next_page_token());
  SearchCreatorsResponse page2;
  ctx = Context();
  ASSERT_TRUE(stub_->SearchCreators(ctx.get(), request, &page2).ok());
  ASSERT_EQ(page2.results_size(), 1);
  EXPECT_EQ(page2.results(0).creator().handle(), "dora");
  EXPECT_TRUE(page2.next_page_token().empty());

  // The token is bound to the query and to the workspace.
  request.mutable_filter()->mutable_creator()->mutable_countries()->add_include("FR");
  ctx = Context();
  s = stub_->SearchCreators(ctx.get(), request, &page2);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("page_token"));

  // A bad range names its field.
  SearchCreatorsRequest bad;
  bad.mutable_filter()->mutable_performance()->mutable_engagement_rate()->set_min(0.5);
  bad.mutable_filter()->mutable_performance()->mutable_engagement_rate()->set_max(0.1);
  ctx = Context();
  s = stub_->SearchCreators(ctx.get(), bad, &page2);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("filter.performance.engagement_rate"));
}

TEST_F(SearchServiceTest, DeleteRemovesFromSearchAndStatsCount) {
  SeedCatalog();
  DeleteCreatorRequest del;
  del.set_creator_id("instagram:ben");
  DeleteCreatorResponse deleted;
  auto ctx = Context();
  ASSERT_TRUE(stub_->DeleteCreator(ctx.get(), del, &deleted).ok());
  ctx = Context();
  EXPECT_EQ(stub_->DeleteCreator(ctx.get(), del, &deleted).error_code(),
            grpc::StatusCode::NOT_FOUND);
  del.set_allow_missing(true);
  ctx = Context();
  EXPECT_TRUE(stub_->DeleteCreator(ctx.get(), del, &deleted).ok());

  GetCatalogStatsResponse stats;
  ctx = Context();
  ASSERT_TRUE(stub_->GetCatalogStats(ctx.get(), {}, &stats).ok());
  EXPECT_EQ(stats.total_creators(), 3);
  EXPECT_EQ(stats.catalog_version(), 5);
  GetCreatorRequest get;
  get.set_creator_id("instagram:ben");
  GetCreatorResponse got;
  ctx = Context();
  EXPECT_EQ(stub_->GetCreator(ctx.get(), get, &got).error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_F(SearchServiceTest, ReplicaOnTheSameStorePicksUpWritesWithinASecond) {
  std::string replica_address;
  auto replica = Start(&replica_address);
  ASSERT_NE(replica, nullptr);
  auto replica_stub = SearchService::NewStub(
      grpc::CreateChannel(replica_address, grpc::InsecureChannelCredentials()));
  SeedCatalog();
  const absl::Time written = absl::Now();
  SearchCreatorsRequest request;
  request.mutable_filter()->mutable_creator()->mutable_countries()->add_include("DE");
  int64_t seen = 0;
  while (absl::Now() - written < absl::Seconds(5)) {
    SearchCreatorsResponse response;
    auto ctx = Context();
    ASSERT_TRUE(replica_stub->SearchCreators(ctx.get(), request, &response).ok());
    seen = response.total_size();
    if (seen == 3) break;
    absl::SleepFor(absl::Milliseconds(20));
  }
  EXPECT_EQ(seen, 3);
  EXPECT_LT(absl::Now() - written, absl::Seconds(1));
}

}  // namespace
}  // namespace microreach
