// CreatorIndex snapshots: the whole index in one sequential binary file, so
// a restart reads it at disk speed instead of re-indexing every stored
// profile (docs/search-index.md, "Snapshots").
//
// Layout (native little-endian; a big-endian reader rejects the file):
//   header (56 bytes): magic "MRIXSNAP", format version, endian mark
//     0x01020304, catalog version, docs, live docs, section count, reserved,
//     the catalog id of the store it was taken from, a checksum of the 48
//     bytes before it;
//   sections, each: id (u32), payload length (u64), checksum of the payload
//     (u64, XXH64), payload.
// Section 0 holds the Options that shape the contents (reference currency,
// tier bounds); a snapshot written under other Options is not loaded.
// Columns and id/bit vectors are written as raw arrays (u64 count, bytes);
// hash sets and maps are written as their elements and rebuilt on load.
// The file must end right after the last section.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "services/search/index/creator_index.h"
#include "services/search/index/term_index.h"

namespace microreach::search {
namespace {

constexpr char kMagic[8] = {'M', 'R', 'I', 'X', 'S', 'N', 'A', 'P'};
// Bump whenever the index's members or their encoding change.
// 2: the header names the store's catalog id.
constexpr uint32_t kFormatVersion = 2;
constexpr uint32_t kEndianMark = 0x01020304;
constexpr size_t kHeaderBytes = CreatorIndex::kSnapshotHeaderBytes;
constexpr size_t kSectionHeaderBytes = 20;

constexpr const char* kSectionNames[] = {
    "options",
    "counts",
    "ids",
    "columns",
    "audience",
    "vectors",
    "enum postings",
    "value vocabularies",
    "country share postings",
    "text postings",
    "persons",
};
constexpr uint32_t kSectionCount = sizeof(kSectionNames) / sizeof(kSectionNames[0]);

// Streaming XXH64: the section checksum, fast enough (several GB/s) not to
// slow a load down.
class Hasher {
 public:
  Hasher() { Reset(); }
  void Reset() {
    v_[0] = kP1 + kP2;
    v_[1] = kP2;
    v_[2] = 0;
    v_[3] = 0 - kP1;
    total_ = 0;
    buf_len_ = 0;
  }
  void Update(const void* data, size_t n) {
    const auto* p = static_cast<const unsigned char*>(data);
    total_ += n;
    if (buf_len_ > 0) {
      const size_t take = std::min(n, 32 - buf_len_);
      std::memcpy(buf_ + buf_len_, p, take);
      buf_len_ += take;
      p += take;
      n -= take;
      if (buf_len_ < 32) return;
      Stripe(buf_);
      buf_len_ = 0;
    }
    while (n >= 32) {
      Stripe(p);
      p += 32;
      n -= 32;
    }
    std::memcpy(buf_, p, n);
    buf_len_ = n;
  }
  uint64_t Finish() const {
    uint64_t h;
    if (total_ >= 32) {
      h = Rotl(v_[0], 1) + Rotl(v_[1], 7) + Rotl(v_[2], 12) + Rotl(v_[3], 18);
      for (uint64_t v : v_) h = (h ^ Round(0, v)) * kP1 + kP4;
    } else {
      h = kP5;
    }
    h += total_;
    const unsigned char* p = buf_;
    size_t n = buf_len_;
    while (n >= 8) {
      h ^= Round(0, Load64(p));
      h = Rotl(h, 27) * kP1 + kP4;
      p += 8;
      n -= 8;
    }
    if (n >= 4) {
      uint32_t w;
      std::memcpy(&w, p, 4);
      h ^= uint64_t{w} * kP1;
      h = Rotl(h, 23) * kP2 + kP3;
      p += 4;
      n -= 4;
    }
    while (n-- > 0) {
      h ^= (*p++) * kP5;
      h = Rotl(h, 11) * kP1;
    }
    h ^= h >> 33;
    h *= kP2;
    h ^= h >> 29;
    h *= kP3;
    h ^= h >> 32;
    return h;
  }
  static uint64_t Of(const void* data, size_t n) {
    Hasher h;
    h.Update(data, n);
    return h.Finish();
  }

