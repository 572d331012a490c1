// Integration tests of RedisPool against a real redis-server: the bound, the
// wait timeout, and replacing broken connections.
#include "common/redis/redis_pool.h"

#include <atomic>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/fixtures/redis_server.h"

namespace microreach::redis {
namespace {

using ::microreach::testing::RedisServer;

class RedisPoolTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const absl::Status started = server_.Start();
    ASSERT_TRUE(started.ok()) << started;
    options_.port = server_.port();
  }

  static int64_t ClientId(RedisConnection& c) {
    const std::string_view argv[] = {"CLIENT", "ID"};
    auto reply = c.Command(argv);
    return reply.ok() ? (*reply)->integer : -1;
  }

  RedisServer server_;
  RedisOptions options_;
};

TEST_F(RedisPoolTest, ExhaustedPoolFailsAfterTheWaitTimeout) {
  options_.pool_size = 2;
  RedisPool pool(options_);
  auto a = pool.Acquire();
  auto b = pool.Acquire();
  ASSERT_TRUE(a.ok() && b.ok());

  const absl::Time start = absl::Now();
  auto c = pool.Acquire(absl::Milliseconds(50));
  EXPECT_TRUE(absl::IsDeadlineExceeded(c.status())) << c.status();
  EXPECT_GE(absl::Now() - start, absl::Milliseconds(50));
  EXPECT_EQ(pool.open_connections(), 2);
}

TEST_F(RedisPoolTest, AWaiterGetsTheConnectionAnotherCallerReturns) {
  options_.pool_size = 1;
  RedisPool pool(options_);
  auto held = pool.Acquire();
  ASSERT_TRUE(held.ok());
  const int64_t held_id = ClientId(**held);

  std::atomic<int64_t> waiter_id{0};
  std::thread waiter([&] {
    auto lease = pool.Acquire(absl::Seconds(10));
    waiter_id = lease.ok() ? ClientId(**lease) : -1;
  });
  { auto released = std::move(held); }  // Returned here, while the waiter waits or is about to.
  waiter.join();
  EXPECT_EQ(waiter_id.load(), held_id);
  EXPECT_EQ(pool.total_opened(), 1);
}

TEST_F(RedisPoolTest, BrokenConnectionIsDroppedAndReopenedLazily) {
  options_.pool_size = 1;
  options_.command_timeout = absl::Milliseconds(50);
  RedisPool pool(options_);
  int64_t first_id;
  {
    auto lease = pool.Acquire();
    ASSERT_TRUE(lease.ok());
    first_id = ClientId(**lease);
    const std::string_view blpop[] = {"BLPOP", "nothing", "2"};
    EXPECT_FALSE((*lease)->Command(blpop).ok());
    EXPECT_TRUE((*lease)->broken());
  }
  EXPECT_EQ(pool.open_connections(), 0);  // Dropped, not returned.

  auto lease = pool.Acquire();
  ASSERT_TRUE(lease.ok());
  EXPECT_FALSE((*lease)->broken());
  EXPECT_NE(ClientId(**lease), first_id);
  EXPECT_TRUE((*lease)->Ping().ok());
  EXPECT_EQ(pool.total_opened(), 2);
}

TEST_F(RedisPoolTest, ABrokenConnectionAlsoRetiresItsIdleSiblings) {
  options_.pool_size = 3;
  RedisPool pool(options_);
  {
    auto a = pool.Acquire();
    auto b = pool.Acquire();
    auto c = pool.Acquire();
    ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  }
  ASSERT_EQ(pool.open_connections(), 3);
  // A restart kills every connection the pool holds.
  ASSERT_TRUE(server_.Stop().ok());
  ASSERT_TRUE(server_.Start().ok());
  {
    auto lease = pool.Acquire();
    ASSERT_TRUE(lease.ok());
    EXPECT_TRUE(absl::IsUnavailable((*lease)->Ping()));
  }
  EXPECT_EQ(pool.open_connections(), 0);
  // So the next request gets a fresh connection instead of another dead one.
  auto lease = pool.Acquire();
  ASSERT_TRUE(lease.ok());
  EXPECT_TRUE((*lease)->Ping().ok());
}

TEST_F(RedisPoolTest, UnreachableRedisIsUnavailableAndFreesTheSlot) {
  options_.pool_size = 1;
  RedisPool pool(options_);
  ASSERT_TRUE(server_.Stop().ok());
  auto lease = pool.Acquire();
  EXPECT_TRUE(absl::IsUnavailable(lease.status())) << lease.status();
  EXPECT_EQ(pool.open_connections(), 0);

  // Connections are opened lazily, so the pool recovers by itself.
  ASSERT_TRUE(server_.Start().ok());
  auto again = pool.Acquire();
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_TRUE((*again)->Ping().ok());
}

TEST_F(RedisPoolTest, ManyThreadsShareABoundedPool) {
  options_.pool_size = 3;
  RedisPool pool(options_);
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        auto lease = pool.Acquire(absl::Seconds(10));
        if (!lease.ok() || !(*lease)->Set(absl::StrCat("k", t), "v", absl::Seconds(5)).ok()) {
          ++failures;
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_LE(pool.total_opened(), 3);
}

}  // namespace
}  // namespace microreach::redis
