// Tests for AIP-155 request-id de-duplication on every backend, through a toy
// "create offer" operation that uses the API as a service would.
#include "common/store/request_ids.h"

#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/store/database.h"
#include "common/store/migrations.h"
#include "common/store/store_test_backends.h"
#include "gtest/gtest.h"

namespace microreach::store {
namespace {

using ::microreach::store::testing::Backend;
using ::microreach::store::testing::BackendName;
using ::microreach::store::testing::BackendsUnderTest;
using ::microreach::store::testing::TestDatabase;

constexpr char kMethod[] = "/microreach.campaign.v1.CampaignService/CreateOffer";
constexpr absl::Time kT0 = absl::FromUnixSeconds(1'700'000'000);

class RequestIdsTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<Database>> db = test_db_.Open();
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = *std::move(db);
    std::vector<Migration> migrations = BaseMigrations();
    migrations.push_back({100, "create_offers", "CREATE TABLE offers (amount BIGINT)"});
    ASSERT_TRUE(Migrate(*db_, migrations).ok());
  }

  // What a service handler does: replay or apply-and-record, atomically. The
  // "response" is the new offer count, so a second application would show.
  absl::StatusOr<std::string> CreateOffer(const RequestKey& key, int64_t amount,
                                          bool fail_after_change = false) {
    const std::string hash = absl::StrCat("hash-of-amount-", amount);
    std::string response;
    absl::Status s = db_->RunInTransaction([&](Transaction& txn) -> absl::Status {
      absl::StatusOr<std::optional<std::string>> done = LookupRequest(txn, key, hash);
      if (!done.ok()) return done.status();
      if (done->has_value()) {
        response = **done;
        return absl::OkStatus();
      }
      if (auto r = txn.Execute("INSERT INTO offers VALUES ($1)", {amount}); !r.ok()) {
        return r.status();
      }
      absl::StatusOr<Rows> count = txn.Query("SELECT COUNT(*) FROM offers");
      if (!count.ok()) return count.status();
      response = absl::StrCat("offers=", *AsInt64((*count)[0][0]));
      if (absl::Status r = RecordRequest(txn, key, hash, response, kT0); !r.ok()) return r;
      if (fail_after_change) return absl::InternalError("crash before commit");
      return absl::OkStatus();
    });
    if (!s.ok()) return s;
    return response;
  }

  int64_t OfferCount() {
    int64_t n = -1;
    EXPECT_TRUE(db_->RunReadOnly([&](Transaction& txn) -> absl::Status {
                     absl::StatusOr<Rows> rows = txn.Query("SELECT COUNT(*) FROM offers");
                     if (!rows.ok()) return rows.status();
                     n = *AsInt64((*rows)[0][0]);
                     return absl::OkStatus();
                   })
                    .ok());
    return n;
  }

