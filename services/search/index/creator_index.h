// CreatorIndex: the in-memory search index of the creator catalog — compact
// columns, posting lists and lookalike vectors for millions of profiles,
// answering filtered, sorted, faceted searches in milliseconds. The full
// profile stays in the store; the index keeps only what it filters, sorts,
// facets and scores on (docs/search-index.md).
#ifndef MICROREACH_SERVICES_SEARCH_INDEX_CREATOR_INDEX_H_
#define MICROREACH_SERVICES_SEARCH_INDEX_CREATOR_INDEX_H_

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/container/inlined_vector.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/types/span.h"
#include "microreach/common/v1/creator.pb.h"
#include "services/search/index/posting.h"
#include "services/search/index/scoring.h"
#include "services/search/index/search_query.h"

namespace microreach::search {

// Profiles per platform and tier, and the index's size (GetCatalogStats).
struct CatalogCounts {
  struct Cell {
    common::v1::Platform platform;
    common::v1::Tier tier;
    int64_t count;
  };
  int64_t total_creators = 0;
  // Distinct person_ids, plus profiles without one (each its own person).
  int64_t total_persons = 0;
  // Non-empty (platform, tier) cells, by platform then tier.
  std::vector<Cell> counts;
  int64_t index_size_bytes = 0;
};

// The creator_id strings of every doc, packed in an arena, and the id -> doc
// hash set that looks them up without a second copy of each string.
class IdTable {
 public:
  IdTable();
  absl::string_view View(uint32_t doc) const;
  // The live doc of `id`, or -1.
  int64_t Find(absl::string_view id) const;
  // Records `id` for the new doc `doc` (== number of docs so far) and makes it
  // the live doc of `id`.
  void Append(uint32_t doc, absl::string_view id);
  // Stops `id` from resolving (its doc was deleted).
  void Erase(absl::string_view id);
  size_t MemoryBytes() const;
  void Reserve(size_t docs);
  // Keeps the docs with remap[doc] != Posting::kDropped, renumbered.
  void Compact(const std::vector<uint32_t>& remap, uint32_t new_docs);

 private:
  friend class SnapshotCodec;
  struct Hash {
    using is_transparent = void;
    const IdTable* table;
    size_t operator()(uint32_t doc) const { return (*this)(table->View(doc)); }
    size_t operator()(absl::string_view s) const { return absl::Hash<absl::string_view>()(s); }
  };
  struct Eq {
    using is_transparent = void;
    const IdTable* table;
    bool operator()(uint32_t a, uint32_t b) const { return a == b; }
    bool operator()(uint32_t a, absl::string_view b) const { return table->View(a) == b; }
    bool operator()(absl::string_view a, uint32_t b) const { return a == table->View(b); }
  };
  static constexpr size_t kChunkBytes = size_t{1} << 20;
  // Per doc: chunk index (high 32 bits), offset in chunk (next 24 bits) and
  // length (low 8 bits).
  std::vector<uint64_t> loc_;
  std::vector<std::unique_ptr<char[]>> chunks_;
  size_t chunk_used_ = kChunkBytes;
  absl::flat_hash_set<uint32_t, Hash, Eq> live_;
};

// Thread-safe: any number of Search/Similar calls run concurrently under a
// shared lock; Upsert, Remove and BulkLoad take it exclusively for a few
// microseconds per profile.
//
// Example:
//   CreatorIndex index;
//   index.BulkLoad(creators_from_store);
//   index.Upsert(updated_creator);
//   SearchQuery q;
//   q.filter.mutable_performance()->mutable_engagement_rate()->set_min(0.03);
//   absl::StatusOr<SearchPage> page = index.Search(q);
class CreatorIndex {
 public:
  struct Options {
    // Currency of estimated prices and price filters (ISO 4217).
    std::string reference_currency = "USD";
    // Lower follower bounds of micro, macro, country and global tiers, used
    // for every platform not in platform_tier_bounds.
    std::array<int64_t, 4> tier_bounds = {10'000, 100'000, 1'000'000, 10'000'000};
    absl::flat_hash_map<int, std::array<int64_t, 4>> platform_tier_bounds;
    // Deleted and replaced profiles leave tombstones; once they exceed this
    // fraction of the docs, the next write compacts the index.
    double compact_dead_fraction = 0.25;
    // Compaction never runs below this many tombstones.
    uint32_t compact_min_dead = 65536;
    // Threads one broad search may use: its bitset, check, facet and top-k
    // passes are split by doc-id range over the shared QueryPool. 0 = every
    // core, 1 = the calling thread only.
    int query_threads = 0;
    // Catalogs with fewer docs search on the calling thread only (the split
    // costs a few microseconds).
    uint32_t parallel_min_docs = 1u << 19;
    // Threads (the caller's included) that prepare a large ApplyBatch or
    // BulkLoad before the write lock; capped by the machine's cores.
    int apply_threads = 4;
  };

