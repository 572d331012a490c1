// Tests for AIP-155 request-id de-duplication through a toy "create offer"
// operation that uses the API as a service would.
#include "common/store/request_ids.h"

#include <memory>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/store/database.h"
#include "common/store/migrations.h"
#include "gtest/gtest.h"

namespace microreach::store {
namespace {

constexpr char kMethod[] = "/microreach.campaign.v1.CampaignService/CreateOffer";
constexpr absl::Time kT0 = absl::FromUnixSeconds(1'700'000'000);

class RequestIdsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<Database>> db = OpenDatabase("sqlite::memory:", {});
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

  std::unique_ptr<Database> db_;
};

TEST_F(RequestIdsTest, ReplayReturnsStoredResponseAndDoesNotApplyTwice) {
  const RequestKey key{"ws-1", kMethod, "req-1"};
  EXPECT_EQ(CreateOffer(key, 500).value_or(""), "offers=1");
  EXPECT_EQ(CreateOffer(key, 500).value_or(""), "offers=1");
  EXPECT_EQ(OfferCount(), 1);
}

TEST_F(RequestIdsTest, SameIdWithDifferentRequestIsRejected) {
  const RequestKey key{"ws-1", kMethod, "req-1"};
  ASSERT_TRUE(CreateOffer(key, 500).ok());
  absl::StatusOr<std::string> reused = CreateOffer(key, 900);
  EXPECT_EQ(reused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(OfferCount(), 1);
}

TEST_F(RequestIdsTest, IdsAreScopedByWorkspaceAndMethod) {
  ASSERT_TRUE(CreateOffer({"ws-1", kMethod, "req-1"}, 500).ok());
  EXPECT_EQ(CreateOffer({"ws-2", kMethod, "req-1"}, 900).value_or(""), "offers=2");
  EXPECT_EQ(CreateOffer({"ws-1", "/other/Method", "req-1"}, 900).value_or(""), "offers=3");
}

TEST_F(RequestIdsTest, RolledBackChangeForgetsTheRequestId) {
  const RequestKey key{"ws-1", kMethod, "req-1"};
  EXPECT_FALSE(CreateOffer(key, 500, /*fail_after_change=*/true).ok());
  EXPECT_EQ(OfferCount(), 0);
  // The retry is treated as new, because nothing of the first try survived.
  EXPECT_EQ(CreateOffer(key, 500).value_or(""), "offers=1");
}

TEST_F(RequestIdsTest, ResponseBytesRoundTripExactly) {
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

TEST_F(RequestIdsTest, RecordingTwiceIsAlreadyExists) {
  const RequestKey key{"ws-1", kMethod, "req-1"};
  absl::Status s = db_->RunInTransaction([&](Transaction& txn) -> absl::Status {
    if (absl::Status r = RecordRequest(txn, key, "h", "a", kT0); !r.ok()) return r;
    return RecordRequest(txn, key, "h", "b", kT0);
  });
  EXPECT_EQ(s.code(), absl::StatusCode::kAlreadyExists);
}

TEST_F(RequestIdsTest, EmptyRequestIdIsInvalid) {
  absl::Status s = db_->RunInTransaction([&](Transaction& txn) {
    return LookupRequest(txn, {"ws-1", kMethod, ""}, "h").status();
  });
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(RequestIdsTest, PurgeDeletesOnlyOldIdsInBatches) {
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
