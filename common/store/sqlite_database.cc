// SQLite implementation of Database and Transaction; see sqlite_database.h and
// docs/adr/0002-store-interface.md for the locking and durability choices.
#include "common/store/sqlite_database.h"

#include <sqlite3.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "absl/synchronization/mutex.h"
#include "common/store/sql_text.h"

namespace microreach::store {
namespace {

struct SqliteCloser {
  // close_v2 defers the close until every statement is finalized, so member
  // destruction order cannot leak the handle.
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
struct StatementFinalizer {
  void operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }
};
using SqliteHandle = std::unique_ptr<sqlite3, SqliteCloser>;
using StatementHandle = std::unique_ptr<sqlite3_stmt, StatementFinalizer>;

absl::string_view ToAbsl(std::string_view s) { return absl::string_view(s.data(), s.size()); }

bool IsContention(int rc) {
  const int primary = rc & 0xff;
  return primary == SQLITE_BUSY || primary == SQLITE_LOCKED;
}

absl::StatusCode CodeForSqlite(int rc) {
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      // kAborted is gRPC's code for a lost concurrency race: retry the whole
      // read-modify-write, not just the last call.
      return absl::StatusCode::kAborted;
    case SQLITE_CONSTRAINT:
      if (rc == SQLITE_CONSTRAINT_PRIMARYKEY || rc == SQLITE_CONSTRAINT_UNIQUE) {
        return absl::StatusCode::kAlreadyExists;
      }
      return absl::StatusCode::kFailedPrecondition;
    case SQLITE_READONLY:
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
    case SQLITE_NOTADB:
      return absl::StatusCode::kFailedPrecondition;
    case SQLITE_FULL:
      return absl::StatusCode::kResourceExhausted;
    default:
      return absl::StatusCode::kInternal;
  }
}

// The SQL is included to find the failing query; parameter values are not,
// since they may hold personal data.
absl::Status SqliteError(sqlite3* db, int rc, absl::string_view what, absl::string_view sql) {
  constexpr size_t kMaxSql = 200;
  std::string shown(sql.substr(0, kMaxSql));
  if (sql.size() > kMaxSql) shown += "...";
  return absl::Status(
      CodeForSqlite(rc),
      absl::StrCat("store: sqlite ", what,
                   " failed: ", db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc), " (",
                   sqlite3_errstr(rc), ", code ", rc, ")", sql.empty() ? "" : " in: ", shown));
}

// WAL checkpoints of a file database run on a thread of their own once the
// WAL holds kCheckpointFrames pages, so a commit pays only its own WAL append
// and fsync; and because checkpoints run less often than SQLite's default
// (every 1000 pages, inside the COMMIT that crossed it), an index page dirtied
// by several commits is copied into the database once rather than per
// commit (measured: creator upserts 31 instead of 36 us of CPU each). Should
// the checkpointer fall behind, the committing writer checkpoints itself at
// kWriterCheckpointFrames, which bounds the WAL.
constexpr int kCheckpointFrames = 4096;
constexpr int kWriterCheckpointFrames = 8 * kCheckpointFrames;
// After a checkpoint the WAL file is truncated back to this size.
constexpr char kJournalSizeLimit[] = "PRAGMA journal_size_limit=67108864";

using internal::IsTransactionControl;
using internal::SkipSpaceAndComments;

// A prepared statement plus how its SQLite parameter slots map to `$k`
// arguments: SQLite parses `$1` as a *named* parameter and numbers slots by
// first appearance, so "SELECT $2, $1" has slot 1 = `$2`.
struct PreparedStatement {
  StatementHandle stmt;
  std::vector<int> argument_of_slot;  // slot i+1 binds params[argument_of_slot[i]]
};

