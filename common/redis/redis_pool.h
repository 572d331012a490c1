// RedisPool: a bounded, thread-safe pool of RedisConnections handed out as
// RAII leases; broken connections are dropped and reopened lazily.
#ifndef MICROREACH_COMMON_REDIS_REDIS_POOL_H_
#define MICROREACH_COMMON_REDIS_REDIS_POOL_H_

#include <memory>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/redis/redis_connection.h"

namespace microreach::redis {

class RedisPool;

// Exclusive use of one pooled connection; returns it to the pool (or drops it
// if it broke) when destroyed. Movable, not copyable. Must not outlive the pool.
class RedisLease {
 public:
  RedisLease(RedisLease&& other) noexcept;
  RedisLease& operator=(RedisLease&& other) noexcept;
  RedisLease(const RedisLease&) = delete;
  RedisLease& operator=(const RedisLease&) = delete;
  ~RedisLease();

  RedisConnection& operator*() const { return *connection_; }
  RedisConnection* operator->() const { return connection_.get(); }

 private:
  friend class RedisPool;
  RedisLease(RedisPool* pool, std::unique_ptr<RedisConnection> connection)
      : pool_(pool), connection_(std::move(connection)) {}
  void Release();

  RedisPool* pool_;
  std::unique_ptr<RedisConnection> connection_;
};

// At most `options.pool_size` connections exist at once (leased + idle).
// Connections are opened on demand, never up front, so a pool can be built
// while Redis is down. When a returned connection is broken, or a new one
// cannot be opened, the idle connections are dropped as well: they almost
// always share the cause (a restart, a network cut), and each would otherwise
// fail one request before being noticed.
//
// Acquire errors: kDeadlineExceeded when every connection stayed leased for
// the whole wait; kUnavailable (or kDeadlineExceeded for a connect timeout)
// when a new connection could not be opened.
//
// Example:
//   RedisPool pool(options);
//   absl::StatusOr<RedisLease> lease = pool.Acquire();
//   if (!lease.ok()) return lease.status();
//   absl::StatusOr<std::optional<std::string>> v = (*lease)->Get("key");
class RedisPool {
 public:
  explicit RedisPool(RedisOptions options);
  // Precondition: no lease is outstanding.
  ~RedisPool();
  RedisPool(const RedisPool&) = delete;
  RedisPool& operator=(const RedisPool&) = delete;

  // Waits up to options.pool_wait_timeout.
  absl::StatusOr<RedisLease> Acquire();
  absl::StatusOr<RedisLease> Acquire(absl::Duration wait);

  const RedisOptions& options() const { return options_; }
  // Open connections, leased or idle. For tests and debugging.
  int open_connections() const;
  // Connections opened over the pool's lifetime, counting reopens.
  int total_opened() const;

 private:
  friend class RedisLease;
  void Return(std::unique_ptr<RedisConnection> connection);

  const RedisOptions options_;
  mutable absl::Mutex mu_;
  std::vector<std::unique_ptr<RedisConnection>> idle_ ABSL_GUARDED_BY(mu_);
  // Leased + idle + being opened; never above options_.pool_size.
  int open_ ABSL_GUARDED_BY(mu_) = 0;
  int total_opened_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace microreach::redis

#endif  // MICROREACH_COMMON_REDIS_REDIS_POOL_H_
