// Test helpers that run one store test suite against every backend: a fresh
// database per test, on SQLite or on a real PostgreSQL 15 cluster that the
// test binary starts itself (one per binary, a schema per test).
#ifndef MICROREACH_COMMON_STORE_STORE_TEST_BACKENDS_H_
#define MICROREACH_COMMON_STORE_STORE_TEST_BACKENDS_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/store/database.h"
#include "common/store/store_test_util.h"
#include "gtest/gtest.h"

namespace microreach::testing {
class PostgresServer;
}  // namespace microreach::testing

namespace microreach::store::testing {

enum class Backend { kSqlite, kPostgres };

// The backends this binary tests. A suite is built twice from one source:
// plain (SQLite, label unit, header-only: no extra link dependency) and
// linked with mr_store_testing, which defines MR_STORE_TEST_POSTGRES
// (PostgreSQL, label integration). So `ctest -L unit` never needs a server.
inline std::vector<Backend> BackendsUnderTest() {
#ifdef MR_STORE_TEST_POSTGRES
  return {Backend::kPostgres};
#else
  return {Backend::kSqlite};
#endif
}

// Parameter name for INSTANTIATE_TEST_SUITE_P: "sqlite" or "postgresql".
inline std::string BackendName(const ::testing::TestParamInfo<Backend>& info) {
  return info.param == Backend::kSqlite ? "sqlite" : "postgresql";
}

#ifdef MR_STORE_TEST_POSTGRES
// The cluster shared by every PostgreSQL test of this binary: started on
// first use (fsync off, synchronous_commit on), stopped after the last test.
// Null, with a test failure recorded, if it cannot start. Tests may Stop()
// and Start() it, but must leave it running.
microreach::testing::PostgresServer* SharedPostgresServer();

// Creates an empty schema on the shared cluster and returns a URL whose
// search_path selects it; empty (with a test failure recorded) on error.
std::string NewPostgresSchemaUrl();
#endif

// A fresh, empty database for one test: a file in a private temp dir
// (SQLite) or a new schema on the shared cluster (PostgreSQL). Opening url()
// twice reaches the same data.
//
// Example:
//   TestDatabase test_db(GetParam());
//   absl::StatusOr<std::unique_ptr<Database>> db = test_db.Open();
class TestDatabase {
 public:
  explicit TestDatabase(Backend backend) : backend_(backend) {
    if (backend == Backend::kSqlite) {
      url_ = dir_.Url("test.db");
      return;
    }
#ifdef MR_STORE_TEST_POSTGRES
    url_ = NewPostgresSchemaUrl();
#else
    ADD_FAILURE() << "PostgreSQL tests need the mr_store_testing library";
#endif
  }
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;

  Backend backend() const { return backend_; }
  // Empty if set-up failed (a test failure is already recorded).
  const std::string& url() const { return url_; }

  absl::StatusOr<std::unique_ptr<Database>> Open(const DatabaseOptions& options = {}) const {
    if (url_.empty()) return absl::FailedPreconditionError("test database set-up failed");
    return OpenDatabase(url_, options);
  }

 private:
  const Backend backend_;
  TempDir dir_;
  std::string url_;
};

// Whether `table` exists (in the current schema, on PostgreSQL).
inline bool TableExists(Database& db, const std::string& table) {
  const bool sqlite = db.backend() == "sqlite";
  bool exists = false;
  absl::Status s = db.RunReadOnly([&](Transaction& txn) -> absl::Status {
    absl::StatusOr<Rows> rows =
        txn.Query(sqlite ? "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = $1"
                         : "SELECT 1 FROM information_schema.tables"
                           " WHERE table_schema = current_schema() AND table_name = $1",
                  {table});
    if (!rows.ok()) return rows.status();
    exists = !rows->empty();
    return absl::OkStatus();
  });
  EXPECT_TRUE(s.ok()) << s;
  return exists;
}

}  // namespace microreach::store::testing

#endif  // MICROREACH_COMMON_STORE_STORE_TEST_BACKENDS_H_