  // One write of ApplyBatch: a profile to insert or replace, or the removal
  // of an id. The profile (and the id's bytes) must outlive the call.
  struct Write {
    static Write Upsert(const common::v1::Creator& creator) {
      return {creator.creator_id(), &creator};
    }
    static Write Remove(absl::string_view creator_id) { return {creator_id, nullptr}; }
    absl::string_view creator_id;
    const common::v1::Creator* creator = nullptr;  // null: a removal
  };

  CreatorIndex();
  explicit CreatorIndex(Options options);
  ~CreatorIndex();
  CreatorIndex(const CreatorIndex&) = delete;
  CreatorIndex& operator=(const CreatorIndex&) = delete;

  // Inserts the profile or replaces the one with the same creator_id.
  // INVALID_ARGUMENT if creator_id is empty or longer than 255 bytes; the rest
  // of the record is taken as the service validated it.
  absl::Status Upsert(const common::v1::Creator& creator);
  // Removes the profile; false if it was not in the index.
  bool Remove(absl::string_view creator_id);
  // Upserts many profiles under one lock: the start-up path. Returns the
  // number of profiles applied (records with a bad creator_id are skipped).
  size_t BulkLoad(absl::Span<const common::v1::Creator> creators);
  // Applies `writes` in order with the same outcome as Upsert and Remove one
  // by one (a later write of an id replaces an earlier one of the same
  // batch), but faster: profiles are tokenised and normalised before the
  // write lock, on up to Options::apply_threads threads, and each vocabulary
  // posting list is appended to once per batch, its docs in order. Searches
  // see each run of up to 4096 writes whole or not at all. Returns the
  // writes applied; the positions of upserts with a bad creator_id (see
  // Upsert) go to *rejected when given; removals of unknown ids are no-ops.
  //
  // Example:
  //   std::vector<CreatorIndex::Write> writes = {CreatorIndex::Write::Upsert(a),
  //                                              CreatorIndex::Write::Remove("yt:old")};
  //   index.ApplyBatch(writes);
  size_t ApplyBatch(absl::Span<const Write> writes, std::vector<size_t>* rejected = nullptr);

  // Live profiles.
  size_t size() const;
  // Heap bytes held by the index (columns, postings, vocabularies, ids).
  size_t MemoryBytes() const;
  // MemoryBytes by part (ids, columns, audience, postings per field...), for
  // capacity planning and docs/search-index.md.
  std::vector<std::pair<std::string, size_t>> MemoryByPart() const;
  CatalogCounts Stats() const;

  // Filters, sorts, pages and facets (see SearchQuery). INVALID_ARGUMENT for
  // a bad query (field paths as in SearchCreatorsRequest), NOT_FOUND for an
  // unknown lookalike seed, FAILED_PRECONDITION for a seed without a vector.
  absl::StatusOr<SearchPage> Search(const SearchQuery& query) const;
  // Lookalikes of the seed, most similar first, ties by creator_id; the seed
  // and profiles of its person are never returned.
  absl::StatusOr<SimilarPage> Similar(const SimilarQuery& query) const;
  // The seed vectors of a profile, for partitions that do not hold it.
  absl::StatusOr<SeedVectors> SeedOf(absl::string_view creator_id) const;
  // This index's BM25 statistics for the query's terms (see CorpusStats).
  CorpusStats CollectCorpusStats(const SearchQuery& query) const;

