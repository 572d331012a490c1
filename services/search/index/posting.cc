// Doc-id sets of the search index (see posting.h).
#include "services/search/index/posting.h"

#include <algorithm>

namespace microreach::search {

#if defined(__x86_64__) && defined(__GNUC__)
#define MR_MULTIVERSION __attribute__((target_clones("avx2", "popcnt", "default")))
#else
#define MR_MULTIVERSION
#endif

MR_MULTIVERSION void BitsAnd(uint64_t* dst, const uint64_t* src, size_t n) {
  for (size_t i = 0; i < n; ++i) dst[i] &= src[i];
}

MR_MULTIVERSION void BitsOr(uint64_t* dst, const uint64_t* src, size_t n) {
  for (size_t i = 0; i < n; ++i) dst[i] |= src[i];
}

MR_MULTIVERSION void BitsAndNot(uint64_t* dst, const uint64_t* src, size_t n) {
  for (size_t i = 0; i < n; ++i) dst[i] &= ~src[i];
}

MR_MULTIVERSION uint64_t BitsCount(const uint64_t* src, size_t n) {
  uint64_t c = 0;
  for (size_t i = 0; i < n; ++i) c += static_cast<uint64_t>(__builtin_popcountll(src[i]));
  return c;
}

MR_MULTIVERSION uint64_t BitsAndCount(const uint64_t* a, const uint64_t* b, size_t n) {
  uint64_t c = 0;
  for (size_t i = 0; i < n; ++i) c += static_cast<uint64_t>(__builtin_popcountll(a[i] & b[i]));
  return c;
}

MR_MULTIVERSION int32_t DotI8(const int8_t* a, const int8_t* b, size_t n) {
  int32_t dot = 0;
  for (size_t i = 0; i < n; ++i) dot += int32_t{a[i]} * int32_t{b[i]};
  return dot;
}

namespace {
// Dense once the list would take more than a bitset (4 bytes per id against
// universe / 8 bytes), with a floor so tiny catalogs stay sparse.
bool WantDense(uint32_t count, uint32_t universe) {
  return count >= 2048 && static_cast<uint64_t>(count) * 32 >= universe;
}
// Back to sparse only well below the break-even, so a value hovering around
// the threshold does not flip at every rebalance.
bool WantSparse(uint32_t count, uint32_t universe) {
  return count < 1024 || static_cast<uint64_t>(count) * 64 < universe;
}
}  // namespace

bool Posting::Add(uint32_t doc, uint32_t universe) {
  if (dense_) {
    const size_t w = doc >> 6;
    if (w >= bits_.size()) bits_.resize(std::max(w + 1, bits_.size() + bits_.size() / 4), 0);
    const uint64_t bit = uint64_t{1} << (doc & 63);
    if (bits_[w] & bit) return false;
    bits_[w] |= bit;
    ++count_;
    return true;
  }
  if (!data_.empty() && data_.back() == doc) return false;
  data_.push_back(doc);
  ++count_;
  if (WantDense(count_, universe)) ToDense(universe);
  return true;
}

bool Posting::Contains(uint32_t doc) const {
  if (dense_) {
    const size_t w = doc >> 6;
    return w < bits_.size() && ((bits_[w] >> (doc & 63)) & 1);
  }
  return std::binary_search(data_.begin(), data_.end(), doc);
}

void Posting::OrInto(uint64_t* words, size_t n_words) const {
  if (dense_) {
    BitsOr(words, bits_.data(), std::min(n_words, bits_.size()));
    return;
  }
  for (uint32_t d : data_) words[d >> 6] |= uint64_t{1} << (d & 63);
}

void Posting::OrRangeInto(uint64_t* out, size_t w0, size_t w1) const {
  if (w1 <= w0) return;
  if (dense_) {
    const size_t end = std::clamp(bits_.size(), w0, w1);
    BitsOr(out, bits_.data() + w0, end - w0);
    return;
  }
  const uint64_t lo = uint64_t{w0} * 64;
  const uint64_t hi = uint64_t{w1} * 64;
  for (auto it = std::lower_bound(data_.begin(), data_.end(), lo); it != data_.end() && *it < hi;
       ++it) {
    out[(*it >> 6) - w0] |= uint64_t{1} << (*it & 63);
  }
}

uint64_t Posting::CountIn(const uint64_t* words, size_t w0, size_t w1) const {
  if (w1 <= w0) return 0;
  if (dense_) {
    const size_t end = std::clamp(bits_.size(), w0, w1);
    return BitsAndCount(bits_.data() + w0, words + w0, end - w0);
  }
  const uint64_t lo = uint64_t{w0} * 64;
  const uint64_t hi = uint64_t{w1} * 64;
  uint64_t n = 0;
  for (auto it = std::lower_bound(data_.begin(), data_.end(), lo); it != data_.end() && *it < hi;
       ++it) {
    n += (words[*it >> 6] >> (*it & 63)) & 1;
  }
  return n;
}

void Posting::AppendTo(std::vector<uint32_t>* out) const {
  if (!dense_) {
    out->insert(out->end(), data_.begin(), data_.end());
    return;
  }
  for (size_t w = 0; w < bits_.size(); ++w) {
    uint64_t word = bits_[w];
    while (word != 0) {
      out->push_back(static_cast<uint32_t>(w * 64 + static_cast<size_t>(__builtin_ctzll(word))));
      word &= word - 1;
    }
  }
}

void Posting::ToDense(uint32_t universe) {
  bits_.assign(WordsFor(universe), 0);
  for (uint32_t d : data_) {
    if ((d >> 6) >= bits_.size()) bits_.resize((d >> 6) + 1, 0);
    bits_[d >> 6] |= uint64_t{1} << (d & 63);
  }
  std::vector<uint32_t>().swap(data_);
  dense_ = true;
}

void Posting::ToSparse() {
  std::vector<uint32_t> ids;
  ids.reserve(count_);
  AppendTo(&ids);
  data_ = std::move(ids);
  std::vector<uint64_t>().swap(bits_);
  dense_ = false;
}

void Posting::Rebalance(uint32_t universe) {
  if (dense_ && WantSparse(count_, universe)) {
    ToSparse();
  } else if (!dense_ && WantDense(count_, universe)) {
    ToDense(universe);
  }
}

void Posting::ShrinkToFit() {
  data_.shrink_to_fit();
  bits_.shrink_to_fit();
}

void Posting::Remap(const std::vector<uint32_t>& remap, uint32_t new_universe) {
  std::vector<uint32_t> ids;
  ids.reserve(count_);
  AppendTo(&ids);
  size_t out = 0;
  for (uint32_t d : ids) {
    const uint32_t n = remap[d];
    if (n != kDropped) ids[out++] = n;
  }
  ids.resize(out);
  // Compaction keeps the relative order of surviving docs, so ids stay sorted.
  count_ = static_cast<uint32_t>(out);
  data_ = std::move(ids);
  std::vector<uint64_t>().swap(bits_);
  dense_ = false;
  Rebalance(new_universe);
}

TextPostings::TextPostings() : single_(0, Hash{this}, Eq{this}) {}

uint64_t TextPostings::Store(absl::string_view term, uint32_t doc) {
  const size_t need = 5 + term.size();
  if (chunk_used_ + need > kChunkBytes) {
    chunks_.push_back(std::make_unique<char[]>(kChunkBytes));
    chunk_used_ = 0;
  }
  char* r = chunks_.back().get() + chunk_used_;
  std::memcpy(r, &doc, 4);
  r[4] = static_cast<char>(term.size());
  std::memcpy(r + 5, term.data(), term.size());
  const uint64_t pos = (static_cast<uint64_t>(chunks_.size() - 1) << 20) | chunk_used_;
  chunk_used_ += need;
  return pos;
}

bool TextPostings::Add(absl::string_view term, uint32_t doc, uint32_t universe) {
  auto it = map_.find(term);
  if (it != map_.end()) return it->second.Add(doc, universe);
  if (term.size() > 255) return map_[std::string(term)].Add(doc, universe);
  auto sit = single_.find(term);
  if (sit == single_.end()) {
    single_.insert(Store(term, doc));
    return true;
  }
  const uint32_t first = DocAt(*sit);
  if (first == doc) return false;
  // The second doc: the term gets a real posting (its arena record stays
  // behind as garbage until the next compaction).
  single_.erase(sit);
  Posting& p = map_[std::string(term)];
  p.Add(first, universe);
  return p.Add(doc, universe);
}

const Posting* TextPostings::Find(absl::string_view term, std::deque<Posting>* scratch) const {
  auto it = map_.find(term);
  if (it != map_.end()) return &it->second;
  auto sit = single_.find(term);
  if (sit == single_.end()) return nullptr;
  const uint32_t doc = DocAt(*sit);
  Posting& p = scratch->emplace_back();
  p.Add(doc, doc + 1);
  return &p;
}

void TextPostings::Rebalance(uint32_t universe) {
  for (auto& [term, p] : map_) p.Rebalance(universe);
}

void TextPostings::ShrinkToFit() {
  for (auto& [term, p] : map_) p.ShrinkToFit();
}

void TextPostings::Remap(const std::vector<uint32_t>& remap, uint32_t new_universe) {
  for (auto& [term, p] : map_) p.Remap(remap, new_universe);
  // Rebuild the arena without the dropped docs' and promoted terms' records.
  std::vector<std::pair<uint32_t, std::string>> keep;
  keep.reserve(single_.size());
  for (uint64_t pos : single_) {
    const uint32_t d = remap[DocAt(pos)];
    if (d != Posting::kDropped) keep.emplace_back(d, std::string(TermAt(pos)));
  }
  single_.clear();
  chunks_.clear();
  chunk_used_ = kChunkBytes;
  single_.reserve(keep.size());
  for (const auto& [d, term] : keep) single_.insert(Store(term, d));
}

size_t TextPostings::MemoryBytes() const {
  size_t bytes = map_.capacity() * (sizeof(std::pair<std::string, Posting>) + 1);
  for (const auto& [s, p] : map_) {
    if (s.capacity() > 15) bytes += s.capacity() + 1;
    bytes += p.MemoryBytes();
  }
  bytes += single_.capacity() * (sizeof(uint64_t) + 1) + chunks_.size() * kChunkBytes;
  return bytes;
}

size_t Vocabulary::MemoryBytes() const {
  size_t bytes = ids_.capacity() * (sizeof(std::pair<std::string, uint32_t>) + 1);
  for (const auto& [s, id] : ids_) {
    if (s.capacity() > 15) bytes += s.capacity() + 1;
  }
  bytes += names_.capacity() * sizeof(std::string);
  for (const auto& s : names_) {
    if (s.capacity() > 15) bytes += s.capacity() + 1;
  }
  return bytes;
}

}  // namespace microreach::search
