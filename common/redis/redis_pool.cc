// RedisPool and RedisLease: bounded checkout with a wait deadline; connects
// happen outside the lock so a slow Redis never stalls returning leases.
#include "common/redis/redis_pool.h"

#include <utility>

namespace microreach::redis {

RedisLease::RedisLease(RedisLease&& other) noexcept
    : pool_(other.pool_), connection_(std::move(other.connection_)) {}

RedisLease& RedisLease::operator=(RedisLease&& other) noexcept {
  if (this != &other) {
    Release();
    pool_ = other.pool_;
    connection_ = std::move(other.connection_);
  }
  return *this;
}

RedisLease::~RedisLease() { Release(); }

void RedisLease::Release() {
  if (connection_ != nullptr) pool_->Return(std::move(connection_));
}

RedisPool::RedisPool(RedisOptions options) : options_(std::move(options)) {}

RedisPool::~RedisPool() = default;

absl::StatusOr<RedisLease> RedisPool::Acquire() { return Acquire(options_.pool_wait_timeout); }

absl::StatusOr<RedisLease> RedisPool::Acquire(absl::Duration wait) {
  const absl::Time deadline = absl::Now() + wait;
  {
    absl::MutexLock lock(&mu_);
    auto available = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return !idle_.empty() || open_ < options_.pool_size;
    };
    if (!mu_.AwaitWithDeadline(absl::Condition(&available), deadline)) {
      return absl::DeadlineExceededError("redis pool exhausted: no connection freed in time");
    }
    if (!idle_.empty()) {
      std::unique_ptr<RedisConnection> connection = std::move(idle_.back());
      idle_.pop_back();
      return RedisLease(this, std::move(connection));
    }
    // Reserve the slot now so concurrent acquirers cannot overshoot the bound.
    ++open_;
  }
  absl::StatusOr<std::unique_ptr<RedisConnection>> connection = RedisConnection::Connect(options_);
  std::vector<std::unique_ptr<RedisConnection>> dropped;  // Freed after unlocking.
  absl::MutexLock lock(&mu_);
  if (!connection.ok()) {
    // The server is unreachable, so connections returned since the last
    // failure are most likely dead too; do not hand them out after recovery.
    dropped.swap(idle_);
    open_ -= 1 + static_cast<int>(dropped.size());
    return connection.status();
  }
  ++total_opened_;
  return RedisLease(this, *std::move(connection));
}

void RedisPool::Return(std::unique_ptr<RedisConnection> connection) {
  // Destroy dropped connections after unlocking: redisFree closes a socket.
  std::vector<std::unique_ptr<RedisConnection>> dropped;
  {
    absl::MutexLock lock(&mu_);
    if (!connection->broken()) {
      idle_.push_back(std::move(connection));
      return;
    }
    dropped.push_back(std::move(connection));
    // A broken connection usually means the server restarted or the network
    // failed; its idle siblings share that fate, and each would otherwise
    // fail one request before being noticed.
    for (std::unique_ptr<RedisConnection>& idle : idle_) dropped.push_back(std::move(idle));
    idle_.clear();
    open_ -= static_cast<int>(dropped.size());
  }
}

int RedisPool::open_connections() const {
  absl::MutexLock lock(&mu_);
  return open_;
}

int RedisPool::total_opened() const {
  absl::MutexLock lock(&mu_);
  return total_opened_;
}

}  // namespace microreach::redis
