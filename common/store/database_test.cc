// Tests for Database/Transaction on the SQLite backend: URLs, parameters,
// commit/rollback, contention and retries, read-only snapshots, metrics.
#include "common/store/database.h"

#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "common/store/store_test_util.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "prometheus/registry.h"

namespace microreach::store {
namespace {

using ::microreach::store::testing::MetricValue;
using ::microreach::store::testing::TempDir;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::unique_ptr<Database> MustOpen(const std::string& url, const DatabaseOptions& options = {}) {
  absl::StatusOr<std::unique_ptr<Database>> db = OpenDatabase(url, options);
  EXPECT_TRUE(db.ok()) << db.status();
  return db.ok() ? *std::move(db) : nullptr;
}

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

  ASSERT_TRUE(Exec(*db, "CREATE TABLE parent (id BIGINT PRIMARY KEY)").ok());
  ASSERT_TRUE(Exec(*db, "CREATE TABLE child (parent BIGINT REFERENCES parent(id))").ok());
  EXPECT_EQ(Exec(*db, "INSERT INTO child VALUES ($1)", {7}).code(),
            absl::StatusCode::kFailedPrecondition);
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
  absl::Status pg = OpenDatabase("postgresql://u@localhost/microreach", {}).status();
  EXPECT_EQ(pg.code(), absl::StatusCode::kUnimplemented);
  EXPECT_THAT(pg.message(), HasSubstr("PostgreSQL"));
}

TEST(OpenDatabaseTest, MissingDirectoryFailsAtOpen) {
  TempDir dir;
  EXPECT_FALSE(OpenDatabase(dir.Url("no/such/dir/a.db"), {}).ok());
}

TEST(TransactionTest, ValuesRoundTrip) {
  std::unique_ptr<Database> db = MustOpen("sqlite::memory:");
  ASSERT_TRUE(Exec(*db, "CREATE TABLE v (n, i, d, t, b, e)").ok());
  const std::string binary(
      "\0\x01\xff"
      "123",
      6);
  ASSERT_TRUE(Exec(*db, "INSERT INTO v VALUES ($1, $2, $3, $4, $5, $6)",
                   {Null{}, int64_t{1} << 40, 2.5, "héllo", Blob{binary}, Blob{}})
                  .ok());
  EXPECT_THAT(MustQuery(*db, "SELECT n, i, d, t, b, e FROM v"),
              ElementsAre(ElementsAre(Value(Null{}), Value(int64_t{1} << 40), Value(2.5),
                                      Value("héllo"), Value(Blob{binary}), Value(Blob{}))));
}

TEST(TransactionTest, DollarParametersBindByNumberNotByPosition) {
  std::unique_ptr<Database> db = MustOpen("sqlite::memory:");
  // SQLite numbers `$k` slots by first appearance; the binding must not.
  EXPECT_THAT(MustQuery(*db, "SELECT $2, $1, $2 || 'x'", {1, "a"}),
              ElementsAre(ElementsAre(Value("a"), Value(1), Value("ax"))));
}

TEST(TransactionTest, RejectsNonPortablePlaceholdersAndWrongArity) {
  std::unique_ptr<Database> db = MustOpen("sqlite::memory:");
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
}

TEST(TransactionTest, RejectsSeveralStatementsAndTransactionControl) {
  std::unique_ptr<Database> db = MustOpen("sqlite::memory:");
  ASSERT_TRUE(Exec(*db, "CREATE TABLE t (x); -- trailing comment").ok());
  EXPECT_EQ(Exec(*db, "INSERT INTO t VALUES (1); INSERT INTO t VALUES (2)").code(),
            absl::StatusCode::kInvalidArgument);
  for (const char* sql : {"COMMIT", "  /* c */ rollback", "BEGIN", "SAVEPOINT s", "END"}) {
    EXPECT_EQ(Exec(*db, sql).code(), absl::StatusCode::kInvalidArgument) << sql;
  }
  absl::Status s = db->RunInTransaction([](Transaction& txn) {
    return txn.ExecuteScript("INSERT INTO t VALUES (1); COMMIT; INSERT INTO t VALUES (2);");
  });
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Count(*db, "t"), 0);
}

TEST(TransactionTest, ErrorStatusRollsBackEverything) {
  TempDir dir;
  std::unique_ptr<Database> db = MustOpen(dir.Url("a.db"));
  ASSERT_TRUE(Exec(*db, "CREATE TABLE t (x BIGINT)").ok());
  absl::Status s = db->RunInTransaction([](Transaction& txn) -> absl::Status {
    if (auto r = txn.Execute("INSERT INTO t VALUES ($1)", {1}); !r.ok()) return r.status();
    if (auto r = txn.ExecuteScript("CREATE TABLE u (y)"); !r.ok()) return r;
    return absl::NotFoundError("offer not found");
  });
  EXPECT_EQ(s, absl::NotFoundError("offer not found"));
  EXPECT_EQ(Count(*db, "t"), 0);
  EXPECT_TRUE(MustQuery(*db, "SELECT name FROM sqlite_master WHERE name = 'u'").empty());
}

