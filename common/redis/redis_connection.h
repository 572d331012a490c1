// RAII ownership of hiredis handles and one blocking Redis connection with
// connect and command timeouts; the typed commands the caches use live here.
#ifndef MICROREACH_COMMON_REDIS_REDIS_CONNECTION_H_
#define MICROREACH_COMMON_REDIS_REDIS_CONNECTION_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "hiredis.h"

namespace microreach::redis {

// Where and how to reach Redis. Shared by the pool and every connection it opens.
struct RedisOptions {
  std::string host = "127.0.0.1";
  int port = 6379;
  // Upper bound on open connections (leased + idle) in a RedisPool.
  int pool_size = 8;
  absl::Duration connect_timeout = absl::Milliseconds(200);
  // Applies to every socket read and write; a cache that waits longer than
  // this is slower than the store it protects, so keep it small.
  absl::Duration command_timeout = absl::Milliseconds(100);
  // How long RedisPool::Acquire waits for a free connection by default.
  absl::Duration pool_wait_timeout = absl::Milliseconds(50);
  std::optional<std::string> password;  // AUTH after connect when set.
  int db = 0;                           // SELECT after connect when non-zero.
};

// The options a service derives from its flags: `address` is "host:port"
// (validated by the server config), commands time out after `timeout`,
// connects after four times that; an empty `password` means no AUTH.
RedisOptions RedisOptionsFor(std::string_view address, int pool_size, absl::Duration timeout,
                             std::string_view password);

struct ContextDeleter {
  void operator()(redisContext* context) const { redisFree(context); }
};
struct ReplyDeleter {
  void operator()(redisReply* reply) const { freeReplyObject(reply); }
};
using ContextPtr = std::unique_ptr<redisContext, ContextDeleter>;
using ReplyPtr = std::unique_ptr<redisReply, ReplyDeleter>;

// One SET ... PX entry of a pipelined multi-set.
struct SetEntry {
  std::string key;
  std::string value;
  absl::Duration ttl;  // Rounded up to whole milliseconds; must be positive.
};

// A blocking connection to one Redis server. Not thread-safe: one user at a
// time (RedisPool hands it out through a lease).
//
// Once a transport error or a timeout happens the connection is `broken()`
// for good: hiredis may have half-read a reply, so the next reply on the
// socket could belong to the wrong command. Callers must drop it.
// Redis error replies (e.g. WRONGTYPE) do not break the connection.
//
// Status codes: kDeadlineExceeded for a timeout, kUnavailable for any other
// transport failure, kInternal for an error reply or an unexpected reply
// type, kFailedPrecondition when called on a broken connection.
//
// Example:
//   absl::StatusOr<std::unique_ptr<RedisConnection>> c = RedisConnection::Connect(options);
//   if (!c.ok()) return c.status();
//   absl::Status s = (*c)->Set("k", "v", absl::Seconds(30));
//   absl::StatusOr<std::optional<std::string>> v = (*c)->Get("k");
class RedisConnection {
 public:
  // Connects, applies the command timeout, then AUTH and SELECT if configured.
  static absl::StatusOr<std::unique_ptr<RedisConnection>> Connect(const RedisOptions& options);

  RedisConnection(const RedisConnection&) = delete;
  RedisConnection& operator=(const RedisConnection&) = delete;

  bool broken() const { return broken_; }

  // Sends one command and returns its reply. An error reply is returned as a
  // reply (type REDIS_REPLY_ERROR), not as a failed status.
  absl::StatusOr<ReplyPtr> Command(absl::Span<const std::string_view> argv);
  // Sends all commands in one write and reads all replies: one round trip.
  absl::StatusOr<std::vector<ReplyPtr>> Pipeline(
      absl::Span<const std::vector<std::string_view>> commands);

  absl::Status Ping();
  // nullopt when the key does not exist.
  absl::StatusOr<std::optional<std::string>> Get(std::string_view key);
  // SET key value PX ttl.
  absl::Status Set(std::string_view key, std::string_view value, absl::Duration ttl);
  // Returns how many keys existed.
  absl::StatusOr<int64_t> Del(absl::Span<const std::string> keys);
  // Values in key order, nullopt for a missing key. Large inputs are split into
  // MGET chunks that are pipelined, so N keys still cost one round trip.
  absl::StatusOr<std::vector<std::optional<std::string>>> MGet(absl::Span<const std::string> keys);
  // Pipelined SET ... PX for every entry: one round trip. Fails if any SET failed.
  absl::Status MSet(absl::Span<const SetEntry> entries);

 private:
  explicit RedisConnection(ContextPtr context) : context_(std::move(context)) {}

  // Marks the connection broken and turns the hiredis error into a status.
  absl::Status Fail(std::string_view what);

  ContextPtr context_;
  bool broken_ = false;
};

}  // namespace microreach::redis

#endif  // MICROREACH_COMMON_REDIS_REDIS_CONNECTION_H_
