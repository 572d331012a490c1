// The workspace filters of SearchCreators end to end over gRPC: marks pushed
// through UpdateWorkspaceCreatorMarks (as outreach and campaign do) exclude
// creators for that workspace only, on this replica at once and on another
// replica of the same store within a second.
#include "absl/strings/str_cat.h"
#include "common/status/status.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/time_util.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"
#include "microreach/search/v1/search_service.grpc.pb.h"
#include "tests/fixtures/free_port.h"
#include "tests/fixtures/metric_scrape.h"
#include "tests/fixtures/redis_server.h"
#include "tests/fixtures/service_process.h"
#include "tests/fixtures/temp_dir.h"

namespace microreach {
namespace {

using common::v1::Creator;
using common::v1::WorkspaceFilter;
using ::testing::HasSubstr;
using ::testing::UnorderedElementsAre;
using ::testing::UnorderedElementsAreArray;
using namespace search::v1;  // NOLINT(google-build-using-namespace): test brevity

constexpr char kAcme[] = "acme-token-0123456789";
constexpr char kZeta[] = "zeta-token-0123456789";

const std::vector<std::string> kEveryone = {"anna", "ben", "carla", "dora", "emil", "fritz"};

Creator Profile(const std::string& handle, int64_t followers) {
  Creator c;
  c.set_creator_id("instagram:" + handle);
  c.set_platform(common::v1::PLATFORM_INSTAGRAM);
  c.set_handle(handle);
  c.set_country_code("DE");
  c.mutable_stats()->set_followers(followers);
  // Enough content for a lookalike vector.
  c.add_categories(common::v1::CATEGORY_FITNESS);
  c.mutable_content()->set_bio("trail running and mountain " + handle);
  c.mutable_content()->add_hashtags("trailrunning");
  return c;
}

WorkspaceCreatorMark Mark(const std::string& handle, WorkspaceMarkKind kind,
                          const std::string& campaign = "", bool clear = false) {
  WorkspaceCreatorMark m;
  m.set_creator_id("instagram:" + handle);
  m.set_kind(kind);
  m.set_campaign_id(campaign);
  m.set_clear(clear);
  return m;
}

WorkspaceCreatorMark Contact(const std::string& handle, absl::Duration ago) {
  WorkspaceCreatorMark m = Mark(handle, WORKSPACE_MARK_KIND_CONTACTED);
  *m.mutable_contacted_at() =
      google::protobuf::util::TimeUtil::SecondsToTimestamp(absl::ToUnixSeconds(absl::Now() - ago));
  return m;
}

class SearchWorkspaceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(redis_.Start().ok());
    primary_ = Start(&primary_address_, &primary_metrics_port_);
    ASSERT_NE(primary_, nullptr);
    stub_ = SearchService::NewStub(
        grpc::CreateChannel(primary_address_, grpc::InsecureChannelCredentials()));
    SeedCatalog();
  }

  std::unique_ptr<testing::ServiceProcess> Start(std::string* address,
                                                 int* metrics_port = nullptr) {
    *address = absl::StrCat("127.0.0.1:", testing::FreePort());
    const int metrics = testing::FreePort();
    if (metrics_port != nullptr) *metrics_port = metrics;
    auto process = testing::ServiceProcess::StartServing(
        testing::BuiltBinary("services/search/microreach-search"),
        {absl::StrCat("--grpc_address=", *address),
         absl::StrCat("--metrics_address=127.0.0.1:", metrics),
         absl::StrCat("--redis_address=", redis_.address()),
         absl::StrCat("--data_dir=", data_.path()),
         absl::StrCat("--auth_tokens=", kAcme, "=acme,", kZeta, "=zeta"), "--catalog_writers=acme",
         "--catalog_poll_interval=100ms", "--drain=0s"},
        *address);
    EXPECT_TRUE(process.ok()) << process.status();
    if (!process.ok()) return nullptr;
    return *std::move(process);
  }

  std::unique_ptr<grpc::ClientContext> Context(const char* token = kAcme) {
    return testing::BearerContext(token);
  }

  void SeedCatalog() {
    auto ctx = Context();
    UpsertCreatorsResponse response;
    auto writer = stub_->UpsertCreators(ctx.get(), &response);
    UpsertCreatorsRequest request;
    int64_t followers = 10'000;
    for (const std::string& handle : kEveryone)
      *request.add_creators() = Profile(handle, followers++);
    ASSERT_TRUE(writer->Write(request));
    writer->WritesDone();
    grpc::Status status = writer->Finish();
    ASSERT_TRUE(status.ok()) << status.error_message();
    ASSERT_EQ(response.created_count(), 6);
  }

