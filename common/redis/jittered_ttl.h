// JitteredTtl: cache TTLs spread around a base value so that entries filled
// together (a batch, a warm-up) do not all expire, and miss, together.
#ifndef MICROREACH_COMMON_REDIS_JITTERED_TTL_H_
#define MICROREACH_COMMON_REDIS_JITTERED_TTL_H_

#include <functional>
#include <random>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace microreach::redis {

// Thread-safe. Next() returns a duration uniformly spread over
// [base * (1 - fraction), base * (1 + fraction)], rounded to whole
// milliseconds (Redis PX granularity) and never below 1 ms.
//
// Example:
//   JitteredTtl ttl(absl::Minutes(10), 0.1);  // 9 to 11 minutes
//   conn.Set(key, value, ttl.Next());
class JitteredTtl {
 public:
  // Returns a uniform double in [0, 1). Inject one for deterministic tests.
  using UniformSource = std::function<double()>;

  // Precondition: base > 0 and 0 <= fraction < 1. A null source uses an
  // internal generator seeded from std::random_device.
  JitteredTtl(absl::Duration base, double fraction, UniformSource source = nullptr);

  absl::Duration Next();
  absl::Duration min() const;
  absl::Duration max() const;

 private:
  double Uniform();

  const absl::Duration base_;
  const double fraction_;
  const UniformSource source_;
  absl::Mutex mu_;
  std::mt19937_64 engine_ ABSL_GUARDED_BY(mu_);
};

}  // namespace microreach::redis

#endif  // MICROREACH_COMMON_REDIS_JITTERED_TTL_H_
