// Doc-id sets of the search index: word bitsets with SIMD kernels, posting
// lists that switch between sorted ids and a bitset by density, and the
// string vocabularies that map values to dense ids.
#ifndef MICROREACH_SERVICES_SEARCH_INDEX_POSTING_H_
#define MICROREACH_SERVICES_SEARCH_INDEX_POSTING_H_

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/string_view.h"

namespace microreach::search {

class SnapshotCodec;  // snapshot.cc: reads and writes the private state

// Word-parallel kernels over uint64 bitsets of `n` words. They are compiled
// twice (AVX2 and baseline) and picked at load time, because the Debian
// toolchain targets plain x86-64 and popcount/AND loops run several times
// faster with AVX2 and POPCNT.
void BitsAnd(uint64_t* dst, const uint64_t* src, size_t n);
void BitsOr(uint64_t* dst, const uint64_t* src, size_t n);
void BitsAndNot(uint64_t* dst, const uint64_t* src, size_t n);
uint64_t BitsCount(const uint64_t* src, size_t n);
uint64_t BitsAndCount(const uint64_t* a, const uint64_t* b, size_t n);
// Dot product of two int8 vectors (lookalike cosines).
int32_t DotI8(const int8_t* a, const int8_t* b, size_t n);

inline size_t WordsFor(uint32_t bits) { return (static_cast<size_t>(bits) + 63) / 64; }
inline bool TestBit(const uint64_t* words, uint32_t i) { return (words[i >> 6] >> (i & 63)) & 1; }
inline void SetBit(uint64_t* words, uint32_t i) { words[i >> 6] |= uint64_t{1} << (i & 63); }
inline void ClearBit(uint64_t* words, uint32_t i) { words[i >> 6] &= ~(uint64_t{1} << (i & 63)); }

// The docs holding one value. Doc ids are appended in increasing order (the
// index never reuses an id before compaction), so the sparse form is a sorted
// vector that grows at the end. Once a value covers more than 1/32 of the
// docs, a bitset is smaller and faster, and the posting switches to it.
class Posting {
 public:
  // Adds `doc`, which must be >= every doc added before; a repeat of the last
  // doc is ignored so callers can add per-token without de-duplicating.
  // Returns whether the doc was new. `universe` is the current doc-id bound.
  bool Add(uint32_t doc, uint32_t universe);
  bool Contains(uint32_t doc) const;
  // Docs added (including docs deleted since, which the caller masks out).
  uint32_t size() const { return count_; }
  bool dense() const { return dense_; }
  // ORs the docs into `words` (which covers at least every doc added).
  void OrInto(uint64_t* words, size_t n_words) const;
  // ORs the docs of words [w0, w1) into out[0, w1 - w0).
  void OrRangeInto(uint64_t* out, size_t w0, size_t w1) const;
  // Counts the docs of words [w0, w1) set in `words` (a whole bitset).
  uint64_t CountIn(const uint64_t* words, size_t w0, size_t w1) const;
  // Appends the docs in increasing order.
  void AppendTo(std::vector<uint32_t>* out) const;
  // The sorted ids (sparse form only).
  const std::vector<uint32_t>& ids() const { return data_; }
  // The bitset words (dense form only); the bitset may be shorter than the
  // universe when the last docs do not carry the value.
  const uint64_t* words() const { return bits_.data(); }
  size_t word_count() const { return bits_.size(); }
  // Re-picks the form for the current universe (after bulk load or compaction).
  void Rebalance(uint32_t universe);
  // Releases the growth slack of the id vector (about a quarter of it on
  // average); the next Add reallocates once.
  void ShrinkToFit();
  // Rewrites doc ids through `remap` (kDropped for deleted docs).
  void Remap(const std::vector<uint32_t>& remap, uint32_t new_universe);
  size_t MemoryBytes() const {
    return data_.capacity() * sizeof(uint32_t) + bits_.capacity() * sizeof(uint64_t);
  }
  static constexpr uint32_t kDropped = 0xFFFFFFFFu;

 private:
  friend class SnapshotCodec;
  void ToDense(uint32_t universe);
  void ToSparse();

  uint32_t count_ = 0;
  bool dense_ = false;
  std::vector<uint32_t> data_;
  std::vector<uint64_t> bits_;
};

// A forward-only membership probe over one posting for docs visited in
// increasing order: galloping search from the last position, so checking c
// candidates against a list of n costs O(c log(n / c)) instead of c binary
// searches from scratch.
class PostingCursor {
 public:
  explicit PostingCursor(const Posting* p) : p_(p) {}
  bool Contains(uint32_t doc) {
    if (p_ == nullptr) return false;
    if (p_->dense()) {
      const size_t w = doc >> 6;
      return w < p_->word_count() && ((p_->words()[w] >> (doc & 63)) & 1);
    }
    const std::vector<uint32_t>& ids = p_->ids();
    const size_t n = ids.size();
    if (pos_ >= n) return false;
    if (ids[pos_] < doc) {
      size_t step = 1;
      size_t hi = pos_ + 1;
      while (hi < n && ids[hi] < doc) {
        pos_ = hi;
        step <<= 1;
        hi = pos_ + step;
      }
      if (hi > n) hi = n;
      // ids[pos_] < doc <= ids[hi] (or hi == n): binary search in between.
      size_t lo = pos_ + 1;
      while (lo < hi) {
        const size_t mid = lo + (hi - lo) / 2;
        if (ids[mid] < doc) {
          lo = mid + 1;
        } else {
          hi = mid;
        }
      }
      pos_ = lo;
    }
    return pos_ < n && ids[pos_] == doc;
  }