 private:
  static constexpr uint64_t kP1 = 11400714785074694791ull;
  static constexpr uint64_t kP2 = 14029467366897019727ull;
  static constexpr uint64_t kP3 = 1609587929392839161ull;
  static constexpr uint64_t kP4 = 9650029242287828579ull;
  static constexpr uint64_t kP5 = 2870177450012600261ull;
  static uint64_t Rotl(uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }
  static uint64_t Round(uint64_t acc, uint64_t in) { return Rotl(acc + in * kP2, 31) * kP1; }
  static uint64_t Load64(const unsigned char* p) {
    uint64_t v;
    std::memcpy(&v, p, 8);
    return v;
  }
  void Stripe(const unsigned char* p) {
    for (size_t i = 0; i < 4; ++i) v_[i] = Round(v_[i], Load64(p + 8 * i));
  }
  uint64_t v_[4];
  uint64_t total_;
  unsigned char buf_[32];
  size_t buf_len_;
};

// strerror() shares a static buffer between threads; the GNU strerror_r
// returns a pointer to either `buffer` or a static immutable string.
std::string ErrnoMessage(int error) {
  char buffer[128];
  return strerror_r(error, buffer, sizeof(buffer));
}

absl::Status ErrnoError(const std::string& what, const std::string& path) {
  return absl::UnavailableError(absl::StrCat(what, " ", path, ": ", ErrnoMessage(errno)));
}

// Buffered sequential writes with per-section length and checksum, patched
// into the section header once the section is complete.
class FileWriter {
 public:
  explicit FileWriter(int fd) : fd_(fd) { buf_.reserve(kBuf); }
  bool ok() const { return ok_; }
  void Write(const void* data, size_t n) {
    if (!ok_) return;
    if (in_section_) hasher_.Update(data, n);
    offset_ += n;
    if (buf_.size() + n <= kBuf) {
      buf_.append(static_cast<const char*>(data), n);
      return;
    }
    Flush();
    if (n >= kBuf) {
      WriteAll(data, n);
    } else {
      buf_.append(static_cast<const char*>(data), n);
    }
  }
  void BeginSection(uint32_t id) {
    char zero[kSectionHeaderBytes] = {};
    std::memcpy(zero, &id, 4);
    Write(zero, sizeof(zero));
    section_start_ = offset_;
    hasher_.Reset();
    in_section_ = true;
  }
  void EndSection() {
    in_section_ = false;
    Flush();
    const uint64_t len = offset_ - section_start_;
    const uint64_t sum = hasher_.Finish();
    char head[16];
    std::memcpy(head, &len, 8);
    std::memcpy(head + 8, &sum, 8);
    if (ok_ && pwrite(fd_, head, 16, static_cast<off_t>(section_start_ - 16)) != 16) ok_ = false;
  }
  void Flush() {
    if (!buf_.empty()) WriteAll(buf_.data(), buf_.size());
    buf_.clear();
  }

 private:
  static constexpr size_t kBuf = size_t{4} << 20;
  void WriteAll(const void* data, size_t n) {
    const char* p = static_cast<const char*>(data);
    while (ok_ && n > 0) {
      const ssize_t w = ::write(fd_, p, n);
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) {
        ok_ = false;
        break;
      }
      p += w;
      n -= static_cast<size_t>(w);
    }
  }
  int fd_;
  bool ok_ = true;
  std::string buf_;
  uint64_t offset_ = 0;
  uint64_t section_start_ = 0;
  bool in_section_ = false;
  Hasher hasher_;
};

// Buffered sequential reads that never run past the current section; the
// first failure sticks and names what was being read.
class FileReader {
 public:
  explicit FileReader(int fd) : fd_(fd) {}
  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }
  void Fail(std::string why) {
    if (error_.empty()) error_ = std::move(why);
  }
  // Bytes left in the current section.
  uint64_t left() const { return section_left_; }
  bool Read(void* data, size_t n) {
    if (!ok()) return false;
    if (n > section_left_) {
      Fail(absl::StrCat("section \"", section_name_, "\" overruns its length"));
      return false;
    }
    if (!Raw(data, n)) return false;
    section_left_ -= n;
    hasher_.Update(data, n);
    return true;
  }
  bool BeginSection(uint32_t want) {
    char head[kSectionHeaderBytes];
    section_name_ = kSectionNames[want];
    if (!Raw(head, sizeof(head))) return false;
    uint32_t id;
    std::memcpy(&id, head, 4);
    std::memcpy(&section_left_, head + 4, 8);
    std::memcpy(&want_sum_, head + 12, 8);
    if (id != want) {
      Fail(absl::StrCat("expected section \"", section_name_, "\", found id ", id));
      return false;
    }
    if (section_left_ > file_left_) {
      Fail(absl::StrCat("truncated in section \"", section_name_, "\""));
      return false;
    }
    hasher_.Reset();
    return true;
  }
  bool EndSection() {
    if (!ok()) return false;
    if (section_left_ != 0) {
      Fail(absl::StrCat("section \"", section_name_, "\" has ", section_left_, " bytes left over"));
      return false;
    }
    if (hasher_.Finish() != want_sum_) {
      Fail(absl::StrCat("checksum mismatch in section \"", section_name_, "\""));
      return false;
    }
    return true;
  }
  void SetFileLeft(uint64_t n) { file_left_ = n; }
  uint64_t file_left() const { return file_left_; }
  // Reads bytes outside any section (the header).
  bool Raw(void* data, size_t n) {
    if (!ok()) return false;
    if (n > file_left_) {
      Fail(absl::StrCat("truncated", section_name_
                                         ? absl::StrCat(" in section \"", section_name_, "\"")
                                         : std::string(" header")));
      return false;
    }
    char* p = static_cast<char*>(data);
    file_left_ -= n;
    const size_t have = std::min(n, buf_len_ - buf_pos_);
    std::memcpy(p, buf_.data() + buf_pos_, have);
    buf_pos_ += have;
    p += have;
    n -= have;
    if (n == 0) return true;
    if (n >= kBuf) return ReadAll(p, n);
    if (!Fill()) return false;
    if (buf_len_ < n) {
      Fail("file shrank while reading");
      return false;
    }
    std::memcpy(p, buf_.data(), n);
    buf_pos_ = n;
    return true;
  }

