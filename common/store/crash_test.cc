// Durability test: a child process commits rows and reports each commit over a
// pipe; it is killed with SIGKILL mid-stream, and every reported row must be
// in the database afterwards.
#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <memory>
#include <set>
#include <string>

#include "absl/status/status.h"
#include "common/store/database.h"
#include "common/store/store_test_util.h"
#include "gtest/gtest.h"

namespace microreach::store {
namespace {

using ::microreach::store::testing::TempDir;

// Runs in the forked child: never returns, never touches gtest.
[[noreturn]] void CommitForever(const std::string& url, Durability durability, int report_fd) {
  DatabaseOptions options;
  options.durability = durability;
  absl::StatusOr<std::unique_ptr<Database>> db = OpenDatabase(url, options);
  if (!db.ok()) _exit(2);
  for (int64_t i = 0;; ++i) {
    absl::Status s = (*db)->RunInTransaction([i](Transaction& txn) {
      // A few statements per transaction, so a kill is likely to land inside one.
      for (int64_t part = 0; part < 3; ++part) {
        absl::Status r = txn.Execute("INSERT INTO rows (id, part, pad) VALUES ($1, $2, $3)",
                                     {i, part, std::string(512, 'x')})
                             .status();
        if (!r.ok()) return r;
      }
      return absl::OkStatus();
    });
    if (!s.ok()) _exit(3);
    // Reported only after commit returned: the parent may rely on exactly these.
    if (write(report_fd, &i, sizeof(i)) != sizeof(i)) _exit(4);
  }
}

class CrashTest : public ::testing::TestWithParam<Durability> {};

TEST_P(CrashTest, SigkillMidWriteLosesNoReportedCommit) {
  TempDir dir;
  const std::string url = dir.Url("crash.db");
  {
    absl::StatusOr<std::unique_ptr<Database>> db = OpenDatabase(url, {});
    ASSERT_TRUE(db.ok()) << db.status();
    ASSERT_TRUE((*db)
                    ->RunInTransaction([](Transaction& txn) {
                      return txn.ExecuteScript(
                          "CREATE TABLE rows (id BIGINT, part BIGINT, pad TEXT,"
                          " PRIMARY KEY (id, part))");
                    })
                    .ok());
  }  // closed before fork: the child must not inherit open SQLite handles

  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    close(fds[0]);
    CommitForever(url, GetParam(), fds[1]);
  }
  close(fds[1]);

  constexpr int64_t kKillAfter = 150;
  std::set<int64_t> reported;
  int64_t id = 0;
  while (static_cast<int64_t>(reported.size()) < kKillAfter &&
         read(fds[0], &id, sizeof(id)) == sizeof(id)) {
    reported.insert(id);
  }
  ASSERT_EQ(kill(child, SIGKILL), 0);
  int wstatus = 0;
  ASSERT_EQ(waitpid(child, &wstatus, 0), child);
  ASSERT_TRUE(WIFSIGNALED(wstatus)) << "child exited on its own with " << WEXITSTATUS(wstatus);
  // Commits reported between our last read and the kill count too.
  while (read(fds[0], &id, sizeof(id)) == sizeof(id)) reported.insert(id);
  close(fds[0]);
  ASSERT_GE(static_cast<int64_t>(reported.size()), kKillAfter);

  absl::StatusOr<std::unique_ptr<Database>> db = OpenDatabase(url, {});
  ASSERT_TRUE(db.ok()) << db.status();
  std::set<int64_t> complete;
  int64_t partial = 0;
  ASSERT_TRUE((*db)
                  ->RunReadOnly([&](Transaction& txn) -> absl::Status {
                    absl::StatusOr<Rows> rows =
                        txn.Query("SELECT id, COUNT(*) FROM rows GROUP BY id");
                    if (!rows.ok()) return rows.status();
                    for (const Row& row : *rows) {
                      if (AsInt64(row[1]) == 3) {
                        complete.insert(*AsInt64(row[0]));
                      } else {
                        ++partial;
                      }
                    }
                    return absl::OkStatus();
                  })
                  .ok());
  EXPECT_EQ(partial, 0) << "a transaction was partly applied";
  for (int64_t r : reported) EXPECT_TRUE(complete.contains(r)) << "lost committed row " << r;
  // At most the one transaction in flight at the kill may exist unreported.
  EXPECT_LE(complete.size(), reported.size() + 1);
}

INSTANTIATE_TEST_SUITE_P(Durability, CrashTest,
                         ::testing::Values(Durability::kFull, Durability::kProcessCrashOnly),
                         [](const ::testing::TestParamInfo<Durability>& info) {
                           return info.param == Durability::kFull ? "Full" : "ProcessCrashOnly";
                         });

}  // namespace
}  // namespace microreach::store
