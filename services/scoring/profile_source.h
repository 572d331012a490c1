// ProfileSource: the profiles a scoring call needs, read from the shared
// Redis hot-profile cache with one pipelined multi-get, and from
// search.BatchGetCreators for the misses. Read-only on the cache: search
// fills it when it serves the misses.
#ifndef MICROREACH_SERVICES_SCORING_PROFILE_SOURCE_H_
#define MICROREACH_SERVICES_SCORING_PROFILE_SOURCE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "common/redis/circuit_breaker.h"
#include "common/redis/redis_pool.h"
#include "google/protobuf/arena.h"
#include "microreach/common/v1/creator.pb.h"
#include "prometheus/counter.h"
#include "prometheus/registry.h"

namespace microreach::scoring {

// Parses the serialized profile `bytes` into `out` (cleared first), keeping
// only what the scoring models read: creator_id, platform, person_id,
// country_code, categories, stats without price and measure time, and the
// audience without cities, brand affinities and measure time. Skipping the content signals (bio,
// hashtags, captions) and the rest saves most of a full parse. False if malformed.
//
// `skip` leaves out more: audience languages and interests are only read by
// the audience fit of a brief that targets them, and each is a string per
// entry to allocate and free.
struct ProfileParts {
  bool audience_languages = true;
  bool audience_interests = true;
};
bool ParseProfileForScoring(std::string_view bytes, common::v1::Creator* out,
                            const ProfileParts& parts = {});

// What an outgoing call carries on behalf of the caller.
struct CallContext {
  // Deadline of the outgoing call, already derived from the caller's.
  absl::Time deadline = absl::InfiniteFuture();
  // The caller's "authorization" metadata value, forwarded as is.
  std::string authorization;
};

// The source of truth behind the cache (search.BatchGetCreators).
class CreatorLoader {
 public:
  virtual ~CreatorLoader() = default;
  // The profiles of `ids` that exist, in any order; an id not returned is not
  // in the catalog. Errors are the peer's (UNAVAILABLE, DEADLINE_EXCEEDED...).
  virtual absl::StatusOr<std::vector<common::v1::Creator>> BatchGet(
      absl::Span<const std::string> ids, const CallContext& call) = 0;
};

struct ProfileSourceOptions {
  // Same key and sentinel as redis::ProfileCacheOptions, which search writes.
  std::string key_prefix = "mr:v1:profile:";
  std::string negative_sentinel = std::string(
      "\xff"
      "mr:absent",
      10);
  redis::CircuitBreakerOptions breaker;
};

// Thread-safe.
//
// Fail-open: a Redis error or timeout (or an open breaker) sends every id to
// the loader; it is counted, never returned. A cached value that does not
// parse is treated as a miss. The negative sentinel means "not in the
// catalog" without asking search.
//
// Metrics: microreach_cache_requests_total{cache="profile",result="hit|miss|
// negative_hit|bypass"} and microreach_cache_errors_total{cache="profile",
// op="acquire|mget|parse"}, the same families search's ProfileCache exports.
//
// Example:
//   ProfileSource source(&pool, loader, {}, registry);
//   google::protobuf::Arena arena;
//   auto creators = source.Fetch(ids, call, &arena);  // nullptr = missing
class ProfileSource {
 public:
  // `pool` may be null (no Redis configured); `loader`, `registry` and `pool`
  // must outlive the source.
  ProfileSource(redis::RedisPool* pool, CreatorLoader& loader, ProfileSourceOptions options,
                prometheus::Registry& registry);

  // Profiles in the order of `ids` (distinct), allocated on `arena`; nullptr
  // for an id not in the catalog. Fails only when the loader fails.
  // `parts` says which optional parts of cached profiles to parse; profiles
  // from search come whole.
  absl::StatusOr<std::vector<const common::v1::Creator*>> Fetch(absl::Span<const std::string> ids,
                                                                const CallContext& call,
                                                                google::protobuf::Arena* arena,
                                                                const ProfileParts& parts = {});

 private:
  redis::RedisPool* pool_;
  CreatorLoader& loader_;
  const ProfileSourceOptions options_;
  redis::CircuitBreaker breaker_;
  prometheus::Counter* hit_;
  prometheus::Counter* miss_;
  prometheus::Counter* negative_hit_;
  prometheus::Counter* bypass_;
  prometheus::Counter* acquire_errors_;
  prometheus::Counter* mget_errors_;
  prometheus::Counter* parse_errors_;
};

}  // namespace microreach::scoring

#endif  // MICROREACH_SERVICES_SCORING_PROFILE_SOURCE_H_
