// CreatorIndex snapshots: a loaded index answers exactly like the one that
// was saved (pages, totals, facets, lookalikes, stats, memory, later writes),
// and every damaged or foreign file is rejected with its reason.
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <future>
#include <iterator>
#include <map>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "services/search/index/creator_index.h"
#include "services/search/index/test_catalog.h"

namespace microreach::search {
namespace {

namespace cv1 = ::microreach::common::v1;
using testing::Rng;

constexpr int64_t kNow = 1'750'000'000;

// If this fails, the members of the index or of its parts changed: make
// sure snapshot.cc (SnapshotCodec) saves and loads the new ones, bump
// kFormatVersion there, then update these sizes. (The round trips below
// catch most omissions too, through MemoryByPart and the answers.) Members
// derived from the columns and rebuilt on load (the value levels) and the
// locks need no format change.
TEST(SnapshotTest, IndexLayoutIsCovered) {
  EXPECT_EQ(sizeof(CreatorIndex), 6768u);
  EXPECT_EQ(sizeof(Posting), 56u);
  EXPECT_EQ(sizeof(TextPostings), 128u);
  EXPECT_EQ(sizeof(IdTable), 112u);
  EXPECT_EQ(sizeof(Vocabulary), 72u);
}

std::string TempPath(const std::string& name) {
  const char* dir = std::getenv("TEST_TMPDIR");  // NOLINT(concurrency-mt-unsafe): no setenv here
  return absl::StrCat(dir != nullptr ? dir : "/tmp", "/mr_snapshot_", getpid(), "_", name);
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void WriteAll(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// A catalog with tombstones: replaced and removed profiles, persons with
// several profiles.
void Fill(CreatorIndex& index, Rng& r, uint32_t n, std::vector<std::string>* ids) {
  testing::CatalogShape shape;
  std::vector<cv1::Creator> batch;
  for (uint32_t i = 0; i < n; ++i) batch.push_back(testing::RandomCreator(r, i, shape, kNow));
  ASSERT_EQ(index.BulkLoad(batch), n);
  std::map<std::string, bool> live;
  for (const auto& c : batch) live[c.creator_id()] = true;
  for (uint32_t i = 0; i < n / 8; ++i) {
    const uint32_t id = r.Uniform(n);
    if (r.Chance(0.5)) {
      ASSERT_TRUE(index.Upsert(testing::RandomCreator(r, id, shape, kNow)).ok());
      live[absl::StrCat("c", id)] = true;
    } else {
      index.Remove(absl::StrCat("c", id));
      live.erase(absl::StrCat("c", id));
    }
  }
  for (const auto& [id, unused] : live) ids->push_back(id);
}

SearchQuery RandomQuery(Rng& r, const std::vector<std::string>& ids) {
  SearchQuery q;
  q.now = absl::FromUnixSeconds(kNow);
  auto* c = q.filter.mutable_creator();
  if (r.Chance(0.4))
    c->mutable_platforms()->add_include(static_cast<cv1::Platform>(1 + r.Uniform(4)));
  if (r.Chance(0.3)) c->mutable_countries()->add_include(testing::CountryCode(r.Uniform(12)));
  if (r.Chance(0.2)) c->mutable_tiers()->add_include(static_cast<cv1::Tier>(1 + r.Uniform(5)));
  if (r.Chance(0.2)) c->mutable_followers()->set_min(int64_t{1000} * r.Uniform(100));
  if (r.Chance(0.2)) c->mutable_interests()->add_include(absl::StrCat("i", r.Uniform(12)));
  if (r.Chance(0.1)) c->mutable_cities()->add_include(absl::StrCat("city", r.Uniform(10)));
  if (r.Chance(0.1)) c->mutable_languages()->add_include(absl::StrCat("l", r.Uniform(7)));
  if (r.Chance(0.1)) c->set_exclude_private(true);
  if (r.Chance(0.2)) {
    q.filter.mutable_performance()->mutable_engagement_rate()->set_min(0.01 * r.Uniform(5));
  }
  if (r.Chance(0.2)) {
    auto* a = q.filter.mutable_audience()->mutable_countries();
    a->add_include(testing::CountryCode(r.Uniform(12)));
    a->set_min_share(0.05 * r.Uniform(6));
  }
  if (r.Chance(0.15)) {
    q.filter.mutable_content()->mutable_hashtags()->add_include(absl::StrCat("t", r.Uniform(30)));
  }
  if (r.Chance(0.1)) {
    q.filter.mutable_content()->mutable_bio_keywords()->add_exclude(
        absl::StrCat("w", r.Uniform(40)));
  }
  if (r.Chance(0.1)) {
    q.filter.mutable_content()->mutable_mentions()->add_include(absl::StrCat("m", r.Uniform(15)));
  }
  if (r.Chance(0.1)) {
    auto* l = q.filter.mutable_content()->mutable_lookalike();
    l->set_creator_id(ids[r.Uniform(static_cast<uint32_t>(ids.size()))]);
    l->set_min_similarity(0.3);
  }
  if (r.Chance(0.3)) q.text = absl::StrCat("w", r.Uniform(40), r.Chance(0.5) ? " name1" : "");
  if (r.Chance(0.1)) {
    for (int i = 0; i < 10; ++i) {
      q.exclude_creator_ids.push_back(ids[r.Uniform(static_cast<uint32_t>(ids.size()))]);
    }
  }
  q.sort_field = testing::RandomSortField(r);
  if (q.sort_field == v1::SORT_FIELD_KEYWORD_RELEVANCE && q.text.empty()) q.text = "w1 w2";
  if (q.sort_field == v1::SORT_FIELD_AUDIENCE_MATCH || q.sort_field == v1::SORT_FIELD_FIT_SCORE) {
    cv1::CampaignBrief b;
    auto* g = b.mutable_target_audience()->add_genders();
    g->set_gender(cv1::GENDER_FEMALE);
    g->set_weight(1);
    auto* ct = b.mutable_target_audience()->add_countries();
    ct->set_country_code(testing::CountryCode(r.Uniform(12)));
    ct->set_weight(1);
    b.add_categories(static_cast<cv1::Category>(1 + r.Uniform(6)));
    q.target = b;
  }
  testing::RandomPaging(r, 100, q);
  return q;
}

void ExpectSameStatus(const absl::Status& want, const absl::Status& got) {
  EXPECT_EQ(want.code(), got.code()) << want << " vs " << got;
}

// Both indexes answer a few hundred queries identically.
void ExpectSameAnswers(const CreatorIndex& want, const CreatorIndex& got,
                       const std::vector<std::string>& ids, uint64_t seed) {
  Rng r(seed);
  int non_empty = 0;
  for (int i = 0; i < 300; ++i) {
    const SearchQuery q = RandomQuery(r, ids);
    absl::StatusOr<SearchPage> a = want.Search(q);
    absl::StatusOr<SearchPage> b = got.Search(q);
    ASSERT_EQ(a.ok(), b.ok()) << i;
    if (!a.ok()) {
      ExpectSameStatus(a.status(), b.status());
      continue;
    }
    non_empty += a->total_size > 0 ? 1 : 0;
    ASSERT_EQ(a->total_size, b->total_size) << "query " << i;
    ASSERT_EQ(a->hits.size(), b->hits.size()) << "query " << i;
    for (size_t h = 0; h < a->hits.size(); ++h) {
      EXPECT_EQ(a->hits[h].creator_id, b->hits[h].creator_id) << "query " << i;
      EXPECT_EQ(a->hits[h].sort_value, b->hits[h].sort_value) << "query " << i;
    }
    ASSERT_EQ(a->facets.size(), b->facets.size());
    for (size_t f = 0; f < a->facets.size(); ++f) {
      EXPECT_EQ(a->facets[f].values, b->facets[f].values) << "query " << i;
      EXPECT_EQ(a->facets[f].missing, b->facets[f].missing) << "query " << i;
    }
    if (::testing::Test::HasFailure()) return;
  }
  EXPECT_GT(non_empty, 100);
  for (int i = 0; i < 50; ++i) {
    SimilarQuery s;
    s.seed_creator_id = ids[r.Uniform(static_cast<uint32_t>(ids.size()))];
    s.mode = i % 2 == 0 ? v1::SIMILARITY_MODE_CONTENT : v1::SIMILARITY_MODE_AUDIENCE;
    s.limit = 10;
    s.now = absl::FromUnixSeconds(kNow);
    absl::StatusOr<SimilarPage> a = want.Similar(s);
    absl::StatusOr<SimilarPage> b = got.Similar(s);
    ASSERT_EQ(a.ok(), b.ok());
    if (!a.ok()) continue;
    ASSERT_EQ(a->total_size, b->total_size);
    ASSERT_EQ(a->hits.size(), b->hits.size());
    for (size_t h = 0; h < a->hits.size(); ++h) {
      EXPECT_EQ(a->hits[h].creator_id, b->hits[h].creator_id);
      EXPECT_EQ(a->hits[h].similarity, b->hits[h].similarity);
    }
  }
}

void ExpectSameStats(const CreatorIndex& want, const CreatorIndex& got) {
  const CatalogCounts a = want.Stats();
  const CatalogCounts b = got.Stats();
  EXPECT_EQ(a.total_creators, b.total_creators);
  EXPECT_EQ(a.total_persons, b.total_persons);
  EXPECT_EQ(a.index_size_bytes, b.index_size_bytes);
  ASSERT_EQ(a.counts.size(), b.counts.size());
  for (size_t i = 0; i < a.counts.size(); ++i) {
    EXPECT_EQ(a.counts[i].platform, b.counts[i].platform);
    EXPECT_EQ(a.counts[i].tier, b.counts[i].tier);
    EXPECT_EQ(a.counts[i].count, b.counts[i].count);
  }
  EXPECT_EQ(want.size(), got.size());
  EXPECT_EQ(want.MemoryByPart(), got.MemoryByPart());
  const auto qa = want.EngagementRateQuantiles(5);
  const auto qb = got.EngagementRateQuantiles(5);
  ASSERT_EQ(qa.size(), qb.size());
  for (size_t i = 0; i < qa.size(); ++i) EXPECT_EQ(qa[i].quantiles, qb[i].quantiles);
}

class SnapshotRoundTrip : public ::testing::TestWithParam<uint32_t> {};

TEST_P(SnapshotRoundTrip, LoadedIndexAnswersLikeTheOriginal) {
  const uint32_t n = GetParam();
  Rng r(7 + n);
  CreatorIndex::Options opts;
  opts.compact_min_dead = 1'000'000;
  CreatorIndex original(opts);
  std::vector<std::string> ids;
  Fill(original, r, n, &ids);
  original.ShrinkToFit();
  const std::string path = TempPath(absl::StrCat("roundtrip_", n));
  ASSERT_TRUE(original.SaveSnapshot(path, 4242).ok());

  CreatorIndex loaded(opts);
  absl::StatusOr<int64_t> version = loaded.LoadSnapshot(path);
  ASSERT_TRUE(version.ok()) << version.status();
  EXPECT_EQ(*version, 4242);
  ExpectSameStats(original, loaded);
  ExpectSameAnswers(original, loaded, ids, 99);
  if (::testing::Test::HasFailure()) return;

  // Writes after the load behave the same on both, compaction included.
  testing::CatalogShape shape;
  Rng w(1234);
  for (uint32_t i = 0; i < n / 10; ++i) {
    const uint32_t id = w.Uniform(n + n / 10);
    if (w.Chance(0.6)) {
      const cv1::Creator c = testing::RandomCreator(w, id, shape, kNow);
      ASSERT_TRUE(original.Upsert(c).ok());
      ASSERT_TRUE(loaded.Upsert(c).ok());
    } else {
      EXPECT_EQ(original.Remove(absl::StrCat("c", id)), loaded.Remove(absl::StrCat("c", id)));
    }
  }
  ids.clear();
  for (uint32_t i = 0; i < n + n / 10; ++i) ids.push_back(absl::StrCat("c", i));
  ExpectSameAnswers(original, loaded, ids, 100);
  original.Compact();
  loaded.Compact();
  original.ShrinkToFit();
  loaded.ShrinkToFit();
  ExpectSameStats(original, loaded);
  ExpectSameAnswers(original, loaded, ids, 101);

  // A compacted index round-trips too.
  ASSERT_TRUE(loaded.SaveSnapshot(path, 4243).ok());
  CreatorIndex again(opts);
  ASSERT_TRUE(again.LoadSnapshot(path).ok());
  ExpectSameStats(loaded, again);
  ExpectSameAnswers(loaded, again, ids, 102);
  std::remove(path.c_str());
}

INSTANTIATE_TEST_SUITE_P(Sizes, SnapshotRoundTrip, ::testing::Values(700u, 20000u));

TEST(SnapshotTest, EmptyIndexRoundTrips) {
  CreatorIndex a;
  const std::string path = TempPath("empty");
  ASSERT_TRUE(a.SaveSnapshot(path, 0).ok());
  CreatorIndex b;
  ASSERT_TRUE(b.LoadSnapshot(path).ok());
  EXPECT_EQ(b.size(), 0u);
  EXPECT_EQ(a.MemoryBytes(), b.MemoryBytes());
  std::remove(path.c_str());
}

struct Section {
  uint32_t id;
  size_t payload_offset;
  uint64_t length;
};

std::vector<Section> Sections(const std::string& bytes) {
  std::vector<Section> out;
  size_t off = CreatorIndex::kSnapshotHeaderBytes;
  while (off + 20 <= bytes.size()) {
    Section s;
    std::memcpy(&s.id, bytes.data() + off, 4);
    std::memcpy(&s.length, bytes.data() + off + 4, 8);
    s.payload_offset = off + 20;
    out.push_back(s);
    off = s.payload_offset + s.length;
  }
  return out;
}

class SnapshotRejectTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Rng r(5);
    std::vector<std::string> ids;
    Fill(index_, r, 3000, &ids);
    ASSERT_TRUE(index_.SaveSnapshot(path_, 17).ok());
    good_ = ReadAll(path_);
    ASSERT_GT(good_.size(), 1000u);
  }
  void TearDown() override { std::remove(path_.c_str()); }
  // Loads `bytes` into a fresh index: the error, and the index must stay
  // empty and usable.
  absl::Status LoadBytes(const std::string& bytes,
                         CreatorIndex::Options opts = CreatorIndex::Options()) {
    WriteAll(path_, bytes);
    CreatorIndex fresh(std::move(opts));
    absl::StatusOr<int64_t> v = fresh.LoadSnapshot(path_);
    if (v.ok()) {
      EXPECT_EQ(*v, 17);
      EXPECT_EQ(fresh.size(), index_.size());
      return v.status();
    }
    EXPECT_EQ(fresh.size(), 0u);
    EXPECT_EQ(fresh.Stats().total_persons, 0);
    EXPECT_TRUE(fresh.Upsert(testing::RandomCreator(rng_, 1, testing::CatalogShape(), kNow)).ok());
    EXPECT_EQ(fresh.size(), 1u);
    return v.status();
  }
  CreatorIndex index_;
  Rng rng_{3};
  std::string path_ = TempPath("reject");
  std::string good_;
};

TEST_F(SnapshotRejectTest, GoodFileLoads) { EXPECT_TRUE(LoadBytes(good_).ok()); }

TEST_F(SnapshotRejectTest, MissingFileIsNotFound) {
  CreatorIndex fresh;
  EXPECT_EQ(fresh.LoadSnapshot(path_ + ".nope").status().code(), absl::StatusCode::kNotFound);
}

TEST_F(SnapshotRejectTest, TruncatedFilesAreRejected) {
  for (size_t len : {size_t{0}, size_t{10}, size_t{55}, size_t{56}, size_t{60}, good_.size() / 3,
                     good_.size() / 2, good_.size() - 1}) {
    const absl::Status s = LoadBytes(good_.substr(0, len));
    EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss) << len << " " << s;
    EXPECT_NE(s.message().find("truncated"), std::string::npos) << len << " " << s;
  }
  const absl::Status s = LoadBytes(good_ + "x");
  EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss) << s;
  EXPECT_NE(s.message().find("trailing"), std::string::npos) << s;
}