absl::StatusOr<PreparedStatement> PrepareStatement(sqlite3* db, absl::string_view sql,
                                                   bool persistent) {
  if (sql.size() > static_cast<size_t>(std::numeric_limits<int>::max())) {
    return absl::InvalidArgumentError("store: SQL text too long");
  }
  sqlite3_stmt* raw = nullptr;
  const char* tail = nullptr;
  const int rc = sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()),
                                    persistent ? SQLITE_PREPARE_PERSISTENT : 0, &raw, &tail);
  PreparedStatement prepared{StatementHandle(raw), {}};
  if (rc != SQLITE_OK) return SqliteError(db, rc, "prepare", sql);
  if (prepared.stmt == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat("store: empty SQL statement: ", sql));
  }
  absl::string_view rest = SkipSpaceAndComments(sql.substr(static_cast<size_t>(tail - sql.data())));
  while (absl::ConsumePrefix(&rest, ";")) rest = SkipSpaceAndComments(rest);
  if (!rest.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("store: more than one statement (use ExecuteScript): ", sql));
  }
  const int slots = sqlite3_bind_parameter_count(raw);
  int max_argument = 0;
  for (int slot = 1; slot <= slots; ++slot) {
    const char* name = sqlite3_bind_parameter_name(raw, slot);
    const absl::string_view digits =
        name != nullptr && name[0] == '$' ? absl::string_view(name + 1) : absl::string_view();
    int k = 0;
    if (digits.empty() || digits[0] == '0' ||
        !std::all_of(digits.begin(), digits.end(),
                     [](char c) { return absl::ascii_isdigit(static_cast<unsigned char>(c)); }) ||
        !absl::SimpleAtoi(digits, &k)) {
      return absl::InvalidArgumentError(
          absl::StrCat("store: parameter \"", name != nullptr ? name : "?",
                       "\" is not of the form $1, $2, ... (PostgreSQL style, no casts): ", sql));
    }
    prepared.argument_of_slot.push_back(k - 1);
    max_argument = std::max(max_argument, k);
  }
  // Names are distinct, so max == count means $1..$count all appear, as
  // PostgreSQL requires (it cannot infer the type of an unused parameter).
  if (max_argument != slots) {
    return absl::InvalidArgumentError(absl::StrCat("store: parameters must be numbered $1..$",
                                                   max_argument, " without gaps: ", sql));
  }
  return prepared;
}

// One SQLite connection. Not thread-safe: SqliteDatabase hands each connection
// to one thread at a time (writer mutex or reader pool), which is also what
// guards the statement cache.
class Connection {
 public:
  static absl::StatusOr<std::unique_ptr<Connection>> Open(const std::string& path, bool reader,
                                                          const DatabaseOptions& options) {
    sqlite3* raw = nullptr;
    // NOMUTEX: the connection is never shared between threads at once, so
    // SQLite's per-connection mutex would be pure overhead.
    const int rc = sqlite3_open_v2(
        path.c_str(), &raw,
        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE,
        nullptr);
    SqliteHandle db(raw);  // sqlite3_open_v2 may return a handle even on failure.
    if (rc != SQLITE_OK) {
      return SqliteError(db.get(), rc, absl::StrCat("open \"", path, "\""), "");
    }
    auto conn = std::unique_ptr<Connection>(new Connection(
        std::move(db), static_cast<size_t>(std::max(0, options.statement_cache_size))));
    sqlite3_busy_timeout(conn->handle(), static_cast<int>(std::clamp<int64_t>(
                                             absl::ToInt64Milliseconds(options.busy_timeout), 0,
                                             std::numeric_limits<int>::max())));
    if (!reader) {
      // WAL lets readers keep reading while the writer commits, and makes a
      // commit one sequential append. The mode is stored in the file.
      absl::StatusOr<Rows> mode = conn->ExecuteOnce("PRAGMA journal_mode=WAL");
      if (!mode.ok()) return mode.status();
      const bool in_memory = path == ":memory:";
      if (mode->size() != 1 || AsText((*mode)[0][0]) != (in_memory ? "memory" : "wal")) {
        return absl::FailedPreconditionError(
            absl::StrCat("store: could not put \"", path,
                         "\" into WAL mode (network file systems do not support it)"));
      }
    }
    const char* synchronous = options.durability == Durability::kFull ? "PRAGMA synchronous=FULL"
                                                                      : "PRAGMA synchronous=NORMAL";
    // A page cache large enough for a big write transaction: when it
    // overflows, SQLite spills pages to the WAL mid-transaction, each spill
    // an extra fsync (measured: bulk upserts 10x slower with the default 2 MB).
    const char* cache = reader ? "PRAGMA cache_size=-32768" : "PRAGMA cache_size=-131072";
    for (const char* pragma : {synchronous, "PRAGMA foreign_keys=ON", cache}) {
      if (absl::StatusOr<Rows> r = conn->ExecuteOnce(pragma); !r.ok()) return r.status();
    }
    if (reader) {
      // Belt and braces: RunReadOnly already refuses writing statements.
      if (absl::StatusOr<Rows> r = conn->ExecuteOnce("PRAGMA query_only=ON"); !r.ok()) {
        return r.status();
      }
    }
    return conn;
  }

