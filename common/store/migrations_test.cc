// Tests for Migrate() on every backend: ordering, idempotent re-runs, refusing
// newer or edited schemas, atomicity of a failing migration, and replicas
// migrating at once.
#include "common/store/migrations.h"

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "common/store/database.h"
#include "common/store/store_test_backends.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace microreach::store {
namespace {

using ::microreach::store::testing::Backend;
using ::microreach::store::testing::BackendName;
using ::microreach::store::testing::BackendsUnderTest;
using ::microreach::store::testing::TableExists;
using ::microreach::store::testing::TestDatabase;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

Rows MustQuery(Database& db, const std::string& sql) {
  Rows rows;
  absl::Status s = db.RunReadOnly([&](Transaction& txn) -> absl::Status {
    absl::StatusOr<Rows> r = txn.Query(sql);
    if (!r.ok()) return r.status();
    rows = *std::move(r);
    return absl::OkStatus();
  });
  EXPECT_TRUE(s.ok()) << s;
  return rows;
}

std::vector<Migration> V1() {
  return {
      {100, "create_offers", "CREATE TABLE offers (id TEXT PRIMARY KEY)"},
  };
}
std::vector<Migration> V2() {
  return {
      {100, "create_offers", "CREATE TABLE offers (id TEXT PRIMARY KEY)"},
      // Depends on 100, so running out of order would fail.
      {101, "offers_amount",
       "ALTER TABLE offers ADD COLUMN amount BIGINT NOT NULL DEFAULT 0;"
       "CREATE INDEX offers_amount ON offers (amount);"},
  };
}

class MigrateTest : public ::testing::TestWithParam<Backend> {
 protected:
  std::unique_ptr<Database> MustOpen() {
    absl::StatusOr<std::unique_ptr<Database>> db = test_db_.Open();
    EXPECT_TRUE(db.ok()) << db.status();
    return db.ok() ? *std::move(db) : nullptr;
  }