  grpc::Status Update(std::vector<WorkspaceCreatorMark> marks, const std::string& request_id = "",
                      UpdateWorkspaceCreatorMarksResponse* response = nullptr,
                      const char* token = kAcme) {
    UpdateWorkspaceCreatorMarksRequest request;
    for (auto& m : marks) *request.add_marks() = std::move(m);
    request.set_request_id(request_id);
    UpdateWorkspaceCreatorMarksResponse ignored;
    auto ctx = Context(token);
    return stub_->UpdateWorkspaceCreatorMarks(ctx.get(), request, response ? response : &ignored);
  }

  // The handles a search with `filter` returns (and checks total_size agrees).
  std::vector<std::string> Found(const WorkspaceFilter& filter, const char* token = kAcme,
                                 SearchService::Stub* stub = nullptr) {
    SearchCreatorsRequest request;
    *request.mutable_filter()->mutable_workspace() = filter;
    request.set_page_size(50);
    SearchCreatorsResponse response;
    auto ctx = Context(token);
    grpc::Status s = (stub ? stub : stub_.get())->SearchCreators(ctx.get(), request, &response);
    EXPECT_TRUE(s.ok()) << s.error_message();
    std::vector<std::string> handles;
    for (const auto& r : response.results()) handles.push_back(r.creator().handle());
    EXPECT_EQ(response.total_size(), static_cast<int64_t>(handles.size()));
    return handles;
  }

  // The workspace A of the scenario: anna blocklisted, ben in campaign c1,
  // fritz in c2, carla contacted 2 days ago, dora 40 days ago.
  void MarkAcme() {
    UpdateWorkspaceCreatorMarksResponse response;
    grpc::Status s =
        Update({Mark("anna", WORKSPACE_MARK_KIND_BLOCKLISTED),
                Mark("ben", WORKSPACE_MARK_KIND_IN_CAMPAIGN, "c1"),
                Mark("fritz", WORKSPACE_MARK_KIND_IN_CAMPAIGN, "c2"),
                Contact("carla", absl::Hours(48)), Contact("dora", absl::Hours(24 * 40))},
               "", &response);
    ASSERT_TRUE(s.ok()) << s.error_message();
    EXPECT_EQ(response.changed_count(), 5);
    EXPECT_GT(response.marks_version(), 0);
  }

  static WorkspaceFilter Filter(bool blocklisted, bool any_campaign,
                                const std::vector<std::string>& campaigns,
                                std::optional<int> days) {
    WorkspaceFilter f;
    f.set_exclude_blocklisted(blocklisted);
    f.set_exclude_in_any_campaign(any_campaign);
    for (const auto& c : campaigns) f.add_exclude_in_campaign_ids(c);
    if (days) f.set_exclude_contacted_within_days(*days);
    return f;
  }

  testing::TempDir data_;
  testing::RedisServer redis_;
  std::string primary_address_;
  int primary_metrics_port_ = 0;
  std::unique_ptr<testing::ServiceProcess> primary_;
  std::unique_ptr<SearchService::Stub> stub_;
};

TEST_F(SearchWorkspaceTest, EachFilterAndTheirCombinationsExcludeExactlyTheMarkedCreators) {
  MarkAcme();
  EXPECT_THAT(Found(Filter(false, false, {}, {})), UnorderedElementsAreArray(kEveryone));
  EXPECT_THAT(Found(Filter(true, false, {}, {})),
              UnorderedElementsAre("ben", "carla", "dora", "emil", "fritz"));
  EXPECT_THAT(Found(Filter(false, true, {}, {})),
              UnorderedElementsAre("anna", "carla", "dora", "emil"));
  EXPECT_THAT(Found(Filter(false, false, {"c1"}, {})),
              UnorderedElementsAre("anna", "carla", "dora", "emil", "fritz"));
  EXPECT_THAT(Found(Filter(false, false, {"c2", "unknown"}, {})),
              UnorderedElementsAre("anna", "ben", "carla", "dora", "emil"));
  EXPECT_THAT(Found(Filter(false, false, {}, 7)),
              UnorderedElementsAre("anna", "ben", "dora", "emil", "fritz"));
  EXPECT_THAT(Found(Filter(false, false, {}, 30)),
              UnorderedElementsAre("anna", "ben", "dora", "emil", "fritz"));
  EXPECT_THAT(Found(Filter(false, false, {}, 90)),
              UnorderedElementsAre("anna", "ben", "emil", "fritz"));
  EXPECT_THAT(Found(Filter(true, false, {"c1"}, 7)), UnorderedElementsAre("dora", "emil", "fritz"));
  EXPECT_THAT(Found(Filter(true, true, {}, 90)), UnorderedElementsAre("emil"));
  // With the explicit ids too.
  WorkspaceFilter with_ids = Filter(true, false, {}, {});
  with_ids.add_exclude_creator_ids("instagram:emil");
  EXPECT_THAT(Found(with_ids), UnorderedElementsAre("ben", "carla", "dora", "fritz"));
}