  sqlite3* handle() const { return db_.get(); }

  // Returns the cached statement for `sql`, preparing it on first use. When
  // the cache is full the statement is prepared into `*uncached` instead and
  // finalized by the caller. The returned statement is reset and unbound.
  absl::StatusOr<const PreparedStatement*> Prepare(std::string_view sql_in,
                                                   PreparedStatement* uncached) {
    const absl::string_view sql = ToAbsl(sql_in);
    if (auto it = cache_.find(sql); it != cache_.end()) return &it->second;
    const bool keep = cache_.size() < cache_capacity_;
    absl::StatusOr<PreparedStatement> prepared = PrepareStatement(handle(), sql, keep);
    if (!prepared.ok()) return prepared.status();
    if (!keep) {
      *uncached = *std::move(prepared);
      return uncached;
    }
    return &cache_.emplace(std::string(sql), *std::move(prepared)).first->second;
  }

  // Binds, steps to completion and resets one statement. Collects rows into
  // *rows when non-null. Sets *contention_seen on SQLITE_BUSY/LOCKED.
  absl::Status Run(std::string_view sql, absl::Span<const Value> params, bool read_only, Rows* rows,
                   int64_t* changes, bool* contention_seen) {
    PreparedStatement uncached;
    absl::StatusOr<const PreparedStatement*> prepared = Prepare(sql, &uncached);
    if (!prepared.ok()) return prepared.status();
    sqlite3_stmt* stmt = (*prepared)->stmt.get();
    // Reset on every exit so a cached statement never holds a read lock or
    // points at the caller's (soon dead) parameter buffers.
    struct Resetter {
      sqlite3_stmt* stmt;
      ~Resetter() {
        sqlite3_reset(stmt);
        sqlite3_clear_bindings(stmt);
      }
    } resetter{stmt};

    if (read_only && !sqlite3_stmt_readonly(stmt)) {
      return absl::FailedPreconditionError(
          absl::StrCat("store: write statement in a read-only transaction: ", ToAbsl(sql)));
    }
    const std::vector<int>& argument_of_slot = (*prepared)->argument_of_slot;
    if (argument_of_slot.size() != params.size()) {
      return absl::InvalidArgumentError(absl::StrCat("store: statement takes ",
                                                     argument_of_slot.size(), " parameters, got ",
                                                     params.size(), ": ", ToAbsl(sql)));
    }
    for (size_t i = 0; i < argument_of_slot.size(); ++i) {
      const int rc = Bind(stmt, static_cast<int>(i + 1), params[argument_of_slot[i]]);
      if (rc != SQLITE_OK) return SqliteError(handle(), rc, "bind", ToAbsl(sql));
    }
    while (true) {
      const int rc = sqlite3_step(stmt);
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) {
        if (IsContention(rc) && contention_seen != nullptr) *contention_seen = true;
        return SqliteError(handle(), rc, "step", ToAbsl(sql));
      }
      if (rows != nullptr) rows->push_back(ReadRow(stmt));
    }
    if (changes != nullptr)
      *changes = sqlite3_stmt_readonly(stmt) ? 0 : sqlite3_changes64(handle());
    return absl::OkStatus();
  }

  // For set-up statements outside any Transaction.
  absl::StatusOr<Rows> ExecuteOnce(std::string_view sql) {
    Rows rows;
    absl::Status s = Run(sql, {}, /*read_only=*/false, &rows, nullptr, nullptr);
    if (!s.ok()) return s;
    return rows;
  }

 private:
  Connection(SqliteHandle db, size_t cache_capacity)
      : db_(std::move(db)), cache_capacity_(cache_capacity) {}

  static int Bind(sqlite3_stmt* stmt, int slot, const Value& value) {
    // SQLITE_STATIC: the Resetter clears bindings before `value` can die.
    if (const auto* v = std::get_if<int64_t>(&value)) return sqlite3_bind_int64(stmt, slot, *v);
    if (const auto* v = std::get_if<double>(&value)) return sqlite3_bind_double(stmt, slot, *v);
    if (const auto* v = std::get_if<std::string>(&value)) {
      return sqlite3_bind_text64(stmt, slot, v->data(), v->size(), SQLITE_STATIC, SQLITE_UTF8);
    }
    if (const auto* v = std::get_if<Blob>(&value)) {
      // A null pointer would bind NULL, not an empty BLOB.
      if (v->bytes.empty()) return sqlite3_bind_zeroblob(stmt, slot, 0);
      return sqlite3_bind_blob64(stmt, slot, v->bytes.data(), v->bytes.size(), SQLITE_STATIC);
    }
    return sqlite3_bind_null(stmt, slot);
  }

  static Row ReadRow(sqlite3_stmt* stmt) {
    const int columns = sqlite3_column_count(stmt);
    Row row;
    row.reserve(static_cast<size_t>(columns));
    for (int c = 0; c < columns; ++c) {
      switch (sqlite3_column_type(stmt, c)) {
        case SQLITE_INTEGER:
          row.emplace_back(static_cast<int64_t>(sqlite3_column_int64(stmt, c)));
          break;
        case SQLITE_FLOAT:
          row.emplace_back(sqlite3_column_double(stmt, c));
          break;
        case SQLITE_TEXT: {
          // Fetch the pointer before the size, as the SQLite docs require.
          const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, c));
          row.emplace_back(std::string(text, static_cast<size_t>(sqlite3_column_bytes(stmt, c))));
          break;
        }
        case SQLITE_BLOB: {
          const auto* data = static_cast<const char*>(sqlite3_column_blob(stmt, c));
          const auto size = static_cast<size_t>(sqlite3_column_bytes(stmt, c));
          row.emplace_back(Blob{data == nullptr ? std::string() : std::string(data, size)});
          break;
        }
        default:
          row.emplace_back(Null{});
      }
    }
    return row;
  }

  SqliteHandle db_;
  const size_t cache_capacity_;
  // Declared after db_ so statements are finalized before the handle closes.
  absl::flat_hash_map<std::string, PreparedStatement> cache_;
};

