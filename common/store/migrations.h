// Versioned schema migrations, applied at start-up and recorded in the
// schema_migrations table.
#ifndef MICROREACH_COMMON_STORE_MIGRATIONS_H_
#define MICROREACH_COMMON_STORE_MIGRATIONS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/store/database.h"

namespace microreach::store {

// One schema change. `sql` may hold several `;`-separated statements and must
// not contain BEGIN/COMMIT (each migration already runs in its own
// transaction). Keep the DDL portable across SQLite and PostgreSQL: BIGINT,
// TEXT, DOUBLE PRECISION, BYTEA (SQLite stores bound BLOBs in it unchanged).
struct Migration {
  int64_t version;   // > 0, strictly increasing within the list
  std::string name;  // never changes once released
  std::string sql;
};

// Brings the schema of `db` up to date and returns how many migrations ran.
// Pending migrations run in version order, each in its own transaction
// together with its schema_migrations row, so a crash leaves either all or
// none of one migration. Re-running is a no-op. Several replicas may start at
// once: a migration another process applied meanwhile is skipped.
//
// A pending version lower than an applied one still runs (library base
// migrations may be added after a service's own), which is why released
// migrations must be independent of ones added later.
//
// Errors:
//   kInvalidArgument     the list itself is malformed (versions not > 0 and
//                        increasing, empty name or SQL)
//   kFailedPrecondition  the database has a version this binary does not know
//                        (e.g. a newer binary migrated it: refuse to run old
//                        code on a newer schema), or an applied version's name
//                        differs from the list (an edited migration)
//
// Example:
//   std::vector<Migration> migrations = BaseMigrations();
//   migrations.push_back({100, "create_offers", "CREATE TABLE offers (...)"});
//   absl::StatusOr<int> applied = Migrate(*db, migrations);
absl::StatusOr<int> Migrate(Database& db, const std::vector<Migration>& migrations);

// Migrations every service prepends to its own: versions 1..99 are reserved
// for them, so service migrations start at 100.
std::vector<Migration> BaseMigrations();

}  // namespace microreach::store

#endif  // MICROREACH_COMMON_STORE_MIGRATIONS_H_
