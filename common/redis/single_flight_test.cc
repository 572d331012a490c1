// Unit tests of SingleFlight: concurrent callers of one key share one run.
#include "common/redis/single_flight.h"

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/notification.h"
#include "gtest/gtest.h"

namespace microreach::redis {
namespace {

// Waits (bounded) until `waiters` callers are parked on key.
template <typename T>
bool AwaitWaiters(const SingleFlight<T>& flight, std::string_view key, int waiters) {
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  while (flight.Waiters(key) < waiters) {
    if (absl::Now() > deadline) return false;
    std::this_thread::yield();
  }
  return true;
}

TEST(SingleFlightTest, ConcurrentCallersShareOneRun) {
  constexpr int kThreads = 16;
  SingleFlight<absl::StatusOr<std::string>> flight;
  std::atomic<int> runs{0};
  absl::Notification release;
  std::vector<absl::StatusOr<std::string>> results(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      results[i] = flight.Do("k", [&]() -> absl::StatusOr<std::string> {
        ++runs;
        release.WaitForNotification();
        return std::string("value");
      });
    });
  }
  ASSERT_TRUE(AwaitWaiters(flight, "k", kThreads - 1));
  release.Notify();
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(runs.load(), 1);
  for (const auto& r : results) EXPECT_EQ(r.value_or(""), "value");
  EXPECT_EQ(flight.Waiters("k"), 0);
}

TEST(SingleFlightTest, ErrorsAreSharedAndNotRemembered) {
  SingleFlight<absl::StatusOr<int>> flight;
  int runs = 0;
  auto fail = [&]() -> absl::StatusOr<int> {
    ++runs;
    return absl::UnavailableError("store down");
  };
  EXPECT_TRUE(absl::IsUnavailable(flight.Do("k", fail).status()));
  EXPECT_TRUE(absl::IsUnavailable(flight.Do("k", fail).status()));
  EXPECT_EQ(runs, 2);
}

TEST(SingleFlightTest, DifferentKeysDoNotWaitForEachOther) {
  SingleFlight<int> flight;
  absl::Notification release;
  std::thread slow([&] {
    flight.Do("slow", [&] {
      release.WaitForNotification();
      return 1;
    });
  });
  // Would deadlock if "fast" waited for "slow".
  EXPECT_EQ(flight.Do("fast", [] { return 2; }), 2);
  release.Notify();
  slow.join();
}

}  // namespace
}  // namespace microreach::redis
