// CatalogGenerator: deterministic synthetic creator profiles for load tests,
// benches and demos. Profile i is a pure function of (seed, i).
#ifndef MICROREACH_TOOLS_CATALOG_GEN_CATALOG_GENERATOR_H_
#define MICROREACH_TOOLS_CATALOG_GEN_CATALOG_GENERATOR_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "microreach/common/v1/creator.pb.h"
#include "tools/catalog_gen/vocabulary.h"

namespace microreach::catalog_gen {

// Relative weight of one platform in the catalog.
struct PlatformWeight {
  common::v1::Platform platform;
  double weight;
};

// Instagram 45%, TikTok 27%, YouTube 17%, the other seven platforms 11%.
std::vector<PlatformWeight> DefaultPlatformMix();

struct GeneratorOptions {
  // Different seeds give unrelated catalogs.
  uint64_t seed = 1;
  // Platforms and their relative weights; weights need not sum to 1.
  std::vector<PlatformWeight> platform_mix = DefaultPlatformMix();
  // The catalog's "now": last posts, growth windows and record times fall
  // before it. Fixed, so output never depends on the wall clock.
  absl::Time reference_time = absl::FromUnixSeconds(1767225600);  // 2026-01-01T00:00:00Z
  // Approximate share of accounts carrying fake-follower signals (low
  // credibility, follower spikes, low engagement, low reachability).
  double fake_share = 0.15;
  // Approximate share of accounts whose person owns another account in the
  // catalog (same person_id, display name, country and categories).
  double linked_share = 0.10;
};

// OK, or INVALID_ARGUMENT naming the bad option: an unknown platform, a
// negative weight or no positive one, fake_share outside [0, 1],
// linked_share outside [0, 0.5].
absl::Status ValidateOptions(const GeneratorOptions& options);

// The default tier bounds of types.proto: nano < 10k, micro < 100k,
// macro < 1M, country < 10M, global >= 10M.
common::v1::Tier TierForFollowers(int64_t followers);

// Indices are folded into 40-bit ids; larger indices would repeat ids.
inline constexpr uint64_t kMaxIndex = (uint64_t{1} << 40) - 1;

// Thread-safe (all methods const, no shared mutable state), so any number of
// threads can generate disjoint or overlapping index ranges.
//
// Example:
//   CatalogGenerator generator(GeneratorOptions{.seed = 42});
//   common::v1::Creator c = generator.Generate(0);  // same bytes every run
class CatalogGenerator {
 public:
  // Precondition: ValidateOptions(options).ok().
  explicit CatalogGenerator(GeneratorOptions options);

  // Precondition: index <= kMaxIndex.
  common::v1::Creator Generate(uint64_t index) const;
  // Same as Generate, into *creator (cleared first). Reusing one message
  // keeps its allocations, which is the fast path for bulk output.
  void GenerateInto(uint64_t index, common::v1::Creator* creator) const;

  const GeneratorOptions& options() const { return options_; }

 private:
  struct Slot;
  struct Person;

  Slot SlotOf(uint64_t index) const;
  void MakePerson(const Slot& slot, Person* person) const;
  common::v1::Platform PlatformOf(uint64_t index, const Slot& slot, const Person& person) const;
  int64_t FollowersOf(uint64_t index, const Person& person) const;
  void AppendHandle(const Person& person, int position, common::v1::Platform platform,
                    std::string* out) const;
  void AppendCreatorId(uint64_t index, common::v1::Platform platform, std::string* out) const;
  uint64_t AccountKey(uint64_t index) const;
  common::v1::Platform SamplePlatform(double u) const;

  GeneratorOptions options_;
  uint64_t seed_key_;
  // Cumulative platform weights, parallel to options_.platform_mix.
  std::vector<double> platform_cdf_;
  int positive_platforms_;
  // UTC year of reference_time, for birth years.
  int reference_year_;
  double linked_block_probability_;
};

}  // namespace microreach::catalog_gen

#endif  // MICROREACH_TOOLS_CATALOG_GEN_CATALOG_GENERATOR_H_
