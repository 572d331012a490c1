// Tests for Database/Transaction on every backend (parameters, commit and
// rollback, errors, contention and retries, read-only snapshots, metrics),
// plus the SQLite-only URL, WAL and pragma checks.
#include "common/store/database.h"

#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "common/store/store_test_backends.h"
#include "common/store/store_test_util.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "prometheus/registry.h"

namespace microreach::store {
namespace {

using ::microreach::store::testing::Backend;
using ::microreach::store::testing::BackendName;
using ::microreach::store::testing::BackendsUnderTest;
using ::microreach::store::testing::MetricValue;
using ::microreach::store::testing::TableExists;
using ::microreach::store::testing::TempDir;
using ::microreach::store::testing::TestDatabase;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

absl::Status Exec(Database& db, const std::string& sql, std::vector<Value> params = {}) {
  return db.RunInTransaction([&](Transaction& txn) { return txn.Execute(sql, params).status(); });
}

Rows MustQuery(Database& db, const std::string& sql, std::vector<Value> params = {},
               bool read_only = true) {
  Rows rows;
  auto query = [&](Transaction& txn) -> absl::Status {
    absl::StatusOr<Rows> r = txn.Query(sql, params);
    if (!r.ok()) return r.status();
    rows = *std::move(r);
    return absl::OkStatus();
  };
  absl::Status s = read_only ? db.RunReadOnly(query) : db.RunInTransaction(query);
  EXPECT_TRUE(s.ok()) << s;
  return rows;
}

int64_t Count(Database& db, const std::string& table) {
  Rows rows = MustQuery(db, "SELECT COUNT(*) FROM " + table);
  return rows.size() == 1 ? AsInt64(rows[0][0]).value_or(-1) : -1;
}

// ---------------------------------------------------------------------------
// Backend-neutral: the same SQL and expectations on SQLite and PostgreSQL.

class DatabaseTest : public ::testing::TestWithParam<Backend> {
 protected:
  std::unique_ptr<Database> Open(const DatabaseOptions& options = {}) {
    absl::StatusOr<std::unique_ptr<Database>> db = test_db_.Open(options);
    EXPECT_TRUE(db.ok()) << db.status();
    return db.ok() ? *std::move(db) : nullptr;
  }