 private:
  const Posting* p_;
  size_t pos_ = 0;
};

// The postings of an open vocabulary that needs no ids (bio, caption,
// hashtag, name words, mentions). Most terms of such a vocabulary occur in a
// single doc (handle suffixes, mentions of other creators): those are kept
// as a record {doc, length, bytes} in a byte arena, found through a hash set
// of arena positions (about 30 bytes per term instead of ~200 for a string
// key, a Posting and a one-id vector). A term moves to the map, where the
// posting lives in the hash slot, when a second doc adds it.
class TextPostings {
 public:
  TextPostings();
  TextPostings(const TextPostings&) = delete;
  TextPostings& operator=(const TextPostings&) = delete;
  // Adds `doc` (>= every doc added before) to the posting of `term`; returns
  // whether the (term, doc) pair was new.
  bool Add(absl::string_view term, uint32_t doc, uint32_t universe);
  // The posting of `term`, or nullptr. A single-doc term gets a one-id
  // Posting built in `scratch`, which must outlive the pointer's use.
  const Posting* Find(absl::string_view term, std::deque<Posting>* scratch) const;
  // Terms held by one doc / by more.
  size_t singles() const { return single_.size(); }
  size_t shared() const { return map_.size(); }
  void Rebalance(uint32_t universe);
  void ShrinkToFit();
  // Rewrites doc ids through `remap` (Posting::kDropped for deleted docs).
  void Remap(const std::vector<uint32_t>& remap, uint32_t new_universe);
  size_t MemoryBytes() const;

 private:
  friend class SnapshotCodec;
  static constexpr size_t kChunkBytes = size_t{1} << 20;
  // Records: doc (4 bytes), length (1 byte), the term's bytes. A position
  // is chunk << 20 | offset.
  const char* Record(uint64_t pos) const { return chunks_[pos >> 20].get() + (pos & 0xFFFFF); }
  char* Record(uint64_t pos) { return chunks_[pos >> 20].get() + (pos & 0xFFFFF); }
  absl::string_view TermAt(uint64_t pos) const {
    const char* r = Record(pos);
    return absl::string_view(r + 5, static_cast<unsigned char>(r[4]));
  }
  uint32_t DocAt(uint64_t pos) const {
    uint32_t d;
    std::memcpy(&d, Record(pos), 4);
    return d;
  }
  uint64_t Store(absl::string_view term, uint32_t doc);

  struct Hash {
    using is_transparent = void;
    const TextPostings* owner;
    size_t operator()(uint64_t pos) const { return (*this)(owner->TermAt(pos)); }
    size_t operator()(absl::string_view s) const { return absl::Hash<absl::string_view>()(s); }
  };
  struct Eq {
    using is_transparent = void;
    const TextPostings* owner;
    bool operator()(uint64_t a, uint64_t b) const { return a == b; }
    bool operator()(uint64_t a, absl::string_view b) const { return owner->TermAt(a) == b; }
    bool operator()(absl::string_view a, uint64_t b) const { return a == owner->TermAt(b); }
  };

  absl::flat_hash_map<std::string, Posting> map_;
  absl::flat_hash_set<uint64_t, Hash, Eq> single_;
  std::vector<std::unique_ptr<char[]>> chunks_;
  size_t chunk_used_ = kChunkBytes;
};

// Maps the strings of one vocabulary (countries, hashtags, bio words...) to
// dense ids starting at 1; id 0 means "none". Names are kept only when a
// facet has to turn ids back into strings.
class Vocabulary {
 public:
  explicit Vocabulary(bool keep_names) : keep_names_(keep_names) {
    if (keep_names_) names_.emplace_back();
  }
  // The id of `s`, adding it if new.
  uint32_t Intern(absl::string_view s) {
    auto [it, inserted] = ids_.try_emplace(s, next_id_);
    if (inserted) {
      ++next_id_;
      if (keep_names_) names_.emplace_back(s);
    }
    return it->second;
  }
  // The id of `s`, or 0.
  uint32_t Find(absl::string_view s) const {
    auto it = ids_.find(s);
    return it == ids_.end() ? 0 : it->second;
  }
  // Name of id (keep_names only).
  const std::string& Name(uint32_t id) const { return names_[id]; }
  // One past the largest id.
  uint32_t bound() const { return next_id_; }
  size_t MemoryBytes() const;

 private:
  friend class SnapshotCodec;
  bool keep_names_;
  uint32_t next_id_ = 1;
  absl::flat_hash_map<std::string, uint32_t> ids_;
  std::vector<std::string> names_;
};

}  // namespace microreach::search

#endif  // MICROREACH_SERVICES_SEARCH_INDEX_POSTING_H_
