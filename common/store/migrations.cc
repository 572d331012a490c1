// Applies versioned migrations; see migrations.h.
#include "common/store/migrations.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace microreach::store {
namespace {

constexpr char kCreateSchemaMigrations[] =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version BIGINT PRIMARY KEY,"
    " name TEXT NOT NULL,"
    " applied_at BIGINT NOT NULL)";  // unix microseconds

// PostgreSQL only. SQLite serializes these transactions already (BEGIN
// IMMEDIATE takes the one write lock), but on PostgreSQL two replicas starting
// at once would both see a migration as pending and the second would fail on
// its DDL ("relation already exists") instead of skipping it.
//
// Creating schema_migrations: the table may not exist yet, so there is nothing
// to LOCK; a transaction-scoped advisory lock (an arbitrary fixed key) queues
// the creators instead.
constexpr char kPostgresBootstrapLock[] = "SELECT pg_advisory_xact_lock(7306494315264733524)";
// Applying one migration: LOCK takes no snapshot, so when it comes first the
// REPEATABLE READ / SERIALIZABLE snapshot starts only after the lock is held,
// i.e. after the previous replica's commit, and the check below sees its row.
constexpr char kPostgresMigrationLock[] =
    "LOCK TABLE schema_migrations IN SHARE ROW EXCLUSIVE MODE";

absl::Status ValidateList(const std::vector<Migration>& migrations) {
  int64_t previous = 0;
  for (const Migration& m : migrations) {
    if (m.version <= previous) {
      return absl::InvalidArgumentError(
          absl::StrCat("store: migration versions must be > 0 and strictly increasing; ", m.version,
                       " (", m.name, ") follows ", previous));
    }
    if (m.name.empty() || m.sql.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("store: migration ", m.version, " needs a name and SQL"));
    }
    previous = m.version;
  }
  return absl::OkStatus();
}

// Checks an applied (version, name) against the binary's list.
absl::Status CheckApplied(const absl::flat_hash_map<int64_t, const Migration*>& known,
                          int64_t newest_known, int64_t version, std::string_view name_in) {
  const absl::string_view name(name_in.data(), name_in.size());
  auto it = known.find(version);
  if (it == known.end()) {
    if (version > newest_known) {
      return absl::FailedPreconditionError(
          absl::StrCat("store: database schema has migration ", version, " (", name,
                       ") but this binary knows only up to ", newest_known,
                       "; refusing to run an older binary against a newer schema"));
    }
    return absl::FailedPreconditionError(absl::StrCat("store: database has migration ", version,
                                                      " (", name,
                                                      ") which this binary does not know"));
  }
  if (it->second->name != name) {
    return absl::FailedPreconditionError(absl::StrCat(
        "store: migration ", version, " was applied as \"", name, "\" but this binary calls it \"",
        it->second->name, "\"; released migrations must not change"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<int> Migrate(Database& db, const std::vector<Migration>& migrations) {
  if (absl::Status s = ValidateList(migrations); !s.ok()) return s;
  absl::flat_hash_map<int64_t, const Migration*> known;
  for (const Migration& m : migrations) known[m.version] = &m;
  const int64_t newest_known = migrations.empty() ? 0 : migrations.back().version;

  const bool postgres = db.backend() == "postgresql";
  std::vector<const Migration*> pending;
  absl::Status s = db.RunInTransaction([&](Transaction& txn) -> absl::Status {
    pending.clear();  // fn may be re-run after contention
    if (postgres) {
      if (absl::Status l = txn.ExecuteScript(kPostgresBootstrapLock); !l.ok()) return l;
    }
    if (absl::Status c = txn.ExecuteScript(kCreateSchemaMigrations); !c.ok()) return c;
    absl::StatusOr<Rows> rows = txn.Query("SELECT version, name FROM schema_migrations");
    if (!rows.ok()) return rows.status();
    absl::flat_hash_map<int64_t, bool> applied;
    for (const Row& row : *rows) {
      const std::optional<int64_t> version = AsInt64(row[0]);
      const std::optional<std::string_view> name = AsText(row[1]);
      if (!version || !name) return absl::InternalError("store: malformed schema_migrations row");
      if (absl::Status c = CheckApplied(known, newest_known, *version, *name); !c.ok()) return c;
      applied[*version] = true;
    }
    for (const Migration& m : migrations) {
      if (!applied.contains(m.version)) pending.push_back(&m);
    }
    return absl::OkStatus();
  });
  if (!s.ok()) return s;

  int count = 0;
  for (const Migration* m : pending) {
    bool ran = false;
    s = db.RunInTransaction([&](Transaction& txn) -> absl::Status {
      ran = false;
      if (postgres) {
        if (absl::Status l = txn.ExecuteScript(kPostgresMigrationLock); !l.ok()) return l;
      }
      // Another replica may have applied it since the check above.
      absl::StatusOr<Rows> rows =
          txn.Query("SELECT name FROM schema_migrations WHERE version = $1", {m->version});
      if (!rows.ok()) return rows.status();
      if (!rows->empty()) {
        return CheckApplied(known, newest_known, m->version, AsText((*rows)[0][0]).value_or(""));
      }
      if (absl::Status e = txn.ExecuteScript(m->sql); !e.ok()) {
        return absl::Status(e.code(), absl::StrCat("store: migration ", m->version, " (", m->name,
                                                   ") failed: ", e.message()));
      }
      absl::StatusOr<int64_t> inserted = txn.Execute(
          "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
          {m->version, m->name, absl::ToUnixMicros(absl::Now())});
      if (!inserted.ok()) return inserted.status();
      ran = true;
      return absl::OkStatus();
    });
    if (!s.ok()) return s;
    if (ran) ++count;
  }
  return count;
}

std::vector<Migration> BaseMigrations() {
  return {
      {1, "create_request_ids",
       // AIP-155 request ids, written in the same transaction as the change
       // they de-duplicate; see request_ids.h.
       "CREATE TABLE request_ids ("
       " workspace_id TEXT NOT NULL,"
       " method TEXT NOT NULL,"
       " request_id TEXT NOT NULL,"
       " request_hash BYTEA NOT NULL,"
       " response BYTEA NOT NULL,"
       " created_at BIGINT NOT NULL,"  // unix microseconds
       " PRIMARY KEY (workspace_id, method, request_id));"
       // PurgeRequestIds scans by age.
       "CREATE INDEX request_ids_created_at ON request_ids (created_at);"},
  };
}

}  // namespace microreach::store