TEST_F(SnapshotRejectTest, BitFlipInEachSectionIsRejected) {
  const std::vector<Section> sections = Sections(good_);
  ASSERT_EQ(sections.size(), 11u);
  for (const Section& sec : sections) {
    ASSERT_GT(sec.length, 0u) << sec.id;
    for (uint64_t at : {uint64_t{0}, sec.length / 2, sec.length - 1}) {
      std::string bad = good_;
      bad[sec.payload_offset + at] ^= 0x10;
      const absl::Status s = LoadBytes(bad);
      EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss) << sec.id << " " << at << " " << s;
    }
    // A flipped length is caught too.
    std::string bad = good_;
    bad[sec.payload_offset - 16] ^= 0x01;
    EXPECT_FALSE(LoadBytes(bad).ok()) << sec.id;
  }
  std::string bad = good_;
  bad[sections[4].payload_offset + sections[4].length / 2] ^= 0x01;
  EXPECT_NE(LoadBytes(bad).message().find("checksum mismatch in section \"audience\""),
            std::string::npos);
}

TEST_F(SnapshotRejectTest, HeaderDamageIsRejected) {
  std::string bad = good_;
  bad[0] = 'X';
  absl::Status s = LoadBytes(bad);
  EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss);
  EXPECT_NE(s.message().find("bad magic"), std::string::npos) << s;
  for (size_t at = 16; at < CreatorIndex::kSnapshotHeaderBytes; ++at) {
    bad = good_;
    bad[at] ^= 0x04;
    EXPECT_EQ(LoadBytes(bad).code(), absl::StatusCode::kDataLoss) << at;
  }
  bad = good_;
  bad[8] = 99;  // format version
  s = LoadBytes(bad);
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition) << s;
  EXPECT_NE(s.message().find("format version 99"), std::string::npos) << s;
  bad = good_;
  std::swap(bad[12], bad[15]);  // the endianness mark
  EXPECT_EQ(LoadBytes(bad).code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(LoadBytes(std::string(good_.size(), 'z')).code(), absl::StatusCode::kDataLoss);
}