TEST_F(SearchWorkspaceTest, LookalikesHonourTheSameFilters) {
  MarkAcme();
  SimilarCreatorsRequest request;
  request.set_creator_id("instagram:emil");
  *request.mutable_filter()->mutable_workspace() = Filter(true, true, {}, 7);
  SimilarCreatorsResponse response;
  auto ctx = Context();
  grpc::Status s = stub_->SimilarCreators(ctx.get(), request, &response);
  ASSERT_TRUE(s.ok()) << s.error_message();
  std::vector<std::string> handles;
  for (const auto& r : response.results()) handles.push_back(r.creator().handle());
  EXPECT_THAT(handles, UnorderedElementsAre("dora"));
  EXPECT_EQ(response.total_size(), 1);
}

TEST_F(SearchWorkspaceTest, AnotherWorkspaceIsUnaffected) {
  MarkAcme();
  EXPECT_THAT(Found(Filter(true, true, {"c1", "c2"}, 90), kZeta),
              UnorderedElementsAreArray(kEveryone));
  // Its own marks apply to it only.
  ASSERT_TRUE(Update({Mark("emil", WORKSPACE_MARK_KIND_BLOCKLISTED)}, "", nullptr, kZeta).ok());
  EXPECT_THAT(Found(Filter(true, false, {}, {}), kZeta),
              UnorderedElementsAre("anna", "ben", "carla", "dora", "fritz"));
  EXPECT_THAT(Found(Filter(true, false, {}, {})),
              UnorderedElementsAre("ben", "carla", "dora", "emil", "fritz"));
}

TEST_F(SearchWorkspaceTest, ClearingAMarkBringsTheCreatorBack) {
  MarkAcme();
  UpdateWorkspaceCreatorMarksResponse response;
  ASSERT_TRUE(Update({Mark("anna", WORKSPACE_MARK_KIND_BLOCKLISTED, "", true),
                      Mark("ben", WORKSPACE_MARK_KIND_IN_CAMPAIGN, "c1", true),
                      Mark("ben", WORKSPACE_MARK_KIND_IN_CAMPAIGN, "c9", true)},
                     "", &response)
                  .ok());
  EXPECT_EQ(response.changed_count(), 2);
  EXPECT_EQ(response.unchanged_count(), 1);
  EXPECT_THAT(Found(Filter(true, true, {}, {})),
              UnorderedElementsAre("anna", "ben", "carla", "dora", "emil"));
  WorkspaceCreatorMark clear_contact = Mark("carla", WORKSPACE_MARK_KIND_CONTACTED, "", true);
  ASSERT_TRUE(Update({clear_contact}).ok());
  EXPECT_THAT(Found(Filter(false, false, {}, 7)), UnorderedElementsAreArray(kEveryone));
}

TEST_F(SearchWorkspaceTest, TheLiveMarksAreExported) {
  ASSERT_TRUE(
      Update({Mark("anna", WORKSPACE_MARK_KIND_BLOCKLISTED),
              Mark("ben", WORKSPACE_MARK_KIND_IN_CAMPAIGN, "c1"), Contact("carla", absl::Hours(1))})
          .ok());
  // The gauge follows within a poll (100 ms here).
  auto marks = [&] {
    absl::StatusOr<std::string> v =
        testing::ScrapeMetric(primary_metrics_port_, "microreach_workspace_marks");
    return v.ok() ? *v : v.status().ToString();
  };
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  while (marks() != "3" && absl::Now() < deadline) absl::SleepFor(absl::Milliseconds(50));
  EXPECT_EQ(marks(), "3");
  ASSERT_TRUE(Update({Mark("anna", WORKSPACE_MARK_KIND_BLOCKLISTED, "", true)}).ok());
  while (marks() != "2" && absl::Now() < deadline) absl::SleepFor(absl::Milliseconds(50));
  EXPECT_EQ(marks(), "2");
}

