// PostgreSQL backend of Database over libpq: a small pool of connections that
// are dropped and reopened when they break, SERIALIZABLE writes by default.
#ifndef MICROREACH_COMMON_STORE_POSTGRES_DATABASE_H_
#define MICROREACH_COMMON_STORE_POSTGRES_DATABASE_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "common/store/database.h"

namespace microreach::store {

// Opens a pool on a libpq connection URI (postgresql:// or postgres://) and
// connects once, retrying until options.connect_timeout, so that a wrong host,
// database or password stops start-up. Prefer OpenDatabase(); this is its
// PostgreSQL entry point.
//
// Errors: kInvalidArgument for a URI libpq cannot parse; kUnavailable if no
// connection could be made in time (the message is libpq's, which names host
// and user but never the password).
absl::StatusOr<std::unique_ptr<Database>> OpenPostgresDatabase(const std::string& url,
                                                               const DatabaseOptions& options);

}  // namespace microreach::store

#endif  // MICROREACH_COMMON_STORE_POSTGRES_DATABASE_H_