TEST_F(SnapshotRejectTest, OtherOptionsAskForARebuild) {
  CreatorIndex::Options eur;
  eur.reference_currency = "EUR";
  absl::Status s = LoadBytes(good_, eur);
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition) << s;
  EXPECT_NE(s.message().find("other index options"), std::string::npos) << s;
  CreatorIndex::Options tiers;
  tiers.tier_bounds[0] = 5000;
  EXPECT_EQ(LoadBytes(good_, tiers).code(), absl::StatusCode::kFailedPrecondition);
  CreatorIndex::Options per_platform;
  per_platform.platform_tier_bounds[cv1::PLATFORM_TIKTOK] = {1, 2, 3, 4};
  EXPECT_EQ(LoadBytes(good_, per_platform).code(), absl::StatusCode::kFailedPrecondition);
  // A store behind the snapshot (restored from a backup) asks for a rebuild.
  WriteAll(path_, good_);
  CreatorIndex fresh;
  s = fresh.LoadSnapshot(path_, 16).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition) << s;
  EXPECT_NE(s.message().find("ahead of the store"), std::string::npos) << s;
  EXPECT_EQ(fresh.size(), 0u);
  EXPECT_TRUE(fresh.LoadSnapshot(path_, 17).ok());
  // Compaction thresholds do not shape the contents.
  CreatorIndex::Options compaction;
  compaction.compact_min_dead = 5;
  EXPECT_TRUE(LoadBytes(good_, compaction).ok());
}

