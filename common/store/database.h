// Backend-neutral database handle: transactions with typed parameters, opened
// from a URL so services pick SQLite or PostgreSQL by configuration.
#ifndef MICROREACH_COMMON_STORE_DATABASE_H_
#define MICROREACH_COMMON_STORE_DATABASE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "common/store/store_metrics.h"
#include "common/store/value.h"
#include "prometheus/registry.h"

namespace microreach::store {

// One open transaction, handed to the function given to RunInTransaction().
//
// SQL is written once for every backend: parameters are `$1`, `$2`, ... (the
// PostgreSQL form) and each `$k` for k in 1..params.size() must appear at least
// once; `?`, `:name` and `@name` are refused with kInvalidArgument. Use
// `RETURNING` rather than last-insert-id, and `CAST($1 AS BIGINT)` rather than
// `$1::bigint`, which only PostgreSQL understands.
//
// Errors: a unique or primary-key violation is kAlreadyExists; another
// constraint (foreign key, CHECK, NOT NULL) is kFailedPrecondition; lock
// contention or a serialization failure is kAborted (and makes
// RunInTransaction retry); a lost connection is kUnavailable; a malformed
// statement is kInternal. Messages carry the SQL, never the parameter values.
//
// Do not carry on after a failed statement: return its status. SQLite keeps
// the transaction usable, but PostgreSQL aborts it, so later statements fail
// and nothing commits. Expected conflicts are portable with
// `INSERT ... ON CONFLICT (...) DO NOTHING` and a look at the changed count.
//
// Parameter types follow the Value: int64 is BIGINT, double is DOUBLE
// PRECISION, std::string is TEXT (valid UTF-8, no NUL), Blob is BYTEA. Result
// columns map back the same way (PostgreSQL's smallint, integer, boolean and
// integral NUMERIC such as SUM(bigint) read as int64; real and fractional
// NUMERIC as double); CAST other types (timestamps, uuid, json) to TEXT.
class Transaction {
 public:
  virtual ~Transaction() = default;

  // Runs one statement; returns the number of rows it changed.
  virtual absl::StatusOr<int64_t> Execute(std::string_view sql,
                                          absl::Span<const Value> params = {}) = 0;

  // Runs one statement and returns every row (materialized: keep results small
  // and paginate with LIMIT).
  virtual absl::StatusOr<Rows> Query(std::string_view sql, absl::Span<const Value> params = {}) = 0;

  // Runs several `;`-separated statements without parameters (migrations).
  // Must not contain BEGIN/COMMIT.
  virtual absl::Status ExecuteScript(std::string_view sql) = 0;
};

// How a committed transaction survives a crash. Ignored by backends that decide
// durability on the server (PostgreSQL).
enum class Durability {
  // fsync on every commit: an acknowledged commit survives power loss.
  kFull,
  // SQLite WAL + synchronous=NORMAL: survives a crash of the process, but the
  // last commits before a power loss or kernel panic may be lost (the file
  // stays consistent). For caches and tests, not for offers or payments.
  kProcessCrashOnly,
};

// Isolation of PostgreSQL read-write transactions; see
// docs/adr/0002-store-interface.md. SQLite writes are always serializable.
enum class IsolationLevel {
  // No anomaly at all; concurrent read-modify-writes that would interleave
  // fail with kAborted and are retried. Right for money and state machines.
  kSerializable,
  // Snapshot isolation: a row changed concurrently since the snapshot still
  // aborts the later writer, but write skew across rows is possible.
  kRepeatableRead,
};

struct DatabaseOptions {
  // Value of the `store` metric label, e.g. "outreach".
  std::string store_name = "default";
  // Optional; must outlive the Database.
  prometheus::Registry* metrics_registry = nullptr;

  Durability durability = Durability::kFull;
  // How long one attempt waits for another process's write lock (SQLite
  // busy_timeout; PostgreSQL lock_timeout, at least 1ms because 0 would mean
  // "forever" there).
  absl::Duration busy_timeout = absl::Seconds(5);
  // Attempts of a whole transaction that failed on lock contention (>= 1).
  int max_transaction_attempts = 3;
  // Backoff before the 2nd attempt; doubles per attempt, jittered, capped.
  absl::Duration retry_initial_backoff = absl::Milliseconds(2);
  absl::Duration retry_max_backoff = absl::Milliseconds(100);
  // Connections for RunReadOnly(); 0 sends reads through the writer. Always 0
  // for an in-memory database (each in-memory connection is its own database).
  int reader_connections = 4;
  // How long RunReadOnly() waits for a free reader connection; on PostgreSQL,
  // how long any transaction waits for a free pooled connection.
  absl::Duration reader_wait_timeout = absl::Seconds(5);
  // Prepared statements kept per connection.
  int statement_cache_size = 64;

