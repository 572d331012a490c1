// The PostgreSQL half of store_test_backends.h: one throwaway cluster per test
// binary and a schema per test.
#include "common/store/store_test_backends.h"

#include <libpq-fe.h>

#include <memory>
#include <string>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "tests/fixtures/postgres_server.h"

#ifndef MR_STORE_TEST_POSTGRES
#error "mr_store_testing must be built with MR_STORE_TEST_POSTGRES"
#endif

namespace microreach::store::testing {
namespace {

using ::microreach::testing::PostgresServer;
using ::microreach::testing::PostgresServerOptions;

absl::Mutex server_mu(absl::kConstInit);
PostgresServer* server ABSL_GUARDED_BY(server_mu) = nullptr;
int next_schema ABSL_GUARDED_BY(server_mu) = 0;

// Stops the shared cluster after the last test rather than in a static
// destructor, whose order relative to the fixture's own statics is unknown.
class SharedServerEnvironment : public ::testing::Environment {
 public:
  void TearDown() override {
    PostgresServer* s = nullptr;
    {
      absl::MutexLock lock(&server_mu);
      std::swap(s, server);
    }
    delete s;
  }
};

[[maybe_unused]] ::testing::Environment* const kEnvironment =
    ::testing::AddGlobalTestEnvironment(new SharedServerEnvironment);

struct ConnDeleter {
  void operator()(PGconn* c) const { PQfinish(c); }
};
struct ResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};

}  // namespace

PostgresServer* SharedPostgresServer() {
  absl::MutexLock lock(&server_mu);
  if (server == nullptr) {
    PostgresServerOptions options;
    // The fixture turns synchronous_commit off along with fsync; keep it on
    // so that a commit is acknowledged only once its WAL is written, as in
    // production (fsync off only matters for a host crash, which a throwaway
    // cluster never outlives).
    options.settings = {{"synchronous_commit", "on"}};
    auto started = std::make_unique<PostgresServer>(options);
    if (absl::Status s = started->Start(); !s.ok()) {
      ADD_FAILURE() << "cannot start PostgreSQL: " << s;
      return nullptr;
    }
    server = started.release();
  }
  return server;
}

std::string NewPostgresSchemaUrl() {
  PostgresServer* pg = SharedPostgresServer();
  if (pg == nullptr) return "";
  std::string schema;
  {
    absl::MutexLock lock(&server_mu);
    schema = absl::StrCat("test_", next_schema++);
  }
  std::unique_ptr<PGconn, ConnDeleter> conn(PQconnectdb(pg->connection_string().c_str()));
  if (PQstatus(conn.get()) != CONNECTION_OK) {
    ADD_FAILURE() << "cannot connect to PostgreSQL: " << PQerrorMessage(conn.get());
    return "";
  }
  std::unique_ptr<PGresult, ResultDeleter> created(
      PQexec(conn.get(), absl::StrCat("CREATE SCHEMA ", schema).c_str()));
  if (PQresultStatus(created.get()) != PGRES_COMMAND_OK) {
    ADD_FAILURE() << "CREATE SCHEMA failed: " << PQerrorMessage(conn.get());
    return "";
  }
  // libpq's `options` sets a session default; %3D is "=".
  return absl::StrCat("postgresql://", PostgresServer::kUser, "@", pg->host(), ":", pg->port(), "/",
                      pg->database(), "?options=-csearch_path%3D", schema);
}

}  // namespace microreach::store::testing