TEST(TransactionTest, UniqueViolationIsAlreadyExistsAndCanBeHandled) {
  std::unique_ptr<Database> db = MustOpen("sqlite::memory:");
  ASSERT_TRUE(Exec(*db, "CREATE TABLE t (id TEXT PRIMARY KEY)").ok());
  ASSERT_TRUE(Exec(*db, "INSERT INTO t VALUES ($1)", {"a"}).ok());
  absl::Status s = db->RunInTransaction([](Transaction& txn) -> absl::Status {
    absl::StatusOr<int64_t> dup = txn.Execute("INSERT INTO t VALUES ($1)", {"a"});
    EXPECT_EQ(dup.status().code(), absl::StatusCode::kAlreadyExists);
    // A failed statement does not end the transaction.
    return txn.Execute("INSERT INTO t VALUES ($1)", {"b"}).status();
  });
  EXPECT_TRUE(s.ok()) << s;
  EXPECT_EQ(Count(*db, "t"), 2);
}

TEST(TransactionTest, ExecuteReturnsChangedRowsAndReturningWorks) {
  std::unique_ptr<Database> db = MustOpen("sqlite::memory:");
  ASSERT_TRUE(Exec(*db, "CREATE TABLE t (id INTEGER PRIMARY KEY, x BIGINT)").ok());
  absl::Status s = db->RunInTransaction([](Transaction& txn) -> absl::Status {
    absl::StatusOr<Rows> ids = txn.Query("INSERT INTO t (x) VALUES ($1), ($1) RETURNING id", {5});
    EXPECT_TRUE(ids.ok() && ids->size() == 2);
    absl::StatusOr<int64_t> changed = txn.Execute("UPDATE t SET x = $1", {6});
    EXPECT_EQ(changed.value_or(-1), 2);
    absl::StatusOr<int64_t> selected = txn.Execute("SELECT * FROM t");
    EXPECT_EQ(selected.value_or(-1), 0);
    return absl::OkStatus();
  });
  EXPECT_TRUE(s.ok()) << s;
}

TEST(TransactionTest, ReadOnlyTransactionRefusesWrites) {
  TempDir dir;
  std::unique_ptr<Database> db = MustOpen(dir.Url("a.db"));
  ASSERT_TRUE(Exec(*db, "CREATE TABLE t (x)").ok());
  absl::Status s = db->RunReadOnly(
      [](Transaction& txn) { return txn.Execute("INSERT INTO t VALUES (1)").status(); });
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Count(*db, "t"), 0);
}

TEST(TransactionTest, CallingBackIntoTheSameDatabaseIsRefused) {
  std::unique_ptr<Database> db = MustOpen("sqlite::memory:");
  absl::Status inner;
  absl::Status outer = db->RunInTransaction([&](Transaction&) {
    inner = db->RunReadOnly([](Transaction&) { return absl::OkStatus(); });
    return absl::OkStatus();
  });
  EXPECT_TRUE(outer.ok());
  EXPECT_EQ(inner.code(), absl::StatusCode::kFailedPrecondition);
}

TEST(TransactionTest, DataSurvivesCloseAndReopen) {
  TempDir dir;
  {
    std::unique_ptr<Database> db = MustOpen(dir.Url("a.db"));
    ASSERT_TRUE(Exec(*db, "CREATE TABLE t (x TEXT)").ok());
    ASSERT_TRUE(Exec(*db, "INSERT INTO t VALUES ($1)", {"kept"}).ok());
  }
  std::unique_ptr<Database> db = MustOpen(dir.Url("a.db"));
  EXPECT_THAT(MustQuery(*db, "SELECT x FROM t"), ElementsAre(ElementsAre(Value("kept"))));
}

