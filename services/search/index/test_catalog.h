// Deterministic random creators and filters shared by the index tests and
// the benchmark: a tiny xorshift generator, so runs are reproducible
// everywhere without <random>'s implementation-defined distributions.
#ifndef MICROREACH_SERVICES_SEARCH_INDEX_TEST_CATALOG_H_
#define MICROREACH_SERVICES_SEARCH_INDEX_TEST_CATALOG_H_

#include <cstdint>
#include <string>
#include <vector>

#include "microreach/common/v1/creator.pb.h"
#include "services/search/index/search_query.h"

namespace microreach::search::testing {

class Rng {
 public:
  explicit Rng(uint64_t seed) : s_(seed * 0x9E3779B97F4A7C15ull + 1) {}
  uint64_t Next() {
    s_ ^= s_ << 13;
    s_ ^= s_ >> 7;
    s_ ^= s_ << 17;
    return s_;
  }
  // Uniform in [0, n).
  uint32_t Uniform(uint32_t n) { return static_cast<uint32_t>((Next() >> 11) % n); }
  double Unit() { return static_cast<double>(Next() >> 11) / 9007199254740992.0; }
  bool Chance(double p) { return Unit() < p; }
  // Zipf-like: small indexes much more likely (for realistic term skew).
  uint32_t Skewed(uint32_t n) {
    const double u = Unit();
    return static_cast<uint32_t>(static_cast<double>(n) * u * u * u) % n;
  }

 private:
  uint64_t s_;
};

// Vocabulary sizes for one catalog: the test uses small ones (many
// collisions, ties, repeated values), the benchmark realistic ones.
struct CatalogShape {
  uint32_t countries = 12;
  uint32_t cities = 10;
  uint32_t languages = 7;
  uint32_t interests = 12;
  uint32_t bio_words = 40;
  uint32_t caption_words = 30;
  uint32_t hashtags = 30;
  uint32_t mentions = 15;
  uint32_t brands = 15;
  uint32_t persons_divisor = 3;  // about docs / divisor distinct persons
  // Per-creator list lengths.
  int bio_len = 8;
  int caption_len = 5;
  int hashtag_len = 5;
  int audience_len = 12;
  bool small_followers = true;  // draw followers from few values (ties)
};

std::string CountryCode(uint32_t i);
// A random creator "c<id>" drawn from `shape`.
common::v1::Creator RandomCreator(Rng& rng, uint32_t id, const CatalogShape& shape,
                                  int64_t now_seconds);
// Random direction (30% ascending), limit 1..30, offset (30% of the time,
// below `max_offset`) and up to three facets for a random query.
void RandomPaging(Rng& rng, uint32_t max_offset, SearchQuery& q);
// One of the ten sort fields (unspecified included), uniformly.
v1::SortField RandomSortField(Rng& rng);

}  // namespace microreach::search::testing

#endif  // MICROREACH_SERVICES_SEARCH_INDEX_TEST_CATALOG_H_