 private:
  static constexpr size_t kBuf = size_t{4} << 20;
  bool Fill() {
    buf_.resize(kBuf);
    size_t got = 0;
    while (got < kBuf) {
      const ssize_t r = ::read(fd_, buf_.data() + got, kBuf - got);
      if (r < 0 && errno == EINTR) continue;
      if (r < 0) {
        Fail(absl::StrCat("read error: ", ErrnoMessage(errno)));
        return false;
      }
      if (r == 0) break;
      got += static_cast<size_t>(r);
    }
    buf_len_ = got;
    buf_pos_ = 0;
    return true;
  }
  bool ReadAll(char* p, size_t n) {
    while (n > 0) {
      const ssize_t r = ::read(fd_, p, n);
      if (r < 0 && errno == EINTR) continue;
      if (r <= 0) {
        Fail(r == 0 ? std::string("file shrank while reading")
                    : absl::StrCat("read error: ", ErrnoMessage(errno)));
        return false;
      }
      p += r;
      n -= static_cast<size_t>(r);
    }
    buf_len_ = buf_pos_ = 0;
    return true;
  }
  int fd_;
  std::string error_;
  std::vector<char> buf_;
  size_t buf_len_ = 0;
  size_t buf_pos_ = 0;
  uint64_t file_left_ = 0;
  uint64_t section_left_ = 0;
  uint64_t want_sum_ = 0;
  const char* section_name_ = nullptr;
  Hasher hasher_;
};

template <typename T>
constexpr bool kRaw = std::is_trivially_copyable_v<T>;

}  // namespace

// Reads and writes every member of the index; one function lists them
// (Members), so save, load and reset cannot disagree.
class SnapshotCodec {
 public:
  using TermIndex = CreatorIndex::TermIndex;

