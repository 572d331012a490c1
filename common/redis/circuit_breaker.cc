// CircuitBreaker state machine: closed -> open after N consecutive failures,
// open -> half-open after the cool-down, half-open -> closed or open by probe.
#include "common/redis/circuit_breaker.h"

#include <utility>

namespace microreach::redis {

CircuitBreaker::CircuitBreaker(CircuitBreakerOptions options, Clock clock, Listener listener)
    : options_(options),
      clock_(clock ? std::move(clock) : Clock([] { return absl::Now(); })),
      listener_(std::move(listener)) {}

bool CircuitBreaker::Allow() {
  absl::MutexLock lock(&mu_);
  if (state_ == State::kClosed) return true;
  // Open, or half-open with a probe already out: a (new) probe is let through
  // only once the breaker has been quiet for a whole cool-down.
  const absl::Time now = clock_();
  if (now - since_ < options_.cool_down) return false;
  since_ = now;
  TransitionTo(State::kHalfOpen);
  return true;
}

void CircuitBreaker::RecordSuccess() {
  absl::MutexLock lock(&mu_);
  consecutive_failures_ = 0;
  // A success from a call that started before the breaker opened says little
  // about now; only the half-open probe may close the breaker.
  if (state_ == State::kHalfOpen) TransitionTo(State::kClosed);
}

void CircuitBreaker::RecordFailure() {
  absl::MutexLock lock(&mu_);
  ++consecutive_failures_;
  if (state_ == State::kHalfOpen ||
      (state_ == State::kClosed && consecutive_failures_ >= options_.failure_threshold)) {
    since_ = clock_();
    TransitionTo(State::kOpen);
  }
  // Already open: keep the original cool-down, so late failures of calls that
  // started before the breaker opened do not postpone the probe.
}

CircuitBreaker::State CircuitBreaker::state() const {
  absl::MutexLock lock(&mu_);
  return state_;
}

void CircuitBreaker::TransitionTo(State state) {
  if (state == state_) return;
  state_ = state;
  // Under the lock so that listeners see transitions in order.
  if (listener_) listener_(state);
}

}  // namespace microreach::redis