  // Drops tombstones and renumbers docs. Writes call it when tombstones pile
  // up; blocks searches for its duration (proportional to the index size).
  void Compact();
  // Releases growth slack in postings and columns (about 20% of the index
  // after a bulk load); call once start-up loading is done.
  void ShrinkToFit();
  common::v1::Tier TierOf(common::v1::Platform platform, int64_t followers) const;

  // The distribution of stats.engagement_rate among live profiles with a
  // known rate, per platform and tier (GetCatalogStats, for scoring's peer
  // percentiles): `points` >= 2 quantiles at probabilities 0, 1/(points - 1),
  // ..., 1, linear between order statistics. Cells without a rate are left
  // out. Copies the column under the read lock and sorts outside it.
  struct RateQuantiles {
    common::v1::Platform platform;
    common::v1::Tier tier;
    int64_t count;
    std::vector<double> quantiles;
  };
  std::vector<RateQuantiles> EngagementRateQuantiles(int points) const;

  // Writes the whole index, the catalog version it reflects and the id of
  // the catalog (store) it came from to `path` (through path.tmp, fsync and
  // rename; format in snapshot.cc). Holds the read lock while writing, so
  // writes wait and searches go on.
  absl::Status SaveSnapshot(const std::string& path, int64_t catalog_version,
                            uint64_t catalog_id = 0) const;
  // The snapshot file's fixed header; its sections follow.
  static constexpr size_t kSnapshotHeaderBytes = 56;
  // Replaces this index, which must be empty, with the snapshot at `path`
  // and returns its catalog version. NOT_FOUND without a file,
  // FAILED_PRECONDITION for another format version, other index Options,
  // another catalog id (a snapshot of another store), or a catalog version
  // above `max_catalog_version` (a store restored to an older state),
  // DATA_LOSS for a truncated or corrupt file; on any error the index stays
  // empty, and the caller rebuilds it from the store.
  absl::StatusOr<int64_t> LoadSnapshot(const std::string& path,
                                       int64_t max_catalog_version = INT64_MAX,
                                       uint64_t catalog_id = 0);

 private:
  friend class SnapshotCodec;
  friend class CreatorIndexTestPeer;
  struct Compiled;
  struct Collector;
  class TermIndex;

  // Field ids of the term postings used by keyword relevance.
  enum TextField { kBio = 0, kCaption = 1, kHashtag = 2, kName = 3 };
  // Float columns, NaN = unknown.
  enum FloatField {
    kEngagement,
    kAvgLikes,
    kAvgComments,
    kAvgShares,
    kAvgSaves,
    kAvgViews,
    kGrowth30,
    kGrowth90,
    kPostsPerWeek,
    kSponsoredShare,
    kSponsoredRatio,
    kCredibility,
    kQuality,
    kReachability,
    kFloatFieldCount
  };
  // Value levels of the range-filtered numbers (followers, then each float
  // column): per round threshold, a bitset of the docs whose value reaches
  // it. A range filter ANDs them instead of reading the column (exactly when
  // its minimum is a threshold) and a descending sort on the field starts
  // from the highest level holding k matches. Derived from the columns:
  // rebuilt on snapshot load and after compaction, so snapshots do not hold
  // them.
  static constexpr int kLevelFollowers = 0;
  static constexpr int kLevels = 1 + kFloatFieldCount;
  static constexpr int LevelOf(FloatField f) { return 1 + static_cast<int>(f); }
  static constexpr int kCreatorLanguages = 4;
  // The audience block is held in three columns, so a filter reads only the
  // dimension it tests: the top countries (30 bytes), one byte column per
  // gender and age band share, and the rest (languages, cities, interests,
  // brands).
  struct AudCountries {
    uint16_t id[kAudCountries];
    uint8_t share[kAudCountries];
  };
  struct AudRest {
    uint16_t language[kAudLanguages];
    uint8_t language_share[kAudLanguages];
    uint8_t city_share[kAudCities];
    uint32_t city[kAudCities];
    uint32_t interest[kAudInterests];
    uint32_t brand[kAudBrands];
    uint8_t interest_share[kAudInterests];
    uint8_t brand_share[kAudBrands];
  };
  // Audience-country postings by share: bucket b holds the docs whose share
  // of the country is in [kAudShareBuckets[b], kAudShareBuckets[b + 1]), in
  // QuantizeShare units (5%, 10%, 20%, 30%, 50%); lower shares have none.
  static constexpr std::array<uint8_t, 5> kAudShareBuckets = {10, 20, 40, 60, 100};
  using AudCountryPostings = std::array<Posting, kAudShareBuckets.size()>;

