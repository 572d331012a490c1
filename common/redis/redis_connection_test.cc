// Integration tests of RedisConnection against a real redis-server.
#include "common/redis/redis_connection.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/fixtures/free_port.h"
#include "tests/fixtures/redis_server.h"

namespace microreach::redis {
namespace {

using ::microreach::testing::RedisServer;
using ::testing::HasSubstr;

class RedisConnectionTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new RedisServer();
    const absl::Status started = server_->Start();
    ASSERT_TRUE(started.ok()) << started;
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  void SetUp() override {
    options_.port = server_->port();
    conn_ = Connect();
    const std::string_view flush[] = {"FLUSHALL"};
    ASSERT_TRUE(conn_->Command(flush).ok());
  }

  std::unique_ptr<RedisConnection> Connect() {
    auto c = RedisConnection::Connect(options_);
    EXPECT_TRUE(c.ok()) << c.status();
    return c.ok() ? *std::move(c) : nullptr;
  }

  int64_t Pttl(std::string_view key) {
    const std::string_view argv[] = {"PTTL", key};
    auto reply = conn_->Command(argv);
    return reply.ok() ? (*reply)->integer : -100;
  }

  // Calls of one command since the suite's server started (INFO commandstats).
  int64_t Calls(RedisConnection& c, std::string_view command) {
    const std::string_view argv[] = {"INFO", "commandstats"};
    auto reply = c.Command(argv);
    if (!reply.ok()) return -1;
    const std::string info((*reply)->str, (*reply)->len);
    const std::string needle = "cmdstat_" + std::string(command) + ":calls=";
    const size_t at = info.find(needle);
    return at == std::string::npos ? 0 : std::stoll(info.substr(at + needle.size()));
  }