// Runs a write transaction on another thread that inserts one row and holds
// the write lock until Release().
class LockHolder {
 public:
  explicit LockHolder(Database& db)
      : thread_([this, &db] {
          status_ = db.RunInTransaction([this](Transaction& txn) -> absl::Status {
            absl::Status s = txn.Execute("INSERT INTO t VALUES ($1)", {-1}).status();
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

TEST(ContentionTest, LockedDatabaseIsAbortedWhenRetriesAreExhausted) {
  TempDir dir;
  std::unique_ptr<Database> a = MustOpen(dir.Url("a.db"));
  ASSERT_TRUE(Exec(*a, "CREATE TABLE t (x BIGINT)").ok());
  DatabaseOptions options;
  options.busy_timeout = absl::ZeroDuration();
  options.max_transaction_attempts = 1;
  std::unique_ptr<Database> b = MustOpen(dir.Url("a.db"), options);

  LockHolder holder(*a);
  absl::Status s = Exec(*b, "INSERT INTO t VALUES ($1)", {2});
  EXPECT_EQ(s.code(), absl::StatusCode::kAborted) << s;
  EXPECT_TRUE(holder.Release().ok());
  EXPECT_THAT(MustQuery(*a, "SELECT x FROM t"), ElementsAre(ElementsAre(Value(-1))));
}

TEST(ContentionTest, BusyTransactionIsRetriedUntilTheLockIsFree) {
  TempDir dir;
  std::unique_ptr<Database> a = MustOpen(dir.Url("a.db"));
  ASSERT_TRUE(Exec(*a, "CREATE TABLE t (x BIGINT)").ok());
  prometheus::Registry registry;
  DatabaseOptions options;
  options.store_name = "b";
  options.metrics_registry = &registry;
  options.busy_timeout = absl::ZeroDuration();  // fail fast into our own retry loop
  options.max_transaction_attempts = 100000;
  options.retry_initial_backoff = absl::Microseconds(200);
  options.retry_max_backoff = absl::Milliseconds(1);
  std::unique_ptr<Database> b = MustOpen(dir.Url("a.db"), options);

  LockHolder holder(*a);
  absl::Status b_status;
  std::thread writer([&] { b_status = Exec(*b, "INSERT INTO t VALUES ($1)", {2}); });
  // Release only once b has provably hit the lock and backed off.
  while (MetricValue(registry, "microreach_store_busy_retries_total", {{"store", "b"}}) < 1) {
    absl::SleepFor(absl::Milliseconds(1));
  }
  EXPECT_TRUE(holder.Release().ok());
  writer.join();
  EXPECT_TRUE(b_status.ok()) << b_status;
  EXPECT_EQ(Count(*a, "t"), 2);
}

TEST(ContentionTest, ConcurrentReadModifyWriteLosesNoUpdates) {
  TempDir dir;
  DatabaseOptions options;
  options.busy_timeout = absl::ZeroDuration();
  options.max_transaction_attempts = 100000;
  options.retry_initial_backoff = absl::Microseconds(100);
  options.retry_max_backoff = absl::Milliseconds(2);
  // Two Databases on one file stand in for two processes; two threads each.
  std::unique_ptr<Database> a = MustOpen(dir.Url("a.db"), options);
  std::unique_ptr<Database> b = MustOpen(dir.Url("a.db"), options);
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

TEST(ReaderTest, ReadersSeeCommittedSnapshotWithoutWaitingForTheWriter) {
  TempDir dir;
  std::unique_ptr<Database> db = MustOpen(dir.Url("a.db"));
  ASSERT_TRUE(Exec(*db, "CREATE TABLE t (x BIGINT)").ok());
  ASSERT_TRUE(Exec(*db, "INSERT INTO t VALUES (1)").ok());
  LockHolder holder(*db);  // uncommitted insert of -1, write lock held
  EXPECT_THAT(MustQuery(*db, "SELECT x FROM t"), ElementsAre(ElementsAre(Value(1))));
  EXPECT_TRUE(holder.Release().ok());
  EXPECT_EQ(Count(*db, "t"), 2);
}

TEST(MetricsTest, RecordsLatencyAndErrorsPerOperation) {
  prometheus::Registry registry;
  DatabaseOptions options;
  options.store_name = "outreach";
  options.metrics_registry = &registry;
  std::unique_ptr<Database> db = MustOpen("sqlite::memory:", options);
  ASSERT_TRUE(Exec(*db, "CREATE TABLE t (x)").ok());
  EXPECT_FALSE(Exec(*db, "INSERT INTO nope VALUES (1)").ok());
  MustQuery(*db, "SELECT * FROM t");

  const prometheus::Labels write = {{"store", "outreach"}, {"op", "write"}};
  const prometheus::Labels read = {{"store", "outreach"}, {"op", "read"}};
  EXPECT_EQ(MetricValue(registry, "microreach_store_operation_seconds", write), 2);
  EXPECT_EQ(MetricValue(registry, "microreach_store_errors_total", write), 1);
  EXPECT_EQ(MetricValue(registry, "microreach_store_operation_seconds", read), 1);
  EXPECT_EQ(MetricValue(registry, "microreach_store_errors_total", read), 0);
}

}  // namespace
}  // namespace microreach::store