  TestDatabase test_db_{GetParam()};
  std::unique_ptr<Database> db_;
};

INSTANTIATE_TEST_SUITE_P(Backends, RequestIdsTest, ::testing::ValuesIn(BackendsUnderTest()),
                         BackendName);

TEST_P(RequestIdsTest, ReplayReturnsStoredResponseAndDoesNotApplyTwice) {
  const RequestKey key{"ws-1", kMethod, "req-1"};
  EXPECT_EQ(CreateOffer(key, 500).value_or(""), "offers=1");
  EXPECT_EQ(CreateOffer(key, 500).value_or(""), "offers=1");
  EXPECT_EQ(OfferCount(), 1);
}

TEST_P(RequestIdsTest, ConcurrentRetriesOfOneRequestApplyItOnce) {
  // A client that times out and retries while the first try is still
  // running: both see "new" at first, only one may apply (SQLite's single
  // writer; PostgreSQL's SERIALIZABLE aborts the other, whose retry replays).
  const RequestKey key{"ws-1", kMethod, "req-race"};
  constexpr int kTries = 4;
  std::vector<absl::StatusOr<std::string>> responses(kTries, std::string());
  std::vector<std::thread> threads;
  for (int i = 0; i < kTries; ++i) {
    threads.emplace_back([&, i] { responses[i] = CreateOffer(key, 500); });
  }
  for (std::thread& t : threads) t.join();
  for (const absl::StatusOr<std::string>& r : responses) {
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(*r, "offers=1");
  }
  EXPECT_EQ(OfferCount(), 1);
}

TEST_P(RequestIdsTest, SameIdWithDifferentRequestIsRejected) {
  const RequestKey key{"ws-1", kMethod, "req-1"};
  ASSERT_TRUE(CreateOffer(key, 500).ok());
  absl::StatusOr<std::string> reused = CreateOffer(key, 900);
  EXPECT_EQ(reused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(OfferCount(), 1);
}

TEST_P(RequestIdsTest, IdsAreScopedByWorkspaceAndMethod) {
  ASSERT_TRUE(CreateOffer({"ws-1", kMethod, "req-1"}, 500).ok());
  EXPECT_EQ(CreateOffer({"ws-2", kMethod, "req-1"}, 900).value_or(""), "offers=2");
  EXPECT_EQ(CreateOffer({"ws-1", "/other/Method", "req-1"}, 900).value_or(""), "offers=3");
}

TEST_P(RequestIdsTest, RolledBackChangeForgetsTheRequestId) {
  const RequestKey key{"ws-1", kMethod, "req-1"};
  EXPECT_FALSE(CreateOffer(key, 500, /*fail_after_change=*/true).ok());
  EXPECT_EQ(OfferCount(), 0);
  // The retry is treated as new, because nothing of the first try survived.
  EXPECT_EQ(CreateOffer(key, 500).value_or(""), "offers=1");
}

TEST_P(RequestIdsTest, ResponseBytesRoundTripExactly) {
  const RequestKey key{"ws-1", kMethod, "req-bytes"};
  for (const std::string& response : {std::string("\0\x01"
                                                  "42\xff",
                                                  5),
                                      std::string("123"), std::string()}) {
    const std::string request_id = absl::StrCat("req-", response.size());
    const RequestKey k{key.workspace_id, key.method, request_id};
    ASSERT_TRUE(db_->RunInTransaction(
                       [&](Transaction& txn) { return RecordRequest(txn, k, "h", response, kT0); })
                    .ok());
    std::optional<std::string> stored;
    ASSERT_TRUE(db_->RunInTransaction([&](Transaction& txn) -> absl::Status {
                     absl::StatusOr<std::optional<std::string>> r = LookupRequest(txn, k, "h");
                     if (!r.ok()) return r.status();
                     stored = *r;
                     return absl::OkStatus();
                   })
                    .ok());
    EXPECT_EQ(stored, response);
  }
}

TEST_P(RequestIdsTest, RecordingTwiceIsAlreadyExists) {
  const RequestKey key{"ws-1", kMethod, "req-1"};
  absl::Status s = db_->RunInTransaction([&](Transaction& txn) -> absl::Status {
    if (absl::Status r = RecordRequest(txn, key, "h", "a", kT0); !r.ok()) return r;
    return RecordRequest(txn, key, "h", "b", kT0);
  });
  EXPECT_EQ(s.code(), absl::StatusCode::kAlreadyExists);
}

TEST_P(RequestIdsTest, EmptyRequestIdIsInvalid) {
  absl::Status s = db_->RunInTransaction([&](Transaction& txn) {
    return LookupRequest(txn, {"ws-1", kMethod, ""}, "h").status();
  });
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
}

TEST_P(RequestIdsTest, PurgeDeletesOnlyOldIdsInBatches) {
  constexpr int kOld = 2500;  // more than one purge batch
  ASSERT_TRUE(db_->RunInTransaction([&](Transaction& txn) -> absl::Status {
                   for (int i = 0; i < kOld; ++i) {
                     absl::Status s = RecordRequest(txn, {"ws-1", kMethod, absl::StrCat("old-", i)},
                                                    "h", "r", kT0);
                     if (!s.ok()) return s;
                   }
                   return RecordRequest(txn, {"ws-1", kMethod, "new"}, "h", "r",
                                        kT0 + absl::Hours(24 * 10));
                 })
                  .ok());
  absl::StatusOr<int64_t> purged = PurgeRequestIds(*db_, kT0 + absl::Hours(24));
  ASSERT_TRUE(purged.ok()) << purged.status();
  EXPECT_EQ(*purged, kOld);
  std::optional<std::string> old_one = "unset";
  std::optional<std::string> new_one;
  ASSERT_TRUE(db_->RunReadOnly([&](Transaction& txn) -> absl::Status {
                   old_one = LookupRequest(txn, {"ws-1", kMethod, "old-7"}, "h").value_or("error");
                   new_one = LookupRequest(txn, {"ws-1", kMethod, "new"}, "h").value_or("error");
                   return absl::OkStatus();
                 })
                  .ok());
  EXPECT_EQ(old_one, std::nullopt);
  EXPECT_EQ(new_one, "r");
}

}  // namespace
}  // namespace microreach::store