class SqliteTransaction final : public Transaction {
 public:
  SqliteTransaction(Connection& conn, bool read_only) : conn_(conn), read_only_(read_only) {}

  absl::StatusOr<int64_t> Execute(std::string_view sql, absl::Span<const Value> params) override {
    if (absl::Status s = CheckUsable(sql); !s.ok()) return s;
    int64_t changes = 0;
    absl::Status s = conn_.Run(sql, params, read_only_, nullptr, &changes, &contended_);
    if (!s.ok()) return s;
    return changes;
  }

  absl::StatusOr<Rows> Query(std::string_view sql, absl::Span<const Value> params) override {
    if (absl::Status s = CheckUsable(sql); !s.ok()) return s;
    Rows rows;
    absl::Status s = conn_.Run(sql, params, read_only_, &rows, nullptr, &contended_);
    if (!s.ok()) return s;
    return rows;
  }

  absl::Status ExecuteScript(std::string_view script_in) override {
    if (read_only_) {
      return absl::FailedPreconditionError("store: ExecuteScript in a read-only transaction");
    }
    // Statement by statement (not sqlite3_exec) so that each one is checked
    // for transaction control before it runs.
    absl::string_view script = ToAbsl(script_in);
    while (!(script = SkipSpaceAndComments(script)).empty()) {
      if (absl::Status s = CheckUsable(script); !s.ok()) return s;
      sqlite3_stmt* raw = nullptr;
      const char* tail = nullptr;
      const int rc = sqlite3_prepare_v2(conn_.handle(), script.data(),
                                        static_cast<int>(script.size()), &raw, &tail);
      StatementHandle stmt(raw);
      if (rc != SQLITE_OK) return SqliteError(conn_.handle(), rc, "prepare", script);
      const absl::string_view this_sql =
          script.substr(0, static_cast<size_t>(tail - script.data()));
      script.remove_prefix(this_sql.size());
      if (stmt == nullptr) continue;  // a lone ";"
      if (sqlite3_bind_parameter_count(stmt.get()) > 0) {
        return absl::InvalidArgumentError(
            absl::StrCat("store: ExecuteScript takes no parameters: ", this_sql));
      }
      int step;
      while ((step = sqlite3_step(stmt.get())) == SQLITE_ROW) {
      }
      if (step != SQLITE_DONE) {
        if (IsContention(step)) contended_ = true;
        return SqliteError(conn_.handle(), step, "step", this_sql);
      }
    }
    return absl::OkStatus();
  }