TEST_F(SnapshotRejectTest, AnotherCatalogsSnapshotAsksForARebuild) {
  ASSERT_TRUE(index_.SaveSnapshot(path_, 17, 0x1234'5678'9abc'def0).ok());
  CreatorIndex fresh;
  absl::Status s = fresh.LoadSnapshot(path_, 17, 42).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition) << s;
  EXPECT_NE(s.message().find("not this store's 42"), std::string::npos) << s;
  EXPECT_EQ(fresh.size(), 0u);
  EXPECT_EQ(fresh.LoadSnapshot(path_, 17).status().code(), absl::StatusCode::kFailedPrecondition);
  absl::StatusOr<int64_t> v = fresh.LoadSnapshot(path_, 17, 0x1234'5678'9abc'def0);
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(fresh.size(), index_.size());
}

}  // namespace

// Holds the index the way SnapshotCodec::Save does while it writes the file:
// the save gate closed and the lock shared, until `release` is notified.
class CreatorIndexTestPeer {
 public:
  static void HoldLikeASave(const CreatorIndex& index, absl::Notification* holding,
                            absl::Notification* release) {
    CreatorIndex::SaveGate gate(&index);
    absl::ReaderMutexLock lock(&index.mu_);
    holding->Notify();
    release->WaitForNotification();
  }
};

namespace {

// A save holds the index's read lock for as long as the file takes to write
// (seconds at 10M creators). A write arriving meanwhile waits for the save,
// and searches must keep running: a writer queued on the lock itself would
// hold every new search behind it (absl::Mutex favours waiting writers).
TEST(SnapshotTest, SearchesRunWhileASaveMakesAWriteWait) {
  CreatorIndex index;
  Rng r(9);
  std::vector<std::string> ids;
  Fill(index, r, 2000, &ids);
  absl::Notification holding, release;
  std::thread save([&] { CreatorIndexTestPeer::HoldLikeASave(index, &holding, &release); });
  holding.WaitForNotification();

  std::atomic<bool> written{false};
  const cv1::Creator fresh = testing::RandomCreator(r, 5000, testing::CatalogShape(), kNow);
  std::thread writer([&] {
    EXPECT_TRUE(index.Upsert(fresh).ok());
    written = true;
  });
  // Give the writer time to reach the lock (were it to wait on the lock
  // itself, the search below would queue behind it).
  absl::SleepFor(absl::Milliseconds(200));
  auto search = std::async(std::launch::async, [&] { return index.Search(SearchQuery()); });
  const bool searched = search.wait_for(std::chrono::seconds(10)) == std::future_status::ready;
  EXPECT_TRUE(searched) << "a search waited behind the writer for the save";
  EXPECT_FALSE(written.load()) << "a write changed the index during the save";

  release.Notify();
  save.join();
  writer.join();
  EXPECT_TRUE(written.load());
  absl::StatusOr<SearchPage> page = search.get();
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_EQ(page->total_size, static_cast<int64_t>(ids.size()));
  EXPECT_EQ(index.Search(SearchQuery())->total_size,
            static_cast<int64_t>(ids.size()) +
                (std::find(ids.begin(), ids.end(), fresh.creator_id()) == ids.end() ? 1 : 0));
}

TEST_F(SnapshotRejectTest, NonEmptyIndexIsNotOverwritten) {
  CreatorIndex busy;
  ASSERT_TRUE(busy.Upsert(testing::RandomCreator(rng_, 1, testing::CatalogShape(), kNow)).ok());
  EXPECT_EQ(busy.LoadSnapshot(path_).status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(busy.size(), 1u);
}

TEST_F(SnapshotRejectTest, SaveFailureLeavesThePreviousFile) {
  EXPECT_FALSE(index_.SaveSnapshot("/nonexistent-dir/x/snap", 1).ok());
  EXPECT_EQ(ReadAll(path_), good_);
}

}  // namespace
}  // namespace microreach::search