  // ---- writing
  struct Out {
    FileWriter& w;
    template <typename T>
    void Pod(const T& v) {
      static_assert(kRaw<T>);
      w.Write(&v, sizeof(T));
    }
    void Str(absl::string_view s) {
      Pod(static_cast<uint32_t>(s.size()));
      w.Write(s.data(), s.size());
    }
    void operator()(const std::string& s) { Str(s); }
    // Size and capacity, so a loaded index holds what the saved one held
    // (MemoryBytes agree); ShrinkToFit before saving keeps the file tight.
    template <typename T>
    void Vec(const std::vector<T>& v) {
      Pod(static_cast<uint64_t>(v.size()));
      Pod(static_cast<uint64_t>(v.capacity()));
      if constexpr (kRaw<T>) {
        w.Write(v.data(), v.size() * sizeof(T));
      } else {
        for (const T& x : v) (*this)(x);
      }
    }
    template <typename T, size_t N>
    void operator()(const std::array<T, N>& a) {
      if constexpr (kRaw<T>) {
        w.Write(a.data(), sizeof(a));
      } else {
        for (const T& x : a) (*this)(x);
      }
    }
    template <typename T>
    void operator()(const std::vector<T>& v) {
      Vec(v);
    }
    template <typename T, typename = std::enable_if_t<kRaw<T>>>
    void operator()(const T& v) {
      Pod(v);
    }
    void operator()(const Posting& p) {
      Pod(p.count_);
      Pod(static_cast<uint8_t>(p.dense_));
      Vec(p.data_);
      Vec(p.bits_);
    }
    void Chunks(const std::vector<std::unique_ptr<char[]>>& chunks, size_t used, size_t bytes) {
      Pod(static_cast<uint64_t>(chunks.size()));
      Pod(static_cast<uint64_t>(used));
      for (size_t i = 0; i < chunks.size(); ++i) {
        w.Write(chunks[i].get(), i + 1 == chunks.size() ? used : bytes);
      }
    }
    void operator()(const IdTable& t) {
      Vec(t.loc_);
      Chunks(t.chunks_, t.chunk_used_, IdTable::kChunkBytes);
      std::vector<uint32_t> live(t.live_.begin(), t.live_.end());
      Vec(live);
      Pod(static_cast<uint64_t>(t.live_.capacity()));
    }
    void operator()(const TextPostings& t) {
      Pod(static_cast<uint64_t>(t.map_.size()));
      Pod(static_cast<uint64_t>(t.map_.capacity()));
      for (const auto& [term, p] : t.map_) {
        Str(term);
        (*this)(p);
      }
      std::vector<uint64_t> single(t.single_.begin(), t.single_.end());
      Vec(single);
      Pod(static_cast<uint64_t>(t.single_.capacity()));
      Chunks(t.chunks_, t.chunk_used_, TextPostings::kChunkBytes);
    }
    void operator()(const Vocabulary& v) {
      Pod(static_cast<uint8_t>(v.keep_names_));
      Pod(v.next_id_);
      Pod(static_cast<uint64_t>(v.ids_.size()));
      Pod(static_cast<uint64_t>(v.ids_.capacity()));
      for (const auto& [s, id] : v.ids_) {
        Str(s);
        Pod(id);
      }
      Vec(v.names_);
    }
    void operator()(const std::unique_ptr<TermIndex>& t) {
      (*this)(t->vocab);
      Vec(t->postings);
    }
    void operator()(
        const absl::flat_hash_map<uint64_t, absl::InlinedVector<uint32_t, 1>>& persons) {
      Pod(static_cast<uint64_t>(persons.size()));
      Pod(static_cast<uint64_t>(persons.capacity()));
      for (const auto& [key, docs] : persons) {
        Pod(key);
        Pod(static_cast<uint32_t>(docs.size()));
        w.Write(docs.data(), docs.size() * sizeof(uint32_t));
      }
    }
  };