  bool contended() const { return contended_; }

 private:
  absl::Status CheckUsable(absl::string_view sql) const {
    if (sqlite3_get_autocommit(conn_.handle())) {
      // SQLite rolls back by itself after some errors (SQLITE_FULL, IOERR,
      // BUSY mid-statement); running on would silently autocommit.
      return absl::AbortedError(
          "store: the transaction was already rolled back by SQLite after an earlier error");
    }
    if (IsTransactionControl(sql)) {
      return absl::InvalidArgumentError(
          absl::StrCat("store: transaction control statements are managed by RunInTransaction: ",
                       sql.substr(0, 80)));
    }
    return absl::OkStatus();
  }
  absl::Status CheckUsable(std::string_view sql) const { return CheckUsable(ToAbsl(sql)); }

  Connection& conn_;
  const bool read_only_;
  bool contended_ = false;
};

class SqliteDatabase final : public Database {
 public:
  static absl::StatusOr<std::unique_ptr<Database>> Open(const std::string& path,
                                                        const DatabaseOptions& options) {
    if (sqlite3_threadsafe() == 0) {
      return absl::FailedPreconditionError("store: SQLite was built without thread support");
    }
    absl::StatusOr<std::unique_ptr<Connection>> writer =
        Connection::Open(path, /*reader=*/false, options);
    if (!writer.ok()) return writer.status();
    std::vector<std::unique_ptr<Connection>> readers;
    // Every ":memory:" connection is a separate empty database.
    const int reader_count = path == ":memory:" ? 0 : std::max(0, options.reader_connections);
    for (int i = 0; i < reader_count; ++i) {
      absl::StatusOr<std::unique_ptr<Connection>> reader =
          Connection::Open(path, /*reader=*/true, options);
      if (!reader.ok()) return reader.status();
      readers.push_back(*std::move(reader));
    }
    std::unique_ptr<Connection> checkpointer;
    if (path != ":memory:") {
      absl::StatusOr<std::unique_ptr<Connection>> c =
          Connection::Open(path, /*reader=*/false, options);
      if (!c.ok()) return c.status();
      checkpointer = *std::move(c);
      for (Connection* conn : {writer->get(), checkpointer.get()}) {
        if (absl::StatusOr<Rows> r = conn->ExecuteOnce(kJournalSizeLimit); !r.ok()) {
          return r.status();
        }
      }
    }
    auto db = std::unique_ptr<SqliteDatabase>(new SqliteDatabase(
        options, *std::move(writer), std::move(readers), std::move(checkpointer)));
    db->StartCheckpointer();
    return std::unique_ptr<Database>(std::move(db));
  }