  static RedisServer* server_;
  RedisOptions options_;
  std::unique_ptr<RedisConnection> conn_;
};

RedisServer* RedisConnectionTest::server_ = nullptr;

TEST_F(RedisConnectionTest, SetWithTtlGetAndDel) {
  auto missing = conn_->Get("k");
  ASSERT_TRUE(missing.ok()) << missing.status();
  EXPECT_FALSE(missing->has_value());

  ASSERT_TRUE(conn_->Set("k", "v1", absl::Seconds(30)).ok());
  auto got = conn_->Get("k");
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->value_or(""), "v1");
  EXPECT_GT(Pttl("k"), 29'000);
  EXPECT_LE(Pttl("k"), 30'000);

  const std::vector<std::string> keys = {"k", "absent"};
  auto deleted = conn_->Del(keys);
  ASSERT_TRUE(deleted.ok()) << deleted.status();
  EXPECT_EQ(*deleted, 1);
  EXPECT_FALSE(conn_->Get("k")->has_value());
}

TEST_F(RedisConnectionTest, ValuesAreBinarySafe) {
  const std::string value("\0\xff\x01proto\0bytes", 13);
  ASSERT_TRUE(conn_->Set(std::string("key\0with-nul", 12), value, absl::Seconds(5)).ok());
  auto got = conn_->Get(std::string("key\0with-nul", 12));
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->value_or(""), value);
}

TEST_F(RedisConnectionTest, NonPositiveTtlIsRejectedBeforeSending) {
  EXPECT_TRUE(absl::IsInvalidArgument(conn_->Set("k", "v", absl::ZeroDuration())));
  EXPECT_FALSE(conn_->broken());
}

TEST_F(RedisConnectionTest, PipelinedMSetAndMGetOfManyKeysKeepOrder) {
  constexpr int kKeys = 1000;
  std::vector<SetEntry> entries;
  std::vector<std::string> keys;
  for (int i = 0; i < kKeys; ++i) {
    keys.push_back(absl::StrCat("key:", i));
    // Every third key is left unset to check that misses keep their slot.
    if (i % 3 != 0) entries.push_back({keys.back(), absl::StrCat("value:", i), absl::Seconds(60)});
  }
  auto admin = Connect();
  const int64_t sets_before = Calls(*admin, "set");
  const int64_t mgets_before = Calls(*admin, "mget");

  ASSERT_TRUE(conn_->MSet(entries).ok());
  auto values = conn_->MGet(keys);
  ASSERT_TRUE(values.ok()) << values.status();
  ASSERT_EQ(values->size(), static_cast<size_t>(kKeys));
  for (int i = 0; i < kKeys; ++i) {
    if (i % 3 == 0) {
      EXPECT_FALSE((*values)[i].has_value()) << i;
    } else {
      EXPECT_EQ((*values)[i].value_or(""), absl::StrCat("value:", i)) << i;
    }
  }
  EXPECT_EQ(Calls(*admin, "set") - sets_before, static_cast<int64_t>(entries.size()));
  // 1000 keys in chunks of 256: four MGETs, sent in one pipeline.
  EXPECT_EQ(Calls(*admin, "mget") - mgets_before, 4);
}

TEST_F(RedisConnectionTest, ErrorReplyIsAnErrorButKeepsTheConnection) {
  const std::string_view push[] = {"RPUSH", "list", "x"};
  ASSERT_TRUE(conn_->Command(push).ok());
  auto got = conn_->Get("list");
  EXPECT_TRUE(absl::IsInternal(got.status())) << got.status();
  EXPECT_THAT(got.status().message(), HasSubstr("WRONGTYPE"));
  EXPECT_FALSE(conn_->broken());
  EXPECT_TRUE(conn_->Ping().ok());
}

TEST_F(RedisConnectionTest, CommandTimeoutBreaksTheConnectionForGood) {
  options_.command_timeout = absl::Milliseconds(50);
  auto conn = Connect();
  // Blocks server-side for 2 s, far past the 50 ms command timeout.
  const std::string_view blpop[] = {"BLPOP", "nothing", "2"};
  const absl::Time start = absl::Now();
  auto reply = conn->Command(blpop);
  EXPECT_TRUE(absl::IsDeadlineExceeded(reply.status())) << reply.status();
  EXPECT_LT(absl::Now() - start, absl::Seconds(1));
  EXPECT_TRUE(conn->broken());
  // Never reused, even though the server is fine.
  EXPECT_TRUE(absl::IsFailedPrecondition(conn->Ping()));
}

TEST_F(RedisConnectionTest, ServerClosingTheConnectionBreaksIt) {
  auto victim = Connect();
  const std::string_view id[] = {"CLIENT", "ID"};
  auto victim_id = victim->Command(id);
  ASSERT_TRUE(victim_id.ok());
  const std::string id_text = absl::StrCat((*victim_id)->integer);
  const std::string_view kill[] = {"CLIENT", "KILL", "ID", id_text};
  ASSERT_TRUE(conn_->Command(kill).ok());

  auto got = victim->Get("k");
  EXPECT_TRUE(absl::IsUnavailable(got.status())) << got.status();
  EXPECT_TRUE(victim->broken());
}

TEST(RedisConnectTest, NothingListeningIsUnavailable) {
  RedisOptions options;
  options.port = microreach::testing::FreePort();
  auto conn = RedisConnection::Connect(options);
  EXPECT_TRUE(absl::IsUnavailable(conn.status())) << conn.status();
}

TEST(RedisConnectTest, AuthAndSelect) {
  RedisServer server({"--requirepass", "s3cret"});
  ASSERT_TRUE(server.Start().ok());
  RedisOptions options;
  options.port = server.port();
  options.password = "s3cret";
  options.db = 3;
  auto conn = RedisConnection::Connect(options);
  ASSERT_TRUE(conn.ok()) << conn.status();
  ASSERT_TRUE((*conn)->Set("k", "v", absl::Seconds(5)).ok());

  // The key went to db 3, not db 0.
  options.db = 0;
  auto db0 = RedisConnection::Connect(options);
  ASSERT_TRUE(db0.ok()) << db0.status();
  EXPECT_FALSE((*db0)->Get("k")->has_value());

  options.password = "wrong";
  auto rejected = RedisConnection::Connect(options);
  EXPECT_TRUE(absl::IsPermissionDenied(rejected.status())) << rejected.status();
  EXPECT_THAT(rejected.status().message(), ::testing::Not(HasSubstr("wrong")));
}

}  // namespace
}  // namespace microreach::redis
