// CreatorIndex: ingest into columns and postings, query compilation, the
// candidate planner, top-k, facets and lookalikes (see creator_index.h and
// docs/search-index.md).
#include "services/search/index/creator_index.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <deque>
#include <limits>
#include <thread>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "services/search/index/query_pool.h"
#include "services/search/index/term_index.h"
#include "services/search/index/text.h"

namespace microreach::search {

namespace cv1 = ::microreach::common::v1;

namespace {

constexpr uint8_t kVerified = 1;
constexpr uint8_t kPrivate = 2;
constexpr uint8_t kHasEmail = 4;
constexpr uint8_t kHasPhone = 8;
constexpr int64_t kUnknownPrice = std::numeric_limits<int64_t>::min();
constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();
constexpr double kDefaultLookalike = 0.7;
// BM25 with term frequency 1 (keyword lists are sets; bios rarely repeat a
// word), per-field weights favouring handle and display name.
constexpr double kBm25K1 = 1.2;
constexpr double kBm25B = 0.75;
constexpr std::array<double, 4> kFieldWeight = {1.0, 1.0, 1.5, 2.0};

float OptFloat(bool has, double v) {
  if (!has || !std::isfinite(v)) return kNaN;
  return static_cast<float>(v);
}

uint32_t ClampU32(int64_t v) {
  if (v <= 0) return 0;
  if (v > int64_t{0xFFFFFFFF}) return 0xFFFFFFFFu;
  return static_cast<uint32_t>(v);
}

// The named entries of one audience list as (share, normalised name), largest
// share first, ties in the list's order: the part of picking the top values
// that needs no vocabulary, so it runs before the write lock.
template <typename Entries, typename Key>
void SortShares(const Entries& entries, Key key,
                std::vector<std::pair<double, std::string>>* vals) {
  vals->clear();
  for (const auto& e : entries) {
    std::string name = key(e);
    if (name.empty()) continue;
    const double s = std::isnan(e.share()) ? 0.0 : e.share();
    vals->emplace_back(s, std::move(name));
  }
  std::stable_sort(vals->begin(), vals->end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
}

// Keeps the k largest-share distinct values of a SortShares list, ids from
// `intern`, shares quantised.
template <typename Intern, typename Id>
void PickTopShares(const std::vector<std::pair<double, std::string>>& vals, Intern intern, int k,
                   Id* ids, uint8_t* shares) {
  int n = 0;
  for (const auto& [s, name] : vals) {
    if (n == k) break;
    const uint32_t id = intern(name);
    if (id == 0) continue;
    bool dup = false;
    for (int j = 0; j < n; ++j) dup = dup || ids[j] == id;
    if (dup) continue;
    ids[n] = static_cast<Id>(id);
    shares[n] = QuantizeShare(s);
    ++n;
  }
  for (; n < k; ++n) {
    ids[n] = 0;
    shares[n] = 0;
  }
}

// The (field, term) pairs keyword relevance scores, in a fixed order so every
// partition sums the same contributions in the same order.
std::vector<std::pair<int, std::string>> ScoringTerms(const SearchQuery& q) {
  std::vector<std::pair<int, std::string>> out;
  auto add = [&](int field, std::string term) {
    for (const auto& e : out) {
      if (e.first == field && e.second == term) return;
    }
    out.emplace_back(field, std::move(term));
  };
  for (const std::string& w : Words(q.text)) {
    for (int f = 0; f < 4; ++f) add(f, w);
  }
  const auto& c = q.filter.content();
  for (const std::string& t : c.bio_keywords().include()) {
    for (const std::string& w : Words(t)) add(0, w);
  }
  for (const std::string& t : c.caption_keywords().include()) {
    for (const std::string& w : Words(t)) add(1, w);
  }
  for (const std::string& t : c.hashtags().include()) add(2, NormalizeTag(t));
  return out;
}

// Scratch bitsets reused by the searches of one thread, so a query does not
// fault in fresh pages for every bitset.
std::vector<uint64_t>& Scratch(int i) {
  thread_local std::array<std::vector<uint64_t>, 3> scratch;
  return scratch[static_cast<size_t>(i)];
}

}  // namespace

uint64_t PersonKey(absl::string_view person_id) {
  if (person_id.empty()) return 0;
  uint64_t h = 1469598103934665603ull;
  for (char c : person_id) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ull;
  }
  return h == 0 ? 1 : h;
}

// ---------------------------------------------------------------------------
// IdTable

IdTable::IdTable() : live_(0, Hash{this}, Eq{this}) {}

absl::string_view IdTable::View(uint32_t doc) const {
  const uint64_t loc = loc_[doc];
  const char* base = chunks_[loc >> 32].get();
  return absl::string_view(base + ((loc >> 8) & 0xFFFFFF), loc & 0xFF);
}

int64_t IdTable::Find(absl::string_view id) const {
  auto it = live_.find(id);
  return it == live_.end() ? -1 : static_cast<int64_t>(*it);
}

void IdTable::Append(uint32_t doc, absl::string_view id) {
  if (chunk_used_ + id.size() > kChunkBytes) {
    chunks_.push_back(std::make_unique<char[]>(kChunkBytes));
    chunk_used_ = 0;
  }
  std::memcpy(chunks_.back().get() + chunk_used_, id.data(), id.size());
  loc_.push_back((static_cast<uint64_t>(chunks_.size() - 1) << 32) |
                 (static_cast<uint64_t>(chunk_used_) << 8) | id.size());
  chunk_used_ += id.size();
  (void)doc;  // == loc_.size() - 1 by contract
  live_.insert(static_cast<uint32_t>(loc_.size() - 1));
}

void IdTable::Erase(absl::string_view id) {
  auto it = live_.find(id);
  if (it != live_.end()) live_.erase(it);
}

void IdTable::Reserve(size_t docs) {
  loc_.reserve(docs);
  live_.reserve(docs);
}

void IdTable::Compact(const std::vector<uint32_t>& remap, uint32_t new_docs) {
  std::vector<uint64_t> old_loc = std::move(loc_);
  std::vector<std::unique_ptr<char[]>> old_chunks = std::move(chunks_);
  loc_.clear();
  chunks_.clear();
  chunk_used_ = kChunkBytes;
  live_.clear();
  live_.reserve(new_docs);
  loc_.reserve(new_docs);
  for (size_t d = 0; d < old_loc.size(); ++d) {
    if (remap[d] == Posting::kDropped) continue;
    const uint64_t loc = old_loc[d];
    Append(remap[d],
           absl::string_view(old_chunks[loc >> 32].get() + ((loc >> 8) & 0xFFFFFF), loc & 0xFF));
  }
}

size_t IdTable::MemoryBytes() const {
  return loc_.capacity() * sizeof(uint64_t) + chunks_.size() * kChunkBytes +
         live_.capacity() * (sizeof(uint32_t) + 1);
}

// ---------------------------------------------------------------------------
// Term index: a vocabulary with a posting per value.

// (services/search/index/term_index.h)

// ---------------------------------------------------------------------------
// Compiled query

namespace {

struct Check {
  enum Kind : uint8_t {
    kU8Set,
    kMask8,
    kMask16,
    kMask32,
    kU32Range,
    kPrice,
    kFloatRange,
    kFlags,
    kLastPost,
    kAge,
    kHasSponsored,
    kCountry,
    kCity,
    kLanguage,
    kAudCountry,
    kAudCity,
    kAudLanguage,
    kAudInterest,
    kAudBrand,
    kAudGender,
    kAudAge,
    kLookalikeContent,
    kLookalikeAudience,
  };
  Kind kind = kU8Set;
  const void* col = nullptr;
  uint32_t inc = 0;
  uint32_t exc = 0;
  int64_t lo = 0;
  int64_t hi = 0;
  float flo = 0;
  float fhi = 0;
  bool has_inc = false;
  bool has_exc = false;
  bool sum = false;
  bool max_zero = false;
  // The include part is exactly the union of a generator's postings, so a
  // broad search (which ANDs every generator) need not check it again.
  bool implied = false;
  uint8_t min_q = 0;
  uint8_t max_q = 0;
  // Value id -> bit 1 include, bit 2 exclude.
  std::vector<uint8_t> lut;
  SimVectors seed;
  double min_similarity = 0;
  // Value levels of a range check's field (CreatorIndex::levels_). A broad
  // search ANDs lvl_and and AND-NOTs lvl_andnot into its candidates (null:
  // none); the check then decides only the docs it is not sure of: sure are
  // the docs in lvl_sure (null: none) and not in lvl_unsure (null: none).
  // lvl_exact: the levels decide every candidate, the check can go.
  const std::vector<uint64_t>* lvl_and = nullptr;
  const std::vector<uint64_t>* lvl_andnot = nullptr;
  const std::vector<uint64_t>* lvl_sure = nullptr;
  const std::vector<uint64_t>* lvl_unsure = nullptr;
  // Postings whose union is lvl_unsure, turned into a bitset only when a
  // broad search runs the check (ExecuteLocked).
  std::vector<const Posting*> lvl_unsure_postings;
  bool lvl_exact = false;
  bool Sure(uint32_t d) const {
    return lvl_sure != nullptr && TestBit(lvl_sure->data(), d) &&
           (lvl_unsure == nullptr || !TestBit(lvl_unsure->data(), d));
  }
  // The candidates of `word` (docs w * 64...) the check must decide.
  uint64_t Unsure(size_t w, uint64_t word) const {
    if (lvl_sure == nullptr) return word;
    uint64_t sure = (*lvl_sure)[w];
    if (lvl_unsure != nullptr) sure &= ~(*lvl_unsure)[w];
    return word & ~sure;
  }
  bool has_levels() const { return lvl_sure != nullptr; }
};

// Thresholds of the value levels, ascending: followers, then each float
// column in FloatField order. Round values buyers filter on, so a minimum
// usually falls on one (docs/search-index.md).
constexpr uint32_t kFollowerLevels[] = {1'000,     5'000,     10'000,    25'000,
                                        50'000,    100'000,   250'000,   500'000,
                                        1'000'000, 2'000'000, 5'000'000, 10'000'000};
constexpr float kEngagementLevels[] = {0.0f,  0.005f, 0.01f, 0.015f, 0.02f, 0.03f, 0.04f,
                                       0.05f, 0.06f,  0.08f, 0.1f,   0.15f, 0.2f,  0.3f};
constexpr float kLikesLevels[] = {0,   10,    20,    50,    100,    200,
                                  500, 1'000, 2'000, 5'000, 10'000, 50'000};
constexpr float kCommentsLevels[] = {0, 0.5f, 1, 2, 5, 10, 20, 50, 100, 500};
constexpr float kSharesLevels[] = {0, 1, 2, 5, 10, 20, 50, 100, 500};
constexpr float kViewsLevels[] = {0,      100,     1'000,   5'000,    10'000,
                                  50'000, 100'000, 500'000, 1'000'000};
constexpr float kGrowth30Levels[] = {-0.1f, -0.05f, 0, 0.01f, 0.02f, 0.05f, 0.1f, 0.2f, 0.5f};
constexpr float kGrowth90Levels[] = {-0.2f, -0.1f, -0.05f, 0, 0.02f, 0.05f, 0.1f, 0.2f, 0.5f};
constexpr float kPostsLevels[] = {0, 0.5f, 1, 2, 3, 5, 7, 10, 14, 21};
constexpr float kSponsoredShareLevels[] = {0, 0.05f, 0.1f, 0.2f, 0.3f, 0.5f};
constexpr float kSponsoredRatioLevels[] = {0, 0.25f, 0.5f, 0.75f, 1, 1.5f, 2};
constexpr float kCredibilityLevels[] = {0.0f, 0.3f,  0.4f, 0.5f,  0.6f, 0.65f,
                                        0.7f, 0.75f, 0.8f, 0.85f, 0.9f, 0.95f};
constexpr float kQualityLevels[] = {0, 10, 20, 30, 40, 50, 60, 70, 80, 90};
constexpr float kReachabilityLevels[] = {0, 0.1f, 0.15f, 0.2f, 0.3f, 0.4f, 0.5f};

// By FloatField.
constexpr absl::Span<const float> kFloatLevels[] = {
    kEngagementLevels, kLikesLevels,          kCommentsLevels,       kSharesLevels,
    kSharesLevels,     kViewsLevels,          kGrowth30Levels,       kGrowth90Levels,
    kPostsLevels,      kSponsoredShareLevels, kSponsoredRatioLevels, kCredibilityLevels,
    kQualityLevels,    kReachabilityLevels};

size_t LevelCount(int field) {
  return field == 0 ? std::size(kFollowerLevels) : kFloatLevels[field - 1].size();
}

double LevelAt(int field, size_t b) {
  return field == 0 ? kFollowerLevels[b] : kFloatLevels[field - 1][b];
}

Check MakeCheck(Check::Kind kind) {
  Check c;
  c.kind = kind;
  return c;
}

// Relative cost of a check per doc: vectorised byte columns first, wider
// columns next, lookups and audience blocks (a cache miss each) late,
// lookalike cosines last. Checks run in this order so the expensive ones
// see only the candidates the cheap ones let through.
int CostRank(Check::Kind k) {
  switch (k) {
    case Check::kU8Set:
    case Check::kMask8:
    case Check::kFlags:
      return 0;
    case Check::kMask16:
    case Check::kMask32:
    case Check::kU32Range:
    case Check::kFloatRange:
    case Check::kLastPost:
    case Check::kCountry:
      return 1;
    case Check::kPrice:
    case Check::kAge:
    case Check::kHasSponsored:
    case Check::kCity:
    case Check::kLanguage:
      return 2;
    case Check::kAudGender:
    case Check::kAudAge:
      return 3;
    case Check::kAudCountry:
    case Check::kAudCity:
    case Check::kAudLanguage:
    case Check::kAudInterest:
    case Check::kAudBrand:
      return 4;
    case Check::kLookalikeContent:
    case Check::kLookalikeAudience:
      return 5;
  }
  return 5;
}

}  // namespace

struct CreatorIndex::Compiled {
  bool empty = false;
  // One-id postings of single-doc text terms the query names.
  std::deque<Posting> owned;
  // Per-query bitsets that checks point to (Check::lvl_unsure of
  // lvl_unsure_postings, made by a broad search).
  std::deque<std::vector<uint64_t>> owned_bits;
  std::vector<Check> checks;
  // Posting-only filters (interests, hashtags, mentions, brands, keywords,
  // query words): OR over alternatives of AND over units of OR over postings.
  struct Unit {
    std::vector<const Posting*> any;
    uint64_t size = 0;
  };
  struct Alt {
    std::vector<Unit> units;
  };
  struct Constraint {
    std::vector<Alt> alts;
    bool exclude = false;
    uint64_t estimate = 0;
  };
  std::vector<Constraint> constraints;
  // Candidate sources for filters the residual checks also verify.
  struct Generator {
    std::vector<const Posting*> postings;
    uint64_t estimate = 0;
  };
  std::vector<Generator> generators;
  std::vector<uint32_t> excluded;  // sorted
  uint64_t exclude_person = 0;

  // Keyword relevance.
  struct ScoreTerm {
    const Posting* posting;
    int field;
    double idf;
  };
  std::vector<ScoreTerm> score_terms;
  std::vector<PostingCursor> score_cursors;
  std::array<double, 4> avg_len = {1, 1, 1, 1};
};

namespace {

template <typename List, typename F>
uint32_t MaskOf(const List& values, F valid) {
  uint32_t m = 0;
  for (int v : values) {
    if (valid(v) && v > 0 && v < 32) m |= uint32_t{1} << v;
  }
  return m;
}

}  // namespace

absl::StatusOr<SeedVectors> CreatorIndex::SeedLocked(
    absl::string_view id, const std::map<std::string, SeedVectors>& seeds) const {
  const int64_t doc = ids_.Find(id);
  if (doc >= 0) {
    SeedVectors s;
    s.vectors = vectors_[static_cast<size_t>(doc)];
    s.person_key = person_[static_cast<size_t>(doc)];
    return s;
  }
  auto it = seeds.find(std::string(id));
  if (it != seeds.end()) return it->second;
  return absl::NotFoundError(absl::StrCat("creator ", id, " not found"));
}

absl::Status CreatorIndex::CompileLocked(const cv1::CreatorFilter& f,
                                         absl::Span<const std::string> exclude_ids, absl::Time now,
                                         const std::map<std::string, SeedVectors>& seeds,
                                         Compiled* out) const {
  if (now == absl::InfinitePast()) now = absl::Now();
  auto add_enum = [&](const auto& set, const std::vector<uint8_t>& col, auto valid,
                      const auto& postings) {
    const uint32_t inc = MaskOf(set.include(), valid);
    const uint32_t exc = MaskOf(set.exclude(), valid);
    if (set.include_size() == 0 && exc == 0) return;
    Check c = MakeCheck(Check::kU8Set);
    c.col = col.data();
    c.inc = set.include_size() > 0 ? (inc | 0x80000000u) : 0;  // keep non-zero
    c.exc = exc;
    c.implied = set.include_size() > 0;
    out->checks.push_back(std::move(c));
    if (set.include_size() > 0) {
      Compiled::Generator g;
      for (int v = 1; v < static_cast<int>(postings.size()); ++v) {
        if ((inc >> v) & 1) {
          g.postings.push_back(&postings[static_cast<size_t>(v)]);
          g.estimate += postings[static_cast<size_t>(v)].size();
        }
      }
      out->generators.push_back(std::move(g));
    }
  };
  auto add_mask = [&](Check::Kind kind, const void* col, const auto& set, auto valid,
                      const auto* postings, size_t n_postings) {
    const uint32_t inc = MaskOf(set.include(), valid);
    const uint32_t exc = MaskOf(set.exclude(), valid);
    if (set.include_size() == 0 && exc == 0) return;
    Check c = MakeCheck(kind);
    c.col = col;
    c.inc = inc;
    c.has_inc = set.include_size() > 0;
    c.exc = exc;
    c.implied = c.has_inc && postings != nullptr;
    out->checks.push_back(std::move(c));
    if (set.include_size() > 0 && postings != nullptr) {
      Compiled::Generator g;
      for (size_t v = 1; v < n_postings; ++v) {
        if ((inc >> v) & 1) {
          g.postings.push_back(&postings[v]);
          g.estimate += postings[v].size();
        }
      }
      out->generators.push_back(std::move(g));
    }
  };
  // Creator country, city and languages: a lookup table over the vocabulary
  // for the residual check, and the values' postings as a generator.
  auto add_vocab_set = [&](Check::Kind kind, const void* col, const cv1::StringSetFilter& set,
                           const TermIndex& ti, bool upper) {
    if (set.include_size() == 0 && set.exclude_size() == 0) return;
    Check c = MakeCheck(kind);
    c.col = col;
    c.lut.assign(ti.vocab.bound(), 0);
    c.has_inc = set.include_size() > 0;
    Compiled::Generator g;
    for (const std::string& v : set.include()) {
      const uint32_t id = ti.vocab.Find(upper ? NormalizeUpper(v) : NormalizeLower(v));
      if (id == 0) continue;
      if (!(c.lut[id] & 1)) {
        g.postings.push_back(&ti.postings[id]);
        g.estimate += ti.postings[id].size();
      }
      c.lut[id] |= 1;
    }
    for (const std::string& v : set.exclude()) {
      const uint32_t id = ti.vocab.Find(upper ? NormalizeUpper(v) : NormalizeLower(v));
      if (id != 0) {
        c.lut[id] |= 2;
        c.has_exc = true;
      }
    }
    c.implied = c.has_inc;
    out->checks.push_back(std::move(c));
    if (set.include_size() > 0) out->generators.push_back(std::move(g));
  };
  // The value levels of a range [lo, hi] on a leveled field (Check::lvl_*).
  auto attach_levels = [&](Check& c, int field, double lo, double hi, bool has_max) {
    const std::vector<std::vector<uint64_t>>& ge = levels_[static_cast<size_t>(field)];
    const size_t n = ge.size();
    // The largest threshold <= lo and <= hi, the smallest > hi.
    size_t b_lo = n;
    size_t b_u = n;
    size_t b_hi = n;
    for (size_t b = 0; b < n; ++b) {
      const double t = LevelAt(field, b);
      if (t <= lo) b_lo = b;
      if (t <= hi) b_u = b;
      if (t > hi && b_hi == n) b_hi = b;
    }
    bool low_exact = false;
    if (b_lo < n) {
      c.lvl_and = &ge[b_lo];
      low_exact = LevelAt(field, b_lo) == lo;
      c.lvl_sure = low_exact ? &ge[b_lo] : (b_lo + 1 < n ? &ge[b_lo + 1] : nullptr);
    } else {
      c.lvl_sure = &ge[0];  // at or above the lowest threshold, which is above lo
    }
    if (has_max) {
      if (b_hi < n) c.lvl_andnot = &ge[b_hi];
      if (b_u < n) {
        c.lvl_unsure = &ge[b_u];  // at or above a threshold <= hi: may exceed hi
      } else {
        c.lvl_sure = nullptr;  // below every threshold: nothing is sure
      }
    }
    c.lvl_exact = low_exact && !has_max;
  };
  auto add_int_range = [&](const cv1::Int64Range& r, const std::vector<uint32_t>& col) {
    if (!r.has_min() && !r.has_max()) return;
    Check c = MakeCheck(Check::kU32Range);
    c.col = col.data();
    c.lo = r.has_min() ? r.min() : std::numeric_limits<int64_t>::min();
    c.hi = r.has_max() ? r.max() : std::numeric_limits<int64_t>::max();
    if (&col == &followers_) {
      attach_levels(c, kLevelFollowers, static_cast<double>(c.lo), static_cast<double>(c.hi),
                    r.has_max());
    }
    out->checks.push_back(std::move(c));
  };
  auto add_float_range = [&](const cv1::DoubleRange& r, FloatField field) {
    if (!r.has_min() && !r.has_max()) return;
    Check c = MakeCheck(Check::kFloatRange);
    c.col = floats_[field].data();
    c.flo = r.has_min() ? static_cast<float>(r.min()) : -std::numeric_limits<float>::infinity();
    c.fhi = r.has_max() ? static_cast<float>(r.max()) : std::numeric_limits<float>::infinity();
    attach_levels(c, LevelOf(field), c.flo, c.fhi, r.has_max());
    out->checks.push_back(std::move(c));
  };
  // Posting-only set filters.
  auto add_constraint = [&](const google::protobuf::RepeatedPtrField<std::string>& values,
                            bool exclude, auto make_alt) {
    if (values.empty()) return;
    Compiled::Constraint con;
    con.exclude = exclude;
    for (const std::string& v : values) {
      Compiled::Alt alt;
      if (!make_alt(v, &alt)) continue;
      uint64_t est = std::numeric_limits<uint64_t>::max();
      for (const auto& u : alt.units) est = std::min(est, u.size);
      con.estimate += est;
      con.alts.push_back(std::move(alt));
    }
    if (con.alts.empty()) {
      if (!exclude) out->empty = true;  // no value is known: nothing matches
      return;
    }
    out->constraints.push_back(std::move(con));
  };
  auto single = [out](const auto& ti, bool tag) {
    return [&ti, tag, out](const std::string& v, Compiled::Alt* alt) {
      const Posting* p = ti.Find(tag ? NormalizeTag(v) : NormalizeLower(v), &out->owned);
      if (p == nullptr) return false;
      alt->units.push_back({{p}, p->size()});
      return true;
    };
  };
  auto phrase = [out](const TextPostings& ti) {
    return [&ti, out](const std::string& v, Compiled::Alt* alt) {
      for (const std::string& w : Words(v)) {
        const Posting* p = ti.Find(w, &out->owned);
        if (p == nullptr) return false;
        alt->units.push_back({{p}, p->size()});
      }
      return !alt->units.empty();
    };
  };
  auto string_set = [&](const cv1::StringSetFilter& s, const auto& ti, bool tag) {
    add_constraint(s.include(), false, single(ti, tag));
    add_constraint(s.exclude(), true, single(ti, tag));
  };

  const auto& cr = f.creator();
  add_enum(cr.platforms(), platform_, cv1::Platform_IsValid, platform_postings_);
  add_int_range(cr.followers(), followers_);
  add_enum(cr.tiers(), tier_, cv1::Tier_IsValid, tier_postings_);
  add_vocab_set(Check::kCountry, country_.data(), cr.countries(), *countries_, true);
  add_vocab_set(Check::kCity, city_.data(), cr.cities(), *cities_, false);
  add_vocab_set(Check::kLanguage, languages_.data(), cr.languages(), *languages_vocab_, false);
  add_enum(cr.genders(), gender_, cv1::Gender_IsValid, gender_postings_);
  if (cr.age().has_min() || cr.age().has_max()) {
    Check c = MakeCheck(Check::kAge);
    c.lo = cr.age().has_min() ? cr.age().min() : std::numeric_limits<int64_t>::min();
    c.hi = cr.age().has_max() ? cr.age().max() : std::numeric_limits<int64_t>::max();
    c.inc = static_cast<uint32_t>(absl::ToCivilYear(now, absl::UTCTimeZone()).year());
    out->checks.push_back(std::move(c));
  }
  add_enum(cr.account_types(), account_type_, cv1::AccountType_IsValid, account_type_postings_);
  {
    uint32_t mask = 0;
    uint32_t want = 0;
    if (cr.has_verified()) {
      mask |= kVerified;
      want |= cr.verified() ? kVerified : 0;
    }
    if (cr.exclude_private()) mask |= kPrivate;
    if (cr.has_has_email()) {
      mask |= kHasEmail;
      want |= cr.has_email() ? kHasEmail : 0;
    }
    if (cr.has_has_phone()) {
      mask |= kHasPhone;
      want |= cr.has_phone() ? kHasPhone : 0;
    }
    if (mask != 0) {
      Check c = MakeCheck(Check::kFlags);
      c.inc = mask;
      c.exc = want;
      out->checks.push_back(std::move(c));
    }
  }
  add_mask(Check::kMask32, categories_.data(), cr.categories(), cv1::Category_IsValid,
           category_postings_.data(), category_postings_.size());
  string_set(cr.interests(), *interests_, false);
  if (cr.has_posted_within_days()) {
    Check c = MakeCheck(Check::kLastPost);
    c.lo =
        std::max<int64_t>(1, absl::ToUnixSeconds(now) - int64_t{cr.posted_within_days()} * 86400);
    out->checks.push_back(std::move(c));
  }
  add_int_range(cr.content_count(), content_count_);
  add_mask(Check::kMask8, content_types_.data(), cr.content_types(), cv1::ContentType_IsValid,
           content_type_postings_.data(), content_type_postings_.size());
  if (cr.estimated_price().has_min_micros() || cr.estimated_price().has_max_micros()) {
    Check c = MakeCheck(Check::kPrice);
    c.lo = cr.estimated_price().has_min_micros() ? cr.estimated_price().min_micros()
                                                 : std::numeric_limits<int64_t>::min() + 1;
    c.hi = cr.estimated_price().has_max_micros() ? cr.estimated_price().max_micros()
                                                 : std::numeric_limits<int64_t>::max();
    out->checks.push_back(std::move(c));
  }
  add_mask(Check::kMask16, also_on_.data(), cr.also_on_platforms(), cv1::Platform_IsValid,
           static_cast<const Posting*>(nullptr), 0);

  const auto& pf = f.performance();
  add_float_range(pf.engagement_rate(), kEngagement);
  add_float_range(pf.avg_likes(), kAvgLikes);
  add_float_range(pf.avg_comments(), kAvgComments);
  add_float_range(pf.avg_shares(), kAvgShares);
  add_float_range(pf.avg_saves(), kAvgSaves);
  add_float_range(pf.avg_views(), kAvgViews);
  add_float_range(pf.follower_growth_30d(), kGrowth30);
  add_float_range(pf.follower_growth_90d(), kGrowth90);
  add_float_range(pf.posts_per_week(), kPostsPerWeek);
  add_float_range(pf.audience_credibility(), kCredibility);
  add_float_range(pf.audience_quality_score(), kQuality);
  if (pf.has_has_sponsored_posts()) {
    Check c = MakeCheck(Check::kHasSponsored);
    c.has_inc = pf.has_sponsored_posts();
    out->checks.push_back(std::move(c));
  }
  add_float_range(pf.sponsored_engagement_ratio(), kSponsoredRatio);

  const auto& au = f.audience();
  auto add_aud_share = [&](Check::Kind kind, const cv1::AudienceShareFilter& a, const TermIndex& ti,
                           bool upper) {
    if (a.include_size() == 0 && a.exclude_size() == 0) return;
    Check c = MakeCheck(kind);
    c.lut.assign(ti.vocab.bound(), 0);
    for (const std::string& v : a.include()) {
      const uint32_t id = ti.vocab.Find(upper ? NormalizeUpper(v) : NormalizeLower(v));
      if (id != 0) c.lut[id] |= 1;
    }
    for (const std::string& v : a.exclude()) {
      const uint32_t id = ti.vocab.Find(upper ? NormalizeUpper(v) : NormalizeLower(v));
      if (id != 0) c.lut[id] |= 2;
    }
    c.has_inc = a.include_size() > 0;
    c.has_exc = a.exclude_size() > 0;
    c.sum = a.aggregation() == cv1::SHARE_AGGREGATION_SUM;
    c.min_q = QuantizeShare(a.min_share());
    c.max_q = QuantizeShare(a.max_excluded_share());
    c.max_zero = a.max_excluded_share() == 0;
    // Audience countries have postings by share bucket: the buckets that can
    // hold a share reaching the minimum (for SUM over n values, one of them
    // reaches min / n) give a superset of the matches.
    if (kind == Check::kAudCountry && c.has_inc) {
      std::vector<uint32_t> inc_ids;
      for (uint32_t id = 1; id < c.lut.size(); ++id) {
        if (c.lut[id] & 1) inc_ids.push_back(id);
      }
      const int n = static_cast<int>(inc_ids.size());
      const int t = c.sum && n > 1 ? (c.min_q + n - 1) / n : c.min_q;
      // Exactly the include part when one share must reach a bucket bound.
      c.implied =
          n > 0 && (!c.sum || n == 1) &&
          std::find(kAudShareBuckets.begin(), kAudShareBuckets.end(), t) != kAudShareBuckets.end();
      if (n > 0 && t >= kAudShareBuckets[0]) {
        Compiled::Generator g;
        for (uint32_t id : inc_ids) {
          if (id >= aud_country_postings_.size()) continue;
          for (size_t b = 0; b < kAudShareBuckets.size(); ++b) {
            if (b + 1 < kAudShareBuckets.size() && kAudShareBuckets[b + 1] <= t) continue;
            const Posting& p = aud_country_postings_[id][b];
            g.postings.push_back(&p);
            g.estimate += p.size();
          }
        }
        out->generators.push_back(std::move(g));
      }
    }
    // Excluded audience countries: a doc in a share bucket wholly above the
    // allowed maximum fails, which a posting constraint decides; only docs
    // in the bucket holding the maximum need their shares read. Shares
    // under the lowest bucket have no posting, so this needs a maximum at
    // or above it.
    if (kind == Check::kAudCountry && c.has_exc && !c.max_zero && c.max_q >= kAudShareBuckets[0] &&
        (c.implied || !c.has_inc)) {
      Compiled::Constraint fail;
      fail.exclude = true;
      for (uint32_t id = 1; id < c.lut.size(); ++id) {
        if (!(c.lut[id] & 2) || id >= aud_country_postings_.size()) continue;
        for (size_t b = 0; b < kAudShareBuckets.size(); ++b) {
          const Posting& p = aud_country_postings_[id][b];
          const uint8_t upper = b + 1 < kAudShareBuckets.size() ? kAudShareBuckets[b + 1] : 255;
          if (kAudShareBuckets[b] > c.max_q) {
            fail.alts.push_back({{Compiled::Unit{{&p}, p.size()}}});
            fail.estimate += p.size();
          } else if (upper > c.max_q) {
            c.lvl_unsure_postings.push_back(&p);
          }
        }
      }
      if (!fail.alts.empty()) out->constraints.push_back(std::move(fail));
      c.lvl_sure = &alive_;
    }
    out->checks.push_back(std::move(c));
  };
  auto add_aud_enum = [&](Check::Kind kind, const auto& a, int n) {
    if (a.include_size() == 0 && a.exclude_size() == 0) return;
    Check c = MakeCheck(kind);
    for (int v : a.include()) {
      if (v >= 1 && v <= n) c.inc |= uint32_t{1} << (v - 1);
    }
    for (int v : a.exclude()) {
      if (v >= 1 && v <= n) c.exc |= uint32_t{1} << (v - 1);
    }
    c.has_inc = a.include_size() > 0;
    c.sum = a.aggregation() == cv1::SHARE_AGGREGATION_SUM;
    c.min_q = QuantizeShare(a.min_share());
    c.max_q = QuantizeShare(a.max_excluded_share());
    c.max_zero = a.max_excluded_share() == 0;
    out->checks.push_back(std::move(c));
  };
  add_aud_share(Check::kAudCountry, au.countries(), *countries_, true);
  add_aud_share(Check::kAudCity, au.cities(), *cities_, false);
  add_aud_enum(Check::kAudGender, au.genders(), 3);
  add_aud_enum(Check::kAudAge, au.age_bands(), 6);
  add_aud_share(Check::kAudLanguage, au.languages(), *languages_vocab_, false);
  add_aud_share(Check::kAudInterest, au.interests(), *interests_, false);
  add_aud_share(Check::kAudBrand, au.brand_affinities(), *brands_, false);
  add_float_range(au.reachability(), kReachability);

  const auto& ct = f.content();
  add_constraint(ct.bio_keywords().include(), false, phrase(text_[kBio]));
  add_constraint(ct.bio_keywords().exclude(), true, phrase(text_[kBio]));
  add_constraint(ct.caption_keywords().include(), false, phrase(text_[kCaption]));
  add_constraint(ct.caption_keywords().exclude(), true, phrase(text_[kCaption]));
  string_set(ct.hashtags(), text_[kHashtag], true);
  string_set(ct.mentions(), mentions_, true);
  string_set(ct.brands(), *brands_, false);
  {
    uint32_t exc = MaskOf(ct.exclude_brand_safety_flags(), cv1::BrandSafetyFlag_IsValid);
    if (exc != 0) {
      Check c = MakeCheck(Check::kMask16);
      c.col = brand_safety_.data();
      c.exc = exc;
      out->checks.push_back(std::move(c));
    }
  }
  std::vector<uint32_t> excluded;
  for (int mode = 0; mode < 2; ++mode) {
    const cv1::LookalikeFilter& lf = mode == 0 ? ct.lookalike() : ct.audience_lookalike();
    if (lf.creator_id().empty()) continue;
    absl::StatusOr<SeedVectors> seed = SeedLocked(lf.creator_id(), seeds);
    if (!seed.ok()) return seed.status();
    const float norm = mode == 0 ? seed->vectors.content_norm : seed->vectors.audience_norm;
    if (norm == 0) {
      return absl::FailedPreconditionError(absl::StrCat(
          "seed ", lf.creator_id(), " has no ", mode == 0 ? "content" : "audience", " vector"));
    }
    Check c = MakeCheck(mode == 0 ? Check::kLookalikeContent : Check::kLookalikeAudience);
    c.seed = seed->vectors;
    c.min_similarity = lf.min_similarity() > 0 ? lf.min_similarity() : kDefaultLookalike;
    out->checks.push_back(std::move(c));
    const int64_t seed_doc = ids_.Find(lf.creator_id());
    if (seed_doc >= 0) excluded.push_back(static_cast<uint32_t>(seed_doc));
  }

  for (const auto* list : {&f.workspace().exclude_creator_ids()}) {
    for (const std::string& id : *list) {
      const int64_t d = ids_.Find(id);
      if (d >= 0) excluded.push_back(static_cast<uint32_t>(d));
    }
  }
  for (const std::string& id : exclude_ids) {
    const int64_t d = ids_.Find(id);
    if (d >= 0) excluded.push_back(static_cast<uint32_t>(d));
  }
  std::sort(excluded.begin(), excluded.end());
  excluded.erase(std::unique(excluded.begin(), excluded.end()), excluded.end());
  out->excluded = std::move(excluded);
  std::stable_sort(out->checks.begin(), out->checks.end(), [](const Check& a, const Check& b) {
    return CostRank(a.kind) < CostRank(b.kind);
  });
  return absl::OkStatus();
}

bool CreatorIndex::PassesResidual(const Compiled& cq, uint32_t d) const {
  for (size_t i = 0; i < cq.checks.size(); ++i) {
    if (!PassesCheck(cq, i, d)) return false;
  }
  return true;
}

bool CreatorIndex::PassesCheck(const Compiled& cq, size_t i, uint32_t d) const {
  const Check& c = cq.checks[i];
  {
    switch (c.kind) {
      case Check::kU8Set: {
        const uint32_t v = static_cast<const uint8_t*>(c.col)[d];
        if (c.inc != 0 && !((c.inc >> v) & 1)) return false;
        if ((c.exc >> v) & 1) return false;
        break;
      }
      case Check::kMask8:
      case Check::kMask16:
      case Check::kMask32: {
        uint32_t v;
        if (c.kind == Check::kMask8) {
          v = static_cast<const uint8_t*>(c.col)[d];
        } else if (c.kind == Check::kMask16) {
          v = static_cast<const uint16_t*>(c.col)[d];
        } else {
          v = static_cast<const uint32_t*>(c.col)[d];
        }
        if (c.has_inc && (v & c.inc) == 0) return false;
        if ((v & c.exc) != 0) return false;
        break;
      }
      case Check::kU32Range: {
        const int64_t v = static_cast<const uint32_t*>(c.col)[d];
        if (v < c.lo || v > c.hi) return false;
        break;
      }
      case Check::kPrice: {
        const int64_t v = price_[d];
        if (v == kUnknownPrice || v < c.lo || v > c.hi) return false;
        break;
      }
      case Check::kFloatRange: {
        const float v = static_cast<const float*>(c.col)[d];
        if (!(v >= c.flo && v <= c.fhi)) return false;  // NaN fails
        break;
      }
      case Check::kFlags:
        if ((flags_[d] & c.inc) != c.exc) return false;
        break;
      case Check::kLastPost: {
        const uint32_t v = last_post_[d];
        if (v == 0 || v < c.lo) return false;
        break;
      }
      case Check::kAge: {
        const int64_t by = birth_year_[d];
        if (by != 0) {
          const int64_t age = static_cast<int64_t>(c.inc) - by;
          if (age < c.lo || age > c.hi) return false;
        } else {
          static constexpr int64_t kLo[7] = {0, 13, 18, 25, 35, 45, 65};
          static constexpr int64_t kHi[7] = {
              0, 17, 24, 34, 44, 64, std::numeric_limits<int64_t>::max()};
          const int band = age_band_[d];
          if (band == 0 || kLo[band] > c.hi || kHi[band] < c.lo) return false;
        }
        break;
      }
      case Check::kHasSponsored: {
        const float s = floats_[kSponsoredShare][d];
        if (std::isnan(s) || (s > 0) != c.has_inc) return false;
        break;
      }
      case Check::kCountry: {
        const uint8_t m = c.lut[country_[d]];
        if (c.has_inc && !(m & 1)) return false;
        if (m & 2) return false;
        break;
      }
      case Check::kCity: {
        const uint8_t m = c.lut[city_[d]];
        if (c.has_inc && !(m & 1)) return false;
        if (m & 2) return false;
        break;
      }
      case Check::kLanguage: {
        uint8_t m = 0;
        for (uint16_t id : languages_[d]) m |= c.lut[id];
        if (c.has_inc && !(m & 1)) return false;
        if (m & 2) return false;
        break;
      }
      case Check::kAudCountry:
      case Check::kAudCity:
      case Check::kAudLanguage:
      case Check::kAudInterest:
      case Check::kAudBrand: {
        const AudRest& a = aud_rest_[d];
        int n = 0;
        const uint8_t* shares = nullptr;
        uint32_t ids[kAudCountries];
        switch (c.kind) {
          case Check::kAudCountry: {
            const AudCountries& ac = aud_country_[d];
            n = kAudCountries;
            for (int j = 0; j < n; ++j) ids[j] = ac.id[j];
            shares = ac.share;
            break;
          }
          case Check::kAudCity:
            n = kAudCities;
            for (int j = 0; j < n; ++j) ids[j] = a.city[j];
            shares = a.city_share;
            break;
          case Check::kAudLanguage:
            n = kAudLanguages;
            for (int j = 0; j < n; ++j) ids[j] = a.language[j];
            shares = a.language_share;
            break;
          case Check::kAudInterest:
            n = kAudInterests;
            for (int j = 0; j < n; ++j) ids[j] = a.interest[j];
            shares = a.interest_share;
            break;
          default:
            n = kAudBrands;
            for (int j = 0; j < n; ++j) ids[j] = a.brand[j];
            shares = a.brand_share;
            break;
        }
        bool found = false;
        bool any_ok = false;
        int sum = 0;
        for (int j = 0; j < n; ++j) {
          if (ids[j] == 0) continue;
          const uint8_t m = c.lut[ids[j]];
          if (m & 1) {
            found = true;
            sum += shares[j];
            any_ok = any_ok || shares[j] >= c.min_q;
          }
          if ((m & 2) && (c.max_zero || shares[j] > c.max_q)) return false;
        }
        if (c.has_inc) {
          if (!found) return false;
          if (c.sum ? sum < c.min_q : !any_ok) return false;
        }
        break;
      }
      case Check::kAudGender:
      case Check::kAudAge: {
        const size_t first = c.kind == Check::kAudGender ? 0 : 3;
        const int n = c.kind == Check::kAudGender ? 3 : 6;
        bool found = false;
        bool any_ok = false;
        int sum = 0;
        uint8_t s[6];
        for (int j = 0; j < n; ++j) s[j] = aud_demo_[first + static_cast<size_t>(j)][d];
        for (int j = 0; j < n; ++j) {
          if (s[j] == kAbsentShare) continue;
          if ((c.inc >> j) & 1) {
            found = true;
            sum += s[j];
            any_ok = any_ok || s[j] >= c.min_q;
          }
          if (((c.exc >> j) & 1) && (c.max_zero || s[j] > c.max_q)) return false;
        }
        if (c.has_inc) {
          if (!found) return false;
          if (c.sum ? sum < c.min_q : !any_ok) return false;
        }
        break;
      }
      case Check::kLookalikeContent: {
        const SimVectors& v = vectors_[d];
        if (Cosine(v.content, v.content_norm, c.seed.content, c.seed.content_norm) <
            c.min_similarity) {
          return false;
        }
        break;
      }
      case Check::kLookalikeAudience: {
        const SimVectors& v = vectors_[d];
        if (Cosine(v.audience, v.audience_norm, c.seed.audience, c.seed.audience_norm) <
            c.min_similarity) {
          return false;
        }
        break;
      }
    }
  }
  return true;
}

namespace {

// Bits set, without a popcount instruction (the baseline x86-64 build has
// none and would call libgcc).
inline int Bits(uint64_t x) {
  x = x - ((x >> 1) & 0x5555555555555555ull);
  x = (x & 0x3333333333333333ull) + ((x >> 2) & 0x3333333333333333ull);
  x = (x + (x >> 4)) & 0x0F0F0F0F0F0F0F0Full;
  return static_cast<int>((x * 0x0101010101010101ull) >> 56);
}
// Words with fewer candidates are checked doc by doc.
constexpr int kVectorMin = 4;

// Packs 64 0/1 bytes into a word (byte i -> bit i): the multiply gathers the
// low bit of each of 8 bytes into the top byte without carries.
__attribute__((always_inline)) inline uint64_t PackBits(const uint8_t* t) {
  uint64_t out = 0;
  for (int k = 0; k < 8; ++k) {
    uint64_t x;
    std::memcpy(&x, t + std::ptrdiff_t{8} * k, 8);
    out |= ((x * 0x0102040810204080ull) >> 56) << (8 * k);
  }
  return out;
}

// The audience-entry checks (countries, cities, languages, interests,
// brands) of n docs, as PassesCheck decides them, without branches per
// entry: row(d) is the doc's record, entries(record) its (ids, shares)
// arrays of `width` slots (id 0 = empty, whose lut entry is 0). The record
// of a doc eight ahead is prefetched, since candidates are far apart.
template <typename Row, typename Entries>
void AudEntriesPass(const Check& c, const uint32_t* docs, size_t n, uint8_t* pass, Row row,
                    Entries entries, int width) {
  constexpr size_t kAhead = 8;
  const uint8_t* lut = c.lut.data();
  const int min_q = c.min_q;
  const int max_q = c.max_q;
  const int max_zero = c.max_zero ? 1 : 0;
  for (size_t k = 0; k < n; ++k) {
    if (k + kAhead < n) __builtin_prefetch(row(docs[k + kAhead]));
    const auto [ids, shares] = entries(row(docs[k]));
    int found = 0;
    int any_ok = 0;
    int bad = 0;
    int sum = 0;
    for (int j = 0; j < width; ++j) {
      const int m = lut[ids[j]];
      const int share = shares[j];
      const int inc = m & 1;
      found |= inc;
      sum += inc * share;
      any_ok |= inc & static_cast<int>(share >= min_q);
      bad |= (m >> 1) & (max_zero | static_cast<int>(share > max_q));
    }
    const int inc_ok = !c.has_inc || (c.sum ? (found & static_cast<int>(sum >= min_q)) : any_ok);
    pass[k] = static_cast<uint8_t>(static_cast<int>(bad == 0) & inc_ok);
  }
}

}  // namespace

// Compiled for AVX2 and baseline like the bitset kernels (posting.cc).
#if defined(__x86_64__) && defined(__GNUC__)
__attribute__((target_clones("avx2", "default")))
#endif
uint64_t
CreatorIndex::CheckWord(const Compiled& cq, size_t i, uint32_t base, uint64_t word) const {
  const Check& c = cq.checks[i];
  // Simple column predicates over a whole 64-doc block: a branch-free loop
  // the compiler vectorises, then one AND. Sparse blocks and the complex
  // checks (audience, lookalike) go doc by doc.
  if (base + 64 <= docs_ && Bits(word) >= kVectorMin) {
    alignas(64) uint8_t t[64];
    // Branch-free forms of "no include list, or in it".
    const uint8_t inc_need = c.has_inc ? 1 : 0;
    const bool no_inc = !c.has_inc;
    switch (c.kind) {
      case Check::kU8Set: {
        const uint8_t* v = static_cast<const uint8_t*>(c.col) + base;
        const uint32_t inc = c.inc == 0 ? 0xFFFFFFFFu : c.inc;
        for (int j = 0; j < 64; ++j)
          t[j] = static_cast<uint8_t>(((inc & ~c.exc) >> (v[j] & 31)) & 1);
        return word & PackBits(t);
      }
      case Check::kMask8: {
        const uint8_t* v = static_cast<const uint8_t*>(c.col) + base;
        for (int j = 0; j < 64; ++j) {
          t[j] = static_cast<uint8_t>((no_inc | ((v[j] & c.inc) != 0)) & ((v[j] & c.exc) == 0));
        }
        return word & PackBits(t);
      }
      case Check::kMask16: {
        const uint16_t* v = static_cast<const uint16_t*>(c.col) + base;
        for (int j = 0; j < 64; ++j) {
          t[j] = static_cast<uint8_t>((no_inc | ((v[j] & c.inc) != 0)) & ((v[j] & c.exc) == 0));
        }
        return word & PackBits(t);
      }
      case Check::kMask32: {
        const uint32_t* v = static_cast<const uint32_t*>(c.col) + base;
        for (int j = 0; j < 64; ++j) {
          t[j] = static_cast<uint8_t>((no_inc | ((v[j] & c.inc) != 0)) & ((v[j] & c.exc) == 0));
        }
        return word & PackBits(t);
      }
      case Check::kU32Range: {
        const uint32_t* v = static_cast<const uint32_t*>(c.col) + base;
        const int64_t lo = c.lo, hi = c.hi;
        for (int j = 0; j < 64; ++j) t[j] = static_cast<uint8_t>((v[j] >= lo) & (v[j] <= hi));
        return word & PackBits(t);
      }
      case Check::kPrice: {
        const int64_t* v = price_.data() + base;
        for (int j = 0; j < 64; ++j) {
          t[j] = static_cast<uint8_t>((v[j] != kUnknownPrice) & (v[j] >= c.lo) & (v[j] <= c.hi));
        }
        return word & PackBits(t);
      }
      case Check::kFloatRange: {
        const float* v = static_cast<const float*>(c.col) + base;
        const float lo = c.flo, hi = c.fhi;
        for (int j = 0; j < 64; ++j) t[j] = static_cast<uint8_t>((v[j] >= lo) & (v[j] <= hi));
        return word & PackBits(t);
      }
      case Check::kFlags: {
        const uint8_t* v = flags_.data() + base;
        for (int j = 0; j < 64; ++j) t[j] = static_cast<uint8_t>((v[j] & c.inc) == c.exc);
        return word & PackBits(t);
      }
      case Check::kLastPost: {
        const uint32_t* v = last_post_.data() + base;
        const int64_t lo = c.lo;
        for (int j = 0; j < 64; ++j) t[j] = static_cast<uint8_t>((v[j] != 0) & (v[j] >= lo));
        return word & PackBits(t);
      }
      case Check::kAudGender:
      case Check::kAudAge: {
        // found / sum / any-at-least-min over the included bands, veto by
        // the excluded ones, one byte column per band.
        const size_t first = c.kind == Check::kAudGender ? 0 : 3;
        const int n = c.kind == Check::kAudGender ? 3 : 6;
        alignas(64) uint8_t found[64] = {};
        alignas(64) uint8_t any_ok[64] = {};
        alignas(64) uint8_t bad[64] = {};
        alignas(64) uint16_t sum[64] = {};
        const uint8_t min_q = c.min_q, max_q = c.max_q;
        const bool max_zero = c.max_zero;
        for (int b = 0; b < n; ++b) {
          const uint8_t* v = aud_demo_[first + static_cast<size_t>(b)].data() + base;
          if ((c.inc >> b) & 1) {
            for (int j = 0; j < 64; ++j) {
              const bool present = v[j] != kAbsentShare;
              found[j] |= static_cast<uint8_t>(present);
              sum[j] = static_cast<uint16_t>(sum[j] + (present ? v[j] : 0));
              any_ok[j] |= static_cast<uint8_t>(present & (v[j] >= min_q));
            }
          }
          if ((c.exc >> b) & 1) {
            for (int j = 0; j < 64; ++j) {
              bad[j] |= static_cast<uint8_t>((v[j] != kAbsentShare) & (max_zero | (v[j] > max_q)));
            }
          }
        }
        if (c.has_inc) {
          if (c.sum) {
            for (int j = 0; j < 64; ++j) {
              t[j] = static_cast<uint8_t>((bad[j] == 0) & found[j] & (sum[j] >= min_q));
            }
          } else {
            for (int j = 0; j < 64; ++j) t[j] = static_cast<uint8_t>((bad[j] == 0) & any_ok[j]);
          }
        } else {
          for (int j = 0; j < 64; ++j) t[j] = static_cast<uint8_t>(!bad[j]);
        }
        return word & PackBits(t);
      }
      case Check::kCity: {
        const uint32_t* v = city_.data() + base;
        const uint8_t* lut = c.lut.data();
        for (int j = 0; j < 64; ++j) {
          const uint8_t m = lut[v[j]];
          t[j] = static_cast<uint8_t>(((m & inc_need) == inc_need) & ((m & 2) == 0));
        }
        return word & PackBits(t);
      }
      case Check::kLanguage: {
        const std::array<uint16_t, kCreatorLanguages>* v = languages_.data() + base;
        const uint8_t* lut = c.lut.data();
        for (int j = 0; j < 64; ++j) {
          const uint8_t m = lut[v[j][0]] | lut[v[j][1]] | lut[v[j][2]] | lut[v[j][3]];
          t[j] = static_cast<uint8_t>(((m & inc_need) == inc_need) & ((m & 2) == 0));
        }
        return word & PackBits(t);
      }
      case Check::kAge: {
        // Birth year when known, else whether the age band overlaps.
        static constexpr int64_t kLo[7] = {0, 13, 18, 25, 35, 45, 65};
        static constexpr int64_t kHi[7] = {
            0, 17, 24, 34, 44, 64, std::numeric_limits<int64_t>::max()};
        uint8_t band_ok[8] = {};
        for (int band = 1; band < 7; ++band) {
          band_ok[band] = static_cast<uint8_t>(kLo[band] <= c.hi && kHi[band] >= c.lo);
        }
        const uint16_t* by = birth_year_.data() + base;
        const uint8_t* bands = age_band_.data() + base;
        const int64_t year = c.inc, lo = c.lo, hi = c.hi;
        for (int j = 0; j < 64; ++j) {
          const int64_t age = year - by[j];
          const uint8_t by_ok = static_cast<uint8_t>((age >= lo) & (age <= hi));
          t[j] = by[j] != 0 ? by_ok : band_ok[bands[j] & 7];
        }
        return word & PackBits(t);
      }
      case Check::kCountry: {
        const uint16_t* v = country_.data() + base;
        const uint8_t* lut = c.lut.data();
        for (int j = 0; j < 64; ++j) {
          const uint8_t m = lut[v[j]];
          t[j] = static_cast<uint8_t>(((m & inc_need) == inc_need) & ((m & 2) == 0));
        }
        return word & PackBits(t);
      }
      default:
        break;
    }
  }
  uint64_t out = 0;
  uint64_t rest = word;
  while (rest != 0) {
    const int j = __builtin_ctzll(rest);
    rest &= rest - 1;
    if (PassesCheck(cq, i, base + static_cast<uint32_t>(j))) out |= uint64_t{1} << j;
  }
  return out;
}

// One check at a time over the whole candidate set, cheapest per removed
// candidate first. While candidates are dense, words with 4+ candidates are
// tested branch-free over the word (CheckWord) and the docs of sparser words
// are gathered per 256 words and checked in one loop (CheckDocs). Once fewer
// than 4 candidates per word remain on average, the rest run on the list of
// candidate docs, compacted after each check, without visiting empty words.
void CreatorIndex::RunChecksLocked(const Compiled& c, uint64_t* bits, size_t w0, size_t w1) const {
  if (c.checks.empty() || w0 >= w1) return;
  constexpr size_t kBlockWords = 256;
  std::vector<uint32_t> list;
  size_t i = 0;
  const size_t n_words = w1 - w0;
  uint64_t cands = BitsCount(bits + w0, n_words);
  while (i < c.checks.size() && cands >= n_words * kVectorMin) {
    const Check& k = c.checks[i];
    const bool levels = k.has_levels();
    uint32_t sparse[kBlockWords * kVectorMin];
    uint8_t pass[kBlockWords * kVectorMin];
    for (size_t b = w0; b < w1; b += kBlockWords) {
      const size_t e = std::min(w1, b + kBlockWords);
      size_t n_sparse = 0;
      for (size_t w = b; w < e; ++w) {
        uint64_t word = bits[w];
        if (word == 0) continue;
        // Candidates the value levels already decided keep their bit.
        uint64_t keep = 0;
        if (levels) {
          const uint64_t need = k.Unsure(w, word);
          keep = word & ~need;
          word = need;
          if (word == 0) continue;
        }
        const uint32_t base = static_cast<uint32_t>(w * 64);
        if (base + 64 <= docs_ && Bits(word) >= kVectorMin) {
          bits[w] = keep | CheckWord(c, i, base, word);
          continue;
        }
        for (; word != 0; word &= word - 1) {
          sparse[n_sparse++] = base + static_cast<uint32_t>(__builtin_ctzll(word));
        }
      }
      if (n_sparse > 0) {
        CheckDocs(c, i, sparse, n_sparse, pass);
        for (size_t k = 0; k < n_sparse; ++k) {
          if (!pass[k]) ClearBit(bits, sparse[k]);
        }
      }
    }
    ++i;
    cands = BitsCount(bits + w0, n_words);
  }
  if (i == c.checks.size() || cands == 0) return;
  list.reserve(cands);
  for (size_t w = w0; w < w1; ++w) {
    for (uint64_t word = bits[w]; word != 0; word &= word - 1) {
      list.push_back(static_cast<uint32_t>(w * 64) + static_cast<uint32_t>(__builtin_ctzll(word)));
    }
  }
  std::vector<uint8_t> pass(list.size());
  std::vector<uint32_t> unsure;
  std::vector<uint32_t> unsure_at;
  std::vector<uint8_t> unsure_pass;
  for (; i < c.checks.size() && !list.empty(); ++i) {
    const Check& k = c.checks[i];
    if (k.has_levels()) {
      // Only the docs the value levels do not decide read the column.
      unsure.clear();
      unsure_at.clear();
      for (size_t j = 0; j < list.size(); ++j) {
        pass[j] = 1;
        if (!k.Sure(list[j])) {
          unsure.push_back(list[j]);
          unsure_at.push_back(static_cast<uint32_t>(j));
        }
      }
      unsure_pass.resize(unsure.size());
      CheckDocs(c, i, unsure.data(), unsure.size(), unsure_pass.data());
      for (size_t j = 0; j < unsure.size(); ++j) pass[unsure_at[j]] = unsure_pass[j];
    } else {
      CheckDocs(c, i, list.data(), list.size(), pass.data());
    }
    size_t out = 0;
    for (size_t k = 0; k < list.size(); ++k) {
      list[out] = list[k];
      out += pass[k];
    }
    list.resize(out);
  }
  std::fill(bits + w0, bits + w1, 0);
  for (uint32_t d : list) SetBit(bits, d);
}

void CreatorIndex::CheckDocs(const Compiled& cq, size_t i, const uint32_t* docs, size_t n,
                             uint8_t* pass) const {
  const Check& c = cq.checks[i];
  switch (c.kind) {
    case Check::kU8Set: {
      const uint8_t* v = static_cast<const uint8_t*>(c.col);
      const uint32_t ok = (c.inc == 0 ? 0xFFFFFFFFu : c.inc) & ~c.exc;
      for (size_t k = 0; k < n; ++k) pass[k] = static_cast<uint8_t>((ok >> (v[docs[k]] & 31)) & 1);
      return;
    }
    case Check::kMask8:
    case Check::kMask16:
    case Check::kMask32: {
      for (size_t k = 0; k < n; ++k) {
        uint32_t v;
        if (c.kind == Check::kMask8) {
          v = static_cast<const uint8_t*>(c.col)[docs[k]];
        } else if (c.kind == Check::kMask16) {
          v = static_cast<const uint16_t*>(c.col)[docs[k]];
        } else {
          v = static_cast<const uint32_t*>(c.col)[docs[k]];
        }
        pass[k] = static_cast<uint8_t>((!c.has_inc || (v & c.inc) != 0) & ((v & c.exc) == 0));
      }
      return;
    }
    case Check::kU32Range: {
      const uint32_t* v = static_cast<const uint32_t*>(c.col);
      const int64_t lo = c.lo, hi = c.hi;
      for (size_t k = 0; k < n; ++k) {
        const int64_t x = v[docs[k]];
        pass[k] = static_cast<uint8_t>((x >= lo) & (x <= hi));
      }
      return;
    }
    case Check::kPrice: {
      const int64_t* v = price_.data();
      for (size_t k = 0; k < n; ++k) {
        const int64_t x = v[docs[k]];
        pass[k] = static_cast<uint8_t>((x != kUnknownPrice) & (x >= c.lo) & (x <= c.hi));
      }
      return;
    }
    case Check::kFloatRange: {
      const float* v = static_cast<const float*>(c.col);
      const float lo = c.flo, hi = c.fhi;
      for (size_t k = 0; k < n; ++k) {
        const float x = v[docs[k]];
        pass[k] = static_cast<uint8_t>((x >= lo) & (x <= hi));
      }
      return;
    }
    case Check::kFlags: {
      const uint8_t* v = flags_.data();
      for (size_t k = 0; k < n; ++k) pass[k] = static_cast<uint8_t>((v[docs[k]] & c.inc) == c.exc);
      return;
    }
    case Check::kLastPost: {
      const uint32_t* v = last_post_.data();
      for (size_t k = 0; k < n; ++k) {
        const uint32_t x = v[docs[k]];
        pass[k] = static_cast<uint8_t>((x != 0) & (x >= c.lo));
      }
      return;
    }
    case Check::kCountry: {
      const uint16_t* v = country_.data();
      const uint8_t* lut = c.lut.data();
      for (size_t k = 0; k < n; ++k) {
        const uint8_t m = lut[v[docs[k]]];
        pass[k] = static_cast<uint8_t>((!c.has_inc || (m & 1)) & !(m & 2));
      }
      return;
    }
    case Check::kAudGender:
    case Check::kAudAge: {
      const size_t first = c.kind == Check::kAudGender ? 0 : 3;
      const size_t bands = c.kind == Check::kAudGender ? 3 : 6;
      for (size_t k = 0; k < n; ++k) {
        const uint32_t d = docs[k];
        bool found = false, any_ok = false, bad = false;
        int sum = 0;
        for (size_t b = 0; b < bands; ++b) {
          const uint8_t v = aud_demo_[first + b][d];
          const bool present = v != kAbsentShare;
          if ((c.inc >> b) & 1) {
            found |= present;
            sum += present ? v : 0;
            any_ok |= present & (v >= c.min_q);
          }
          if ((c.exc >> b) & 1) bad |= present & (c.max_zero | (v > c.max_q));
        }
        const bool inc_ok = !c.has_inc || (c.sum ? found && sum >= c.min_q : any_ok);
        pass[k] = static_cast<uint8_t>(!bad && inc_ok);
      }
      return;
    }
    case Check::kAudCountry: {
      const AudCountries* rows = aud_country_.data();
      AudEntriesPass(
          c, docs, n, pass, [rows](uint32_t d) { return &rows[d]; },
          [](const AudCountries* r) { return std::make_pair(r->id, r->share); }, kAudCountries);
      return;
    }
    case Check::kAudCity:
    case Check::kAudLanguage:
    case Check::kAudInterest:
    case Check::kAudBrand: {
      const AudRest* rows = aud_rest_.data();
      auto row = [rows](uint32_t d) { return &rows[d]; };
      if (c.kind == Check::kAudCity) {
        AudEntriesPass(
            c, docs, n, pass, row,
            [](const AudRest* r) { return std::make_pair(r->city, r->city_share); }, kAudCities);
      } else if (c.kind == Check::kAudLanguage) {
        AudEntriesPass(
            c, docs, n, pass, row,
            [](const AudRest* r) { return std::make_pair(r->language, r->language_share); },
            kAudLanguages);
      } else if (c.kind == Check::kAudInterest) {
        AudEntriesPass(
            c, docs, n, pass, row,
            [](const AudRest* r) { return std::make_pair(r->interest, r->interest_share); },
            kAudInterests);
      } else {
        AudEntriesPass(
            c, docs, n, pass, row,
            [](const AudRest* r) { return std::make_pair(r->brand, r->brand_share); }, kAudBrands);
      }
      return;
    }
    default:
      for (size_t k = 0; k < n; ++k) pass[k] = PassesCheck(cq, i, docs[k]) ? 1 : 0;
      return;
  }
}

namespace {

// Membership probes of one constraint for docs visited in increasing order.
struct ConstraintProbe {
  const CreatorIndex* unused = nullptr;
  std::vector<std::vector<std::vector<PostingCursor>>> alts;  // alt -> unit -> postings
  bool exclude = false;
  bool Matches(uint32_t d) {
    for (auto& units : alts) {
      bool all = true;
      for (auto& unit : units) {
        bool any = false;
        for (auto& cur : unit) any = cur.Contains(d) || any;
        if (!any) {
          all = false;
          break;
        }
      }
      if (all) return true;
    }
    return false;
  }
};

}  // namespace

struct CreatorIndex::Parts {
  QueryPool* pool = nullptr;
  size_t n_words = 0;
  int count = 1;
  // Words [first, second) of part p, cut on whole cache lines.
  std::pair<size_t, size_t> Range(int p) const {
    const size_t lines = (n_words + 7) / 8;
    const size_t a =
        std::min(n_words, lines * static_cast<size_t>(p) / static_cast<size_t>(count) * 8);
    const size_t b =
        std::min(n_words, lines * static_cast<size_t>(p + 1) / static_cast<size_t>(count) * 8);
    return {a, b};
  }
  // Calls f(part, w0, w1) for every part, side by side.
  template <typename F>
  void RunIndexed(F&& f) const {
    if (count == 1) {
      f(0, size_t{0}, n_words);
      return;
    }
    pool->Run(count, [&](int p) {
      const auto [w0, w1] = Range(p);
      f(p, w0, w1);
    });
  }
  // Calls f(w0, w1) for every part, side by side.
  template <typename F>
  void Run(F&& f) const {
    RunIndexed([&](int, size_t w0, size_t w1) { f(w0, w1); });
  }
};

CreatorIndex::Parts CreatorIndex::PartsFor(size_t n_words) const {
  Parts parts;
  parts.n_words = n_words;
  if (options_.query_threads == 1 || n_words * 64 < options_.parallel_min_docs) return parts;
  parts.pool = &QueryPool::Shared();
  const int threads =
      options_.query_threads > 0 ? options_.query_threads : parts.pool->parallelism();
  // At least one cache line of words per part.
  parts.count = static_cast<int>(std::clamp<size_t>(n_words / 8, 1, static_cast<size_t>(threads)));
  return parts;
}

void CreatorIndex::BuildCandidatesLocked(const Compiled& c, uint64_t* bits, size_t w0,
                                         size_t w1) const {
  const size_t n = w1 - w0;
  if (n == 0) return;
  uint64_t* out = bits + w0;
  std::copy(alive_.begin() + static_cast<std::ptrdiff_t>(w0),
            alive_.begin() + static_cast<std::ptrdiff_t>(w1), out);
  // Scratch of this thread, indexed from word w0.
  std::vector<uint64_t>& tmp = Scratch(1);
  std::vector<uint64_t>& unit_bits = Scratch(2);
  std::vector<uint64_t> alt_bits;
  for (const auto& g : c.generators) {
    if (g.postings.size() == 1 && g.postings[0]->dense()) {
      // One dense posting: AND it in place (words past its end are zero).
      const Posting* p = g.postings[0];
      const size_t end = std::clamp(p->word_count(), w0, w1);
      BitsAnd(out, p->words() + w0, end - w0);
      std::fill(out + (end - w0), out + n, 0);
      continue;
    }
    tmp.assign(n, 0);
    for (const Posting* p : g.postings) p->OrRangeInto(tmp.data(), w0, w1);
    BitsAnd(out, tmp.data(), n);
  }
  for (const auto& con : c.constraints) {
    tmp.assign(n, 0);
    for (const auto& alt : con.alts) {
      if (alt.units.size() == 1) {
        for (const Posting* p : alt.units[0].any) p->OrRangeInto(tmp.data(), w0, w1);
        continue;
      }
      for (size_t ui = 0; ui < alt.units.size(); ++ui) {
        unit_bits.assign(n, 0);
        for (const Posting* p : alt.units[ui].any) p->OrRangeInto(unit_bits.data(), w0, w1);
        if (ui == 0) {
          alt_bits = unit_bits;
        } else {
          BitsAnd(alt_bits.data(), unit_bits.data(), n);
        }
      }
      BitsOr(tmp.data(), alt_bits.data(), n);
    }
    if (con.exclude) {
      BitsAndNot(out, tmp.data(), n);
    } else {
      BitsAnd(out, tmp.data(), n);
    }
  }
  for (const Check& k : c.checks) {
    // Levels cover every doc (AppendLevelsLocked); clamped all the same.
    if (k.lvl_and != nullptr) {
      const size_t end = std::clamp(k.lvl_and->size(), w0, w1);
      BitsAnd(out, k.lvl_and->data() + w0, end - w0);
      std::fill(out + (end - w0), out + n, 0);
    }
    if (k.lvl_andnot != nullptr) {
      BitsAndNot(out, k.lvl_andnot->data() + w0, std::clamp(k.lvl_andnot->size(), w0, w1) - w0);
    }
  }
  const uint32_t lo = static_cast<uint32_t>(w0 * 64);
  for (auto it = std::lower_bound(c.excluded.begin(), c.excluded.end(), lo);
       it != c.excluded.end() && *it < w1 * 64; ++it) {
    ClearBit(bits, *it);
  }
}

template <typename Emit, typename EmitBits>
void CreatorIndex::ExecuteLocked(Compiled& c, Emit&& emit, EmitBits&& emit_bits) const {
  if (c.empty || live_ == 0) return;
  const uint32_t universe = docs_;
  const size_t n_words = WordsFor(universe);
  uint64_t best = std::numeric_limits<uint64_t>::max();
  int best_gen = -1;
  int best_con = -1;
  for (size_t i = 0; i < c.generators.size(); ++i) {
    if (c.generators[i].estimate < best) {
      best = c.generators[i].estimate;
      best_gen = static_cast<int>(i);
      best_con = -1;
    }
  }
  for (size_t i = 0; i < c.constraints.size(); ++i) {
    if (!c.constraints[i].exclude && c.constraints[i].estimate < best) {
      best = c.constraints[i].estimate;
      best_con = static_cast<int>(i);
      best_gen = -1;
    }
  }

  // Selective: walk the candidates of the most selective filter and probe the
  // other postings with galloping cursors.
  if ((best_gen >= 0 || best_con >= 0) && best * 32 < universe) {
    std::vector<uint32_t> cands;
    cands.reserve(best);
    size_t lists = 0;
    if (best_gen >= 0) {
      for (const Posting* p : c.generators[static_cast<size_t>(best_gen)].postings) {
        p->AppendTo(&cands);
        ++lists;
      }
    } else {
      for (const auto& alt : c.constraints[static_cast<size_t>(best_con)].alts) {
        const Compiled::Unit* smallest = &alt.units[0];
        for (const auto& u : alt.units) {
          if (u.size < smallest->size) smallest = &u;
        }
        for (const Posting* p : smallest->any) {
          p->AppendTo(&cands);
          ++lists;
        }
      }
    }
    if (lists > 1) {
      std::sort(cands.begin(), cands.end());
      cands.erase(std::unique(cands.begin(), cands.end()), cands.end());
    }
    std::vector<ConstraintProbe> probes;
    probes.reserve(c.constraints.size());
    for (const auto& con : c.constraints) {
      ConstraintProbe p;
      p.exclude = con.exclude;
      for (const auto& alt : con.alts) {
        std::vector<std::vector<PostingCursor>> units;
        for (const auto& u : alt.units) {
          std::vector<PostingCursor> curs;
          for (const Posting* post : u.any) curs.emplace_back(post);
          units.push_back(std::move(curs));
        }
        p.alts.push_back(std::move(units));
      }
      probes.push_back(std::move(p));
    }
    size_t ex = 0;
    for (uint32_t d : cands) {
      if (!TestBit(alive_.data(), d)) continue;
      while (ex < c.excluded.size() && c.excluded[ex] < d) ++ex;
      if (ex < c.excluded.size() && c.excluded[ex] == d) continue;
      bool ok = true;
      for (auto& p : probes) {
        if (p.Matches(d) == p.exclude) {
          ok = false;
          break;
        }
      }
      if (!ok || !PassesResidual(c, d)) continue;
      emit(d);
    }
    return;
  }

  // Broad: build the candidate bitset with word-parallel AND/OR over the
  // postings, then check the remaining predicates doc by doc. Both passes
  // run over disjoint word ranges, side by side on a large catalog.
  std::vector<uint64_t>& bits = Scratch(0);
  bits.resize(n_words);
  for (Check& k : c.checks) {
    if (k.lvl_unsure_postings.empty()) continue;
    std::vector<uint64_t>& unsure = c.owned_bits.emplace_back(n_words, 0);
    for (const Posting* p : k.lvl_unsure_postings) p->OrInto(unsure.data(), n_words);
    k.lvl_unsure = &unsure;
  }
  const Parts parts = PartsFor(n_words);
  parts.Run([&](size_t w0, size_t w1) { BuildCandidatesLocked(c, bits.data(), w0, w1); });
  // Every generator is in the bitset now: drop the include halves they
  // imply, and the checks left with nothing to do.
  {
    size_t out = 0;
    for (size_t i = 0; i < c.checks.size(); ++i) {
      Check& k = c.checks[i];
      if (k.lvl_exact) continue;  // the value levels decided it
      if (k.implied) {
        switch (k.kind) {
          case Check::kU8Set:
            k.inc = 0;
            if (k.exc == 0) continue;
            break;
          case Check::kMask8:
          case Check::kMask16:
          case Check::kMask32:
            k.has_inc = false;
            if (k.exc == 0) continue;
            break;
          case Check::kCountry:
          case Check::kCity:
          case Check::kLanguage:
          case Check::kAudCountry:
            k.has_inc = false;
            if (!k.has_exc) continue;
            break;
          default:
            break;
        }
      }
      if (out != i) c.checks[out] = std::move(k);
      ++out;
    }
    c.checks.resize(out);
  }
  // Order the checks by expected cost per candidate they remove: each
  // check's pass rate on a sample of the candidates (every step-th word)
  // against its cost rank, so the selective cheap ones thin the set first
  // and the later ones touch fewer column lines.
  if (c.checks.size() > 1) {
    constexpr size_t kSample = 256;
    std::vector<uint32_t> sample;
    const size_t step = std::max<size_t>(1, n_words / kSample);
    for (size_t w = 0; w < n_words && sample.size() < kSample; w += step) {
      if (bits[w] != 0) {
        sample.push_back(static_cast<uint32_t>(w * 64) +
                         static_cast<uint32_t>(__builtin_ctzll(bits[w])));
      }
    }
    if (sample.size() >= 16) {
      static constexpr double kCost[] = {1, 1.5, 2, 3, 6, 20};
      std::vector<std::pair<double, size_t>> order;
      order.reserve(c.checks.size());
      for (size_t i = 0; i < c.checks.size(); ++i) {
        size_t pass = 0;
        for (uint32_t d : sample) pass += PassesCheck(c, i, d) ? 1 : 0;
        // Expected cost per removed candidate (a check that removes none
        // goes last within its cost).
        const double removed =
            static_cast<double>(sample.size() - pass + 1) / static_cast<double>(sample.size() + 1);
        order.emplace_back(kCost[CostRank(c.checks[i].kind)] / removed, i);
      }
      std::stable_sort(order.begin(), order.end(),
                       [](const auto& a, const auto& b) { return a.first < b.first; });
      std::vector<Check> sorted;
      sorted.reserve(c.checks.size());
      for (const auto& [cost, i] : order) sorted.push_back(std::move(c.checks[i]));
      c.checks = std::move(sorted);
    }
  }
  parts.Run([&](size_t w0, size_t w1) { RunChecksLocked(c, bits.data(), w0, w1); });
  emit_bits(bits.data(), n_words, parts);
}

// ---------------------------------------------------------------------------
// Construction and writes

CreatorIndex::CreatorIndex() : CreatorIndex(Options()) {}
CreatorIndex::~CreatorIndex() = default;

CreatorIndex::CreatorIndex(Options options) : options_(std::move(options)) {
  countries_ = std::make_unique<TermIndex>(true);
  cities_ = std::make_unique<TermIndex>(true);
  languages_vocab_ = std::make_unique<TermIndex>(true);
  interests_ = std::make_unique<TermIndex>(false);
  brands_ = std::make_unique<TermIndex>(false);
  for (int f = 0; f < kLevels; ++f) levels_[static_cast<size_t>(f)].resize(LevelCount(f));
}

cv1::Tier CreatorIndex::TierOf(cv1::Platform platform, int64_t followers) const {
  const std::array<int64_t, 4>* b = &options_.tier_bounds;
  auto it = options_.platform_tier_bounds.find(static_cast<int>(platform));
  if (it != options_.platform_tier_bounds.end()) b = &it->second;
  if (followers >= (*b)[3]) return cv1::TIER_GLOBAL;
  if (followers >= (*b)[2]) return cv1::TIER_COUNTRY;
  if (followers >= (*b)[1]) return cv1::TIER_MACRO;
  if (followers >= (*b)[0]) return cv1::TIER_MICRO;
  return cv1::TIER_NANO;
}

// Everything AppendLocked needs from a profile that does not depend on the
// index: columns, normalised strings, deduplicated text terms, sorted
// audience lists and lookalike vectors. Built without the lock (in parallel
// for a batch), so the write lock covers only interning and appending.
struct CreatorIndex::PreparedDoc {
  absl::string_view id;
  uint8_t platform = 0;
  uint8_t tier = 0;
  uint8_t gender = 0;
  uint8_t account = 0;
  uint8_t content_types = 0;
  uint8_t age_band = 0;
  uint8_t flags = 0;
  uint8_t main_category = 0;
  uint32_t categories = 0;
  uint16_t birth_year = 0;
  uint16_t brand_safety = 0;
  uint16_t linked = 0;
  uint32_t followers = 0;
  uint32_t content_count = 0;
  uint32_t last_post = 0;
  int64_t price = kUnknownPrice;
  std::array<float, kFloatFieldCount> floats{};
  uint64_t person = 0;
  std::string country;
  std::string city;
  std::vector<std::string> languages;  // normalised, non-empty, in order
  std::vector<std::string> interests;
  std::vector<std::string> brands;
  std::vector<std::string> mentions;
  // Distinct terms per TextField, as views into term_bytes.
  std::string term_bytes;
  std::array<std::vector<absl::string_view>, 4> terms;
  // Scratch of PrepareDoc, kept so a reused PreparedDoc allocates nothing.
  std::array<std::vector<std::pair<uint32_t, uint32_t>>, 4> term_spans;
  std::string word_scratch;
  std::vector<std::pair<double, std::string>> aud_countries;
  std::vector<std::pair<double, std::string>> aud_cities;
  std::vector<std::pair<double, std::string>> aud_languages;
  std::vector<std::pair<double, std::string>> aud_interests;
  std::vector<std::pair<double, std::string>> aud_brands;
  uint8_t aud_gender[3];
  uint8_t aud_age[6];
  SimVectors vectors;
};

// Vocabulary posting appends of a batch, held back until every doc of the
// batch is in and then applied sorted by posting, so each of those lists is
// touched once per batch. Keys are (id << 32 | doc), for audience countries
// ((id * buckets + bucket) << 32 | doc). Text terms are not held back:
// sorting a batch's ~40 terms per profile cost more than the hash probes it
// saved (ingest_bench, 200k creators), most terms being rare.
struct CreatorIndex::PendingPostings {
  std::vector<uint64_t> countries;
  std::vector<uint64_t> cities;
  std::vector<uint64_t> languages;
  std::vector<uint64_t> interests;
  std::vector<uint64_t> brands;
  std::vector<uint64_t> aud_countries;
};

struct CreatorIndex::BatchScratch {
  std::vector<PreparedDoc> prepared;
  PendingPostings pending;
};

void CreatorIndex::PrepareDoc(const cv1::Creator& c, PreparedDoc* p) const {
  p->id = c.creator_id();
  const int platform = cv1::Platform_IsValid(c.platform()) ? c.platform() : 0;
  const int64_t followers_raw = std::max<int64_t>(0, c.stats().followers());
  p->platform = static_cast<uint8_t>(platform);
  p->tier = static_cast<uint8_t>(TierOf(static_cast<cv1::Platform>(platform), followers_raw));
  p->gender = static_cast<uint8_t>(cv1::Gender_IsValid(c.gender()) ? c.gender() : 0);
  p->account =
      static_cast<uint8_t>(cv1::AccountType_IsValid(c.account_type()) ? c.account_type() : 0);
  uint8_t types = 0;
  for (int t : c.content().content_types()) {
    if (t >= 1 && t <= 5) types |= static_cast<uint8_t>(1u << t);
  }
  p->content_types = types;
  p->age_band = static_cast<uint8_t>(c.age_band() >= 1 && c.age_band() <= 6 ? c.age_band() : 0);
  uint8_t flags = 0;
  if (c.verified()) flags |= kVerified;
  if (c.is_private()) flags |= kPrivate;
  if (c.has_email()) flags |= kHasEmail;
  if (c.has_phone()) flags |= kHasPhone;
  p->flags = flags;
  uint32_t cats = 0;
  int main_cat = 0;
  for (int cat : c.categories()) {
    if (cat < 1 || cat > 25 || ((cats >> cat) & 1)) continue;
    if (main_cat == 0) main_cat = cat;
    cats |= uint32_t{1} << cat;
  }
  p->categories = cats;
  p->main_category = static_cast<uint8_t>(main_cat);
  p->birth_year = c.has_birth_year() && c.birth_year() > 0 && c.birth_year() < 65536
                      ? static_cast<uint16_t>(c.birth_year())
                      : 0;
  p->country = NormalizeUpper(c.country_code());
  p->city = NormalizeLower(c.city());
  p->languages.clear();
  for (const std::string& l : c.language_codes()) {
    std::string code = NormalizeLower(l);
    if (!code.empty()) p->languages.push_back(std::move(code));
  }
  uint16_t safety = 0;
  for (int fl : c.brand_safety_flags()) {
    if (fl >= 1 && fl <= 15) safety = static_cast<uint16_t>(safety | (1u << fl));
  }
  p->brand_safety = safety;
  uint16_t linked = 0;
  for (const auto& lp : c.linked_profiles()) {
    if (lp.platform() >= 1 && lp.platform() <= 15) {
      linked = static_cast<uint16_t>(linked | (1u << lp.platform()));
    }
  }
  p->linked = linked;

  const cv1::CreatorStats& s = c.stats();
  p->followers = ClampU32(followers_raw);
  p->content_count = ClampU32(s.content_count());
  int64_t last_post = c.content().has_last_post_time() ? c.content().last_post_time().seconds() : 0;
  p->last_post = last_post > 0 ? ClampU32(last_post) : 0;
  p->price = s.has_estimated_price() && NormalizeUpper(s.estimated_price().currency_code()) ==
                                            options_.reference_currency
                 ? s.estimated_price().amount_micros()
                 : kUnknownPrice;
  const cv1::AudienceDemographics& a = c.audience();
  auto& f = p->floats;
  f[kEngagement] = OptFloat(s.has_engagement_rate() && !s.likes_hidden(), s.engagement_rate());
  f[kAvgLikes] = OptFloat(s.has_avg_likes(), s.avg_likes());
  f[kAvgComments] = OptFloat(s.has_avg_comments(), s.avg_comments());
  f[kAvgShares] = OptFloat(s.has_avg_shares(), s.avg_shares());
  f[kAvgSaves] = OptFloat(s.has_avg_saves(), s.avg_saves());
  f[kAvgViews] = OptFloat(s.has_avg_views(), s.avg_views());
  f[kGrowth30] = OptFloat(s.has_follower_growth_30d(), s.follower_growth_30d());
  f[kGrowth90] = OptFloat(s.has_follower_growth_90d(), s.follower_growth_90d());
  f[kPostsPerWeek] = OptFloat(s.has_posts_per_week(), s.posts_per_week());
  f[kSponsoredShare] = OptFloat(s.has_sponsored_post_share(), s.sponsored_post_share());
  f[kSponsoredRatio] = OptFloat(s.has_sponsored_engagement_ratio(), s.sponsored_engagement_ratio());
  f[kCredibility] = OptFloat(a.has_credibility(), a.credibility());
  f[kQuality] = OptFloat(a.has_audience_quality_score(), a.audience_quality_score());
  f[kReachability] = OptFloat(a.has_reachability(), a.reachability());

  auto normalized = [](const auto& list, auto normalize, std::vector<std::string>* out) {
    out->clear();
    for (const std::string& v : list) {
      std::string n = normalize(v);
      if (!n.empty()) out->push_back(std::move(n));
    }
  };
  normalized(c.interests(), NormalizeLower, &p->interests);
  normalized(c.content().brands(), NormalizeLower, &p->brands);
  normalized(c.content().mentions(), NormalizeTag, &p->mentions);

  // Text terms, each kept once per field: the field lengths count distinct
  // terms. Offsets first, views once term_bytes stops growing.
  auto& spans = p->term_spans;
  for (auto& field_spans : spans) field_spans.clear();
  p->term_bytes.clear();
  auto add_term = [&](int field, absl::string_view term) {
    spans[static_cast<size_t>(field)].emplace_back(static_cast<uint32_t>(p->term_bytes.size()),
                                                   static_cast<uint32_t>(term.size()));
    p->term_bytes.append(term.data(), term.size());
  };
  std::string& scratch = p->word_scratch;
  for (const std::string& v : c.content().hashtags()) {
    const std::string n = NormalizeTag(v);
    if (!n.empty()) add_term(kHashtag, n);
  }
  ForEachWord(c.content().bio(), &scratch, [&](absl::string_view w) { add_term(kBio, w); });
  for (const std::string& k : c.content().caption_keywords()) {
    ForEachWord(k, &scratch, [&](absl::string_view w) { add_term(kCaption, w); });
  }
  // The whole handle is not a term of its own: a query for "jane.doe" is the
  // words "jane" and "doe", which every doc with that handle holds, and a
  // second unique term per profile would cost ~170 bytes of hash slot,
  // key and posting.
  ForEachWord(c.handle(), &scratch, [&](absl::string_view w) { add_term(kName, w); });
  ForEachWord(c.display_name(), &scratch, [&](absl::string_view w) { add_term(kName, w); });
  for (size_t field = 0; field < 4; ++field) {
    std::vector<absl::string_view>& terms = p->terms[field];
    terms.clear();
    for (const auto& [offset, size] : spans[field]) {
      terms.emplace_back(p->term_bytes.data() + offset, size);
    }
    std::sort(terms.begin(), terms.end());
    terms.erase(std::unique(terms.begin(), terms.end()), terms.end());
  }

  SortShares(
      a.countries(), [](const cv1::CountryShare& e) { return NormalizeUpper(e.country_code()); },
      &p->aud_countries);
  SortShares(
      a.cities(), [](const cv1::CityShare& e) { return NormalizeLower(e.city()); }, &p->aud_cities);
  SortShares(
      a.languages(), [](const cv1::LanguageShare& e) { return NormalizeLower(e.language_code()); },
      &p->aud_languages);
  SortShares(
      a.interests(), [](const cv1::InterestShare& e) { return NormalizeLower(e.interest()); },
      &p->aud_interests);
  SortShares(
      a.brand_affinities(), [](const cv1::BrandAffinity& e) { return NormalizeLower(e.brand()); },
      &p->aud_brands);
  std::memset(p->aud_gender, kAbsentShare, sizeof(p->aud_gender));
  std::memset(p->aud_age, kAbsentShare, sizeof(p->aud_age));
  for (const auto& g : a.genders()) {
    if (g.gender() >= 1 && g.gender() <= 3 && p->aud_gender[g.gender() - 1] == kAbsentShare) {
      p->aud_gender[g.gender() - 1] = QuantizeShare(g.share());
    }
  }
  for (const auto& b : a.age_bands()) {
    if (b.age_band() >= 1 && b.age_band() <= 6 && p->aud_age[b.age_band() - 1] == kAbsentShare) {
      p->aud_age[b.age_band() - 1] = QuantizeShare(b.share());
    }
  }
  p->vectors = BuildSimVectors(c);
  p->person = PersonKey(c.person_id());
}

void CreatorIndex::AppendLocked(const PreparedDoc& p, PendingPostings* pending) {
  const uint32_t doc = docs_++;
  const uint32_t universe = docs_;
  ids_.Append(doc, p.id);
  if (alive_.size() < WordsFor(universe)) alive_.push_back(0);
  SetBit(alive_.data(), doc);
  ++live_;
  // Vocabulary postings: now, or held back for the batch.
  auto add = [&](TermIndex& ti, std::vector<uint64_t> PendingPostings::*queue, uint32_t id) {
    if (pending == nullptr) {
      ti.postings[id].Add(doc, universe);
    } else {
      (pending->*queue).push_back(uint64_t{id} << 32 | doc);
    }
  };

  const int platform = p.platform;
  const int tier = p.tier;
  platform_.push_back(p.platform);
  tier_.push_back(p.tier);
  gender_.push_back(p.gender);
  account_type_.push_back(p.account);
  platform_postings_[p.platform].Add(doc, universe);
  tier_postings_[p.tier].Add(doc, universe);
  gender_postings_[p.gender].Add(doc, universe);
  account_type_postings_[p.account].Add(doc, universe);

  for (int t = 1; t <= 5; ++t) {
    if ((p.content_types >> t) & 1)
      content_type_postings_[static_cast<size_t>(t)].Add(doc, universe);
  }
  if (p.content_types == 0) content_type_postings_[0].Add(doc, universe);
  content_types_.push_back(p.content_types);
  age_band_.push_back(p.age_band);
  flags_.push_back(p.flags);
  for (int cat = 1; cat <= 25; ++cat) {
    if ((p.categories >> cat) & 1) category_postings_[static_cast<size_t>(cat)].Add(doc, universe);
  }
  if (p.categories == 0) category_postings_[0].Add(doc, universe);
  categories_.push_back(p.categories);
  main_category_.push_back(p.main_category);
  birth_year_.push_back(p.birth_year);

  uint32_t country_id = p.country.empty() ? 0 : countries_->Intern(p.country);
  if (country_id > 0xFFFF) country_id = 0;
  // Postings at id 0 hold the docs without a value, for facet "missing" counts.
  add(*countries_, &PendingPostings::countries, country_id);
  country_.push_back(static_cast<uint16_t>(country_id));

  const uint32_t city_id = p.city.empty() ? 0 : cities_->Intern(p.city);
  add(*cities_, &PendingPostings::cities, city_id);
  city_.push_back(city_id);

  std::array<uint16_t, kCreatorLanguages> langs{};
  int n_langs = 0;
  for (const std::string& code : p.languages) {
    if (n_langs == kCreatorLanguages) break;
    const uint32_t id = languages_vocab_->Intern(code);
    if (id > 0xFFFF) continue;
    bool dup = false;
    for (int j = 0; j < n_langs; ++j) dup = dup || langs[static_cast<size_t>(j)] == id;
    if (dup) continue;
    langs[static_cast<size_t>(n_langs++)] = static_cast<uint16_t>(id);
    add(*languages_vocab_, &PendingPostings::languages, id);
  }
  if (n_langs == 0) add(*languages_vocab_, &PendingPostings::languages, 0);
  languages_.push_back(langs);

  brand_safety_.push_back(p.brand_safety);
  linked_platforms_.push_back(p.linked);
  also_on_.push_back(p.linked);

  followers_.push_back(p.followers);
  content_count_.push_back(p.content_count);
  last_post_.push_back(p.last_post);
  price_.push_back(p.price);
  for (size_t f = 0; f < kFloatFieldCount; ++f) floats_[f].push_back(p.floats[f]);

  // Posting-only values and text fields.
  for (const std::string& n : p.interests) {
    add(*interests_, &PendingPostings::interests, interests_->Intern(n));
  }
  for (const std::string& n : p.brands) {
    add(*brands_, &PendingPostings::brands, brands_->Intern(n));
  }
  for (const std::string& n : p.mentions) mentions_.Add(n, doc, universe);
  std::array<uint8_t, 4> lens8;
  for (size_t f = 0; f < 4; ++f) {
    for (absl::string_view term : p.terms[f]) text_[f].Add(term, doc, universe);
    lens8[f] = static_cast<uint8_t>(std::min<size_t>(p.terms[f].size(), 255));
    field_len_sum_[f] += lens8[f];
  }
  field_len_.push_back(lens8);

  AudienceBlock blk;
  PickTopShares(
      p.aud_countries,
      [&](const std::string& s) {
        const uint32_t id = countries_->Intern(s);
        return id > 0xFFFF ? 0u : id;
      },
      kAudCountries, blk.country, blk.country_share);
  PickTopShares(
      p.aud_cities, [&](const std::string& s) { return cities_->Intern(s); }, kAudCities, blk.city,
      blk.city_share);
  PickTopShares(
      p.aud_languages,
      [&](const std::string& s) {
        const uint32_t id = languages_vocab_->Intern(s);
        return id > 0xFFFF ? 0u : id;
      },
      kAudLanguages, blk.language, blk.language_share);
  PickTopShares(
      p.aud_interests, [&](const std::string& s) { return interests_->Intern(s); }, kAudInterests,
      blk.interest, blk.interest_share);
  PickTopShares(
      p.aud_brands, [&](const std::string& s) { return brands_->Intern(s); }, kAudBrands, blk.brand,
      blk.brand_share);
  std::memcpy(blk.gender, p.aud_gender, sizeof(blk.gender));
  std::memcpy(blk.age, p.aud_age, sizeof(blk.age));
  AudCountries ac;
  std::memcpy(ac.id, blk.country, sizeof(ac.id));
  std::memcpy(ac.share, blk.country_share, sizeof(ac.share));
  aud_country_.push_back(ac);
  for (int j = 0; j < kAudCountries; ++j) {
    const uint8_t sh = ac.share[j];
    if (ac.id[j] == 0 || sh < kAudShareBuckets[0]) continue;
    size_t bucket = 0;
    while (bucket + 1 < kAudShareBuckets.size() && sh >= kAudShareBuckets[bucket + 1]) ++bucket;
    if (aud_country_postings_.size() <= ac.id[j]) {
      aud_country_postings_.resize(std::max<size_t>(ac.id[j] + 1, countries_->vocab.bound()));
    }
    if (pending == nullptr) {
      aud_country_postings_[ac.id[j]][bucket].Add(doc, universe);
    } else {
      pending->aud_countries.push_back(
          (uint64_t{ac.id[j]} * kAudShareBuckets.size() + bucket) << 32 | doc);
    }
  }
  for (size_t j = 0; j < 3; ++j) aud_demo_[j].push_back(blk.gender[j]);
  for (size_t j = 0; j < 6; ++j) aud_demo_[3 + j].push_back(blk.age[j]);
  AudRest rest;
  std::memcpy(rest.language, blk.language, sizeof(rest.language));
  std::memcpy(rest.language_share, blk.language_share, sizeof(rest.language_share));
  std::memcpy(rest.city, blk.city, sizeof(rest.city));
  std::memcpy(rest.city_share, blk.city_share, sizeof(rest.city_share));
  std::memcpy(rest.interest, blk.interest, sizeof(rest.interest));
  std::memcpy(rest.interest_share, blk.interest_share, sizeof(rest.interest_share));
  std::memcpy(rest.brand, blk.brand, sizeof(rest.brand));
  std::memcpy(rest.brand_share, blk.brand_share, sizeof(rest.brand_share));
  aud_rest_.push_back(rest);
  vectors_.push_back(p.vectors);

  UpdateLiveFacetsLocked(doc, 1);
  AppendLevelsLocked(doc);

  const uint64_t person = p.person;
  person_.push_back(person);
  platform_tier_counts_[static_cast<size_t>(platform)][static_cast<size_t>(tier)]++;
  if (person == 0) {
    ++no_person_live_;
  } else {
    person_docs_[person].push_back(doc);
    RecomputePersonLocked(person);
  }
}

bool CreatorIndex::ReachesLevelLocked(int field, size_t level, uint32_t d) const {
  static_assert(std::size(kFloatLevels) == kFloatFieldCount);
  if (field == kLevelFollowers) return followers_[d] >= kFollowerLevels[level];
  // NaN (unknown) reaches no level.
  return floats_[static_cast<size_t>(field - 1)][d] >= kFloatLevels[field - 1][level];
}

void CreatorIndex::AppendLevelsLocked(uint32_t doc) {
  const size_t words = WordsFor(doc + 1);
  for (int f = 0; f < kLevels; ++f) {
    std::vector<std::vector<uint64_t>>& ge = levels_[static_cast<size_t>(f)];
    for (size_t b = 0; b < ge.size(); ++b) {
      if (ge[b].size() < words) ge[b].resize(words, 0);
      if (ReachesLevelLocked(f, b, doc)) SetBit(ge[b].data(), doc);
    }
  }
}

void CreatorIndex::RebuildLevelsLocked() {
  const size_t words = WordsFor(docs_);
  for (int f = 0; f < kLevels; ++f) {
    std::vector<std::vector<uint64_t>>& ge = levels_[static_cast<size_t>(f)];
    ge.assign(LevelCount(f), std::vector<uint64_t>(words, 0));
    for (uint32_t d = 0; d < docs_; ++d) {
      for (size_t b = 0; b < ge.size() && ReachesLevelLocked(f, b, d); ++b) SetBit(ge[b].data(), d);
    }
  }
}

void CreatorIndex::FlushPostingsLocked(PendingPostings& pending) {
  // Docs of one posting come out in increasing order, and each doc's
  // universe is doc + 1, as when appended one by one, so the lists (and their
  // sparse or dense form) are exactly what single appends build.
  auto flush = [](std::vector<uint64_t>& queue, auto&& posting_of) {
    std::sort(queue.begin(), queue.end());
    for (uint64_t key : queue) {
      const auto doc = static_cast<uint32_t>(key);
      posting_of(static_cast<uint32_t>(key >> 32)).Add(doc, doc + 1);
    }
    queue.clear();
  };
  flush(pending.countries, [&](uint32_t id) -> Posting& { return countries_->postings[id]; });
  flush(pending.cities, [&](uint32_t id) -> Posting& { return cities_->postings[id]; });
  flush(pending.languages, [&](uint32_t id) -> Posting& { return languages_vocab_->postings[id]; });
  flush(pending.interests, [&](uint32_t id) -> Posting& { return interests_->postings[id]; });
  flush(pending.brands, [&](uint32_t id) -> Posting& { return brands_->postings[id]; });
  flush(pending.aud_countries, [&](uint32_t key) -> Posting& {
    return aud_country_postings_[key / kAudShareBuckets.size()][key % kAudShareBuckets.size()];
  });
}

void CreatorIndex::RecomputePersonLocked(uint64_t person) {
  auto it = person_docs_.find(person);
  if (it == person_docs_.end()) return;
  for (uint32_t d : it->second) {
    uint16_t mask = linked_platforms_[d];
    for (uint32_t other : it->second) {
      if (other != d) mask = static_cast<uint16_t>(mask | (1u << platform_[other]));
    }
    also_on_[d] = mask;
  }
}

void CreatorIndex::TombstoneLocked(uint32_t doc) {
  UpdateLiveFacetsLocked(doc, -1);
  ClearBit(alive_.data(), doc);
  --live_;
  ids_.Erase(ids_.View(doc));
  platform_tier_counts_[platform_[doc]][tier_[doc]]--;
  for (int f = 0; f < 4; ++f)
    field_len_sum_[static_cast<size_t>(f)] -= field_len_[doc][static_cast<size_t>(f)];
  const uint64_t person = person_[doc];
  if (person == 0) {
    --no_person_live_;
    return;
  }
  auto it = person_docs_.find(person);
  if (it == person_docs_.end()) return;
  auto& docs = it->second;
  docs.erase(std::remove(docs.begin(), docs.end(), doc), docs.end());
  if (docs.empty()) {
    person_docs_.erase(it);
  } else {
    RecomputePersonLocked(person);
  }
}

namespace {

bool IndexableId(absl::string_view id) { return !id.empty() && id.size() <= 255; }

// Writes prepared per locked round: bounds the prepared copies held at once
// (a few kB each) and how long one round holds the write lock.
constexpr size_t kApplyChunk = 4096;
// Below this many profiles a batch is prepared on the calling thread only.
constexpr size_t kParallelPrepareMin = 256;

}  // namespace

absl::Status CreatorIndex::Upsert(const cv1::Creator& creator) {
  if (!IndexableId(creator.creator_id())) {
    return absl::InvalidArgumentError("creator_id must have 1 to 255 bytes");
  }
  PreparedDoc prepared;
  PrepareDoc(creator, &prepared);
  WriteLock lock(this);
  const int64_t old = ids_.Find(creator.creator_id());
  if (old >= 0) TombstoneLocked(static_cast<uint32_t>(old));
  AppendLocked(prepared, nullptr);
  MaybeCompactLocked();
  return absl::OkStatus();
}

bool CreatorIndex::Remove(absl::string_view creator_id) {
  WriteLock lock(this);
  const int64_t old = ids_.Find(creator_id);
  if (old < 0) return false;
  TombstoneLocked(static_cast<uint32_t>(old));
  MaybeCompactLocked();
  return true;
}

size_t CreatorIndex::BulkLoad(absl::Span<const cv1::Creator> creators) {
  std::vector<Write> writes;
  writes.reserve(creators.size());
  for (const cv1::Creator& c : creators) writes.push_back(Write::Upsert(c));
  return ApplyWrites(writes, /*rebalance=*/true, nullptr);
}

size_t CreatorIndex::ApplyBatch(absl::Span<const Write> writes, std::vector<size_t>* rejected) {
  return ApplyWrites(writes, /*rebalance=*/false, rejected);
}

template <typename F>
void CreatorIndex::ForEachDocColumnLocked(F&& fn) {
  fn(platform_);
  fn(tier_);
  fn(gender_);
  fn(account_type_);
  fn(content_types_);
  fn(age_band_);
  fn(flags_);
  fn(main_category_);
  fn(birth_year_);
  fn(country_);
  fn(brand_safety_);
  fn(linked_platforms_);
  fn(also_on_);
  fn(languages_);
  fn(city_);
  fn(categories_);
  fn(followers_);
  fn(content_count_);
  fn(last_post_);
  fn(price_);
  for (auto& column : floats_) fn(column);
  fn(person_);
  fn(field_len_);
  fn(aud_country_);
  for (auto& column : aud_demo_) fn(column);
  fn(aud_rest_);
  fn(vectors_);
}

void CreatorIndex::ReserveLocked(size_t want) {
  ids_.Reserve(want);
  // Grow geometrically: loading in batches must not copy every column per
  // batch. ShrinkToFit returns the slack once loading is done.
  auto reserve = [&](auto& v) {
    if (want > v.capacity()) v.reserve(std::max(want, v.capacity() + v.capacity() / 2));
  };
  ForEachDocColumnLocked(reserve);
}

size_t CreatorIndex::ApplyWrites(absl::Span<const Write> writes, bool rebalance,
                                 std::vector<size_t>* rejected) {
  size_t applied = 0;
  // One batch at a time prepares into the kept PreparedDocs (their vectors
  // and strings keep their capacity: no allocation per profile).
  absl::MutexLock batch_lock(&batch_mu_);
  if (batch_ == nullptr) batch_ = std::make_unique<BatchScratch>();
  std::vector<PreparedDoc>& prepared = batch_->prepared;
  PendingPostings& pending = batch_->pending;
  std::vector<size_t> upserts;  // positions in the chunk of the writes to prepare
  for (size_t start = 0; start < writes.size(); start += kApplyChunk) {
    const absl::Span<const Write> chunk = writes.subspan(start, kApplyChunk);
    upserts.clear();
    for (size_t i = 0; i < chunk.size(); ++i) {
      if (chunk[i].creator == nullptr) continue;
      if (IndexableId(chunk[i].creator->creator_id())) {
        upserts.push_back(i);
      } else if (rejected != nullptr) {
        rejected->push_back(start + i);
      }
    }
    if (prepared.size() < upserts.size()) prepared.resize(upserts.size());
    // Tokenising and normalising take most of a profile's apply time and
    // need no index state: they run before the lock, split across threads.
    const size_t threads =
        upserts.size() < kParallelPrepareMin
            ? 1
            : std::min<size_t>({static_cast<size_t>(std::max(1, options_.apply_threads)),
                                std::max<size_t>(1, std::thread::hardware_concurrency()),
                                upserts.size() / (kParallelPrepareMin / 2)});
    auto prepare_range = [&](size_t from, size_t to) {
      for (size_t u = from; u < to; ++u) PrepareDoc(*chunk[upserts[u]].creator, &prepared[u]);
    };
    std::vector<std::thread> workers;
    const size_t per = (upserts.size() + threads - 1) / threads;
    for (size_t t = 1; t < threads; ++t) {
      workers.emplace_back(prepare_range, std::min(upserts.size(), t * per),
                           std::min(upserts.size(), (t + 1) * per));
    }
    prepare_range(0, std::min(upserts.size(), per));
    for (std::thread& w : workers) w.join();

    WriteLock lock(this);
    // A bulk load reserves ahead; a stream's batches grow the columns as
    // single writes do (the same capacities, so the same snapshot bytes).
    if (rebalance) ReserveLocked(docs_ + upserts.size());
    size_t next_upsert = 0;
    for (size_t i = 0; i < chunk.size(); ++i) {
      const Write& w = chunk[i];
      if (w.creator == nullptr) {
        const int64_t old = ids_.Find(w.creator_id);
        if (old >= 0) {
          TombstoneLocked(static_cast<uint32_t>(old));
          ++applied;
        }
        continue;
      }
      if (next_upsert == upserts.size() || upserts[next_upsert] != i) continue;  // bad id
      const PreparedDoc& p = prepared[next_upsert++];
      const int64_t old = ids_.Find(p.id);
      if (old >= 0) TombstoneLocked(static_cast<uint32_t>(old));
      AppendLocked(p, &pending);
      ++applied;
    }
    FlushPostingsLocked(pending);
    // Compaction renumbers docs, so it waits until the batch's postings are
    // in (one-at-a-time writes may compact mid-batch; the result is the same
    // set of live docs in the same order).
    if (rebalance && start + kApplyChunk >= writes.size()) RebalanceLocked();
    MaybeCompactLocked();
  }
  return applied;
}

void CreatorIndex::RebalanceLocked() {
  auto all = [&](auto& postings) {
    for (Posting& p : postings) p.Rebalance(docs_);
  };
  all(platform_postings_);
  all(tier_postings_);
  all(gender_postings_);
  all(account_type_postings_);
  all(category_postings_);
  all(content_type_postings_);
  for (TermIndex* ti :
       {countries_.get(), cities_.get(), languages_vocab_.get(), interests_.get(), brands_.get()}) {
    all(ti->postings);
  }
  for (AudCountryPostings& ps : aud_country_postings_) all(ps);
  mentions_.Rebalance(docs_);
  for (auto& t : text_) t.Rebalance(docs_);
}

void CreatorIndex::ShrinkToFit() {
  WriteLock lock(this);
  auto all = [&](auto& postings) {
    for (Posting& p : postings) p.ShrinkToFit();
  };
  all(platform_postings_);
  all(tier_postings_);
  all(gender_postings_);
  all(account_type_postings_);
  all(category_postings_);
  all(content_type_postings_);
  for (TermIndex* ti :
       {countries_.get(), cities_.get(), languages_vocab_.get(), interests_.get(), brands_.get()}) {
    all(ti->postings);
  }
  for (AudCountryPostings& ps : aud_country_postings_) all(ps);
  aud_country_postings_.shrink_to_fit();
  mentions_.ShrinkToFit();
  for (auto& t : text_) t.ShrinkToFit();
  auto shrink = [](auto& v) { v.shrink_to_fit(); };
  ForEachDocColumnLocked(shrink);
  for (auto& ge : levels_) {
    for (auto& words : ge) shrink(words);
  }
}

void CreatorIndex::MaybeCompactLocked() {
  const uint32_t dead = docs_ - live_;
  if (dead >= options_.compact_min_dead &&
      static_cast<double>(dead) > options_.compact_dead_fraction * static_cast<double>(docs_)) {
    CompactLocked();
  }
}

void CreatorIndex::Compact() {
  WriteLock lock(this);
  CompactLocked();
}

void CreatorIndex::CompactLocked() {
  std::vector<uint32_t> remap(docs_, Posting::kDropped);
  uint32_t next = 0;
  for (uint32_t d = 0; d < docs_; ++d) {
    if (TestBit(alive_.data(), d)) remap[d] = next++;
  }
  // The columns and ids, and the postings: disjoint members, compacted side
  // by side (searches and writes wait for the whole pass).
  auto columns = [&] {
    auto squeeze = [&](auto& v) {
      for (uint32_t d = 0; d < docs_; ++d) {
        if (remap[d] != Posting::kDropped) v[remap[d]] = v[d];
      }
      v.resize(next);
      v.shrink_to_fit();
    };
    ForEachDocColumnLocked(squeeze);

    ids_.Compact(remap, next);
  };
  auto postings = [&] {
    auto remap_all = [&](auto& list) {
      for (Posting& p : list) p.Remap(remap, next);
    };
    remap_all(platform_postings_);
    remap_all(tier_postings_);
    remap_all(gender_postings_);
    remap_all(account_type_postings_);
    remap_all(category_postings_);
    remap_all(content_type_postings_);
    for (TermIndex* ti : {countries_.get(), cities_.get(), languages_vocab_.get(), interests_.get(),
                          brands_.get()}) {
      remap_all(ti->postings);
    }
    for (AudCountryPostings& ps : aud_country_postings_) remap_all(ps);
    mentions_.Remap(remap, next);
    for (auto& t : text_) t.Remap(remap, next);
    for (auto& [person, docs] : person_docs_) {
      for (uint32_t& d : docs) d = remap[d];
    }
  };
  if (options_.query_threads == 1) {
    columns();
    postings();
  } else {
    QueryPool::Shared().Run(2, [&](int part) { part == 0 ? columns() : postings(); });
  }
  docs_ = next;
  alive_.assign(WordsFor(next), ~uint64_t{0});
  if (next % 64 != 0) alive_.back() = (uint64_t{1} << (next % 64)) - 1;
  alive_.shrink_to_fit();
  RebuildLevelsLocked();
}

// ---------------------------------------------------------------------------
// Reads

size_t CreatorIndex::size() const {
  absl::ReaderMutexLock lock(&mu_);
  return live_;
}

size_t CreatorIndex::MemoryBytes() const {
  size_t b = 0;
  for (const auto& [part, bytes] : MemoryByPart()) b += bytes;
  return b;
}

std::vector<std::pair<std::string, size_t>> CreatorIndex::MemoryByPart() const {
  absl::ReaderMutexLock lock(&mu_);
  std::vector<std::pair<std::string, size_t>> out;
  size_t b = 0;
  auto col = [&](const auto& v) { b += v.capacity() * sizeof(v[0]); };
  auto part = [&](const char* name) {
    out.emplace_back(name, b);
    b = 0;
  };
  b = alive_.capacity() * 8 + ids_.MemoryBytes();
  part("ids");
  col(platform_);
  col(tier_);
  col(gender_);
  col(account_type_);
  col(content_types_);
  col(age_band_);
  col(flags_);
  col(main_category_);
  col(birth_year_);
  col(country_);
  col(brand_safety_);
  col(linked_platforms_);
  col(also_on_);
  col(languages_);
  col(city_);
  col(categories_);
  part("enum and small columns");
  col(followers_);
  col(content_count_);
  col(last_post_);
  col(price_);
  for (const auto& f : floats_) col(f);
  part("numeric columns");
  for (const auto& ge : levels_) {
    for (const auto& words : ge) col(words);
  }
  part("value levels");
  col(person_);
  col(field_len_);
  b +=
      person_docs_.capacity() * (sizeof(std::pair<uint64_t, absl::InlinedVector<uint32_t, 1>>) + 1);
  part("persons and field lengths");
  col(aud_country_);
  for (const auto& v : aud_demo_) col(v);
  col(aud_rest_);
  part("audience columns");
  for (const AudCountryPostings& ps : aud_country_postings_) {
    b += sizeof(ps);
    for (const Posting& p : ps) b += p.MemoryBytes();
  }
  part("audience-country share postings");
  col(vectors_);
  part("lookalike vectors");
  auto post = [&](const auto& ps) {
    for (const Posting& p : ps) b += p.MemoryBytes();
  };
  post(platform_postings_);
  post(tier_postings_);
  post(gender_postings_);
  post(account_type_postings_);
  post(category_postings_);
  post(content_type_postings_);
  part("enum postings");
  for (const TermIndex* ti :
       {countries_.get(), cities_.get(), languages_vocab_.get(), interests_.get(), brands_.get()}) {
    b += ti->MemoryBytes();
  }
  part("value vocabularies and postings");
  b += mentions_.MemoryBytes();
  part("mentions");
  static constexpr const char* kFieldNames[] = {"bio words", "caption words", "hashtags",
                                                "name words"};
  for (size_t f = 0; f < text_.size(); ++f) {
    b += text_[f].MemoryBytes();
    part(kFieldNames[f]);
  }
  return out;
}

CatalogCounts CreatorIndex::Stats() const {
  CatalogCounts out;
  {
    absl::ReaderMutexLock lock(&mu_);
    out.total_creators = live_;
    out.total_persons = static_cast<int64_t>(person_docs_.size()) + no_person_live_;
    for (int p = 0; p < 11; ++p) {
      for (int t = 0; t < 6; ++t) {
        const int64_t n = platform_tier_counts_[static_cast<size_t>(p)][static_cast<size_t>(t)];
        if (n > 0) {
          out.counts.push_back({static_cast<cv1::Platform>(p), static_cast<cv1::Tier>(t), n});
        }
      }
    }
  }
  out.index_size_bytes = static_cast<int64_t>(MemoryBytes());
  return out;
}

absl::StatusOr<SeedVectors> CreatorIndex::SeedOf(absl::string_view creator_id) const {
  absl::ReaderMutexLock lock(&mu_);
  return SeedLocked(creator_id, {});
}

CorpusStats CreatorIndex::CollectCorpusStats(const SearchQuery& query) const {
  absl::ReaderMutexLock lock(&mu_);
  CorpusStats out;
  out.docs = live_;
  for (int f = 0; f < 4; ++f)
    out.field_terms[static_cast<size_t>(f)] = field_len_sum_[static_cast<size_t>(f)];
  std::deque<Posting> owned;
  for (auto& [field, term] : ScoringTerms(query)) {
    const Posting* p = text_[static_cast<size_t>(field)].Find(term, &owned);
    int64_t df = 0;
    if (p != nullptr) {
      if (live_ == docs_) {
        df = p->size();
      } else if (p->dense()) {
        df = static_cast<int64_t>(BitsAndCount(p->words(), alive_.data(), p->word_count()));
      } else {
        for (uint32_t d : p->ids()) df += TestBit(alive_.data(), d) ? 1 : 0;
      }
    }
    out.doc_freq[{field, term}] = df;
  }
  return out;
}

void CreatorIndex::PrepareTargetLocked(const cv1::CampaignBrief& brief, PreparedTarget* t) const {
  const cv1::AudienceTarget& a = brief.target_audience();
  auto norm = [](auto& entries) {
    double max_w = 0;
    for (const auto& e : entries) max_w = std::max(max_w, e.second);
    for (auto& e : entries) e.second = max_w > 0 ? e.second / max_w : 1.0;
  };
  for (const auto& e : a.countries()) {
    t->countries.emplace_back(
        static_cast<uint16_t>(
            std::min<uint32_t>(countries_->vocab.Find(NormalizeUpper(e.country_code())), 0xFFFF)),
        e.weight());
  }
  for (const auto& e : a.languages()) {
    t->languages.emplace_back(
        static_cast<uint16_t>(std::min<uint32_t>(
            languages_vocab_->vocab.Find(NormalizeLower(e.language_code())), 0xFFFF)),
        e.weight());
  }
  for (const auto& e : a.interests()) {
    t->interests.emplace_back(interests_->vocab.Find(NormalizeLower(e.interest())), e.weight());
  }
  norm(t->countries);
  norm(t->languages);
  norm(t->interests);
  {
    double max_w = 0;
    for (const auto& e : a.genders()) max_w = std::max(max_w, e.weight());
    for (const auto& e : a.genders()) {
      if (e.gender() >= 1 && e.gender() <= 3) {
        t->gender_w[static_cast<size_t>(e.gender() - 1)] += max_w > 0 ? e.weight() / max_w : 1.0;
      }
    }
    max_w = 0;
    for (const auto& e : a.age_bands()) max_w = std::max(max_w, e.weight());
    for (const auto& e : a.age_bands()) {
      if (e.age_band() >= 1 && e.age_band() <= 6) {
        t->age_w[static_cast<size_t>(e.age_band() - 1)] += max_w > 0 ? e.weight() / max_w : 1.0;
      }
    }
  }
  double wc = 0.10, wa = 0.15, wg = 0.50, wl = 0.10, wi = 0.15;
  if (a.has_dimension_weights()) {
    const auto& w = a.dimension_weights();
    if (w.country() + w.age() + w.gender() + w.language() + w.interests() > 0) {
      wc = w.country();
      wa = w.age();
      wg = w.gender();
      wl = w.language();
      wi = w.interests();
    }
  }
  if (a.countries_size() == 0) wc = 0;
  if (a.age_bands_size() == 0) wa = 0;
  if (a.genders_size() == 0) wg = 0;
  if (a.languages_size() == 0) wl = 0;
  if (a.interests_size() == 0) wi = 0;
  const double total = wc + wa + wg + wl + wi;
  if (total > 0) {
    t->has_audience = true;
    t->w_country = wc / total;
    t->w_age = wa / total;
    t->w_gender = wg / total;
    t->w_language = wl / total;
    t->w_interest = wi / total;
  }
  for (int cat : brief.categories()) {
    if (cat >= 1 && cat <= 25) t->category_mask |= uint32_t{1} << cat;
  }
}

void CreatorIndex::PrepareRelevanceLocked(const SearchQuery& q, Compiled* c) const {
  const CorpusStats* global = q.corpus_stats.get();
  CorpusStats own;
  if (global == nullptr) {
    mu_.AssertReaderHeld();
    own.docs = live_;
    for (int f = 0; f < 4; ++f)
      own.field_terms[static_cast<size_t>(f)] = field_len_sum_[static_cast<size_t>(f)];
  }
  const CorpusStats& st = global != nullptr ? *global : own;
  const double n = static_cast<double>(std::max<int64_t>(st.docs, 1));
  for (int f = 0; f < 4; ++f) {
    const double avg = static_cast<double>(st.field_terms[static_cast<size_t>(f)]) / n;
    c->avg_len[static_cast<size_t>(f)] = avg > 0 ? avg : 1;
  }
  for (auto& [field, term] : ScoringTerms(q)) {
    const Posting* p = text_[static_cast<size_t>(field)].Find(term, &c->owned);
    if (p == nullptr) continue;
    double df = 0;
    if (global != nullptr) {
      auto it = global->doc_freq.find({field, term});
      df = it == global->doc_freq.end() ? 0 : static_cast<double>(it->second);
    } else if (live_ == docs_) {
      df = p->size();
    } else if (p->dense()) {
      df = static_cast<double>(BitsAndCount(p->words(), alive_.data(), p->word_count()));
    } else {
      for (uint32_t d : p->ids()) df += TestBit(alive_.data(), d) ? 1 : 0;
    }
    const double idf = std::log(1.0 + (n - df + 0.5) / (df + 0.5));
    c->score_terms.push_back({p, field, idf});
    c->score_cursors.emplace_back(p);
  }
}

AudienceBlock CreatorIndex::AudienceOf(uint32_t d) const {
  AudienceBlock blk;
  const AudCountries& ac = aud_country_[d];
  const AudRest& rest = aud_rest_[d];
  std::memcpy(blk.country, ac.id, sizeof(blk.country));
  std::memcpy(blk.country_share, ac.share, sizeof(blk.country_share));
  for (size_t j = 0; j < 3; ++j) blk.gender[j] = aud_demo_[j][d];
  for (size_t j = 0; j < 6; ++j) blk.age[j] = aud_demo_[3 + j][d];
  std::memcpy(blk.language, rest.language, sizeof(blk.language));
  std::memcpy(blk.language_share, rest.language_share, sizeof(blk.language_share));
  std::memcpy(blk.city, rest.city, sizeof(blk.city));
  std::memcpy(blk.city_share, rest.city_share, sizeof(blk.city_share));
  std::memcpy(blk.interest, rest.interest, sizeof(blk.interest));
  std::memcpy(blk.interest_share, rest.interest_share, sizeof(blk.interest_share));
  std::memcpy(blk.brand, rest.brand, sizeof(blk.brand));
  std::memcpy(blk.brand_share, rest.brand_share, sizeof(blk.brand_share));
  return blk;
}

double CreatorIndex::RelevanceOf(Compiled& c, uint32_t d) const {
  double score = 0;
  for (size_t i = 0; i < c.score_terms.size(); ++i) {
    const auto& t = c.score_terms[i];
    if (!c.score_cursors[i].Contains(d)) continue;
    const size_t f = static_cast<size_t>(t.field);
    const double len = field_len_[d][f];
    score += kFieldWeight[f] * t.idf * (kBm25K1 + 1) /
             (1 + kBm25K1 * (1 - kBm25B + kBm25B * len / c.avg_len[f]));
  }
  return score;
}

namespace {

// Calls f(doc) for every doc of the bitset whose column value passes
// `pass`; full 64-doc blocks are tested branch-free (vectorised), then
// packed into a mask.
template <typename T, typename Pass, typename F>
void ForEachPassing(const uint64_t* words, size_t w0, size_t w1, uint32_t docs, const T* col,
                    Pass pass, F&& f) {
  for (size_t w = w0; w < w1; ++w) {
    uint64_t word = words[w];
    if (word == 0) continue;
    const uint32_t base = static_cast<uint32_t>(w * 64);
    if (base + 64 <= docs && Bits(word) >= kVectorMin) {
      alignas(64) uint8_t t[64];
      const T* v = col + base;
      for (int j = 0; j < 64; ++j) t[j] = static_cast<uint8_t>(pass(v[j]));
      word &= PackBits(t);
    } else {
      uint64_t keep = 0;
      for (uint64_t rest = word; rest != 0; rest &= rest - 1) {
        const int j = __builtin_ctzll(rest);
        if (pass(col[base + static_cast<uint32_t>(j)])) keep |= uint64_t{1} << j;
      }
      word = keep;
    }
    while (word != 0) {
      f(base + static_cast<uint32_t>(__builtin_ctzll(word)));
      word &= word - 1;
    }
  }
}

// Runs gather(w0, w1, out) for every part side by side, each into its own
// list of docs, then calls push(doc) on all of them in doc order. Returns
// how many were pushed.
template <typename Parts, typename Gather, typename Push>
size_t GatherByParts(const Parts& parts, Gather&& gather, Push&& push) {
  std::vector<std::vector<uint32_t>> found(static_cast<size_t>(parts.count));
  parts.RunIndexed(
      [&](int p, size_t w0, size_t w1) { gather(w0, w1, found[static_cast<size_t>(p)]); });
  size_t pushed = 0;
  for (const std::vector<uint32_t>& part : found) {
    for (uint32_t d : part) push(d);
    pushed += part.size();
  }
  return pushed;
}

// Top-k over a large match bitset without visiting every match: estimate
// from a sample of the matches a key bound that about twice k matches reach,
// push only the matches at or beyond it, and fall back to every match if
// fewer than k did. Exact: with at least k known keys at or beyond the
// bound, the k best are all among them (ties at the bound included).
// `known(v)` says whether v is a known value; returns false if the caller
// must push every match itself.
template <typename Parts, typename T, typename Known, typename Push>
bool PushBeyondSampledBound(const uint64_t* words, const Parts& parts, uint32_t docs, int64_t total,
                            size_t k, bool ascending, const T* col, Known known, Push&& push) {
  const size_t n_words = parts.n_words;
  constexpr int64_t kSample = 1024;
  if (k == 0 || total < 4096 || static_cast<int64_t>(k) * 4 > total) return false;
  // Every step-th word: about kSample matches, spread over the doc ids
  // (which follow arrival order, not the key).
  const size_t step = static_cast<size_t>(std::max<int64_t>(1, total / kSample));
  std::vector<T> sample;
  int64_t sampled = 0;
  for (size_t w = 0; w < n_words; w += step) {
    for (uint64_t word = words[w]; word != 0; word &= word - 1) {
      const T v = col[w * 64 + static_cast<size_t>(__builtin_ctzll(word))];
      ++sampled;
      if (known(v)) sample.push_back(v);
    }
  }
  if (sampled == 0) return false;
  // Rank r in the sample stands for about (r + 1) / sampled of the matches:
  // aim at 1.5 k matches, plus 12 samples (over 2.5 standard deviations of
  // the sample rank at the sizes used) of margin.
  const size_t r = static_cast<size_t>(3 * static_cast<int64_t>(k) * sampled / (2 * total) + 12);
  if (r >= sample.size()) return false;
  if (ascending) {
    std::nth_element(sample.begin(), sample.begin() + static_cast<std::ptrdiff_t>(r), sample.end());
  } else {
    std::nth_element(sample.begin(), sample.begin() + static_cast<std::ptrdiff_t>(r), sample.end(),
                     std::greater<T>());
  }
  const T bound = sample[r];
  const size_t pushed = GatherByParts(
      parts,
      [&](size_t w0, size_t w1, std::vector<uint32_t>& out) {
        auto keep = [&](uint32_t d) { out.push_back(d); };
        if (ascending) {
          ForEachPassing(
              words, w0, w1, docs, col, [&](T v) { return known(v) & (v <= bound); }, keep);
        } else {
          ForEachPassing(
              words, w0, w1, docs, col, [&](T v) { return known(v) & (v >= bound); }, keep);
        }
      },
      push);
  return pushed >= k;
}

}  // namespace

// Top-k and facet counters of one search.
struct CreatorIndex::Collector {
  struct Entry {
    double key;
    uint32_t doc;
    bool known;
  };
  int64_t total = 0;
  size_t k = 0;
  bool ascending = false;
  std::vector<Entry> heap;
  std::vector<v1::FacetField> facets;
  std::vector<std::vector<int64_t>> counts;
  std::vector<int64_t> missing;
};

size_t CreatorIndex::FacetSlotsLocked(v1::FacetField f) const {
  size_t n = 0;
  switch (f) {
    case v1::FACET_FIELD_TIER:
      n = 6;
      break;
    case v1::FACET_FIELD_PLATFORM:
      n = 11;
      break;
    case v1::FACET_FIELD_COUNTRY:
    case v1::FACET_FIELD_AUDIENCE_COUNTRY:
      n = countries_->vocab.bound();
      break;
    case v1::FACET_FIELD_CATEGORY:
      n = 32;
      break;
    case v1::FACET_FIELD_LANGUAGE:
      n = languages_vocab_->vocab.bound();
      break;
    case v1::FACET_FIELD_GENDER:
      n = 4;
      break;
    case v1::FACET_FIELD_ACCOUNT_TYPE:
      n = 5;
      break;
    case v1::FACET_FIELD_CONTENT_TYPE:
      n = 8;
      break;
    case v1::FACET_FIELD_CITY:
      n = cities_->vocab.bound();
      break;
    case v1::FACET_FIELD_VERIFIED:
      n = 2;
      break;
    default:
      break;
  }
  return n;
}

void CreatorIndex::UpdateLiveFacetsLocked(uint32_t doc, int64_t delta) {
  for (size_t f = 1; f < live_facet_counts_.size(); ++f) {
    const v1::FacetField field = static_cast<v1::FacetField>(f);
    std::vector<int64_t>& cnt = live_facet_counts_[f];
    const size_t need = FacetSlotsLocked(field);
    if (cnt.size() < need) cnt.resize(std::max(need, cnt.size() + cnt.size() / 2), 0);
    CountFacetLocked(field, doc, delta, cnt.data(), &live_facet_missing_[f]);
  }
}

void CreatorIndex::CountFacetLocked(v1::FacetField f, uint32_t d, int64_t delta, int64_t* cnt,
                                    int64_t* missing) const {
  switch (f) {
    case v1::FACET_FIELD_TIER:
      if (tier_[d] != 0) {
        cnt[tier_[d]] += delta;
      } else {
        *missing += delta;
      }
      break;
    case v1::FACET_FIELD_PLATFORM:
      if (platform_[d] != 0) {
        cnt[platform_[d]] += delta;
      } else {
        *missing += delta;
      }
      break;
    case v1::FACET_FIELD_COUNTRY:
      if (country_[d] != 0) {
        cnt[country_[d]] += delta;
      } else {
        *missing += delta;
      }
      break;
    case v1::FACET_FIELD_AUDIENCE_COUNTRY: {
      const uint16_t top = aud_country_[d].id[0];
      if (top != 0) {
        cnt[top] += delta;
      } else {
        *missing += delta;
      }
      break;
    }
    case v1::FACET_FIELD_CITY:
      if (city_[d] != 0) {
        cnt[city_[d]] += delta;
      } else {
        *missing += delta;
      }
      break;
    case v1::FACET_FIELD_GENDER:
      if (gender_[d] != 0) {
        cnt[gender_[d]] += delta;
      } else {
        *missing += delta;
      }
      break;
    case v1::FACET_FIELD_ACCOUNT_TYPE:
      if (account_type_[d] != 0) {
        cnt[account_type_[d]] += delta;
      } else {
        *missing += delta;
      }
      break;
    case v1::FACET_FIELD_VERIFIED:
      cnt[(flags_[d] & kVerified) ? 1 : 0] += delta;
      break;
    case v1::FACET_FIELD_CATEGORY: {
      uint32_t m = categories_[d];
      if (m == 0) *missing += delta;
      while (m != 0) {
        cnt[static_cast<size_t>(__builtin_ctz(m))] += delta;
        m &= m - 1;
      }
      break;
    }
    case v1::FACET_FIELD_CONTENT_TYPE: {
      uint32_t m = content_types_[d];
      if (m == 0) *missing += delta;
      while (m != 0) {
        cnt[static_cast<size_t>(__builtin_ctz(m))] += delta;
        m &= m - 1;
      }
      break;
    }
    case v1::FACET_FIELD_LANGUAGE: {
      const auto& l = languages_[d];
      if (l[0] == 0) *missing += delta;
      for (uint16_t id : l) {
        if (id != 0) cnt[id] += delta;
      }
      break;
    }
    default:
      break;
  }
}

absl::Span<const Posting> CreatorIndex::FacetPostingsLocked(v1::FacetField f) const {
  switch (f) {
    case v1::FACET_FIELD_TIER:
      return absl::MakeConstSpan(tier_postings_);
    case v1::FACET_FIELD_PLATFORM:
      return absl::MakeConstSpan(platform_postings_);
    case v1::FACET_FIELD_GENDER:
      return absl::MakeConstSpan(gender_postings_);
    case v1::FACET_FIELD_ACCOUNT_TYPE:
      return absl::MakeConstSpan(account_type_postings_);
    case v1::FACET_FIELD_CATEGORY:
      return absl::MakeConstSpan(category_postings_);
    case v1::FACET_FIELD_CONTENT_TYPE:
      return absl::MakeConstSpan(content_type_postings_);
    case v1::FACET_FIELD_COUNTRY:
      return absl::MakeConstSpan(countries_->postings);
    case v1::FACET_FIELD_LANGUAGE:
      return absl::MakeConstSpan(languages_vocab_->postings);
    case v1::FACET_FIELD_CITY:
      return absl::MakeConstSpan(cities_->postings);
    default:
      return {};
  }
}

void CreatorIndex::CountFacetsLocked(absl::Span<const v1::FacetField> facets, const uint64_t* fw,
                                     int64_t ftotal, size_t w0, size_t w1,
                                     std::vector<std::vector<int64_t>>* counts,
                                     std::vector<int64_t>* missing) const {
  const size_t n_words = WordsFor(docs_);
  for (size_t i = 0; i < facets.size(); ++i) {
    absl::Span<const Posting> postings = FacetPostingsLocked(facets[i]);
    // In units of one matched doc visited by the column pass (a load
    // and an increment, ~4 ns): an AND-and-count word of a dense
    // posting costs about a sixteenth of that, a sparse id's bit test
    // about half.
    uint64_t posting_cost = 0;
    for (const Posting& p : postings) posting_cost += p.dense() ? n_words / 16 : p.size() / 2;
    if (!postings.empty() && posting_cost < static_cast<uint64_t>(ftotal)) {
      for (size_t v = 0; v < postings.size(); ++v) {
        const Posting& p = postings[v];
        const int64_t n = static_cast<int64_t>(p.CountIn(fw, w0, w1));
        if (v == 0) {
          (*missing)[i] += n;
        } else if (v < (*counts)[i].size()) {
          (*counts)[i][v] += n;
        }
      }
      continue;
    }
    // Column pass, one loop per facet kind so the inner loop is a
    // plain load-and-increment.
    std::vector<int64_t>& cnt = (*counts)[i];
    auto each = [&](auto&& f) {
      for (size_t w = w0; w < w1; ++w) {
        uint64_t word = fw[w];
        while (word != 0) {
          f(static_cast<uint32_t>(w * 64 + static_cast<size_t>(__builtin_ctzll(word))));
          word &= word - 1;
        }
      }
    };
    switch (facets[i]) {
      case v1::FACET_FIELD_COUNTRY: {
        int64_t none = 0;
        each([&](uint32_t d) {
          const uint16_t v = country_[d];
          ++cnt[v];
        });
        std::swap(none, cnt[0]);
        (*missing)[i] += none;
        break;
      }
      case v1::FACET_FIELD_CITY: {
        int64_t none = 0;
        each([&](uint32_t d) { ++cnt[city_[d]]; });
        std::swap(none, cnt[0]);
        (*missing)[i] += none;
        break;
      }
      case v1::FACET_FIELD_CATEGORY:
        each([&](uint32_t d) {
          uint32_t m = categories_[d];
          if (m == 0) ++(*missing)[i];
          while (m != 0) {
            ++cnt[static_cast<size_t>(__builtin_ctz(m))];
            m &= m - 1;
          }
        });
        break;
      case v1::FACET_FIELD_LANGUAGE: {
        int64_t none = 0;
        each([&](uint32_t d) {
          const auto& l = languages_[d];
          none += l[0] == 0 ? 1 : 0;
          ++cnt[l[0]];
          ++cnt[l[1]];
          ++cnt[l[2]];
          ++cnt[l[3]];
        });
        cnt[0] = 0;
        (*missing)[i] += none;
        break;
      }
      default:
        each([&](uint32_t d) { CountFacetLocked(facets[i], d, 1, cnt.data(), &(*missing)[i]); });
        break;
    }
  }
}

absl::StatusOr<SearchPage> CreatorIndex::Search(const SearchQuery& q) const {
  if (absl::Status s = ValidateSearchQuery(q, options_.reference_currency); !s.ok()) return s;
  absl::ReaderMutexLock lock(&mu_);
  Compiled c;
  if (absl::Status s = CompileLocked(q.filter, q.exclude_creator_ids, q.now, q.seeds, &c);
      !s.ok()) {
    return s;
  }
  // Free-text words: each must occur in bio, captions, hashtags or name.
  for (const std::string& w : Words(q.text)) {
    Compiled::Unit u;
    for (int f = 0; f < 4; ++f) {
      const Posting* p = text_[static_cast<size_t>(f)].Find(w, &c.owned);
      if (p != nullptr) {
        u.any.push_back(p);
        u.size += p->size();
      }
    }
    if (u.any.empty()) {
      c.empty = true;
      continue;
    }
    Compiled::Constraint con;
    con.estimate = u.size;
    con.alts.push_back({{std::move(u)}});
    c.constraints.push_back(std::move(con));
  }
  const v1::SortField sort = EffectiveSortField(q);
  const bool want_relevance = !ScoringTerms(q).empty();
  if (want_relevance) PrepareRelevanceLocked(q, &c);
  PreparedTarget target;
  if (q.target.has_value()) PrepareTargetLocked(*q.target, &target);

  Collector col;
  col.k = static_cast<size_t>(q.offset + q.limit);
  col.ascending = SortsAscending(q);
  col.facets = q.facets;
  for (v1::FacetField f : q.facets) {
    const size_t n = FacetSlotsLocked(f);
    col.counts.emplace_back(n, 0);
    col.missing.push_back(0);
  }
  const std::vector<float>* float_key = nullptr;
  switch (sort) {
    case v1::SORT_FIELD_ENGAGEMENT_RATE:
      float_key = &floats_[kEngagement];
      break;
    case v1::SORT_FIELD_FOLLOWER_GROWTH:
      float_key = &floats_[kGrowth30];
      break;
    case v1::SORT_FIELD_AVG_VIEWS:
      float_key = &floats_[kAvgViews];
      break;
    case v1::SORT_FIELD_CREDIBILITY:
      float_key = &floats_[kCredibility];
      break;
    default:
      break;
  }
  auto key_of = [&](uint32_t d, bool* known) -> double {
    *known = true;
    if (float_key != nullptr) {
      const float v = (*float_key)[d];
      *known = !std::isnan(v);
      return v;
    }
    switch (sort) {
      case v1::SORT_FIELD_ESTIMATED_PRICE:
        *known = price_[d] != kUnknownPrice;
        return static_cast<double>(price_[d]);
      case v1::SORT_FIELD_KEYWORD_RELEVANCE:
        return RelevanceOf(c, d);
      case v1::SORT_FIELD_AUDIENCE_MATCH:
        return AudienceMatch(AudienceOf(d), target);
      case v1::SORT_FIELD_FIT_SCORE:
        return FitScore(AudienceMatch(AudienceOf(d), target), floats_[kEngagement][d],
                        floats_[kCredibility][d], static_cast<cv1::Platform>(platform_[d]),
                        static_cast<cv1::Tier>(tier_[d]), categories_[d], main_category_[d],
                        target);
      default:
        return followers_[d];
    }
  };
  // a ranks before b: known first, then by key, then creator_id ascending.
  auto before = [&](const Collector::Entry& a, const Collector::Entry& b) {
    if (a.known != b.known) return a.known;
    if (a.known && a.key != b.key) return col.ascending ? a.key < b.key : a.key > b.key;
    return ids_.View(a.doc) < ids_.View(b.doc);
  };
  auto count_facet = [&](size_t i, uint32_t d) {
    CountFacetLocked(col.facets[i], d, 1, col.counts[i].data(), &col.missing[i]);
  };
  auto push = [&](uint32_t d) {
    Collector::Entry e;
    e.doc = d;
    e.key = key_of(d, &e.known);
    if (col.heap.size() < col.k) {
      col.heap.push_back(e);
      std::push_heap(col.heap.begin(), col.heap.end(), before);
    } else if (before(e, col.heap.front())) {
      std::pop_heap(col.heap.begin(), col.heap.end(), before);
      col.heap.back() = e;
      std::push_heap(col.heap.begin(), col.heap.end(), before);
    }
  };
  // Collects a match unordered (the sampled-bound top-k selects afterwards).
  auto append = [&](uint32_t d) {
    Collector::Entry e;
    e.doc = d;
    e.key = key_of(d, &e.known);
    col.heap.push_back(e);
  };
  ExecuteLocked(
      c,
      [&](uint32_t d) {
        ++col.total;
        for (size_t i = 0; i < col.facets.size(); ++i) count_facet(i, d);
        if (col.k > 0) push(d);
      },
      [&](const uint64_t* words, size_t n_words, const Parts& parts) {
        col.total = static_cast<int64_t>(BitsCount(words, n_words));
        // A match set larger than half the live docs counts its facets over
        // the complement (live docs that do not match) and subtracts them
        // from the live counts kept per value.
        const bool complement = !col.facets.empty() && col.total * 2 > static_cast<int64_t>(live_);
        const uint64_t* fw = words;
        int64_t ftotal = col.total;
        if (complement) {
          std::vector<uint64_t>& comp = Scratch(1);
          comp.resize(n_words);
          parts.Run([&](size_t w0, size_t w1) {
            for (size_t w = w0; w < w1; ++w) comp[w] = alive_[w] & ~words[w];
          });
          fw = comp.data();
          ftotal = static_cast<int64_t>(live_) - col.total;
        }
        if (!col.facets.empty()) {
          // Each part counts into its own counters (part 0 into col's).
          std::vector<std::vector<std::vector<int64_t>>> part_counts(
              static_cast<size_t>(parts.count - 1), col.counts);
          std::vector<std::vector<int64_t>> part_missing(static_cast<size_t>(parts.count - 1),
                                                         col.missing);
          for (auto& m : part_missing) std::fill(m.begin(), m.end(), 0);
          parts.RunIndexed([&](int p, size_t w0, size_t w1) {
            std::vector<std::vector<int64_t>>& counts =
                p == 0 ? col.counts : part_counts[static_cast<size_t>(p - 1)];
            std::vector<int64_t>& missing =
                p == 0 ? col.missing : part_missing[static_cast<size_t>(p - 1)];
            CountFacetsLocked(col.facets, fw, ftotal, w0, w1, &counts, &missing);
          });
          for (size_t p = 0; p + 1 < static_cast<size_t>(parts.count); ++p) {
            for (size_t i = 0; i < col.facets.size(); ++i) {
              for (size_t v = 0; v < col.counts[i].size(); ++v) {
                col.counts[i][v] += part_counts[p][i][v];
              }
              col.missing[i] += part_missing[p][i];
            }
          }
        }
        if (complement) {
          for (size_t i = 0; i < col.facets.size(); ++i) {
            const size_t f = static_cast<size_t>(col.facets[i]);
            if (f >= live_facet_counts_.size()) continue;
            const std::vector<int64_t>& live = live_facet_counts_[f];
            std::vector<int64_t>& cnt = col.counts[i];
            for (size_t v = 0; v < cnt.size(); ++v)
              cnt[v] = (v < live.size() ? live[v] : 0) - cnt[v];
            col.missing[i] = live_facet_missing_[f] - col.missing[i];
          }
        }
        if (col.k == 0) return;
        bool done = false;
        // A descending sort on a leveled field: the k best are among the
        // matches of the highest level that holds at least k of them.
        int level = -1;
        if (!col.ascending) {
          level = sort == v1::SORT_FIELD_FOLLOWERS         ? kLevelFollowers
                  : sort == v1::SORT_FIELD_ENGAGEMENT_RATE ? LevelOf(kEngagement)
                  : sort == v1::SORT_FIELD_CREDIBILITY     ? LevelOf(kCredibility)
                  : sort == v1::SORT_FIELD_AVG_VIEWS       ? LevelOf(kAvgViews)
                  : sort == v1::SORT_FIELD_FOLLOWER_GROWTH ? LevelOf(kGrowth30)
                                                           : -1;
        }
        if (level >= 0 && static_cast<int64_t>(col.k) * 4 <= col.total) {
          const std::vector<std::vector<uint64_t>>& ge = levels_[static_cast<size_t>(level)];
          // Counts fall as the level rises: the highest level with >= k.
          size_t lo = 0;
          size_t hi = ge.size();  // levels [lo, hi) not yet ruled out
          size_t best = ge.size();
          while (lo < hi) {
            const size_t mid = lo + (hi - lo) / 2;
            if (BitsAndCount(words, ge[mid].data(), std::min(n_words, ge[mid].size())) >= col.k) {
              best = mid;
              lo = mid + 1;
            } else {
              hi = mid;
            }
          }
          if (best < ge.size()) {
            const uint64_t* g = ge[best].data();
            GatherByParts(
                parts,
                [&](size_t w0, size_t w1, std::vector<uint32_t>& out) {
                  for (size_t w = w0; w < w1; ++w) {
                    for (uint64_t word = words[w] & g[w]; word != 0; word &= word - 1) {
                      out.push_back(static_cast<uint32_t>(w * 64) +
                                    static_cast<uint32_t>(__builtin_ctzll(word)));
                    }
                  }
                },
                append);
            done = true;
          }
        }
        if (!done && float_key != nullptr) {
          done = PushBeyondSampledBound(
              words, parts, docs_, col.total, col.k, col.ascending, float_key->data(),
              [](float v) { return v == v; }, append);
        } else if (!done && sort == v1::SORT_FIELD_FOLLOWERS) {
          done = PushBeyondSampledBound(
              words, parts, docs_, col.total, col.k, col.ascending, followers_.data(),
              [](uint32_t) { return true; }, append);
        } else if (!done && sort == v1::SORT_FIELD_ESTIMATED_PRICE) {
          done = PushBeyondSampledBound(
              words, parts, docs_, col.total, col.k, col.ascending, price_.data(),
              [](int64_t v) { return v != kUnknownPrice; }, append);
        }
        if (done) {
          // Keep the k best of the collected matches, as a heap.
          if (col.heap.size() > col.k) {
            std::nth_element(col.heap.begin(),
                             col.heap.begin() + static_cast<std::ptrdiff_t>(col.k), col.heap.end(),
                             before);
            col.heap.resize(col.k);
          }
          std::make_heap(col.heap.begin(), col.heap.end(), before);
          return;
        }
        col.heap.clear();  // a bound that too few matches reached
        for (size_t w = 0; w < n_words; ++w) {
          uint64_t word = words[w];
          while (word != 0) {
            push(static_cast<uint32_t>(w * 64 + static_cast<size_t>(__builtin_ctzll(word))));
            word &= word - 1;
          }
        }
      });
  SearchPage page;
  page.total_size = col.total;
  std::sort_heap(col.heap.begin(), col.heap.end(), before);
  for (size_t i = static_cast<size_t>(q.offset); i < col.heap.size(); ++i) {
    const Collector::Entry& e = col.heap[i];
    SearchHit hit;
    hit.creator_id = std::string(ids_.View(e.doc));
    if (e.known) hit.sort_value = e.key;
    if (want_relevance) {
      // Page hits come out of doc order, so score with fresh cursors.
      Compiled one;
      one.score_terms = c.score_terms;
      one.avg_len = c.avg_len;
      for (const auto& t : c.score_terms) one.score_cursors.emplace_back(t.posting);
      hit.relevance = RelevanceOf(one, e.doc);
    }
    if (q.target.has_value()) {
      const double am = AudienceMatch(AudienceOf(e.doc), target);
      hit.audience_match = am;
      hit.fit_score = FitScore(am, floats_[kEngagement][e.doc], floats_[kCredibility][e.doc],
                               static_cast<cv1::Platform>(platform_[e.doc]),
                               static_cast<cv1::Tier>(tier_[e.doc]), categories_[e.doc],
                               main_category_[e.doc], target);
    }
    page.hits.push_back(std::move(hit));
  }
  FillFacetsLocked(col, c, &page);
  return page;
}

void CreatorIndex::FillFacetsLocked(const Collector& col, const Compiled& c,
                                    SearchPage* page) const {
  (void)c;
  for (size_t i = 0; i < col.facets.size(); ++i) {
    FacetCounts fc;
    fc.field = col.facets[i];
    fc.missing = col.missing[i];
    const std::vector<int64_t>& cnt = col.counts[i];
    for (size_t v = 0; v < cnt.size(); ++v) {
      if (cnt[v] == 0) continue;
      std::string name;
      const int iv = static_cast<int>(v);
      switch (fc.field) {
        case v1::FACET_FIELD_TIER:
          name = cv1::Tier_Name(iv);
          break;
        case v1::FACET_FIELD_PLATFORM:
          name = cv1::Platform_Name(iv);
          break;
        case v1::FACET_FIELD_COUNTRY:
        case v1::FACET_FIELD_AUDIENCE_COUNTRY:
          name = countries_->vocab.Name(static_cast<uint32_t>(v));
          break;
        case v1::FACET_FIELD_CATEGORY:
          name = cv1::Category_Name(iv);
          break;
        case v1::FACET_FIELD_LANGUAGE:
          name = languages_vocab_->vocab.Name(static_cast<uint32_t>(v));
          break;
        case v1::FACET_FIELD_GENDER:
          name = cv1::Gender_Name(iv);
          break;
        case v1::FACET_FIELD_ACCOUNT_TYPE:
          name = cv1::AccountType_Name(iv);
          break;
        case v1::FACET_FIELD_CONTENT_TYPE:
          name = cv1::ContentType_Name(iv);
          break;
        case v1::FACET_FIELD_CITY:
          name = cities_->vocab.Name(static_cast<uint32_t>(v));
          break;
        case v1::FACET_FIELD_VERIFIED:
          name = v == 1 ? "true" : "false";
          break;
        default:
          break;
      }
      fc.values.emplace_back(std::move(name), cnt[v]);
    }
    std::sort(fc.values.begin(), fc.values.end(), [](const auto& a, const auto& b) {
      return a.second != b.second ? a.second > b.second : a.first < b.first;
    });
    page->facets.push_back(std::move(fc));
  }
}

absl::StatusOr<SimilarPage> CreatorIndex::Similar(const SimilarQuery& q) const {
  if (absl::Status s = ValidateSimilarQuery(q, options_.reference_currency); !s.ok()) return s;
  absl::ReaderMutexLock lock(&mu_);
  absl::StatusOr<SeedVectors> seed = SeedLocked(q.seed_creator_id, q.seeds);
  if (!seed.ok()) return seed.status();
  const bool use_content = q.mode != v1::SIMILARITY_MODE_AUDIENCE;
  const bool use_audience =
      q.mode == v1::SIMILARITY_MODE_AUDIENCE || q.mode == v1::SIMILARITY_MODE_COMBINED;
  if ((use_content && seed->vectors.content_norm == 0) ||
      (use_audience && seed->vectors.audience_norm == 0)) {
    return absl::FailedPreconditionError(
        absl::StrCat("seed ", q.seed_creator_id, " has no vector for this mode"));
  }
  Compiled c;
  if (absl::Status s = CompileLocked(q.filter, q.exclude_creator_ids, q.now, q.seeds, &c);
      !s.ok()) {
    return s;
  }
  const int64_t seed_doc = ids_.Find(q.seed_creator_id);
  if (seed_doc >= 0) {
    c.excluded.insert(
        std::lower_bound(c.excluded.begin(), c.excluded.end(), static_cast<uint32_t>(seed_doc)),
        static_cast<uint32_t>(seed_doc));
    c.excluded.erase(std::unique(c.excluded.begin(), c.excluded.end()), c.excluded.end());
  }
  const uint64_t person = seed->person_key;
  const SimVectors& sv = seed->vectors;
  struct Entry {
    double sim;
    uint32_t doc;
  };
  auto before = [&](const Entry& a, const Entry& b) {
    if (a.sim != b.sim) return a.sim > b.sim;
    return ids_.View(a.doc) < ids_.View(b.doc);
  };
  const size_t k = static_cast<size_t>(q.offset + q.limit);
  // The k most similar seen so far and the count of matches, per part of a
  // broad search (merged at the end) or for the whole of a selective one.
  struct Best {
    std::vector<Entry> heap;
    int64_t total = 0;
  };
  auto push = [&](Best& b, const Entry& e) {
    if (b.heap.size() < k) {
      b.heap.push_back(e);
      std::push_heap(b.heap.begin(), b.heap.end(), before);
    } else if (before(e, b.heap.front())) {
      std::pop_heap(b.heap.begin(), b.heap.end(), before);
      b.heap.back() = e;
      std::push_heap(b.heap.begin(), b.heap.end(), before);
    }
  };
  auto one = [&](Best& b, uint32_t d) {
    if (person != 0 && person_[d] == person) return;
    const SimVectors& v = vectors_[d];
    double sim;
    if (!use_audience) {
      sim = Cosine(v.content, v.content_norm, sv.content, sv.content_norm);
    } else if (!use_content) {
      sim = Cosine(v.audience, v.audience_norm, sv.audience, sv.audience_norm);
    } else {
      sim = 0.5 * (Cosine(v.content, v.content_norm, sv.content, sv.content_norm) +
                   Cosine(v.audience, v.audience_norm, sv.audience, sv.audience_norm));
    }
    if (sim < q.min_similarity) return;
    ++b.total;
    if (k > 0) push(b, Entry{sim, d});
  };
  Best best;
  ExecuteLocked(
      c, [&](uint32_t d) { one(best, d); },
      [&](const uint64_t* words, size_t, const Parts& parts) {
        // Cosines of every candidate, side by side by doc range.
        std::vector<Best> part_best(static_cast<size_t>(parts.count));
        parts.RunIndexed([&](int p, size_t w0, size_t w1) {
          Best& b = part_best[static_cast<size_t>(p)];
          for (size_t w = w0; w < w1; ++w) {
            for (uint64_t word = words[w]; word != 0; word &= word - 1) {
              one(b, static_cast<uint32_t>(w * 64 + static_cast<size_t>(__builtin_ctzll(word))));
            }
          }
        });
        for (const Best& b : part_best) {
          best.total += b.total;
          for (const Entry& e : b.heap) push(best, e);
        }
      });
  std::vector<Entry>& heap = best.heap;
  const int64_t total = best.total;
  std::sort_heap(heap.begin(), heap.end(), before);
  SimilarPage page;
  page.total_size = total;
  for (size_t i = static_cast<size_t>(q.offset); i < heap.size(); ++i) {
    page.hits.push_back({std::string(ids_.View(heap[i].doc)), heap[i].sim});
  }
  return page;
}

std::vector<CreatorIndex::RateQuantiles> CreatorIndex::EngagementRateQuantiles(int points) const {
  std::array<std::array<std::vector<float>, 6>, 11> cells;
  {
    absl::ReaderMutexLock lock(&mu_);
    const std::vector<float>& rate = floats_[kEngagement];
    for (uint32_t d = 0; d < docs_; ++d) {
      if (!TestBit(alive_.data(), d) || std::isnan(rate[d])) continue;
      if (platform_[d] < cells.size() && tier_[d] < cells[0].size()) {
        cells[platform_[d]][tier_[d]].push_back(rate[d]);
      }
    }
  }
  std::vector<RateQuantiles> out;
  if (points < 2) return out;
  for (size_t p = 0; p < cells.size(); ++p) {
    for (size_t t = 0; t < cells[p].size(); ++t) {
      std::vector<float>& v = cells[p][t];
      if (v.empty()) continue;
      std::sort(v.begin(), v.end());
      RateQuantiles& q = out.emplace_back();
      q.platform = static_cast<cv1::Platform>(p);
      q.tier = static_cast<cv1::Tier>(t);
      q.count = static_cast<int64_t>(v.size());
      q.quantiles.reserve(static_cast<size_t>(points));
      for (int k = 0; k < points; ++k) {
        const double pos = static_cast<double>(k) * static_cast<double>(v.size() - 1) /
                           static_cast<double>(points - 1);
        const auto i = static_cast<size_t>(pos);
        const double next = i + 1 < v.size() ? v[i + 1] : v[i];
        q.quantiles.push_back(v[i] + (pos - static_cast<double>(i)) * (next - v[i]));
      }
    }
  }
  return out;
}

}  // namespace microreach::search