  TestDatabase test_db_{GetParam()};
};

INSTANTIATE_TEST_SUITE_P(Backends, DatabaseTest, ::testing::ValuesIn(BackendsUnderTest()),
                         BackendName);

TEST_P(DatabaseTest, ValuesRoundTrip) {
  std::unique_ptr<Database> db = Open();
  ASSERT_NE(db, nullptr);
  ASSERT_TRUE(Exec(*db,
                   "CREATE TABLE v (n TEXT, i BIGINT, d DOUBLE PRECISION, t TEXT, b BYTEA,"
                   " e BYTEA, et TEXT, lo BIGINT)")
                  .ok());
  const std::string binary(
      "\0\x01\xff"
      "123",
      6);
  ASSERT_TRUE(Exec(*db, "INSERT INTO v VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                   {Null{}, int64_t{1} << 40, 2.5, "héllo", Blob{binary}, Blob{}, "",
                    std::numeric_limits<int64_t>::min()})
                  .ok());
  EXPECT_THAT(MustQuery(*db, "SELECT n, i, d, t, b, e, et, lo FROM v"),
              ElementsAre(ElementsAre(Value(Null{}), Value(int64_t{1} << 40), Value(2.5),
                                      Value("héllo"), Value(Blob{binary}), Value(Blob{}), Value(""),
                                      Value(std::numeric_limits<int64_t>::min()))));
}

TEST_P(DatabaseTest, DollarParametersBindByNumberNotByPosition) {
  std::unique_ptr<Database> db = Open();
  ASSERT_NE(db, nullptr);
  // SQLite numbers `$k` slots by first appearance; the binding must not.
  EXPECT_THAT(MustQuery(*db, "SELECT $2, $1, $2 || 'x'", {1, "a"}),
              ElementsAre(ElementsAre(Value("a"), Value(1), Value("ax"))));
}

TEST_P(DatabaseTest, RejectsNonPortablePlaceholdersAndWrongArity) {
  std::unique_ptr<Database> db = Open();
  ASSERT_NE(db, nullptr);
  for (const char* sql : {"SELECT ?", "SELECT ?1", "SELECT :a", "SELECT @a", "SELECT $a",
                          "SELECT $1::int", "SELECT $2", "SELECT $01"}) {
    absl::Status s = db->RunReadOnly([&](Transaction& txn) {
      return txn.Query(sql, {1, 2}).status();
    });
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << sql << ": " << s;
  }
  absl::Status s = db->RunReadOnly([&](Transaction& txn) {
    return txn.Query("SELECT $1", {1, 2}).status();
  });
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  // Values are not echoed in messages (they may be personal data).
  s = db->RunReadOnly([&](Transaction& txn) {
    return txn.Query("SELECT $1", {"alice@example.com", 2}).status();
  });
  EXPECT_THAT(s.message(), ::testing::Not(HasSubstr("alice")));
  // Placeholder look-alikes inside literals and comments are not parameters.
  EXPECT_THAT(MustQuery(*db, "SELECT '?:a@b$2' /* $3 ? */, $1 -- :x\n", {7}),
              ElementsAre(ElementsAre(Value("?:a@b$2"), Value(7))));
}

TEST_P(DatabaseTest, BadValueMessagesDoNotEchoTheValue) {
  std::unique_ptr<Database> db = Open();
  ASSERT_NE(db, nullptr);
  ASSERT_TRUE(Exec(*db, "CREATE TABLE t (id TEXT PRIMARY KEY, n BIGINT NOT NULL)").ok());
  ASSERT_TRUE(Exec(*db, "INSERT INTO t VALUES ($1, $2)", {"alice@example.com", 1}).ok());
  absl::Status dup = Exec(*db, "INSERT INTO t VALUES ($1, $2)", {"alice@example.com", 2});
  EXPECT_EQ(dup.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(dup.message(), ::testing::Not(HasSubstr("alice")));
}

TEST_P(DatabaseTest, RejectsSeveralStatementsAndTransactionControl) {
  std::unique_ptr<Database> db = Open();
  ASSERT_NE(db, nullptr);
  ASSERT_TRUE(Exec(*db, "CREATE TABLE t (x BIGINT); -- trailing comment").ok());
  EXPECT_EQ(Exec(*db, "INSERT INTO t VALUES (1); INSERT INTO t VALUES (2)").code(),
            absl::StatusCode::kInvalidArgument);
  for (const char* sql : {"COMMIT", "  /* c */ rollback", "BEGIN", "SAVEPOINT s", "END"}) {
    EXPECT_EQ(Exec(*db, sql).code(), absl::StatusCode::kInvalidArgument) << sql;
  }
  absl::Status s = db->RunInTransaction([](Transaction& txn) {
    return txn.ExecuteScript("INSERT INTO t VALUES (1); COMMIT; INSERT INTO t VALUES (2);");
  });
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  s = db->RunInTransaction(
      [](Transaction& txn) { return txn.ExecuteScript("INSERT INTO t VALUES ($1)"); });
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Count(*db, "t"), 0);
}

TEST_P(DatabaseTest, ScriptRunsEveryStatementInTheTransaction) {
  std::unique_ptr<Database> db = Open();
  ASSERT_NE(db, nullptr);
  absl::Status s = db->RunInTransaction([](Transaction& txn) {
    return txn.ExecuteScript(
        "CREATE TABLE t (x BIGINT, s TEXT);\n"
        "INSERT INTO t VALUES (1, 'a;b');  -- a ';' inside a literal\n"
        "INSERT INTO t VALUES (2, 'it''s');");
  });
  ASSERT_TRUE(s.ok()) << s;
  EXPECT_THAT(
      MustQuery(*db, "SELECT x, s FROM t ORDER BY x"),
      ElementsAre(ElementsAre(Value(1), Value("a;b")), ElementsAre(Value(2), Value("it's"))));
}

TEST_P(DatabaseTest, ErrorStatusRollsBackEverything) {
  std::unique_ptr<Database> db = Open();
  ASSERT_NE(db, nullptr);
  ASSERT_TRUE(Exec(*db, "CREATE TABLE t (x BIGINT)").ok());
  absl::Status s = db->RunInTransaction([](Transaction& txn) -> absl::Status {
    if (auto r = txn.Execute("INSERT INTO t VALUES ($1)", {1}); !r.ok()) return r.status();
    if (auto r = txn.ExecuteScript("CREATE TABLE u (y BIGINT)"); !r.ok()) return r;
    return absl::NotFoundError("offer not found");
  });
  EXPECT_EQ(s, absl::NotFoundError("offer not found"));
  EXPECT_EQ(Count(*db, "t"), 0);
  EXPECT_FALSE(TableExists(*db, "u"));
}

TEST_P(DatabaseTest, ConstraintViolationsMapToCodes) {
  std::unique_ptr<Database> db = Open();
  ASSERT_NE(db, nullptr);
  ASSERT_TRUE(Exec(*db, "CREATE TABLE parent (id BIGINT PRIMARY KEY)").ok());
  ASSERT_TRUE(Exec(*db,
                   "CREATE TABLE child (id BIGINT PRIMARY KEY, parent BIGINT REFERENCES parent(id),"
                   " qty BIGINT NOT NULL CHECK (qty > 0))")
                  .ok());
  ASSERT_TRUE(Exec(*db, "INSERT INTO parent VALUES ($1)", {1}).ok());
  EXPECT_EQ(Exec(*db, "INSERT INTO parent VALUES ($1)", {1}).code(),
            absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(Exec(*db, "INSERT INTO child VALUES ($1, $2, $3)", {1, 7, 1}).code(),
            absl::StatusCode::kFailedPrecondition);  // foreign key
  EXPECT_EQ(Exec(*db, "INSERT INTO child VALUES ($1, $2, $3)", {1, 1, 0}).code(),
            absl::StatusCode::kFailedPrecondition);  // CHECK
  EXPECT_EQ(Exec(*db, "INSERT INTO child VALUES ($1, $2, $3)", {1, 1, Null{}}).code(),
            absl::StatusCode::kFailedPrecondition);  // NOT NULL
  EXPECT_EQ(Count(*db, "child"), 0);
}

TEST_P(DatabaseTest, UniqueViolationIsAlreadyExistsAndRollsBackWhenReturned) {
  std::unique_ptr<Database> db = Open();
  ASSERT_NE(db, nullptr);
  ASSERT_TRUE(Exec(*db, "CREATE TABLE t (id TEXT PRIMARY KEY)").ok());
  ASSERT_TRUE(Exec(*db, "INSERT INTO t VALUES ($1)", {"a"}).ok());
  absl::Status s = db->RunInTransaction([](Transaction& txn) -> absl::Status {
    if (auto r = txn.Execute("INSERT INTO t VALUES ($1)", {"b"}); !r.ok()) return r.status();
    // The portable contract: return the failed statement's status.
    return txn.Execute("INSERT INTO t VALUES ($1)", {"a"}).status();
  });
  EXPECT_EQ(s.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(Count(*db, "t"), 1);
}

TEST_P(DatabaseTest, OnConflictDoNothingIsThePortableUpsert) {
  std::unique_ptr<Database> db = Open();
  ASSERT_NE(db, nullptr);
  ASSERT_TRUE(Exec(*db, "CREATE TABLE t (id TEXT PRIMARY KEY, n BIGINT)").ok());
  int64_t first = -1;
  int64_t second = -1;
  absl::Status s = db->RunInTransaction([&](Transaction& txn) -> absl::Status {
    constexpr char kInsert[] = "INSERT INTO t VALUES ($1, $2) ON CONFLICT (id) DO NOTHING";
    absl::StatusOr<int64_t> n = txn.Execute(kInsert, {"a", 1});
    if (!n.ok()) return n.status();
    first = *n;
    n = txn.Execute(kInsert, {"a", 2});
    if (!n.ok()) return n.status();
    second = *n;
    return txn
        .Execute("INSERT INTO t VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET n = t.n + 10",
                 {"a", 0})
        .status();
  });
  ASSERT_TRUE(s.ok()) << s;
  EXPECT_EQ(first, 1);
  EXPECT_EQ(second, 0);
  EXPECT_THAT(MustQuery(*db, "SELECT n FROM t"), ElementsAre(ElementsAre(Value(11))));
}

TEST_P(DatabaseTest, ExecuteReturnsChangedRowsAndReturningWorks) {
  std::unique_ptr<Database> db = Open();
  ASSERT_NE(db, nullptr);
  ASSERT_TRUE(Exec(*db, "CREATE TABLE t (id BIGINT PRIMARY KEY, x BIGINT)").ok());
  absl::Status s = db->RunInTransaction([](Transaction& txn) -> absl::Status {
    absl::StatusOr<Rows> ids =
        txn.Query("INSERT INTO t (id, x) VALUES ($1, $3), ($2, $3) RETURNING id", {1, 2, 5});
    EXPECT_TRUE(ids.ok()) << ids.status();
    EXPECT_THAT(*ids, ElementsAre(ElementsAre(Value(1)), ElementsAre(Value(2))));
    absl::StatusOr<int64_t> changed = txn.Execute("UPDATE t SET x = $1", {6});
    EXPECT_EQ(changed.value_or(-1), 2);
    absl::StatusOr<int64_t> selected = txn.Execute("SELECT * FROM t");
    EXPECT_EQ(selected.value_or(-1), 0);
    absl::StatusOr<int64_t> deleted = txn.Execute("DELETE FROM t WHERE id = $1", {1});
    EXPECT_EQ(deleted.value_or(-1), 1);
    return absl::OkStatus();
  });
  EXPECT_TRUE(s.ok()) << s;
}

TEST_P(DatabaseTest, AggregatesReadAsIntegersAndDoubles) {
  std::unique_ptr<Database> db = Open();
  ASSERT_NE(db, nullptr);
  ASSERT_TRUE(Exec(*db, "CREATE TABLE t (amount BIGINT, rate DOUBLE PRECISION)").ok());
  ASSERT_TRUE(Exec(*db, "INSERT INTO t VALUES ($1, $2), ($3, $4)", {2, 0.5, 3, 1.0}).ok());
  EXPECT_THAT(MustQuery(*db, "SELECT COUNT(*), SUM(amount), MAX(amount), SUM(rate) FROM t"),
              ElementsAre(ElementsAre(Value(2), Value(5), Value(3), Value(1.5))));
}

TEST_P(DatabaseTest, ReadOnlyTransactionRefusesWrites) {
  std::unique_ptr<Database> db = Open();
  ASSERT_NE(db, nullptr);
  ASSERT_TRUE(Exec(*db, "CREATE TABLE t (x BIGINT)").ok());
  absl::Status s = db->RunReadOnly(
      [](Transaction& txn) { return txn.Execute("INSERT INTO t VALUES (1)").status(); });
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  s = db->RunReadOnly([](Transaction& txn) { return txn.ExecuteScript("DELETE FROM t"); });
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Count(*db, "t"), 0);
}

TEST_P(DatabaseTest, CallingBackIntoTheSameDatabaseIsRefused) {
  std::unique_ptr<Database> db = Open();
  ASSERT_NE(db, nullptr);
  absl::Status inner;
  absl::Status outer = db->RunInTransaction([&](Transaction&) {
    inner = db->RunReadOnly([](Transaction&) { return absl::OkStatus(); });
    return absl::OkStatus();
  });
  EXPECT_TRUE(outer.ok());
  EXPECT_EQ(inner.code(), absl::StatusCode::kFailedPrecondition);
}

TEST_P(DatabaseTest, DataSurvivesCloseAndReopen) {
  {
    std::unique_ptr<Database> db = Open();
    ASSERT_NE(db, nullptr);
    ASSERT_TRUE(Exec(*db, "CREATE TABLE t (x TEXT)").ok());
    ASSERT_TRUE(Exec(*db, "INSERT INTO t VALUES ($1)", {"kept"}).ok());
  }
  std::unique_ptr<Database> db = Open();
  ASSERT_NE(db, nullptr);
  EXPECT_THAT(MustQuery(*db, "SELECT x FROM t"), ElementsAre(ElementsAre(Value("kept"))));
}

// Runs a write transaction on another thread that executes `sql` and holds
// its locks (and leaves it uncommitted) until Release().
class LockHolder {
 public:
  LockHolder(Database& db, std::string sql)
      : thread_([this, &db, sql = std::move(sql)] {
          status_ = db.RunInTransaction([&](Transaction& txn) -> absl::Status {
            absl::Status s = txn.Execute(sql).status();
            holding_.Notify();
            release_.WaitForNotification();
            return s;
          });
        }) {
    holding_.WaitForNotification();
  }
  ~LockHolder() { (void)Release(); }
  absl::Status Release() {
    if (!release_.HasBeenNotified()) release_.Notify();
    if (thread_.joinable()) thread_.join();
    return status_;
  }

 private:
  absl::Notification holding_;
  absl::Notification release_;
  absl::Status status_;
  std::thread thread_;
};

constexpr char kIncrement[] = "UPDATE counter SET n = n + 1";

TEST_P(DatabaseTest, LockedRowIsAbortedWhenRetriesAreExhausted) {
  std::unique_ptr<Database> a = Open();
  ASSERT_NE(a, nullptr);
  ASSERT_TRUE(Exec(*a, "CREATE TABLE counter (n BIGINT)").ok());
  ASSERT_TRUE(Exec(*a, "INSERT INTO counter VALUES (0)").ok());
  DatabaseOptions options;
  options.busy_timeout = absl::ZeroDuration();
  options.max_transaction_attempts = 1;
  std::unique_ptr<Database> b = Open(options);
  ASSERT_NE(b, nullptr);

  LockHolder holder(*a, kIncrement);
  absl::Status s = Exec(*b, kIncrement);
  EXPECT_EQ(s.code(), absl::StatusCode::kAborted) << s;
  EXPECT_TRUE(holder.Release().ok());
  EXPECT_THAT(MustQuery(*a, "SELECT n FROM counter"), ElementsAre(ElementsAre(Value(1))));
}

TEST_P(DatabaseTest, BusyTransactionIsRetriedUntilTheLockIsFree) {
  std::unique_ptr<Database> a = Open();
  ASSERT_NE(a, nullptr);
  ASSERT_TRUE(Exec(*a, "CREATE TABLE counter (n BIGINT)").ok());
  ASSERT_TRUE(Exec(*a, "INSERT INTO counter VALUES (0)").ok());
  prometheus::Registry registry;
  DatabaseOptions options;
  options.store_name = "b";
  options.metrics_registry = &registry;
  options.busy_timeout = absl::ZeroDuration();  // fail fast into our own retry loop
  options.max_transaction_attempts = 100000;
  options.retry_initial_backoff = absl::Microseconds(200);
  options.retry_max_backoff = absl::Milliseconds(1);
  std::unique_ptr<Database> b = Open(options);
  ASSERT_NE(b, nullptr);

  LockHolder holder(*a, kIncrement);
  absl::Status b_status;
  std::thread writer([&] { b_status = Exec(*b, kIncrement); });
  // Release only once b has provably hit the lock and backed off.
  while (MetricValue(registry, "microreach_store_busy_retries_total", {{"store", "b"}}) < 1) {
    absl::SleepFor(absl::Milliseconds(1));
  }
  EXPECT_TRUE(holder.Release().ok());
  writer.join();
  EXPECT_TRUE(b_status.ok()) << b_status;
  EXPECT_THAT(MustQuery(*a, "SELECT n FROM counter"), ElementsAre(ElementsAre(Value(2))));
}

TEST_P(DatabaseTest, ConcurrentReadModifyWriteLosesNoUpdates) {
  DatabaseOptions options;
  options.busy_timeout = absl::ZeroDuration();
  options.max_transaction_attempts = 100000;
  options.retry_initial_backoff = absl::Microseconds(100);
  options.retry_max_backoff = absl::Milliseconds(2);
  // Two Databases on one store stand in for two processes; two threads each.
  std::unique_ptr<Database> a = Open(options);
  std::unique_ptr<Database> b = Open(options);
  ASSERT_TRUE(a != nullptr && b != nullptr);
  ASSERT_TRUE(Exec(*a, "CREATE TABLE counter (n BIGINT)").ok());
  ASSERT_TRUE(Exec(*a, "INSERT INTO counter VALUES (0)").ok());

  constexpr int kIncrements = 100;
  auto increment = [](Database& db) {
    for (int i = 0; i < kIncrements; ++i) {
      absl::Status s = db.RunInTransaction([](Transaction& txn) -> absl::Status {
        absl::StatusOr<Rows> rows = txn.Query("SELECT n FROM counter");
        if (!rows.ok()) return rows.status();
        return txn.Execute("UPDATE counter SET n = $1", {*AsInt64((*rows)[0][0]) + 1}).status();
      });
      ASSERT_TRUE(s.ok()) << s;
    }
  };
  std::vector<std::thread> threads;
  for (Database* db : {a.get(), a.get(), b.get(), b.get()}) {
    threads.emplace_back([&increment, db] { increment(*db); });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_THAT(MustQuery(*b, "SELECT n FROM counter"),
              ElementsAre(ElementsAre(Value(4 * kIncrements))));
}

TEST_P(DatabaseTest, ReadersSeeCommittedSnapshotWithoutWaitingForTheWriter) {
  std::unique_ptr<Database> db = Open();
  ASSERT_NE(db, nullptr);
  ASSERT_TRUE(Exec(*db, "CREATE TABLE t (x BIGINT)").ok());
  ASSERT_TRUE(Exec(*db, "INSERT INTO t VALUES (1)").ok());
  LockHolder holder(*db, "INSERT INTO t VALUES (-1)");  // uncommitted, locks held
  EXPECT_THAT(MustQuery(*db, "SELECT x FROM t"), ElementsAre(ElementsAre(Value(1))));
  EXPECT_TRUE(holder.Release().ok());
  EXPECT_EQ(Count(*db, "t"), 2);
}

TEST_P(DatabaseTest, RecordsLatencyAndErrorsPerOperation) {
  prometheus::Registry registry;
  DatabaseOptions options;
  options.store_name = "outreach";
  options.metrics_registry = &registry;
  std::unique_ptr<Database> db = Open(options);
  ASSERT_NE(db, nullptr);
  ASSERT_TRUE(Exec(*db, "CREATE TABLE t (x BIGINT)").ok());
  EXPECT_FALSE(Exec(*db, "INSERT INTO nope VALUES (1)").ok());
  MustQuery(*db, "SELECT * FROM t");

  const prometheus::Labels write = {{"store", "outreach"}, {"op", "write"}};
  const prometheus::Labels read = {{"store", "outreach"}, {"op", "read"}};
  EXPECT_EQ(MetricValue(registry, "microreach_store_operation_seconds", write), 2);
  EXPECT_EQ(MetricValue(registry, "microreach_store_errors_total", write), 1);
  EXPECT_EQ(MetricValue(registry, "microreach_store_operation_seconds", read), 1);
  EXPECT_EQ(MetricValue(registry, "microreach_store_errors_total", read), 0);
}

// ---------------------------------------------------------------------------
// SQLite only: URL forms, file layout, pragmas and keep-going-after-an-error.
#ifndef MR_STORE_TEST_POSTGRES

std::unique_ptr<Database> MustOpen(const std::string& url, const DatabaseOptions& options = {}) {
  absl::StatusOr<std::unique_ptr<Database>> db = OpenDatabase(url, options);
  EXPECT_TRUE(db.ok()) << db.status();
  return db.ok() ? *std::move(db) : nullptr;
}

TEST(OpenDatabaseTest, FileDatabaseUsesWalAndForeignKeys) {
  TempDir dir;
  std::unique_ptr<Database> db = MustOpen(dir.Url("a.db"));
  ASSERT_NE(db, nullptr);
  EXPECT_EQ(db->backend(), "sqlite");
  EXPECT_TRUE(std::filesystem::exists(dir.File("a.db")));
  // SQLite counts any PRAGMA as a write, hence read_only=false.
  EXPECT_THAT(MustQuery(*db, "PRAGMA journal_mode", {}, false),
              ElementsAre(ElementsAre(Value("wal"))));
  EXPECT_THAT(MustQuery(*db, "PRAGMA foreign_keys", {}, false), ElementsAre(ElementsAre(Value(1))));
}

TEST(OpenDatabaseTest, RejectsUnsupportedUrls) {
  EXPECT_EQ(OpenDatabase("sqlite://relative.db", {}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(OpenDatabase("sqlite:relative.db", {}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(OpenDatabase("sqlite:///tmp/x.db?mode=ro", {}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(OpenDatabase("mysql://u:secret@h/db", {}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(OpenDatabase("mysql://u:secret@h/db", {}).status().message(),
              ::testing::Not(HasSubstr("secret")));
  // A PostgreSQL URI libpq cannot parse fails before any connection attempt.
  for (const char* url : {"postgresql://u:secret@h/db?no_such_param=1",
                          "postgres://u:secret@h/db?sslmode=verify-full&x%zz=1"}) {
    absl::Status pg = OpenDatabase(url, {}).status();
    EXPECT_EQ(pg.code(), absl::StatusCode::kInvalidArgument) << url << ": " << pg;
    EXPECT_THAT(pg.message(), ::testing::Not(HasSubstr("secret")));
  }
}

TEST(OpenDatabaseTest, MissingDirectoryFailsAtOpen) {
  TempDir dir;
  EXPECT_FALSE(OpenDatabase(dir.Url("no/such/dir/a.db"), {}).ok());
}

TEST(SqliteTransactionTest, FailedStatementDoesNotEndTheTransaction) {
  std::unique_ptr<Database> db = MustOpen("sqlite::memory:");
  ASSERT_TRUE(Exec(*db, "CREATE TABLE t (id TEXT PRIMARY KEY)").ok());
  ASSERT_TRUE(Exec(*db, "INSERT INTO t VALUES ($1)", {"a"}).ok());
  absl::Status s = db->RunInTransaction([](Transaction& txn) -> absl::Status {
    absl::StatusOr<int64_t> dup = txn.Execute("INSERT INTO t VALUES ($1)", {"a"});
    EXPECT_EQ(dup.status().code(), absl::StatusCode::kAlreadyExists);
    // SQLite keeps the transaction usable; PostgreSQL does not (see
    // postgres_database_test.cc), so repository code must not rely on it.
    return txn.Execute("INSERT INTO t VALUES ($1)", {"b"}).status();
  });
  EXPECT_TRUE(s.ok()) << s;
  EXPECT_EQ(Count(*db, "t"), 2);
}

TEST(SqliteTransactionTest, UntypedColumnsAndRowidAutoincrement) {
  // Not portable (PostgreSQL needs types and has no INTEGER PRIMARY KEY
  // alias), but SQLite-only callers such as tools may use it.
  std::unique_ptr<Database> db = MustOpen("sqlite::memory:");
  ASSERT_TRUE(Exec(*db, "CREATE TABLE t (id INTEGER PRIMARY KEY, x)").ok());
  EXPECT_THAT(MustQuery(*db, "INSERT INTO t (x) VALUES ($1), ($1) RETURNING id", {5}, false),
              ElementsAre(ElementsAre(Value(1)), ElementsAre(Value(2))));
}

#endif  // MR_STORE_TEST_POSTGRES

}  // namespace
}  // namespace microreach::store
