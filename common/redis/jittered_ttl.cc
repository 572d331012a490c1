// JitteredTtl: base TTL scaled by a uniform factor in [1 - f, 1 + f].
#include "common/redis/jittered_ttl.h"

#include <algorithm>
#include <utility>

namespace microreach::redis {

JitteredTtl::JitteredTtl(absl::Duration base, double fraction, UniformSource source)
    : base_(base),
      fraction_(fraction),
      source_(std::move(source)),
      engine_(std::random_device{}()) {}

double JitteredTtl::Uniform() {
  if (source_) return source_();
  absl::MutexLock lock(&mu_);
  return std::uniform_real_distribution<double>(0.0, 1.0)(engine_);
}

absl::Duration JitteredTtl::Next() {
  const double u = std::clamp(Uniform(), 0.0, 1.0);
  const double factor = 1.0 - fraction_ + 2.0 * fraction_ * u;
  // Round to the nearest millisecond, then keep inside the advertised bounds.
  const absl::Duration rounded =
      absl::Floor(base_ * factor + absl::Microseconds(500), absl::Milliseconds(1));
  return std::clamp(rounded, min(), max());
}

absl::Duration JitteredTtl::min() const {
  return std::max(absl::Milliseconds(1),
                  absl::Ceil(base_ * (1.0 - fraction_), absl::Milliseconds(1)));
}

absl::Duration JitteredTtl::max() const {
  return std::max(min(), absl::Floor(base_ * (1.0 + fraction_), absl::Milliseconds(1)));
}

}  // namespace microreach::redis