  // ---- reading (every count is checked against the bytes left before
  // anything is allocated)
  struct In {
    FileReader& r;
    uint32_t docs = 0;       // from the header, for id bounds
    uint64_t file_size = 0;  // bounds capacities before they are allocated
    bool Cap(uint64_t n, size_t elem, uint64_t* cap) {
      if (!Pod(cap)) return false;
      if (*cap < n || *cap > (4 * file_size + (uint64_t{1} << 16)) / std::max<size_t>(1, elem)) {
        r.Fail("capacity out of range");
        return false;
      }
      return true;
    }
    bool operator()(std::string* s) { return Str(s); }
    template <typename T>
    bool Pod(T* v) {
      static_assert(kRaw<T>);
      return r.Read(v, sizeof(T));
    }
    bool Count(uint64_t* n, size_t min_bytes_each) {
      if (!Pod(n)) return false;
      if (*n > r.left() / std::max<size_t>(1, min_bytes_each)) {
        r.Fail("element count larger than its section");
        return false;
      }
      return true;
    }
    bool Str(std::string* s) {
      uint32_t n;
      if (!Pod(&n)) return false;
      if (n > r.left()) {
        r.Fail("string longer than its section");
        return false;
      }
      s->resize(n);
      return r.Read(s->data(), n);
    }
    template <typename T>
    bool Vec(std::vector<T>* v) {
      uint64_t n;
      uint64_t cap;
      if (!Count(&n, kRaw<T> ? sizeof(T) : 4) || !Cap(n, sizeof(T), &cap)) return false;
      v->clear();
      v->shrink_to_fit();
      v->reserve(cap);
      v->resize(n);
      if constexpr (kRaw<T>) {
        return r.Read(v->data(), n * sizeof(T));
      } else {
        for (T& x : *v) {
          if (!(*this)(&x)) return false;
        }
        return true;
      }
    }
    template <typename T, size_t N>
    bool operator()(std::array<T, N>* a) {
      if constexpr (kRaw<T>) {
        return r.Read(a->data(), sizeof(*a));
      } else {
        for (T& x : *a) {
          if (!(*this)(&x)) return false;
        }
        return true;
      }
    }
    template <typename T>
    bool operator()(std::vector<T>* v) {
      return Vec(v);
    }
    template <typename T, typename = std::enable_if_t<kRaw<T>>>
    bool operator()(T* v) {
      return Pod(v);
    }
    bool operator()(Posting* p) {
      uint8_t dense;
      if (!Pod(&p->count_) || !Pod(&dense) || !Vec(&p->data_) || !Vec(&p->bits_)) return false;
      p->dense_ = dense != 0;
      const bool ok = p->dense_ ? p->data_.empty()
                                : p->bits_.empty() && p->data_.size() == p->count_ &&
                                      (p->data_.empty() || p->data_.back() < docs);
      if (!ok) r.Fail("posting out of range");
      return ok;
    }
    bool Chunks(std::vector<std::unique_ptr<char[]>>* chunks, size_t* used, size_t bytes) {
      uint64_t n, u;
      if (!Count(&n, 1) || !Pod(&u)) return false;
      if ((n == 0 && u != bytes) || (n > 0 && u > bytes)) {
        r.Fail("arena fill out of range");
        return false;
      }
      chunks->clear();
      for (uint64_t i = 0; i < n; ++i) {
        chunks->push_back(std::make_unique<char[]>(bytes));
        if (!r.Read(chunks->back().get(), i + 1 == n ? u : bytes)) return false;
      }
      *used = u;
      return true;
    }
    bool operator()(IdTable* t) {
      std::vector<uint32_t> live;
      uint64_t cap;
      if (!Vec(&t->loc_) || !Chunks(&t->chunks_, &t->chunk_used_, IdTable::kChunkBytes) ||
          !Vec(&live) || !Cap(live.size(), 5, &cap)) {
        return false;
      }
      for (uint64_t loc : t->loc_) {
        if ((loc >> 32) >= t->chunks_.size() ||
            ((loc >> 8) & 0xFFFFFF) + (loc & 0xFF) > IdTable::kChunkBytes) {
          r.Fail("creator id out of its arena");
          return false;
        }
      }
      t->live_.rehash(cap);
      for (uint32_t d : live) {
        if (d >= t->loc_.size()) {
          r.Fail("live id out of range");
          return false;
        }
        t->live_.insert(d);
      }
      return true;
    }
    bool operator()(TextPostings* t) {
      uint64_t n, cap;
      if (!Count(&n, 4 + 4 + 1 + 16) || !Cap(n, 64, &cap)) return false;
      t->map_.rehash(cap);
      std::string term;
      for (uint64_t i = 0; i < n; ++i) {
        if (!Str(&term)) return false;
        if (!(*this)(&t->map_[term])) return false;
      }
      std::vector<uint64_t> single;
      uint64_t single_cap;
      if (!Vec(&single) || !Cap(single.size(), 9, &single_cap) ||
          !Chunks(&t->chunks_, &t->chunk_used_, TextPostings::kChunkBytes)) {
        return false;
      }
      for (uint64_t pos : single) {
        const uint64_t off = pos & 0xFFFFF;
        const bool last = (pos >> 20) + 1 == t->chunks_.size();
        const uint64_t end = last ? t->chunk_used_ : TextPostings::kChunkBytes;
        if ((pos >> 20) >= t->chunks_.size() || off + 5 > end ||
            off + 5 + static_cast<unsigned char>(t->Record(pos)[4]) > end ||
            t->DocAt(pos) >= docs) {
          r.Fail("text term out of its arena");
          return false;
        }
      }
      t->single_.rehash(single_cap);
      for (uint64_t pos : single) t->single_.insert(pos);
      return true;
    }
    bool operator()(Vocabulary* v) {
      uint8_t keep;
      uint64_t n;
      if (!Pod(&keep) || !Pod(&v->next_id_)) return false;
      if ((keep != 0) != v->keep_names_) {
        r.Fail("vocabulary kind differs");
        return false;
      }
      uint64_t cap;
      if (!Count(&n, 8) || !Cap(n, 33, &cap)) return false;
      v->ids_.clear();
      v->ids_.rehash(cap);
      std::string s;
      for (uint64_t i = 0; i < n; ++i) {
        uint32_t id;
        if (!Str(&s) || !Pod(&id)) return false;
        if (id == 0 || id >= v->next_id_) {
          r.Fail("vocabulary id out of range");
          return false;
        }
        v->ids_.emplace(s, id);
      }
      return Vec(&v->names_);
    }
    bool operator()(std::unique_ptr<TermIndex>* t) {
      if (!(*this)(&(*t)->vocab) || !Vec(&(*t)->postings)) return false;
      if ((*t)->postings.size() < (*t)->vocab.bound()) {
        r.Fail("vocabulary without its postings");
        return false;
      }
      return true;
    }
    bool operator()(absl::flat_hash_map<uint64_t, absl::InlinedVector<uint32_t, 1>>* persons) {
      uint64_t n, cap;
      if (!Count(&n, 12) || !Cap(n, 33, &cap)) return false;
      persons->rehash(cap);
      for (uint64_t i = 0; i < n; ++i) {
        uint64_t key;
        uint32_t k;
        if (!Pod(&key) || !Pod(&k)) return false;
        if (k > r.left() / 4) {
          r.Fail("person list larger than its section");
          return false;
        }
        auto& docs_of = (*persons)[key];
        docs_of.resize(k);
        if (!r.Read(docs_of.data(), k * sizeof(uint32_t))) return false;
        for (uint32_t d : docs_of) {
          if (d >= docs) {
            r.Fail("person doc out of range");
            return false;
          }
        }
      }
      return true;
    }
  };