  struct PreparedDoc;
  struct PendingPostings;
  // The lock-free part of an append (reads options_ only).
  void PrepareDoc(const common::v1::Creator& c, PreparedDoc* out) const;
  // Appends the doc; its vocabulary and text postings go to *pending when
  // given (FlushPostingsLocked adds them), else straight in.
  void AppendLocked(const PreparedDoc& p, PendingPostings* pending)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void FlushPostingsLocked(PendingPostings& pending) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void ReserveLocked(size_t docs) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  size_t ApplyWrites(absl::Span<const Write> writes, bool rebalance, std::vector<size_t>* rejected)
      ABSL_LOCKS_EXCLUDED(mu_);
  void TombstoneLocked(uint32_t doc) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Sets the level bits of the new doc (levels_ grow with the doc count).
  void AppendLevelsLocked(uint32_t doc) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void RebuildLevelsLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Whether the doc's value of `field` reaches its threshold `level`.
  bool ReachesLevelLocked(int field, size_t level, uint32_t doc) const
      ABSL_SHARED_LOCKS_REQUIRED(mu_);
  void RecomputePersonLocked(uint64_t person) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void MaybeCompactLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void CompactLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void RebalanceLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  absl::StatusOr<SeedVectors> SeedLocked(absl::string_view id,
                                         const std::map<std::string, SeedVectors>& seeds) const
      ABSL_SHARED_LOCKS_REQUIRED(mu_);
  absl::Status CompileLocked(const common::v1::CreatorFilter& filter,
                             absl::Span<const std::string> exclude_ids, absl::Time now,
                             const std::map<std::string, SeedVectors>& seeds, Compiled* out) const
      ABSL_SHARED_LOCKS_REQUIRED(mu_);
  void PrepareTargetLocked(const common::v1::CampaignBrief& brief, PreparedTarget* t) const
      ABSL_SHARED_LOCKS_REQUIRED(mu_);
  void PrepareRelevanceLocked(const SearchQuery& q, Compiled* c) const
      ABSL_SHARED_LOCKS_REQUIRED(mu_);
  // Disjoint word ranges of a broad search's bitsets (see PartsFor).
  struct Parts;
  Parts PartsFor(size_t n_words) const;
  // Finds every live doc passing the compiled filter: a selective filter
  // calls emit(doc) per match in increasing doc order; a broad one calls
  // emit_bits(words, n_words, parts) once with the match bitset.
  template <typename Emit, typename EmitBits>
  void ExecuteLocked(Compiled& c, Emit&& emit, EmitBits&& emit_bits) const
      ABSL_SHARED_LOCKS_REQUIRED(mu_);
  bool PassesResidual(const Compiled& c, uint32_t doc) const ABSL_SHARED_LOCKS_REQUIRED(mu_);
  bool PassesCheck(const Compiled& c, size_t check, uint32_t doc) const
      ABSL_SHARED_LOCKS_REQUIRED(mu_);
  // The docs of `word` (docs base..base+63) that pass check `check`.
  uint64_t CheckWord(const Compiled& c, size_t check, uint32_t base, uint64_t word) const
      ABSL_SHARED_LOCKS_REQUIRED(mu_);
  // Words [w0, w1) of the candidate bitset: live docs passing every
  // generator and posting constraint, without the excluded docs.
  void BuildCandidatesLocked(const Compiled& c, uint64_t* bits, size_t w0, size_t w1) const
      ABSL_SHARED_LOCKS_REQUIRED(mu_);
  // Clears the bits of the candidates in words [w0, w1) failing any
  // residual check.
  void RunChecksLocked(const Compiled& c, uint64_t* bits, size_t w0, size_t w1) const
      ABSL_SHARED_LOCKS_REQUIRED(mu_);
  // pass[k] = whether docs[k] passes check `check` (n docs, any order).
  void CheckDocs(const Compiled& c, size_t check, const uint32_t* docs, size_t n,
                 uint8_t* pass) const ABSL_SHARED_LOCKS_REQUIRED(mu_);
  double RelevanceOf(Compiled& c, uint32_t doc) const ABSL_SHARED_LOCKS_REQUIRED(mu_);
  // The doc's audience block reassembled from its columns (for scoring).
  AudienceBlock AudienceOf(uint32_t doc) const ABSL_SHARED_LOCKS_REQUIRED(mu_);
  void FillFacetsLocked(const Collector& col, const Compiled& c, SearchPage* page) const
      ABSL_SHARED_LOCKS_REQUIRED(mu_);
  // Postings of the facet's values (value 0 = no value), when the facet has
  // them; a broad match set counts against them word-parallel.
  absl::Span<const Posting> FacetPostingsLocked(v1::FacetField f) const
      ABSL_SHARED_LOCKS_REQUIRED(mu_);
  // Adds the facet counts of the docs set in words [w0, w1) of `fw` (which
  // holds ftotal docs in all) to counts/missing, one entry per facet.
  void CountFacetsLocked(absl::Span<const v1::FacetField> facets, const uint64_t* fw,
                         int64_t ftotal, size_t w0, size_t w1,
                         std::vector<std::vector<int64_t>>* counts,
                         std::vector<int64_t>* missing) const ABSL_SHARED_LOCKS_REQUIRED(mu_);
  // Counts slots of a facet (enum values or vocabulary ids).
  size_t FacetSlotsLocked(v1::FacetField f) const ABSL_SHARED_LOCKS_REQUIRED(mu_);
  // Adds `delta` to the facet's count of each of the doc's values (cnt has
  // FacetSlotsLocked entries) or to *missing when it has none.
  void CountFacetLocked(v1::FacetField f, uint32_t doc, int64_t delta, int64_t* cnt,
                        int64_t* missing) const ABSL_SHARED_LOCKS_REQUIRED(mu_);
  // Calls f(column) for every column with one entry per doc (reserve,
  // compaction).
  template <typename F>
  void ForEachDocColumnLocked(F&& f) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Keeps live_facet_counts_ in step with an appended (+1) or deleted (-1) doc.
  void UpdateLiveFacetsLocked(uint32_t doc, int64_t delta) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const Options options_;
  // Serialises ApplyWrites calls, which share the scratch below (prepared
  // docs and queued postings, kept between batches); taken before mu_.
  struct BatchScratch;
  absl::Mutex batch_mu_ ABSL_ACQUIRED_BEFORE(mu_);
  std::unique_ptr<BatchScratch> batch_ ABSL_GUARDED_BY(batch_mu_);

