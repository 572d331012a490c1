// Backend-neutral parts of Database: retry on contention, metrics, URL dispatch.
#include "common/store/database.h"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <string>

#include "absl/random/random.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "common/store/postgres_database.h"
#include "common/store/sqlite_database.h"

namespace microreach::store {
namespace {

// The Database whose transaction is running on this thread, if any. Calling
// back into the same Database from inside fn would deadlock on the writer
// lock (or read a snapshot without fn's own writes), so it is refused.
thread_local const Database* current_transaction_db = nullptr;

class ScopedCurrentTransaction {
 public:
  explicit ScopedCurrentTransaction(const Database* db) : previous_(current_transaction_db) {
    current_transaction_db = db;
  }
  ~ScopedCurrentTransaction() { current_transaction_db = previous_; }
  ScopedCurrentTransaction(const ScopedCurrentTransaction&) = delete;
  ScopedCurrentTransaction& operator=(const ScopedCurrentTransaction&) = delete;

 private:
  const Database* previous_;
};

absl::Duration Backoff(int attempt, absl::Duration initial, absl::Duration max) {
  absl::Duration d = initial;
  for (int i = 1; i < attempt && d < max; ++i) d *= 2;
  d = std::min(d, max);
  // Full jitter: two processes that collided once should not collide again in
  // lockstep.
  thread_local absl::BitGen gen;
  const int64_t max_us = std::max<int64_t>(1, absl::ToInt64Microseconds(d));
  return absl::Microseconds(absl::Uniform<int64_t>(gen, 0, max_us) + 100);
}

}  // namespace

Database::Database(const DatabaseOptions& options)
    : max_attempts_(std::max(1, options.max_transaction_attempts)),
      initial_backoff_(options.retry_initial_backoff),
      max_backoff_(options.retry_max_backoff),
      metrics_(options.metrics_registry, options.store_name),
      write_metrics_(metrics_.Operation("write")),
      read_metrics_(metrics_.Operation("read")) {}

absl::Status Database::RunInTransaction(TransactionFn fn) { return Run(false, fn); }

absl::Status Database::RunReadOnly(TransactionFn fn) { return Run(true, fn); }

absl::Status Database::Run(bool read_only, TransactionFn fn) {
  if (current_transaction_db == this) {
    return absl::FailedPreconditionError(
        "store: a transaction function called back into its own Database; use the Transaction "
        "it was given");
  }
  const auto start = std::chrono::steady_clock::now();
  absl::Status status;
  for (int attempt = 1;; ++attempt) {
    bool contended = false;
    {
      ScopedCurrentTransaction scope(this);
      status = RunOnce(read_only, fn, &contended);
    }
    if (status.ok() || !contended || attempt >= max_attempts_) break;
    if (metrics_.busy_retries() != nullptr) metrics_.busy_retries()->Increment();
    absl::SleepFor(Backoff(attempt, initial_backoff_, max_backoff_));
  }
  const absl::Duration elapsed = absl::FromChrono(std::chrono::steady_clock::now() - start);
  (read_only ? read_metrics_ : write_metrics_).Observe(elapsed, status);
  return status;
}

absl::StatusOr<std::unique_ptr<Database>> OpenDatabase(std::string_view url_in,
                                                       const DatabaseOptions& options) {
  const absl::string_view url(url_in.data(), url_in.size());
  if (url == "sqlite::memory:") return OpenSqliteDatabase(":memory:", options);
  if (absl::StartsWith(url, "sqlite:")) {
    constexpr absl::string_view kPrefix = "sqlite://";
    if (!absl::StartsWith(url, kPrefix) || !absl::StartsWith(url.substr(kPrefix.size()), "/")) {
      // A relative path would depend on the working directory of whoever
      // starts the process, which differs between a shell, systemd and k8s.
      return absl::InvalidArgumentError(
          absl::StrCat("store: unsupported SQLite URL \"", url,
                       "\"; use sqlite:///absolute/path/file.db or sqlite::memory:"));
    }
    const absl::string_view path = url.substr(kPrefix.size());
    if (absl::StrContains(path, "?") || absl::StrContains(path, "#")) {
      return absl::InvalidArgumentError(
          absl::StrCat("store: SQLite URL \"", url,
                       "\" has a query or fragment; settings belong in DatabaseOptions"));
    }
    return OpenSqliteDatabase(std::string(path), options);
  }
  if (absl::StartsWith(url, "postgresql://") || absl::StartsWith(url, "postgres://")) {
    return OpenPostgresDatabase(std::string(url), options);
  }
  // Only the scheme is echoed: a PostgreSQL-like URL may carry a password.
  const absl::string_view scheme = url.substr(0, url.find(':'));
  return absl::InvalidArgumentError(
      absl::StrCat("store: unsupported database URL scheme \"", scheme,
                   "\"; expected sqlite:///absolute/path.db, sqlite::memory: or postgresql://"));
}

}  // namespace microreach::store
