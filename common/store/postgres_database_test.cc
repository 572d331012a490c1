// PostgreSQL-only behaviour of the store against a real PostgreSQL 15 server:
// reconnect after a server restart without losing an acknowledged write, the
// commit-outcome-unknown case, isolation levels and the type mapping.
#include <atomic>
#include <cmath>
#include <iostream>
#include <limits>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/store/database.h"
#include "common/store/store_test_backends.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/fixtures/postgres_server.h"

namespace microreach::store {
namespace {

using ::microreach::store::testing::Backend;
using ::microreach::store::testing::SharedPostgresServer;
using ::microreach::store::testing::TestDatabase;
using ::microreach::testing::PostgresServer;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

absl::Status Exec(Database& db, const std::string& sql, std::vector<Value> params = {}) {
  return db.RunInTransaction([&](Transaction& txn) { return txn.Execute(sql, params).status(); });
}

absl::StatusOr<Rows> Query(Database& db, const std::string& sql, std::vector<Value> params = {},
                           bool read_only = true) {
  Rows rows;
  auto query = [&](Transaction& txn) -> absl::Status {
    absl::StatusOr<Rows> r = txn.Query(sql, params);
    if (!r.ok()) return r.status();
    rows = *std::move(r);
    return absl::OkStatus();
  };
  absl::Status s = read_only ? db.RunReadOnly(query) : db.RunInTransaction(query);
  if (!s.ok()) return s;
  return rows;
}

class PostgresDatabaseTest : public ::testing::Test {
 protected:
  std::unique_ptr<Database> Open(const DatabaseOptions& options = {}) {
    absl::StatusOr<std::unique_ptr<Database>> db = test_db_.Open(options);
    EXPECT_TRUE(db.ok()) << db.status();
    return db.ok() ? *std::move(db) : nullptr;
  }

  TestDatabase test_db_{Backend::kPostgres};
};

TEST_F(PostgresDatabaseTest, OpensByUrlAndReportsItsBackend) {
  std::unique_ptr<Database> db = Open();
  ASSERT_NE(db, nullptr);
  EXPECT_EQ(db->backend(), "postgresql");
  // The postgres:// spelling is libpq's alias.
  std::string url = test_db_.url();
  url.replace(0, std::string("postgresql").size(), "postgres");
  EXPECT_TRUE(OpenDatabase(url, {}).ok());
}

TEST_F(PostgresDatabaseTest, UnreachableServerIsUnavailableAfterConnectTimeout) {
  DatabaseOptions options;
  options.connect_timeout = absl::Milliseconds(300);
  // Port 1 on loopback refuses at once; the retries fill the timeout.
  const absl::Time start = absl::Now();
  absl::Status s = OpenDatabase("postgresql://u:secret@127.0.0.1:1/db", options).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable) << s;
  EXPECT_THAT(s.message(), ::testing::Not(HasSubstr("secret")));
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));
}

TEST_F(PostgresDatabaseTest, UsesTheConfiguredIsolation) {
  auto isolation = [](Database& db, bool read_only) -> std::string {
    absl::StatusOr<Rows> rows = Query(db,
                                      "SELECT current_setting('transaction_isolation'),"
                                      " current_setting('transaction_read_only')",
                                      {}, read_only);
    EXPECT_TRUE(rows.ok()) << rows.status();
    if (!rows.ok()) return "";
    return std::string(AsText((*rows)[0][0]).value_or("?")) + "/" +
           std::string(AsText((*rows)[0][1]).value_or("?"));
  };
  std::unique_ptr<Database> serializable = Open();
  ASSERT_NE(serializable, nullptr);
  EXPECT_EQ(isolation(*serializable, false), "serializable/off");
  EXPECT_EQ(isolation(*serializable, true), "repeatable read/on");
  DatabaseOptions options;
  options.write_isolation = IsolationLevel::kRepeatableRead;
  std::unique_ptr<Database> repeatable = Open(options);
  ASSERT_NE(repeatable, nullptr);
  EXPECT_EQ(isolation(*repeatable, false), "repeatable read/off");
}

