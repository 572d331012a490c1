// CircuitBreaker: skips a failing dependency for a cool-down, then lets one
// probe through (half-open) to decide whether to close again.
#ifndef MICROREACH_COMMON_REDIS_CIRCUIT_BREAKER_H_
#define MICROREACH_COMMON_REDIS_CIRCUIT_BREAKER_H_

#include <functional>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace microreach::redis {

struct CircuitBreakerOptions {
  // Consecutive failures that open the breaker. One success resets the count.
  int failure_threshold = 5;
  // How long an open breaker skips the dependency before probing it.
  absl::Duration cool_down = absl::Seconds(1);
};

// Thread-safe. States: closed (all calls go through), open (none do until
// the cool-down ends), half-open (exactly one probe goes through; its outcome
// closes or re-opens the breaker). A probe that never reports back is
// replaced by a new one after another cool-down, so the breaker cannot stick
// in half-open.
//
// Every call for which Allow() returned true must be followed by exactly one
// RecordSuccess() or RecordFailure().
//
// Example:
//   CircuitBreaker breaker({.failure_threshold = 3, .cool_down = absl::Seconds(2)});
//   if (breaker.Allow()) {
//     absl::Status s = CallRedis();
//     s.ok() ? breaker.RecordSuccess() : breaker.RecordFailure();
//   } else {
//     // Skip Redis; go to the source of truth.
//   }
class CircuitBreaker {
 public:
  // Values are those of the microreach_cache_breaker_state gauge.
  enum class State { kClosed = 0, kOpen = 1, kHalfOpen = 2 };
  using Clock = std::function<absl::Time()>;
  // Called with the new state on every transition, in order, under the
  // breaker's lock: it must be quick and must not call back into the breaker.
  using Listener = std::function<void(State)>;

  explicit CircuitBreaker(CircuitBreakerOptions options, Clock clock = nullptr,
                          Listener listener = nullptr);

  // Whether the caller may use the dependency now.
  bool Allow();
  void RecordSuccess();
  void RecordFailure();
  State state() const;

 private:
  void TransitionTo(State state) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const CircuitBreakerOptions options_;
  const Clock clock_;
  const Listener listener_;
  mutable absl::Mutex mu_;
  State state_ ABSL_GUARDED_BY(mu_) = State::kClosed;
  int consecutive_failures_ ABSL_GUARDED_BY(mu_) = 0;
  // When the breaker opened, or when the current half-open probe started.
  absl::Time since_ ABSL_GUARDED_BY(mu_);
};

}  // namespace microreach::redis

#endif  // MICROREACH_COMMON_REDIS_CIRCUIT_BREAKER_H_