  ~SqliteDatabase() override {
    if (checkpoint_thread_.joinable()) {
      {
        absl::MutexLock lock(&checkpoint_mu_);
        stopping_ = true;
      }
      checkpoint_thread_.join();
    }
  }

  std::string_view backend() const override { return "sqlite"; }

 protected:
  absl::Status RunOnce(bool read_only, TransactionFn fn, bool* contended) override {
    if (!read_only || readers_.empty()) {
      // One writer per process: SQLite allows a single writer per file
      // anyway, and waiting on a mutex is cheaper and fairer than spinning
      // in SQLite's busy handler.
      absl::MutexLock lock(&writer_mu_);
      return RunOn(*writer_, read_only, fn, contended);
    }
    absl::StatusOr<Connection*> reader = AcquireReader();
    if (!reader.ok()) return reader.status();
    absl::Status status = RunOn(**reader, read_only, fn, contended);
    ReleaseReader(*reader);
    return status;
  }

 private:
  SqliteDatabase(const DatabaseOptions& options, std::unique_ptr<Connection> writer,
                 std::vector<std::unique_ptr<Connection>> readers,
                 std::unique_ptr<Connection> checkpointer)
      : Database(options),
        reader_wait_timeout_(options.reader_wait_timeout),
        writer_(std::move(writer)),
        readers_(std::move(readers)),
        checkpointer_(std::move(checkpointer)) {
    for (const auto& r : readers_) idle_readers_.push_back(r.get());
  }

  // Takes WAL checkpoints off the writer (see kCheckpointFrames). The hook
  // replaces SQLite's automatic checkpoint on the writer connection.
  void StartCheckpointer() {
    if (checkpointer_ == nullptr) return;
    sqlite3_wal_hook(writer_->handle(), &SqliteDatabase::OnWalCommit, this);
    checkpoint_thread_ = std::thread([this] { CheckpointLoop(); });
  }