  TestDatabase test_db_{GetParam()};
};

INSTANTIATE_TEST_SUITE_P(Backends, MigrateTest, ::testing::ValuesIn(BackendsUnderTest()),
                         BackendName);

TEST_P(MigrateTest, AppliesInOrderAndRecordsEachVersion) {
  std::unique_ptr<Database> db = MustOpen();
  absl::StatusOr<int> applied = Migrate(*db, V2());
  ASSERT_TRUE(applied.ok()) << applied.status();
  EXPECT_EQ(*applied, 2);
  EXPECT_THAT(MustQuery(*db, "SELECT version, name FROM schema_migrations ORDER BY version"),
              ElementsAre(ElementsAre(Value(100), Value("create_offers")),
                          ElementsAre(Value(101), Value("offers_amount"))));
  EXPECT_EQ(MustQuery(*db, "SELECT amount FROM offers").size(), 0);
}

TEST_P(MigrateTest, ReRunIsANoOpAndUpgradesAcrossRestarts) {
  {
    std::unique_ptr<Database> db = MustOpen();
    EXPECT_EQ(Migrate(*db, V1()).value_or(-1), 1);
    EXPECT_EQ(Migrate(*db, V1()).value_or(-1), 0);
  }
  std::unique_ptr<Database> db = MustOpen();
  EXPECT_EQ(Migrate(*db, V2()).value_or(-1), 1);
  EXPECT_EQ(Migrate(*db, V2()).value_or(-1), 0);
  EXPECT_EQ(MustQuery(*db, "SELECT version FROM schema_migrations").size(), 2);
}

TEST_P(MigrateTest, RefusesSchemaNewerThanTheBinary) {
  std::unique_ptr<Database> db = MustOpen();
  ASSERT_TRUE(Migrate(*db, V2()).ok());
  absl::StatusOr<int> old_binary = Migrate(*db, V1());
  EXPECT_EQ(old_binary.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(old_binary.status().message(), HasSubstr("newer schema"));
}

TEST_P(MigrateTest, RefusesRenamedMigration) {
  std::unique_ptr<Database> db = MustOpen();
  ASSERT_TRUE(Migrate(*db, V1()).ok());
  std::vector<Migration> edited = V2();
  edited[0].name = "create_offers_v2";
  absl::StatusOr<int> s = Migrate(*db, edited);
  EXPECT_EQ(s.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(s.status().message(), HasSubstr("create_offers_v2"));
  EXPECT_FALSE(MustQuery(*db, "SELECT 1 FROM schema_migrations WHERE version = 101").size());
}

TEST_P(MigrateTest, FailingMigrationLeavesNothingBehindAndStopsLaterOnes) {
  std::unique_ptr<Database> db = MustOpen();
  const std::vector<Migration> migrations = {
      {100, "good", "CREATE TABLE good (x BIGINT)"},
      {101, "bad", "CREATE TABLE half (x BIGINT); CREATE TABLE broken ("},
      {102, "later", "CREATE TABLE later (x BIGINT)"},
  };
  absl::StatusOr<int> s = Migrate(*db, migrations);
  EXPECT_FALSE(s.ok());
  EXPECT_THAT(s.status().message(), HasSubstr("migration 101 (bad)"));
  EXPECT_TRUE(TableExists(*db, "good"));
  EXPECT_FALSE(TableExists(*db, "half"));
  EXPECT_FALSE(TableExists(*db, "later"));
  EXPECT_THAT(MustQuery(*db, "SELECT version FROM schema_migrations"),
              ElementsAre(ElementsAre(Value(100))));
}

TEST_P(MigrateTest, RejectsMalformedList) {
  std::unique_ptr<Database> db = MustOpen();
  EXPECT_EQ(Migrate(*db, {{2, "b", "SELECT 1"}, {1, "a", "SELECT 1"}}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Migrate(*db, {{0, "zero", "SELECT 1"}}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Migrate(*db, {{1, "", "SELECT 1"}}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_P(MigrateTest, BaseMigrationAddedLaterIsAppliedBelowServiceVersions) {
  std::unique_ptr<Database> db = MustOpen();
  ASSERT_TRUE(Migrate(*db, V1()).ok());
  std::vector<Migration> with_base = BaseMigrations();
  const std::vector<Migration> v1 = V1();
  with_base.insert(with_base.end(), v1.begin(), v1.end());
  EXPECT_EQ(Migrate(*db, with_base).value_or(-1), static_cast<int>(BaseMigrations().size()));
  EXPECT_TRUE(TableExists(*db, "request_ids"));
}

TEST_P(MigrateTest, ReplicasStartingTogetherApplyEachMigrationOnce) {
  constexpr int kReplicas = 4;
  std::vector<std::unique_ptr<Database>> dbs;
  for (int i = 0; i < kReplicas; ++i) dbs.push_back(MustOpen());
  std::vector<Migration> migrations = BaseMigrations();
  for (const Migration& m : V2()) migrations.push_back(m);
  std::vector<absl::StatusOr<int>> applied(kReplicas, 0);
  std::vector<std::thread> threads;
  for (int i = 0; i < kReplicas; ++i) {
    threads.emplace_back([&, i] { applied[i] = Migrate(*dbs[i], migrations); });
  }
  for (std::thread& t : threads) t.join();
  int total = 0;
  for (const absl::StatusOr<int>& a : applied) {
    ASSERT_TRUE(a.ok()) << a.status();
    total += *a;
  }
  EXPECT_EQ(total, static_cast<int>(migrations.size()));
  EXPECT_EQ(MustQuery(*dbs[0], "SELECT version FROM schema_migrations").size(), migrations.size());
}

TEST_P(MigrateTest, BaseMigrationsStayInTheReservedRange) {
  for (const Migration& m : BaseMigrations()) {
    EXPECT_GT(m.version, 0);
    EXPECT_LT(m.version, 100) << m.name;
  }
}

}  // namespace
}  // namespace microreach::store
