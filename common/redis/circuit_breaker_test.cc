// Unit tests of the CircuitBreaker state machine, driven by a fake clock.
#include "common/redis/circuit_breaker.h"

#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace microreach::redis {
namespace {

using State = CircuitBreaker::State;
using ::testing::ElementsAre;

class CircuitBreakerTest : public ::testing::Test {
 protected:
  CircuitBreakerOptions options_{.failure_threshold = 3, .cool_down = absl::Seconds(10)};
  absl::Time now_ = absl::FromUnixSeconds(1'700'000'000);
  std::vector<State> transitions_;
  CircuitBreaker breaker_{options_, [this] { return now_; },
                          [this](State s) { transitions_.push_back(s); }};

  void Fail(int times) {
    for (int i = 0; i < times; ++i) {
      ASSERT_TRUE(breaker_.Allow());
      breaker_.RecordFailure();
    }
  }
};

TEST_F(CircuitBreakerTest, StaysClosedBelowTheThreshold) {
  Fail(2);
  EXPECT_EQ(breaker_.state(), State::kClosed);
  EXPECT_TRUE(breaker_.Allow());
}

TEST_F(CircuitBreakerTest, ASuccessResetsTheFailureCount) {
  Fail(2);
  breaker_.RecordSuccess();
  Fail(2);
  EXPECT_EQ(breaker_.state(), State::kClosed);
}

TEST_F(CircuitBreakerTest, OpensAfterConsecutiveFailuresAndSkipsForTheCoolDown) {
  Fail(3);
  EXPECT_EQ(breaker_.state(), State::kOpen);
  EXPECT_FALSE(breaker_.Allow());
  now_ += absl::Seconds(10) - absl::Milliseconds(1);
  EXPECT_FALSE(breaker_.Allow());
}

TEST_F(CircuitBreakerTest, HalfOpenLetsExactlyOneProbeThrough) {
  Fail(3);
  now_ += absl::Seconds(10);
  EXPECT_TRUE(breaker_.Allow());
  EXPECT_EQ(breaker_.state(), State::kHalfOpen);
  EXPECT_FALSE(breaker_.Allow());
  EXPECT_FALSE(breaker_.Allow());
}

TEST_F(CircuitBreakerTest, ProbeSuccessCloses) {
  Fail(3);
  now_ += absl::Seconds(10);
  ASSERT_TRUE(breaker_.Allow());
  breaker_.RecordSuccess();
  EXPECT_EQ(breaker_.state(), State::kClosed);
  EXPECT_TRUE(breaker_.Allow());
  EXPECT_THAT(transitions_, ElementsAre(State::kOpen, State::kHalfOpen, State::kClosed));
}

TEST_F(CircuitBreakerTest, ProbeFailureReopensForAFullCoolDown) {
  Fail(3);
  now_ += absl::Seconds(10);
  ASSERT_TRUE(breaker_.Allow());
  breaker_.RecordFailure();
  EXPECT_EQ(breaker_.state(), State::kOpen);
  now_ += absl::Seconds(9);
  EXPECT_FALSE(breaker_.Allow());
  now_ += absl::Seconds(1);
  EXPECT_TRUE(breaker_.Allow());
  EXPECT_THAT(transitions_,
              ElementsAre(State::kOpen, State::kHalfOpen, State::kOpen, State::kHalfOpen));
}

TEST_F(CircuitBreakerTest, ASilentProbeIsReplacedAfterAnotherCoolDown) {
  Fail(3);
  now_ += absl::Seconds(10);
  ASSERT_TRUE(breaker_.Allow());  // This probe never reports back.
  now_ += absl::Seconds(5);
  EXPECT_FALSE(breaker_.Allow());
  now_ += absl::Seconds(5);
  EXPECT_TRUE(breaker_.Allow());
  EXPECT_EQ(breaker_.state(), State::kHalfOpen);
}

TEST_F(CircuitBreakerTest, LateResultsWhileOpenDoNotChangeIt) {
  // Calls that started before the breaker opened report afterwards.
  Fail(3);
  now_ += absl::Seconds(6);
  breaker_.RecordFailure();
  breaker_.RecordSuccess();
  EXPECT_EQ(breaker_.state(), State::kOpen);
  now_ += absl::Seconds(4);  // Cool-down counted from the opening, not the late failure.
  EXPECT_TRUE(breaker_.Allow());
}

TEST(CircuitBreakerDefaultClockTest, UsesTheRealClock) {
  CircuitBreaker breaker({.failure_threshold = 1, .cool_down = absl::ZeroDuration()});
  breaker.RecordFailure();
  EXPECT_EQ(breaker.state(), State::kOpen);
  EXPECT_TRUE(breaker.Allow());
  EXPECT_EQ(breaker.state(), State::kHalfOpen);
}

}  // namespace
}  // namespace microreach::redis