// The classic write skew: two transactions each check "someone else is on
// call" and go off call. Only SERIALIZABLE notices that both cannot commit.
int64_t OnCallAfterWriteSkew(IsolationLevel isolation, absl::Status* second_status,
                             TestDatabase& test_db) {
  DatabaseOptions options;
  options.write_isolation = isolation;
  options.max_transaction_attempts = 1;  // observe the failure, do not retry it
  absl::StatusOr<std::unique_ptr<Database>> db = test_db.Open(options);
  EXPECT_TRUE(db.ok()) << db.status();
  if (!db.ok()) return -1;
  EXPECT_TRUE(Exec(**db, "CREATE TABLE doctors (name TEXT PRIMARY KEY, on_call BIGINT)").ok());
  EXPECT_TRUE(Exec(**db, "INSERT INTO doctors VALUES ('alice', 1), ('bob', 1)").ok());
  absl::Notification a_read;
  absl::Notification b_read;
  absl::Notification a_done;
  auto go_off_call = [&](const std::string& name, absl::Notification* mine,
                         absl::Notification* other_read) {
    return (*db)->RunInTransaction([&](Transaction& txn) -> absl::Status {
      absl::StatusOr<Rows> rows = txn.Query("SELECT COUNT(*) FROM doctors WHERE on_call = 1");
      if (!rows.ok()) return rows.status();
      mine->Notify();
      other_read->WaitForNotification();
      if (name == "bob") a_done.WaitForNotification();
      if (*AsInt64((*rows)[0][0]) < 2) return absl::FailedPreconditionError("last one on call");
      return txn.Execute("UPDATE doctors SET on_call = 0 WHERE name = $1", {name}).status();
    });
  };
  absl::Status a_status;
  std::thread a([&] {
    a_status = go_off_call("alice", &a_read, &b_read);
    a_done.Notify();
  });
  *second_status = go_off_call("bob", &b_read, &a_read);
  a.join();
  EXPECT_TRUE(a_status.ok()) << a_status;
  absl::StatusOr<Rows> rows = Query(**db, "SELECT SUM(on_call) FROM doctors");
  EXPECT_TRUE(rows.ok()) << rows.status();
  return rows.ok() ? AsInt64((*rows)[0][0]).value_or(-1) : -1;
}

TEST_F(PostgresDatabaseTest, SerializableWritesRejectWriteSkew) {
  absl::Status bob;
  EXPECT_EQ(OnCallAfterWriteSkew(IsolationLevel::kSerializable, &bob, test_db_), 1);
  EXPECT_EQ(bob.code(), absl::StatusCode::kAborted) << bob;
}

TEST_F(PostgresDatabaseTest, RepeatableReadWritesAllowWriteSkew) {
  // Documents why SERIALIZABLE is the default: under snapshot isolation both
  // doctors leave.
  absl::Status bob;
  EXPECT_EQ(OnCallAfterWriteSkew(IsolationLevel::kRepeatableRead, &bob, test_db_), 0);
  EXPECT_TRUE(bob.ok()) << bob;
}

TEST_F(PostgresDatabaseTest, FailedStatementAbortsTheTransaction) {
  std::unique_ptr<Database> db = Open();
  ASSERT_NE(db, nullptr);
  ASSERT_TRUE(Exec(*db, "CREATE TABLE t (id TEXT PRIMARY KEY)").ok());
  ASSERT_TRUE(Exec(*db, "INSERT INTO t VALUES ($1)", {"a"}).ok());
  absl::Status next;
  absl::Status s = db->RunInTransaction([&](Transaction& txn) -> absl::Status {
    absl::StatusOr<int64_t> dup = txn.Execute("INSERT INTO t VALUES ($1)", {"a"});
    EXPECT_EQ(dup.status().code(), absl::StatusCode::kAlreadyExists);
    next = txn.Execute("INSERT INTO t VALUES ($1)", {"b"}).status();
    return absl::OkStatus();  // wrongly ignores both errors
  });
  EXPECT_EQ(next.code(), absl::StatusCode::kAborted) << next;
  EXPECT_EQ(s.code(), absl::StatusCode::kAborted) << s;
  absl::StatusOr<Rows> rows = Query(*db, "SELECT id FROM t");
  ASSERT_TRUE(rows.ok());
  EXPECT_THAT(*rows, ElementsAre(ElementsAre(Value("a"))));
}