  // Writers pass this gate before they take mu_ exclusively, and a snapshot
  // save closes it while it holds mu_ shared (seconds at 10M creators). A
  // writer waiting on mu_ itself would make absl::Mutex queue every new
  // search behind it until the save ends; waiting here, it leaves searches
  // running. WriteLock and SaveGate below are the only users.
  class WriteLock;
  class SaveGate;
  bool GateOpen() const ABSL_SHARED_LOCKS_REQUIRED(gate_mu_) { return !saving_; }
  bool NoGatedWriters() const ABSL_SHARED_LOCKS_REQUIRED(gate_mu_) { return writers_ == 0; }
  mutable absl::Mutex gate_mu_ ABSL_ACQUIRED_BEFORE(mu_);
  mutable bool saving_ ABSL_GUARDED_BY(gate_mu_) = false;
  mutable int writers_ ABSL_GUARDED_BY(gate_mu_) = 0;  // past the gate, not yet done

  mutable absl::Mutex mu_;

  uint32_t docs_ ABSL_GUARDED_BY(mu_) = 0;  // doc ids handed out
  uint32_t live_ ABSL_GUARDED_BY(mu_) = 0;
  std::vector<uint64_t> alive_ ABSL_GUARDED_BY(mu_);
  IdTable ids_ ABSL_GUARDED_BY(mu_);