TEST_F(SearchWorkspaceTest, ARetryWithTheSameRequestIdAppliesOnce) {
  const std::string id = "3f1c2a9e-8d6b-4c1e-9f0a-0123456789ab";
  UpdateWorkspaceCreatorMarksResponse first;
  ASSERT_TRUE(Update({Mark("emil", WORKSPACE_MARK_KIND_BLOCKLISTED)}, id, &first).ok());
  EXPECT_EQ(first.changed_count(), 1);
  EXPECT_THAT(Found(Filter(true, false, {}, {})),
              UnorderedElementsAre("anna", "ben", "carla", "dora", "fritz"));
  // Outreach then takes emil off the list...
  ASSERT_TRUE(Update({Mark("emil", WORKSPACE_MARK_KIND_BLOCKLISTED, "", true)}).ok());
  // ...and a late retry of the first call must not put him back.
  UpdateWorkspaceCreatorMarksResponse retry;
  ASSERT_TRUE(Update({Mark("emil", WORKSPACE_MARK_KIND_BLOCKLISTED)}, id, &retry).ok());
  EXPECT_EQ(retry.changed_count(), first.changed_count());
  EXPECT_EQ(retry.marks_version(), first.marks_version());
  EXPECT_THAT(Found(Filter(true, false, {}, {})), UnorderedElementsAreArray(kEveryone));
  // The same id with another request is refused.
  grpc::Status s = Update({Mark("dora", WORKSPACE_MARK_KIND_BLOCKLISTED)}, id);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  auto violations = status::ViolationsOf(status::FromGrpc(s));
  ASSERT_EQ(violations.size(), 1u);
  EXPECT_EQ(violations[0].field, "request_id");
  EXPECT_THAT(Found(Filter(true, false, {}, {})), UnorderedElementsAreArray(kEveryone));
}