TEST_F(PostgresDatabaseTest, MapsPostgresTypesOntoValues) {
  std::unique_ptr<Database> db = Open();
  ASSERT_NE(db, nullptr);
  absl::StatusOr<Rows> rows =
      Query(*db,
            "SELECT CAST(1 AS SMALLINT), CAST(2 AS INTEGER), TRUE, CAST(1.5 AS REAL),"
            " CAST(12.50 AS NUMERIC(10, 2)), CAST(-0.001 AS NUMERIC), CAST(10000 AS NUMERIC),"
            " CAST(123456789012345678901234 AS NUMERIC), CAST('Infinity' AS DOUBLE PRECISION),"
            " CAST('x' AS VARCHAR(3)), CAST('y' AS CHAR(2)), CAST('{}' AS JSON), $1",
            {Blob{std::string("\x00\x01", 2)}});
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_THAT(
      *rows, ElementsAre(ElementsAre(
                 Value(1), Value(2), Value(1), Value(1.5), Value(12.5), Value(-0.001), Value(10000),
                 Value(123456789012345678901234.0), Value(std::numeric_limits<double>::infinity()),
                 Value("x"), Value("y "), Value("{}"), Value(Blob{std::string("\x00\x01", 2)}))));
  // Types without a Value mapping say how to fix the query.
  absl::StatusOr<Rows> timestamp = Query(*db, "SELECT now()");
  EXPECT_EQ(timestamp.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(timestamp.status().message(), HasSubstr("CAST"));
  // TEXT must be valid UTF-8 without NUL: use Blob for bytes.
  EXPECT_EQ(Query(*db, "SELECT $1", {std::string("a\0b", 3)}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Query(*db, "SELECT $1", {std::string("\xff")}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(PostgresDatabaseTest, CachedStatementSurvivesATableChange) {
  std::unique_ptr<Database> db = Open();
  ASSERT_NE(db, nullptr);
  ASSERT_TRUE(Exec(*db, "CREATE TABLE t (x BIGINT)").ok());
  ASSERT_TRUE(Exec(*db, "INSERT INTO t VALUES (1)").ok());
  ASSERT_TRUE(Query(*db, "SELECT * FROM t").ok());
  ASSERT_TRUE(Exec(*db, "ALTER TABLE t ADD COLUMN y TEXT DEFAULT 'new'").ok());
  // PostgreSQL refuses to reuse the cached plan ("cached plan must not change
  // result type"); the store starts over on a fresh connection.
  absl::StatusOr<Rows> rows = Query(*db, "SELECT * FROM t");
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_THAT(*rows, ElementsAre(ElementsAre(Value(1), Value("new"))));
}

// Kills the backend serving a transaction from another connection.
absl::Status Terminate(Database& admin, int64_t pid) {
  return admin.RunInTransaction([&](Transaction& txn) {
    return txn.Query("SELECT pg_terminate_backend(CAST($1 AS INTEGER))", {pid}).status();
  });
}

TEST_F(PostgresDatabaseTest, ConnectionLostBeforeCommitIsRetriedOnANewConnection) {
  std::unique_ptr<Database> db = Open();
  std::unique_ptr<Database> admin = Open();
  ASSERT_TRUE(db != nullptr && admin != nullptr);
  ASSERT_TRUE(Exec(*db, "CREATE TABLE t (x BIGINT)").ok());
  int runs = 0;
  absl::Status s = db->RunInTransaction([&](Transaction& txn) -> absl::Status {
    ++runs;
    if (auto r = txn.Execute("INSERT INTO t VALUES ($1)", {runs}); !r.ok()) return r.status();
    if (runs == 1) {
      absl::StatusOr<Rows> pid = txn.Query("SELECT pg_backend_pid()");
      if (!pid.ok()) return pid.status();
      if (absl::Status k = Terminate(*admin, *AsInt64((*pid)[0][0])); !k.ok()) return k;
    }
    return txn.Execute("INSERT INTO t VALUES ($1)", {runs * 10}).status();
  });
  EXPECT_TRUE(s.ok()) << s;
  EXPECT_EQ(runs, 2);
  absl::StatusOr<Rows> rows = Query(*db, "SELECT x FROM t ORDER BY x");
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_THAT(*rows, ElementsAre(ElementsAre(Value(2)), ElementsAre(Value(20))));
}

TEST_F(PostgresDatabaseTest, ConnectionLostDuringCommitIsUnavailableAndNotRetried) {
  std::unique_ptr<Database> db = Open();
  std::unique_ptr<Database> admin = Open();
  ASSERT_TRUE(db != nullptr && admin != nullptr);
  // A deferred constraint trigger runs inside COMMIT; its sleep holds the
  // COMMIT open long enough to cut the connection under it.
  ASSERT_TRUE(db->RunInTransaction([](Transaction& txn) {
                  return txn.ExecuteScript(R"sql(
CREATE TABLE t (x BIGINT);
CREATE FUNCTION slow_commit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_sleep(30);
  RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER slow_commit AFTER INSERT ON t
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION slow_commit();
)sql");
                }).ok());
  std::atomic<int64_t> pid{0};
  std::thread killer([&] {
    while (pid.load() == 0) absl::SleepFor(absl::Milliseconds(1));
    // Wait until the backend is inside COMMIT, then cut it off.
    while (true) {
      absl::StatusOr<Rows> in_commit = Query(*admin,
                                             "SELECT 1 FROM pg_stat_activity WHERE pid = $1"
                                             " AND state = 'active' AND query = 'COMMIT'",
                                             {pid.load()});
      ASSERT_TRUE(in_commit.ok()) << in_commit.status();
      if (!in_commit->empty()) break;
      absl::SleepFor(absl::Milliseconds(5));
    }
    EXPECT_TRUE(Terminate(*admin, pid.load()).ok());
  });
  int runs = 0;
  absl::Status s = db->RunInTransaction([&](Transaction& txn) -> absl::Status {
    ++runs;
    absl::StatusOr<Rows> me = txn.Query("SELECT pg_backend_pid()");
    if (!me.ok()) return me.status();
    pid = *AsInt64((*me)[0][0]);
    return txn.Execute("INSERT INTO t VALUES (1)").status();
  });
  killer.join();
  EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable) << s;
  EXPECT_THAT(s.message(), HasSubstr("may or may not have committed"));
  EXPECT_EQ(runs, 1);  // never guessed and re-applied
}

TEST_F(PostgresDatabaseTest, StalePooledConnectionsReconnectAfterServerRestart) {
  PostgresServer* pg = SharedPostgresServer();
  ASSERT_NE(pg, nullptr);
  DatabaseOptions options;
  options.max_transaction_attempts = 1;  // the stale connection must not cost an attempt
  options.pool_connections = 2;
  std::unique_ptr<Database> db = Open(options);
  ASSERT_NE(db, nullptr);
  ASSERT_TRUE(Exec(*db, "CREATE TABLE t (x BIGINT)").ok());
  ASSERT_TRUE(Exec(*db, "INSERT INTO t VALUES (1)").ok());

  ASSERT_TRUE(pg->Stop().ok());
  ASSERT_TRUE(pg->Start().ok());

  EXPECT_TRUE(Exec(*db, "INSERT INTO t VALUES (2)").ok());
  absl::StatusOr<Rows> rows = Query(*db, "SELECT x FROM t ORDER BY x");
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_THAT(*rows, ElementsAre(ElementsAre(Value(1)), ElementsAre(Value(2))));
}

TEST_F(PostgresDatabaseTest, ServerDownLongerThanConnectTimeoutIsUnavailableThenRecovers) {
  PostgresServer* pg = SharedPostgresServer();
  ASSERT_NE(pg, nullptr);
  DatabaseOptions options;
  options.connect_timeout = absl::Milliseconds(200);
  std::unique_ptr<Database> db = Open(options);
  ASSERT_NE(db, nullptr);
  ASSERT_TRUE(Exec(*db, "CREATE TABLE t (x BIGINT)").ok());

  ASSERT_TRUE(pg->Stop().ok());
  absl::Status down = Exec(*db, "INSERT INTO t VALUES (1)");
  EXPECT_EQ(down.code(), absl::StatusCode::kUnavailable) << down;
  ASSERT_TRUE(pg->Start().ok());

  EXPECT_TRUE(Exec(*db, "INSERT INTO t VALUES (2)").ok());
  absl::StatusOr<Rows> rows = Query(*db, "SELECT x FROM t");
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_THAT(*rows, ElementsAre(ElementsAre(Value(2))));
}

// The issue's acceptance test: writers keep committing while PostgreSQL is
// stopped and started again; every write reported as committed is there
// afterwards, no transaction is half-applied, and writes resume.
TEST_F(PostgresDatabaseTest, RestartMidTestLosesNoAcknowledgedWrite) {
  PostgresServer* pg = SharedPostgresServer();
  ASSERT_NE(pg, nullptr);
  DatabaseOptions options;
  options.pool_connections = 4;
  options.connect_timeout = absl::Seconds(30);  // rides out the restart
  options.max_transaction_attempts = 5;
  std::unique_ptr<Database> db = Open(options);
  ASSERT_NE(db, nullptr);
  ASSERT_TRUE(Exec(*db, "CREATE TABLE rows (id BIGINT, part BIGINT, PRIMARY KEY (id, part))").ok());

  constexpr int kWriters = 3;
  absl::Mutex mu;  // guards acknowledged and failures
  std::set<int64_t> acknowledged;
  std::vector<absl::Status> failures;
  std::atomic<int64_t> next_id{0};
  std::atomic<bool> stop{false};
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&] {
      while (!stop.load()) {
        const int64_t id = next_id.fetch_add(1);
        absl::Status s = db->RunInTransaction([id](Transaction& txn) -> absl::Status {
          for (int64_t part = 0; part < 2; ++part) {
            absl::Status r =
                txn.Execute("INSERT INTO rows (id, part) VALUES ($1, $2)", {id, part}).status();
            if (!r.ok()) return r;
          }
          return absl::OkStatus();
        });
        absl::MutexLock lock(&mu);
        if (s.ok()) {
          acknowledged.insert(id);
        } else {
          failures.push_back(s);
        }
      }
    });
  }
  auto wait_for_acks = [&](size_t n) {
    const absl::Time deadline = absl::Now() + absl::Seconds(60);
    absl::MutexLock lock(&mu);
    auto enough = [&]() ABSL_SHARED_LOCKS_REQUIRED(mu) { return acknowledged.size() >= n; };
    return mu.AwaitWithDeadline(absl::Condition(&enough), deadline);
  };
  ASSERT_TRUE(wait_for_acks(100));
  ASSERT_TRUE(pg->Stop().ok());
  size_t before_restart = 0;
  {
    absl::MutexLock lock(&mu);
    before_restart = acknowledged.size();
  }
  ASSERT_TRUE(pg->Start().ok());
  const bool resumed = wait_for_acks(before_restart + 100);
  stop = true;
  for (std::thread& t : writers) t.join();
  EXPECT_TRUE(resumed) << "writes did not resume after the restart";

  absl::StatusOr<Rows> rows = Query(*db, "SELECT id, COUNT(*) FROM rows GROUP BY id");
  ASSERT_TRUE(rows.ok()) << rows.status();
  std::set<int64_t> stored;
  for (const Row& row : *rows) {
    EXPECT_EQ(AsInt64(row[1]), 2) << "transaction " << AsInt64(row[0]).value_or(-1)
                                  << " is half-applied";
    stored.insert(*AsInt64(row[0]));
  }
  absl::MutexLock lock(&mu);
  for (int64_t id : acknowledged) EXPECT_TRUE(stored.contains(id)) << "lost write " << id;
  // Outcomes the store could not know (connection cut during COMMIT) are
  // reported as such, never as success or as another error.
  for (const absl::Status& s : failures) EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable) << s;
  std::cerr << "acknowledged " << acknowledged.size() << " (" << before_restart
            << " before the restart), failed " << failures.size() << ", stored " << stored.size()
            << "\n";
}

}  // namespace
}  // namespace microreach::store