  // Columns, one entry per doc.
  std::vector<uint8_t> platform_ ABSL_GUARDED_BY(mu_);
  std::vector<uint8_t> tier_ ABSL_GUARDED_BY(mu_);
  std::vector<uint8_t> gender_ ABSL_GUARDED_BY(mu_);
  std::vector<uint8_t> account_type_ ABSL_GUARDED_BY(mu_);
  std::vector<uint8_t> content_types_ ABSL_GUARDED_BY(mu_);  // bit t = ContentType t
  std::vector<uint8_t> age_band_ ABSL_GUARDED_BY(mu_);
  std::vector<uint8_t> flags_ ABSL_GUARDED_BY(mu_);  // kVerified | kPrivate | ...
  std::vector<uint8_t> main_category_ ABSL_GUARDED_BY(mu_);
  std::vector<uint16_t> birth_year_ ABSL_GUARDED_BY(mu_);  // 0 = unknown
  std::vector<uint16_t> country_ ABSL_GUARDED_BY(mu_);
  std::vector<uint16_t> brand_safety_ ABSL_GUARDED_BY(mu_);  // bit f = flag f
  std::vector<uint16_t> linked_platforms_ ABSL_GUARDED_BY(mu_);
  std::vector<uint16_t> also_on_ ABSL_GUARDED_BY(mu_);  // linked + same-person platforms
  std::vector<std::array<uint16_t, kCreatorLanguages>> languages_ ABSL_GUARDED_BY(mu_);
  std::vector<uint32_t> city_ ABSL_GUARDED_BY(mu_);
  std::vector<uint32_t> categories_ ABSL_GUARDED_BY(mu_);  // bit c = Category c
  std::vector<uint32_t> followers_ ABSL_GUARDED_BY(mu_);
  std::vector<uint32_t> content_count_ ABSL_GUARDED_BY(mu_);
  std::vector<uint32_t> last_post_ ABSL_GUARDED_BY(mu_);  // unix seconds, 0 = unknown
  std::vector<int64_t> price_ ABSL_GUARDED_BY(mu_);       // micros, INT64_MIN = unknown
  std::array<std::vector<float>, kFloatFieldCount> floats_ ABSL_GUARDED_BY(mu_);
  // By level field, then threshold (the ladders in the .cc; the constructor
  // sizes both): words.
  std::array<std::vector<std::vector<uint64_t>>, kLevels> levels_ ABSL_GUARDED_BY(mu_);
  std::vector<uint64_t> person_ ABSL_GUARDED_BY(mu_);  // StableHash64(person_id), 0 = none
  std::vector<std::array<uint8_t, 4>> field_len_ ABSL_GUARDED_BY(mu_);  // by TextField
  std::vector<AudCountries> aud_country_ ABSL_GUARDED_BY(mu_);
  // Index gender - 1 (0..2), then 3 + age band - 1; kAbsentShare if unlisted.
  std::array<std::vector<uint8_t>, 9> aud_demo_ ABSL_GUARDED_BY(mu_);
  std::vector<AudRest> aud_rest_ ABSL_GUARDED_BY(mu_);
  // By country id.
  std::vector<AudCountryPostings> aud_country_postings_ ABSL_GUARDED_BY(mu_);
  std::vector<SimVectors> vectors_ ABSL_GUARDED_BY(mu_);