TEST_F(SearchWorkspaceTest, BadInputNamesTheField) {
  auto field_of = [](const grpc::Status& s) {
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << s.error_message();
    std::vector<std::string> fields;
    for (const auto& v : status::ViolationsOf(status::FromGrpc(s))) fields.push_back(v.field);
    return fields;
  };
  WorkspaceCreatorMark future = Contact("anna", -absl::Hours(48));
  WorkspaceCreatorMark stray_time = Mark("anna", WORKSPACE_MARK_KIND_BLOCKLISTED);
  *stray_time.mutable_contacted_at() = future.contacted_at();
  EXPECT_THAT(field_of(Update({Mark("anna", WORKSPACE_MARK_KIND_BLOCKLISTED),
                               Mark("ben", WORKSPACE_MARK_KIND_UNSPECIFIED),
                               Mark("carla", WORKSPACE_MARK_KIND_IN_CAMPAIGN),
                               Mark("bad id", WORKSPACE_MARK_KIND_BLOCKLISTED, "c1"),
                               Mark("dora", WORKSPACE_MARK_KIND_CONTACTED), future, stray_time},
                              "not a valid id!")),
              UnorderedElementsAre("marks[1].kind", "marks[2].campaign_id", "marks[3].creator_id",
                                   "marks[3].campaign_id", "marks[4].contacted_at",
                                   "marks[5].contacted_at", "marks[6].contacted_at", "request_id"));
  EXPECT_THAT(field_of(Update({})), UnorderedElementsAre("marks"));
  std::vector<WorkspaceCreatorMark> too_many(1001, Mark("anna", WORKSPACE_MARK_KIND_BLOCKLISTED));
  EXPECT_THAT(field_of(Update(too_many)), UnorderedElementsAre("marks"));
  // Nothing of a refused request was applied.
  EXPECT_THAT(Found(Filter(true, false, {}, {})), UnorderedElementsAreArray(kEveryone));

  SearchCreatorsRequest search;
  search.mutable_filter()->mutable_workspace()->set_exclude_contacted_within_days(0);
  search.mutable_filter()->mutable_workspace()->add_exclude_in_campaign_ids("no spaces");
  SearchCreatorsResponse response;
  auto ctx = Context();
  EXPECT_THAT(field_of(stub_->SearchCreators(ctx.get(), search, &response)),
              UnorderedElementsAre("filter.workspace.exclude_in_campaign_ids[0]",
                                   "filter.workspace.exclude_contacted_within_days"));

  ctx = Context(nullptr);
  UpdateWorkspaceCreatorMarksResponse ignored;
  EXPECT_EQ(stub_->UpdateWorkspaceCreatorMarks(ctx.get(), {}, &ignored).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(SearchWorkspaceTest, MoreExclusionsThanOneSearchTakesAreRefusedNotTruncated) {
  // 20,001 contacts in the last days: more than the 20,000 one search excludes.
  for (int batch = 0; batch < 21; ++batch) {
    std::vector<WorkspaceCreatorMark> marks;
    for (int i = 0; i < 1000 && batch * 1000 + i <= 20'000; ++i) {
      marks.push_back(Contact(absl::StrCat("bulk", batch * 1000 + i), absl::Hours(1)));
    }
    grpc::Status s = Update(marks);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }
  SearchCreatorsRequest request;
  request.mutable_filter()->mutable_workspace()->set_exclude_contacted_within_days(7);
  SearchCreatorsResponse response;
  auto ctx = Context();
  grpc::Status s = stub_->SearchCreators(ctx.get(), request, &response);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(s.error_message(), HasSubstr("filter.workspace.exclude_contacted_within_days"));
  auto violations = status::PreconditionViolationsOf(status::FromGrpc(s));
  ASSERT_EQ(violations.size(), 1u);
  EXPECT_EQ(violations[0].type, "EXCLUSION_LIMIT");
  // The other filters of the workspace still work.
  EXPECT_THAT(Found(Filter(true, false, {}, {})), UnorderedElementsAreArray(kEveryone));
}

TEST_F(SearchWorkspaceTest, APageTokenStaysBoundToTheWorkspaceFilter) {
  MarkAcme();
  SearchCreatorsRequest request;
  *request.mutable_filter()->mutable_workspace() = Filter(true, false, {}, {});
  request.set_page_size(3);
  SearchCreatorsResponse page1;
  auto ctx = Context();
  ASSERT_TRUE(stub_->SearchCreators(ctx.get(), request, &page1).ok());
  EXPECT_EQ(page1.total_size(), 5);
  ASSERT_FALSE(page1.next_page_token().empty());
  request.set_page_token(page1.next_page_token());
  request.mutable_filter()->mutable_workspace()->set_exclude_blocklisted(false);
  SearchCreatorsResponse page2;
  ctx = Context();
  grpc::Status s = stub_->SearchCreators(ctx.get(), request, &page2);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("page_token"));
}

TEST_F(SearchWorkspaceTest, ASecondProcessOnTheSameStoreSeesMarksWithinASecond) {
  std::string replica_address;
  auto replica = Start(&replica_address);
  ASSERT_NE(replica, nullptr);
  auto replica_stub = SearchService::NewStub(
      grpc::CreateChannel(replica_address, grpc::InsecureChannelCredentials()));
  // The replica has the catalog (written before it started), no marks yet.
  EXPECT_THAT(Found(Filter(true, false, {}, {}), kAcme, replica_stub.get()),
              UnorderedElementsAreArray(kEveryone));

  MarkAcme();
  const absl::Time written = absl::Now();
  std::vector<std::string> seen;
  while (absl::Now() - written < absl::Seconds(5)) {
    seen = Found(Filter(true, true, {}, 7), kAcme, replica_stub.get());
    if (seen.size() == 2) break;
    absl::SleepFor(absl::Milliseconds(20));
  }
  EXPECT_THAT(seen, UnorderedElementsAre("dora", "emil"));
  EXPECT_LT(absl::Now() - written, absl::Seconds(1));

  // A clear written on the replica reaches the primary as well.
  grpc::ClientContext ctx;
  ctx.AddMetadata("authorization", absl::StrCat("Bearer ", kAcme));
  UpdateWorkspaceCreatorMarksRequest clear;
  *clear.add_marks() = Mark("anna", WORKSPACE_MARK_KIND_BLOCKLISTED, "", true);
  UpdateWorkspaceCreatorMarksResponse response;
  ASSERT_TRUE(replica_stub->UpdateWorkspaceCreatorMarks(&ctx, clear, &response).ok());
  const absl::Time cleared = absl::Now();
  while (absl::Now() - cleared < absl::Seconds(5)) {
    seen = Found(Filter(true, false, {}, {}));
    if (seen.size() == 6) break;
    absl::SleepFor(absl::Milliseconds(20));
  }
  EXPECT_THAT(seen, UnorderedElementsAreArray(kEveryone));
  EXPECT_LT(absl::Now() - cleared, absl::Seconds(1));
}

}  // namespace
}  // namespace microreach
