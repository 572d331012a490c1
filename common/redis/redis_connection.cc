// RedisConnection: blocking hiredis calls mapped onto absl::Status, with the
// rule that any transport failure retires the connection.
#include "common/redis/redis_connection.h"

#include <cerrno>
#include <utility>

#include "absl/strings/str_cat.h"

namespace microreach::redis {
namespace {

// Debian's Abseil keeps its own absl::string_view, which absl::StrCat wants.
absl::string_view Sv(std::string_view s) { return absl::string_view(s.data(), s.size()); }

// Redis handles one MGET of any size, but a huge one blocks the single-threaded
// server for everybody; chunks of this size are pipelined instead.
constexpr size_t kMGetChunk = 256;

// hiredis 0.14 has no distinct timeout error: a socket timeout surfaces as
// REDIS_ERR_IO with errno EAGAIN, a connect timeout with ETIMEDOUT.
absl::Status TransportStatus(const redisContext* context, int saved_errno, std::string_view what) {
  std::string message = absl::StrCat("redis ", Sv(what), ": ", context->errstr);
  if (context->err == REDIS_ERR_IO &&
      (saved_errno == EAGAIN || saved_errno == EWOULDBLOCK || saved_errno == ETIMEDOUT)) {
    return absl::DeadlineExceededError(message);
  }
  return absl::UnavailableError(message);
}

absl::StatusOr<std::optional<std::string>> ReplyToOptionalString(const redisReply& reply) {
  switch (reply.type) {
    case REDIS_REPLY_STRING:
      return std::optional<std::string>(std::string(reply.str, reply.len));
    case REDIS_REPLY_NIL:
      return std::optional<std::string>();
    case REDIS_REPLY_ERROR:
      return absl::InternalError(
          absl::StrCat("redis error reply: ", absl::string_view(reply.str, reply.len)));
    default:
      return absl::InternalError(absl::StrCat("unexpected redis reply type ", reply.type));
  }
}

absl::Status ReplyToOk(const redisReply& reply, std::string_view what) {
  if (reply.type == REDIS_REPLY_STATUS) return absl::OkStatus();
  if (reply.type == REDIS_REPLY_ERROR) {
    return absl::InternalError(
        absl::StrCat("redis ", Sv(what), ": ", absl::string_view(reply.str, reply.len)));
  }
  return absl::InternalError(
      absl::StrCat("redis ", Sv(what), ": unexpected reply type ", reply.type));
}

absl::StatusOr<std::string> TtlMillis(absl::Duration ttl) {
  const int64_t ms = absl::ToInt64Milliseconds(absl::Ceil(ttl, absl::Milliseconds(1)));
  if (ms <= 0) return absl::InvalidArgumentError("redis SET: ttl must be positive");
  return absl::StrCat(ms);
}

}  // namespace

absl::StatusOr<std::unique_ptr<RedisConnection>> RedisConnection::Connect(
    const RedisOptions& options) {
  ContextPtr context(redisConnectWithTimeout(options.host.c_str(), options.port,
                                             absl::ToTimeval(options.connect_timeout)));
  const int saved_errno = errno;
  if (context == nullptr) return absl::ResourceExhaustedError("redis: cannot allocate context");
  if (context->err != 0) {
    return TransportStatus(context.get(), saved_errno,
                           absl::StrCat("connect ", options.host, ":", options.port));
  }
  if (redisSetTimeout(context.get(), absl::ToTimeval(options.command_timeout)) != REDIS_OK) {
    return absl::UnavailableError("redis: cannot set the command timeout");
  }
  std::unique_ptr<RedisConnection> connection(new RedisConnection(std::move(context)));
  if (options.password.has_value()) {
    const std::string_view argv[] = {"AUTH", *options.password};
    absl::StatusOr<ReplyPtr> reply = connection->Command(argv);
    if (!reply.ok()) return reply.status();
    if ((*reply)->type != REDIS_REPLY_STATUS) {
      // The server's message, never the password.
      return absl::PermissionDeniedError(
          absl::StrCat("redis AUTH rejected: ", absl::string_view((*reply)->str, (*reply)->len)));
    }
  }
  if (options.db != 0) {
    const std::string db = absl::StrCat(options.db);
    const std::string_view argv[] = {"SELECT", db};
    absl::StatusOr<ReplyPtr> reply = connection->Command(argv);
    if (!reply.ok()) return reply.status();
    if (absl::Status s = ReplyToOk(**reply, "SELECT"); !s.ok()) {
      return absl::InvalidArgumentError(s.message());
    }
  }
  return connection;
}

absl::Status RedisConnection::Fail(std::string_view what) {
  const int saved_errno = errno;
  broken_ = true;
  return TransportStatus(context_.get(), saved_errno, what);
}

absl::StatusOr<ReplyPtr> RedisConnection::Command(absl::Span<const std::string_view> argv) {
  if (broken_) return absl::FailedPreconditionError("redis connection is broken");
  std::vector<const char*> args;
  std::vector<size_t> lengths;
  args.reserve(argv.size());
  lengths.reserve(argv.size());
  for (std::string_view a : argv) {
    args.push_back(a.data());
    lengths.push_back(a.size());
  }
  errno = 0;
  ReplyPtr reply(static_cast<redisReply*>(redisCommandArgv(
      context_.get(), static_cast<int>(args.size()), args.data(), lengths.data())));
  if (reply == nullptr) return Fail(argv.empty() ? "command" : argv[0]);
  return reply;
}

absl::StatusOr<std::vector<ReplyPtr>> RedisConnection::Pipeline(
    absl::Span<const std::vector<std::string_view>> commands) {
  if (broken_) return absl::FailedPreconditionError("redis connection is broken");
  std::vector<const char*> args;
  std::vector<size_t> lengths;
  for (const std::vector<std::string_view>& command : commands) {
    args.clear();
    lengths.clear();
    for (std::string_view a : command) {
      args.push_back(a.data());
      lengths.push_back(a.size());
    }
    // Only formats into hiredis' output buffer; nothing is sent yet.
    if (redisAppendCommandArgv(context_.get(), static_cast<int>(args.size()), args.data(),
                               lengths.data()) != REDIS_OK) {
      return Fail("pipeline append");
    }
  }
  std::vector<ReplyPtr> replies;
  replies.reserve(commands.size());
  errno = 0;
  for (size_t i = 0; i < commands.size(); ++i) {
    // The first call flushes the whole buffer, then each call reads one reply.
    void* raw = nullptr;
    if (redisGetReply(context_.get(), &raw) != REDIS_OK) return Fail("pipeline");
    replies.emplace_back(static_cast<redisReply*>(raw));
  }
  return replies;
}

absl::Status RedisConnection::Ping() {
  const std::string_view argv[] = {"PING"};
  absl::StatusOr<ReplyPtr> reply = Command(argv);
  if (!reply.ok()) return reply.status();
  return ReplyToOk(**reply, "PING");
}

absl::StatusOr<std::optional<std::string>> RedisConnection::Get(std::string_view key) {
  const std::string_view argv[] = {"GET", key};
  absl::StatusOr<ReplyPtr> reply = Command(argv);
  if (!reply.ok()) return reply.status();
  return ReplyToOptionalString(**reply);
}

absl::Status RedisConnection::Set(std::string_view key, std::string_view value,
                                  absl::Duration ttl) {
  absl::StatusOr<std::string> ms = TtlMillis(ttl);
  if (!ms.ok()) return ms.status();
  const std::string_view argv[] = {"SET", key, value, "PX", *ms};
  absl::StatusOr<ReplyPtr> reply = Command(argv);
  if (!reply.ok()) return reply.status();
  return ReplyToOk(**reply, "SET");
}

absl::StatusOr<int64_t> RedisConnection::Del(absl::Span<const std::string> keys) {
  if (keys.empty()) return 0;
  std::vector<std::string_view> argv;
  argv.reserve(keys.size() + 1);
  argv.push_back("DEL");
  argv.insert(argv.end(), keys.begin(), keys.end());
  absl::StatusOr<ReplyPtr> reply = Command(argv);
  if (!reply.ok()) return reply.status();
  if ((*reply)->type != REDIS_REPLY_INTEGER) {
    return absl::InternalError(absl::StrCat("redis DEL: unexpected reply type ", (*reply)->type));
  }
  return static_cast<int64_t>((*reply)->integer);
}

absl::StatusOr<std::vector<std::optional<std::string>>> RedisConnection::MGet(
    absl::Span<const std::string> keys) {
  std::vector<std::optional<std::string>> values;
  if (keys.empty()) return values;
  std::vector<std::vector<std::string_view>> commands;
  for (size_t begin = 0; begin < keys.size(); begin += kMGetChunk) {
    const size_t end = std::min(keys.size(), begin + kMGetChunk);
    std::vector<std::string_view>& argv = commands.emplace_back();
    argv.reserve(end - begin + 1);
    argv.push_back("MGET");
    argv.insert(argv.end(), keys.begin() + begin, keys.begin() + end);
  }
  absl::StatusOr<std::vector<ReplyPtr>> replies = Pipeline(commands);
  if (!replies.ok()) return replies.status();
  values.reserve(keys.size());
  for (size_t i = 0; i < replies->size(); ++i) {
    const redisReply& reply = *(*replies)[i];
    const size_t expected = commands[i].size() - 1;
    if (reply.type != REDIS_REPLY_ARRAY || reply.elements != expected) {
      if (reply.type == REDIS_REPLY_ERROR) return ReplyToOptionalString(reply).status();
      return absl::InternalError("redis MGET: unexpected reply shape");
    }
    for (size_t j = 0; j < reply.elements; ++j) {
      absl::StatusOr<std::optional<std::string>> value = ReplyToOptionalString(*reply.element[j]);
      if (!value.ok()) return value.status();
      values.push_back(*std::move(value));
    }
  }
  return values;
}

absl::Status RedisConnection::MSet(absl::Span<const SetEntry> entries) {
  if (entries.empty()) return absl::OkStatus();
  // The commands view into these strings, so they must outlive Pipeline().
  std::vector<std::string> ttls;
  ttls.reserve(entries.size());
  for (const SetEntry& e : entries) {
    absl::StatusOr<std::string> ms = TtlMillis(e.ttl);
    if (!ms.ok()) return ms.status();
    ttls.push_back(*std::move(ms));
  }
  std::vector<std::vector<std::string_view>> commands;
  commands.reserve(entries.size());
  for (size_t i = 0; i < entries.size(); ++i) {
    commands.push_back({"SET", entries[i].key, entries[i].value, "PX", ttls[i]});
  }
  absl::StatusOr<std::vector<ReplyPtr>> replies = Pipeline(commands);
  if (!replies.ok()) return replies.status();
  for (const ReplyPtr& reply : *replies) {
    if (absl::Status s = ReplyToOk(*reply, "SET"); !s.ok()) return s;
  }
  return absl::OkStatus();
}

RedisOptions RedisOptionsFor(std::string_view address, int pool_size, absl::Duration timeout,
                             std::string_view password) {
  RedisOptions options;
  const size_t colon = address.rfind(':');
  options.host = std::string(address.substr(0, colon));
  options.port = std::stoi(std::string(address.substr(colon + 1)));
  options.pool_size = pool_size;
  options.command_timeout = timeout;
  options.connect_timeout = timeout * 4;
  if (!password.empty()) options.password = std::string(password);
  return options;
}

}  // namespace microreach::redis