  // Runs on the writer inside each COMMIT; `frames` is the WAL's size.
  static int OnWalCommit(void* self_ptr, sqlite3* db, const char* schema, int frames) {
    auto* self = static_cast<SqliteDatabase*>(self_ptr);
    if (frames >= kWriterCheckpointFrames) {
      // The checkpointer fell behind (or a reader holds an old snapshot):
      // checkpoint here, as SQLite would by default. Its result does not
      // affect the commit, which is already durable.
      (void)sqlite3_wal_checkpoint_v2(db, schema, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    } else if (frames >= kCheckpointFrames) {
      absl::MutexLock lock(&self->checkpoint_mu_);
      self->checkpoint_wanted_ = true;
    }
    return SQLITE_OK;
  }

  bool CheckpointWantedOrStopping() const ABSL_SHARED_LOCKS_REQUIRED(checkpoint_mu_) {
    return checkpoint_wanted_ || stopping_;
  }

  void CheckpointLoop() {
    while (true) {
      {
        absl::MutexLock lock(&checkpoint_mu_);
        checkpoint_mu_.Await(absl::Condition(this, &SqliteDatabase::CheckpointWantedOrStopping));
        if (stopping_) return;
        checkpoint_wanted_ = false;
      }
      // PASSIVE never blocks the writer or readers; frames written meanwhile
      // wait for the next round. A failure (e.g. SQLITE_BUSY against another
      // process's checkpoint) is retried at the next signal.
      (void)sqlite3_wal_checkpoint_v2(checkpointer_->handle(), nullptr, SQLITE_CHECKPOINT_PASSIVE,
                                      nullptr, nullptr);
    }
  }

  static absl::Status RunOn(Connection& conn, bool read_only, TransactionFn fn, bool* contended) {
    sqlite3* db = conn.handle();
    if (!sqlite3_get_autocommit(db)) {
      // A previous ROLLBACK failed and left a transaction open; clear it
      // rather than wedge the connection.
      (void)conn.ExecuteOnce("ROLLBACK");
    }
    // IMMEDIATE takes the write lock now: a deferred transaction that read
    // first could fail with SQLITE_BUSY_SNAPSHOT on its first write, after fn
    // already acted on what it read.
    absl::StatusOr<Rows> begun = conn.ExecuteOnce(read_only ? "BEGIN DEFERRED" : "BEGIN IMMEDIATE");
    if (!begun.ok()) {
      *contended = begun.status().code() == absl::StatusCode::kAborted;
      return begun.status();
    }
    SqliteTransaction txn(conn, read_only);
    absl::Status result = fn(txn);
    *contended = txn.contended();
    if (sqlite3_get_autocommit(db)) {
      return result.ok() ? absl::AbortedError(
                               "store: SQLite rolled the transaction back after an earlier error")
                         : result;
    }
    if (!result.ok()) {
      (void)conn.ExecuteOnce("ROLLBACK");
      return result;
    }
    absl::StatusOr<Rows> committed = conn.ExecuteOnce("COMMIT");
    if (!committed.ok()) {
      *contended = committed.status().code() == absl::StatusCode::kAborted;
      (void)conn.ExecuteOnce("ROLLBACK");
      return committed.status();
    }
    return absl::OkStatus();
  }

  bool HasIdleReader() const ABSL_SHARED_LOCKS_REQUIRED(pool_mu_) { return !idle_readers_.empty(); }

  absl::StatusOr<Connection*> AcquireReader() {
    absl::MutexLock lock(&pool_mu_);
    if (!pool_mu_.AwaitWithTimeout(absl::Condition(this, &SqliteDatabase::HasIdleReader),
                                   reader_wait_timeout_)) {
      return absl::UnavailableError(absl::StrCat("store: no reader connection free within ",
                                                 absl::FormatDuration(reader_wait_timeout_)));
    }
    Connection* conn = idle_readers_.back();
    idle_readers_.pop_back();
    return conn;
  }

  void ReleaseReader(Connection* conn) {
    absl::MutexLock lock(&pool_mu_);
    idle_readers_.push_back(conn);
  }

  const absl::Duration reader_wait_timeout_;
  absl::Mutex writer_mu_;
  // Declared before readers_ so it closes last and checkpoints the WAL.
  const std::unique_ptr<Connection> writer_ ABSL_PT_GUARDED_BY(writer_mu_);
  const std::vector<std::unique_ptr<Connection>> readers_;  // fixed after construction
  absl::Mutex pool_mu_;
  std::vector<Connection*> idle_readers_ ABSL_GUARDED_BY(pool_mu_);
  // Used only by checkpoint_thread_; closed before writer_.
  const std::unique_ptr<Connection> checkpointer_;
  absl::Mutex checkpoint_mu_;
  bool checkpoint_wanted_ ABSL_GUARDED_BY(checkpoint_mu_) = false;
  bool stopping_ ABSL_GUARDED_BY(checkpoint_mu_) = false;
  std::thread checkpoint_thread_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<Database>> OpenSqliteDatabase(const std::string& path,
                                                             const DatabaseOptions& options) {
  return SqliteDatabase::Open(path, options);
}

}  // namespace microreach::store