  // Every member of the index, by section. `f(section_id)` starts a section
  // and `g(member)` visits one; Self is CreatorIndex or const CreatorIndex.
  template <typename Self, typename Begin, typename Visit>
  static void Members(Self& x, Begin&& begin, Visit&& g) {
    begin(1);  // counts
    g(x.docs_);
    g(x.live_);
    g(x.no_person_live_);
    g(x.platform_tier_counts_);
    g(x.field_len_sum_);
    g(x.live_facet_counts_);
    g(x.live_facet_missing_);
    begin(2);  // ids
    g(x.alive_);
    g(x.ids_);
    begin(3);  // columns
    g(x.platform_);
    g(x.tier_);
    g(x.gender_);
    g(x.account_type_);
    g(x.content_types_);
    g(x.age_band_);
    g(x.flags_);
    g(x.main_category_);
    g(x.birth_year_);
    g(x.country_);
    g(x.brand_safety_);
    g(x.linked_platforms_);
    g(x.also_on_);
    g(x.languages_);
    g(x.city_);
    g(x.categories_);
    g(x.followers_);
    g(x.content_count_);
    g(x.last_post_);
    g(x.price_);
    g(x.floats_);
    g(x.person_);
    g(x.field_len_);
    begin(4);  // audience
    g(x.aud_country_);
    g(x.aud_demo_);
    g(x.aud_rest_);
    begin(5);  // vectors
    g(x.vectors_);
    begin(6);  // enum postings
    g(x.platform_postings_);
    g(x.tier_postings_);
    g(x.gender_postings_);
    g(x.account_type_postings_);
    g(x.category_postings_);
    g(x.content_type_postings_);
    begin(7);  // value vocabularies
    g(x.countries_);
    g(x.cities_);
    g(x.languages_vocab_);
    g(x.interests_);
    g(x.brands_);
    begin(8);  // country share postings
    g(x.aud_country_postings_);
    begin(9);  // text postings
    g(x.mentions_);
    g(x.text_);
    begin(10);  // persons
    g(x.person_docs_);
  }

  // Per-doc columns must hold exactly one entry per doc.
  static bool ColumnsMatch(const CreatorIndex& x) ABSL_NO_THREAD_SAFETY_ANALYSIS {
    const size_t n = x.docs_;
    bool ok = x.alive_.size() == WordsFor(x.docs_) && x.ids_.loc_.size() == n && x.live_ <= x.docs_;
    auto col = [&](const auto& v) { ok = ok && v.size() == n; };
    col(x.platform_);
    col(x.tier_);
    col(x.gender_);
    col(x.account_type_);
    col(x.content_types_);
    col(x.age_band_);
    col(x.flags_);
    col(x.main_category_);
    col(x.birth_year_);
    col(x.country_);
    col(x.brand_safety_);
    col(x.linked_platforms_);
    col(x.also_on_);
    col(x.languages_);
    col(x.city_);
    col(x.categories_);
    col(x.followers_);
    col(x.content_count_);
    col(x.last_post_);
    col(x.price_);
    for (const auto& f : x.floats_) col(f);
    col(x.person_);
    col(x.field_len_);
    col(x.aud_country_);
    for (const auto& v : x.aud_demo_) col(v);
    col(x.aud_rest_);
    col(x.vectors_);
    for (size_t d = 0; ok && d < n; ++d) {
      ok = x.platform_[d] < x.platform_tier_counts_.size() &&
           x.tier_[d] < x.platform_tier_counts_[0].size();
    }
    return ok;
  }

