// SQLite backend of Database: one serialized writer connection plus a small
// pool of WAL reader connections, each with its own prepared-statement cache.
#ifndef MICROREACH_COMMON_STORE_SQLITE_DATABASE_H_
#define MICROREACH_COMMON_STORE_SQLITE_DATABASE_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "common/store/database.h"

namespace microreach::store {

// Opens (creating if needed) the SQLite file at `path`, or a private in-memory
// database for ":memory:". Prefer OpenDatabase() with a URL; this exists so the
// URL parser and tests have one entry point into the backend.
absl::StatusOr<std::unique_ptr<Database>> OpenSqliteDatabase(const std::string& path,
                                                             const DatabaseOptions& options);

}  // namespace microreach::store

#endif  // MICROREACH_COMMON_STORE_SQLITE_DATABASE_H_