  // PostgreSQL only.
  // Isolation of RunInTransaction(). RunReadOnly() always uses REPEATABLE
  // READ READ ONLY (one snapshot for the whole function).
  IsolationLevel write_isolation = IsolationLevel::kSerializable;
  // Size of the connection pool (>= 1); connections are opened on demand.
  int pool_connections = 8;
  // How long opening or re-opening one connection keeps retrying (bounded
  // exponential backoff) before the transaction fails with kUnavailable. It
  // also bounds OpenDatabase(), which connects once to fail fast on a bad URL.
  absl::Duration connect_timeout = absl::Seconds(10);
};

// A connection pool behind one URL. Thread-safe.
class Database {
 public:
  using TransactionFn = absl::FunctionRef<absl::Status(Transaction&)>;

  virtual ~Database() = default;
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Runs fn in a read-write transaction and commits if fn returns OK; any
  // other status rolls everything back and is returned unchanged. SQLite takes
  // the write lock up front (BEGIN IMMEDIATE), so a transaction never fails
  // half-way on a lock upgrade. PostgreSQL runs it at
  // DatabaseOptions::write_isolation (SERIALIZABLE by default).
  //
  // If the transaction loses a lock race or a serialization check (kAborted
  // from the backend), or the PostgreSQL connection drops before COMMIT was
  // sent, the whole of fn runs again, up to max_transaction_attempts times, so
  // fn must have no effects outside the transaction and must not call this
  // Database. If the connection drops while COMMIT is in flight, the outcome
  // is unknown and the result is kUnavailable without a retry: only a request
  // id (request_ids.h) makes the client's retry safe.
  //
  // Example:
  //   int64_t balance = 0;
  //   absl::Status s = db.RunInTransaction([&](Transaction& txn) -> absl::Status {
  //     absl::StatusOr<Rows> rows =
  //         txn.Query("SELECT balance FROM wallets WHERE id = $1", {wallet_id});
  //     if (!rows.ok()) return rows.status();
  //     ...
  //     return txn.Execute("UPDATE wallets SET balance = $1 WHERE id = $2",
  //                        {balance, wallet_id}).status();
  //   });
  absl::Status RunInTransaction(TransactionFn fn);

  // Runs fn in a read-only snapshot transaction; statements that write fail
  // with kFailedPrecondition. Does not block writers.
  absl::Status RunReadOnly(TransactionFn fn);

  // "sqlite" or "postgresql".
  virtual std::string_view backend() const = 0;

  const StoreMetrics& metrics() const { return metrics_; }

 protected:
  explicit Database(const DatabaseOptions& options);

  // Runs fn once in one transaction. Sets *contended when a new attempt may
  // succeed: the failure came from lock contention or a serialization check,
  // or the connection was lost before anything could have committed.
  virtual absl::Status RunOnce(bool read_only, TransactionFn fn, bool* contended) = 0;

 private:
  absl::Status Run(bool read_only, TransactionFn fn);

  const int max_attempts_;
  const absl::Duration initial_backoff_;
  const absl::Duration max_backoff_;
  StoreMetrics metrics_;
  OperationMetrics write_metrics_;
  OperationMetrics read_metrics_;
};

// Opens a database from a URL:
//   sqlite:///abs/path/to/file.db  file database (created if missing); the path
//                                  must be absolute, the directory must exist
//   sqlite::memory:                private in-memory database (tests)
//   postgresql://user@host:port/db?sslmode=verify-full
//   postgres://...                 a libpq connection URI; its parameters
//                                  (sslmode, application_name, ...) go to
//                                  libpq. Connects once before returning:
//                                  kUnavailable if that fails within
//                                  connect_timeout.
// Anything else, including relative SQLite paths, `?query` suffixes on SQLite
// URLs and malformed PostgreSQL URIs, is kInvalidArgument: configuration
// errors should stop start-up loudly. Messages never echo a password.
absl::StatusOr<std::unique_ptr<Database>> OpenDatabase(std::string_view url,
                                                       const DatabaseOptions& options);

}  // namespace microreach::store

#endif  // MICROREACH_COMMON_STORE_DATABASE_H_