  static std::string OptionsBytes(const CreatorIndex::Options& o) {
    std::string s;
    auto put = [&](const void* p, size_t n) { s.append(static_cast<const char*>(p), n); };
    const uint32_t len = static_cast<uint32_t>(o.reference_currency.size());
    put(&len, 4);
    put(o.reference_currency.data(), len);
    put(o.tier_bounds.data(), sizeof(o.tier_bounds));
    std::vector<std::pair<int, std::array<int64_t, 4>>> per(o.platform_tier_bounds.begin(),
                                                            o.platform_tier_bounds.end());
    std::sort(per.begin(), per.end());
    const uint32_t np = static_cast<uint32_t>(per.size());
    put(&np, 4);
    for (const auto& [platform, bounds] : per) {
      put(&platform, sizeof(platform));
      put(bounds.data(), sizeof(bounds));
    }
    return s;
  }

  static absl::Status Save(const CreatorIndex& x, const std::string& path, int64_t catalog_version,
                           uint64_t catalog_id) ABSL_NO_THREAD_SAFETY_ANALYSIS {
    const std::string tmp = path + ".tmp";
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return ErrnoError("cannot create", tmp);
    FileWriter w(fd);
    {
      CreatorIndex::SaveGate gate(&x);
      absl::ReaderMutexLock lock(&x.mu_);
      char header[kHeaderBytes] = {};
      std::memcpy(header, kMagic, 8);
      std::memcpy(header + 8, &kFormatVersion, 4);
      std::memcpy(header + 12, &kEndianMark, 4);
      std::memcpy(header + 16, &catalog_version, 8);
      std::memcpy(header + 24, &x.docs_, 4);
      std::memcpy(header + 28, &x.live_, 4);
      std::memcpy(header + 32, &kSectionCount, 4);
      std::memcpy(header + 40, &catalog_id, 8);
      const uint64_t sum = Hasher::Of(header, 48);
      std::memcpy(header + 48, &sum, 8);
      w.Write(header, sizeof(header));
      w.BeginSection(0);
      const std::string options = OptionsBytes(x.options_);
      w.Write(options.data(), options.size());
      Out out{w};
      Members(
          x,
          [&](uint32_t id) {
            w.EndSection();
            w.BeginSection(id);
          },
          [&](const auto& m) { out(m); });
      w.EndSection();
    }
    w.Flush();
    bool ok = w.ok() && ::fsync(fd) == 0;
    ok = (::close(fd) == 0) && ok;
    if (!ok) {
      absl::Status s = ErrnoError("cannot write", tmp);
      ::unlink(tmp.c_str());
      return s;
    }
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
      absl::Status s = ErrnoError("cannot rename to", path);
      ::unlink(tmp.c_str());
      return s;
    }
    const size_t slash = path.rfind('/');
    const std::string dir = slash == std::string::npos ? "." : path.substr(0, slash + 1);
    const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
      ::fsync(dfd);
      ::close(dfd);
    }
    return absl::OkStatus();
  }

  // Empties every member (after a failed load).
  static void Reset(CreatorIndex& x) ABSL_NO_THREAD_SAFETY_ANALYSIS {
    Members(
        x, [](uint32_t) {},
        [&](auto& m) {
          using M = std::remove_reference_t<decltype(m)>;
          if constexpr (std::is_same_v<M, IdTable>) {
            m.loc_.clear();
            m.loc_.shrink_to_fit();
            m.chunks_.clear();
            m.chunk_used_ = IdTable::kChunkBytes;
            m.live_.clear();
          } else if constexpr (std::is_same_v<M, std::unique_ptr<TermIndex>>) {
            m = std::make_unique<TermIndex>(m->vocab.keep_names_);
          } else if constexpr (std::is_same_v<M, TextPostings>) {
            m.map_.clear();
            m.single_.clear();
            m.chunks_.clear();
            m.chunk_used_ = TextPostings::kChunkBytes;
          } else if constexpr (std::is_same_v<M, std::array<TextPostings, 4>>) {
            for (TextPostings& t : m) {
              t.map_.clear();
              t.single_.clear();
              t.chunks_.clear();
              t.chunk_used_ = TextPostings::kChunkBytes;
            }
          } else {
            m = M{};
          }
        });
  }

  static absl::StatusOr<int64_t> Load(CreatorIndex& x, const std::string& path, int64_t max_version,
                                      uint64_t catalog_id) ABSL_NO_THREAD_SAFETY_ANALYSIS {
    CreatorIndex::WriteLock lock(&x);
    if (x.docs_ != 0) return absl::FailedPreconditionError("snapshot load into a non-empty index");
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      if (errno == ENOENT) return absl::NotFoundError(absl::StrCat("no snapshot at ", path));
      return ErrnoError("cannot open", path);
    }
    struct stat st;
    if (::fstat(fd, &st) != 0) {
      ::close(fd);
      return ErrnoError("cannot stat", path);
    }
    ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
    FileReader r(fd);
    r.SetFileLeft(static_cast<uint64_t>(st.st_size));
    absl::StatusOr<int64_t> result = Decode(x, r, max_version, catalog_id);
    ::close(fd);
    if (!result.ok()) {
      Reset(x);
      return absl::Status(result.status().code(),
                          absl::StrCat("snapshot ", path, ": ", result.status().message()));
    }
    x.RebuildLevelsLocked();  // derived from the columns, not stored
    return result;
  }

  static absl::StatusOr<int64_t> Decode(CreatorIndex& x, FileReader& r, int64_t max_version,
                                        uint64_t want_catalog_id) ABSL_NO_THREAD_SAFETY_ANALYSIS {
    const uint64_t file_size = r.file_left();
    char header[kHeaderBytes];
    if (!r.Raw(header, sizeof(header))) return absl::DataLossError(r.error());
    if (std::memcmp(header, kMagic, 8) != 0) {
      return absl::DataLossError("not an index snapshot (bad magic)");
    }
    uint32_t version, endian, docs, live, sections;
    int64_t catalog_version;
    uint64_t catalog_id, sum;
    std::memcpy(&version, header + 8, 4);
    std::memcpy(&endian, header + 12, 4);
    std::memcpy(&catalog_version, header + 16, 8);
    std::memcpy(&docs, header + 24, 4);
    std::memcpy(&live, header + 28, 4);
    std::memcpy(&sections, header + 32, 4);
    std::memcpy(&catalog_id, header + 40, 8);
    std::memcpy(&sum, header + 48, 8);
    if (endian != kEndianMark)
      return absl::FailedPreconditionError("written with other endianness");
    if (version != kFormatVersion) {
      return absl::FailedPreconditionError(
          absl::StrCat("format version ", version, ", this build reads ", kFormatVersion));
    }
    if (Hasher::Of(header, 48) != sum) return absl::DataLossError("header checksum mismatch");
    if (catalog_id != want_catalog_id) {
      return absl::FailedPreconditionError(absl::StrCat("taken from the catalog ", catalog_id,
                                                        ", not this store's ", want_catalog_id));
    }
    if (catalog_version > max_version) {
      return absl::FailedPreconditionError(absl::StrCat("catalog version ", catalog_version,
                                                        " is ahead of the store's ", max_version));
    }
    if (sections != kSectionCount) return absl::DataLossError("unexpected section count");

    // Options: the bytes must match this index's.
    if (!r.BeginSection(0)) return absl::DataLossError(r.error());
    std::string options(static_cast<size_t>(std::min<uint64_t>(r.left(), 1 << 20)), '\0');
    if (!r.Read(options.data(), options.size()) || !r.EndSection()) {
      return absl::DataLossError(r.error());
    }
    if (options != OptionsBytes(x.options_)) {
      return absl::FailedPreconditionError(
          "written under other index options (tier bounds or reference currency)");
    }

    In in{r, docs, file_size};
    bool open = false;
    Members(
        x,
        [&](uint32_t id) {
          if (open && !r.EndSection()) return;
          open = r.BeginSection(id);
        },
        [&](auto& m) { in(&m); });
    if (open) r.EndSection();
    if (!r.ok()) return absl::DataLossError(r.error());
    if (r.file_left() != 0) return absl::DataLossError("trailing bytes after the last section");
    if (x.docs_ != docs || x.live_ != live || !ColumnsMatch(x)) {
      return absl::DataLossError("columns disagree with the doc count");
    }
    return catalog_version;
  }
};

absl::Status CreatorIndex::SaveSnapshot(const std::string& path, int64_t catalog_version,
                                        uint64_t catalog_id) const {
  return SnapshotCodec::Save(*this, path, catalog_version, catalog_id);
}

absl::StatusOr<int64_t> CreatorIndex::LoadSnapshot(const std::string& path,
                                                   int64_t max_catalog_version,
                                                   uint64_t catalog_id) {
  return SnapshotCodec::Load(*this, path, max_catalog_version, catalog_id);
}

}  // namespace microreach::search