  // Postings for fixed enums, indexed by enum value.
  std::array<Posting, 11> platform_postings_ ABSL_GUARDED_BY(mu_);
  std::array<Posting, 6> tier_postings_ ABSL_GUARDED_BY(mu_);
  std::array<Posting, 4> gender_postings_ ABSL_GUARDED_BY(mu_);
  std::array<Posting, 5> account_type_postings_ ABSL_GUARDED_BY(mu_);
  std::array<Posting, 26> category_postings_ ABSL_GUARDED_BY(mu_);
  std::array<Posting, 6> content_type_postings_ ABSL_GUARDED_BY(mu_);
  // Vocabularies with postings of the creator's own values; audience values
  // share the vocabularies (their postings stay empty).
  std::unique_ptr<TermIndex> countries_ ABSL_GUARDED_BY(mu_);
  std::unique_ptr<TermIndex> cities_ ABSL_GUARDED_BY(mu_);
  std::unique_ptr<TermIndex> languages_vocab_ ABSL_GUARDED_BY(mu_);
  std::unique_ptr<TermIndex> interests_ ABSL_GUARDED_BY(mu_);
  std::unique_ptr<TermIndex> brands_ ABSL_GUARDED_BY(mu_);
  TextPostings mentions_ ABSL_GUARDED_BY(mu_);
  std::array<TextPostings, 4> text_ ABSL_GUARDED_BY(mu_);  // by TextField

  // Live docs per person with more than zero profiles (for also-on and
  // lookalike exclusion) and live docs without a person.
  absl::flat_hash_map<uint64_t, absl::InlinedVector<uint32_t, 1>> person_docs_ ABSL_GUARDED_BY(mu_);
  int64_t no_person_live_ ABSL_GUARDED_BY(mu_) = 0;
  std::array<std::array<int64_t, 6>, 11> platform_tier_counts_ ABSL_GUARDED_BY(mu_){};
  std::array<int64_t, 4> field_len_sum_ ABSL_GUARDED_BY(mu_){};
  // Per facet field (by FacetField value), the live docs per value and
  // without one: broad searches count facets over the docs they do not
  // match and subtract.
  std::array<std::vector<int64_t>, 12> live_facet_counts_ ABSL_GUARDED_BY(mu_);
  std::array<int64_t, 12> live_facet_missing_ ABSL_GUARDED_BY(mu_){};
};

// Stable 64-bit FNV-1a of a person_id (0 for empty), identical in every
// process so partitions agree on person keys.
uint64_t PersonKey(absl::string_view person_id);

// mu_ held exclusively, taken after the snapshot gate (see gate_mu_).
class ABSL_SCOPED_LOCKABLE CreatorIndex::WriteLock {
 public:
  explicit WriteLock(const CreatorIndex* x) ABSL_EXCLUSIVE_LOCK_FUNCTION(x->mu_) : x_(x) {
    {
      absl::MutexLock gate(&x_->gate_mu_);
      x_->gate_mu_.Await(absl::Condition(x_, &CreatorIndex::GateOpen));
      ++x_->writers_;
    }
    x_->mu_.Lock();
  }
  ~WriteLock() ABSL_UNLOCK_FUNCTION() {
    x_->mu_.Unlock();
    absl::MutexLock gate(&x_->gate_mu_);
    --x_->writers_;
  }
  WriteLock(const WriteLock&) = delete;
  WriteLock& operator=(const WriteLock&) = delete;

 private:
  const CreatorIndex* const x_;
};

// Closes the gate for the duration of a snapshot save, once the writers
// already past it are done; one save at a time.
class CreatorIndex::SaveGate {
 public:
  explicit SaveGate(const CreatorIndex* x) : x_(x) {
    absl::MutexLock gate(&x_->gate_mu_);
    x_->gate_mu_.Await(absl::Condition(x_, &CreatorIndex::GateOpen));
    x_->saving_ = true;
    x_->gate_mu_.Await(absl::Condition(x_, &CreatorIndex::NoGatedWriters));
  }
  ~SaveGate() {
    absl::MutexLock gate(&x_->gate_mu_);
    x_->saving_ = false;
  }
  SaveGate(const SaveGate&) = delete;
  SaveGate& operator=(const SaveGate&) = delete;

 private:
  const CreatorIndex* const x_;
};

}  // namespace microreach::search

#endif  // MICROREACH_SERVICES_SEARCH_INDEX_CREATOR_INDEX_H_
