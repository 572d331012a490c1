// CreatorIndex::ApplyBatch: a batch of upserts and removals leaves the index
// exactly as the same writes applied one by one (the same snapshot sections,
// the same answers), whatever the batch sizes, and skips bad ids by position.
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "services/search/index/creator_index.h"
#include "services/search/index/test_catalog.h"

namespace microreach::search {
namespace {

namespace cv1 = ::microreach::common::v1;
using testing::Rng;

constexpr int64_t kNow = 1'750'000'000;

std::string TempPath(const std::string& name) {
  const char* dir = std::getenv("TEST_TMPDIR");  // NOLINT(concurrency-mt-unsafe): no setenv here
  return absl::StrCat(dir != nullptr ? dir : "/tmp", "/mr_apply_batch_", getpid(), "_", name);
}

// The snapshot's sections by id (layout in snapshot.cc: the header, then
// per section an id (u32), a payload length (u64), a checksum (u64) and
// the payload).
std::map<uint32_t, std::string> SnapshotSections(const CreatorIndex& index,
                                                 const std::string& name) {
  const std::string path = TempPath(name);
  EXPECT_TRUE(index.SaveSnapshot(path, 1).ok());
  std::ifstream in(path, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), {});
  std::remove(path.c_str());
  std::map<uint32_t, std::string> sections;
  for (size_t at = CreatorIndex::kSnapshotHeaderBytes; at + 20 <= bytes.size();) {
    uint32_t id;
    uint64_t length;
    std::memcpy(&id, bytes.data() + at, 4);
    std::memcpy(&length, bytes.data() + at + 4, 8);
    sections[id] = bytes.substr(at + 20, length);
    at += 20 + length;
  }
  return sections;
}

// Sections that do not hold hash tables: those are written in iteration
// order, which differs between two tables with the same elements.
constexpr uint32_t kOrderedSections[] = {0 /*options*/,
                                         1 /*counts*/,
                                         3 /*columns*/,
                                         4 /*audience*/,
                                         5 /*vectors*/,
                                         6 /*enum postings*/,
                                         8 /*country share postings*/};

// One write of the stream: an upsert of `creator`, or a removal of `id`.
struct Op {
  bool remove = false;
  std::string id;
  cv1::Creator creator;
};

// New profiles, then updates, removals (of known and unknown ids), re-adds,
// and runs where one id is written twice in a row (so inside one batch).
std::vector<Op> Stream(Rng& r, uint32_t n, uint32_t changes) {
  testing::CatalogShape shape;
  std::vector<Op> ops;
  for (uint32_t i = 0; i < n; ++i) {
    ops.push_back({false, "", testing::RandomCreator(r, i, shape, kNow)});
  }
  for (uint32_t i = 0; i < changes; ++i) {
    const uint32_t id = r.Uniform(n + n / 10);  // a tenth never existed
    const int kind = static_cast<int>(r.Uniform(4));
    if (kind == 0) {
      ops.push_back({true, absl::StrCat("c", id), {}});
    } else {
      ops.push_back({false, "", testing::RandomCreator(r, id, shape, kNow)});
    }
    if (kind == 3) {  // the same id again, right after: upsert or removal
      if (r.Chance(0.5)) {
        ops.push_back({false, "", testing::RandomCreator(r, id, shape, kNow)});
      } else {
        ops.push_back({true, absl::StrCat("c", id), {}});
      }
    }
  }
  return ops;
}

CreatorIndex::Write WriteOf(const Op& op) {
  return op.remove ? CreatorIndex::Write::Remove(op.id) : CreatorIndex::Write::Upsert(op.creator);
}

void ApplyOneByOne(const std::vector<Op>& ops, CreatorIndex& index) {
  for (const Op& op : ops) {
    if (op.remove) {
      index.Remove(op.id);
    } else {
      ASSERT_TRUE(index.Upsert(op.creator).ok());
    }
  }
}

// Batches of the given sizes, cycling, until the stream is applied.
void ApplyInBatches(const std::vector<Op>& ops, const std::vector<size_t>& sizes,
                    CreatorIndex& index) {
  size_t start = 0;
  for (size_t b = 0; start < ops.size(); ++b) {
    const size_t end = std::min(ops.size(), start + sizes[b % sizes.size()]);
    std::vector<CreatorIndex::Write> writes;
    for (size_t i = start; i < end; ++i) writes.push_back(WriteOf(ops[i]));
    std::vector<size_t> rejected;
    index.ApplyBatch(writes, &rejected);
    EXPECT_TRUE(rejected.empty());
    start = end;
  }
}

void ExpectSameSearches(const CreatorIndex& want, const CreatorIndex& got) {
  Rng r(5);
  for (int i = 0; i < 100; ++i) {
    SearchQuery q;
    q.now = absl::FromUnixSeconds(kNow);
    if (r.Chance(0.5)) {
      q.filter.mutable_creator()->mutable_countries()->add_include(
          testing::CountryCode(r.Uniform(12)));
    }
    if (r.Chance(0.5)) q.text = absl::StrCat("w", r.Uniform(40));
    if (r.Chance(0.3)) {
      auto* a = q.filter.mutable_audience()->mutable_countries();
      a->add_include(testing::CountryCode(r.Uniform(12)));
      a->set_min_share(0.05 * r.Uniform(6));
    }
    if (r.Chance(0.3)) {
      q.filter.mutable_creator()->mutable_interests()->add_include(
          absl::StrCat("i", r.Uniform(12)));
    }
    testing::RandomPaging(r, 50, q);
    absl::StatusOr<SearchPage> a = want.Search(q);
    absl::StatusOr<SearchPage> b = got.Search(q);
    ASSERT_TRUE(a.ok() && b.ok()) << a.status() << b.status();
    ASSERT_EQ(a->total_size, b->total_size) << "query " << i;
    ASSERT_EQ(a->hits.size(), b->hits.size()) << "query " << i;
    for (size_t h = 0; h < a->hits.size(); ++h) {
      EXPECT_EQ(a->hits[h].creator_id, b->hits[h].creator_id) << "query " << i;
    }
    ASSERT_EQ(a->facets.size(), b->facets.size());
    for (size_t f = 0; f < a->facets.size(); ++f) {
      EXPECT_EQ(a->facets[f].values, b->facets[f].values) << "query " << i;
      EXPECT_EQ(a->facets[f].missing, b->facets[f].missing) << "query " << i;
    }
  }
}

struct BatchCase {
  std::string name;
  std::vector<size_t> sizes;
  int apply_threads;
};

class ApplyBatchTest : public ::testing::TestWithParam<BatchCase> {};

TEST_P(ApplyBatchTest, SameIndexAsOneWriteAtATime) {
  Rng r(42);
  const std::vector<Op> ops = Stream(r, 6000, 4000);
  CreatorIndex one_by_one;
  ApplyOneByOne(ops, one_by_one);
  CreatorIndex::Options options;
  options.apply_threads = GetParam().apply_threads;
  CreatorIndex batched(options);
  ApplyInBatches(ops, GetParam().sizes, batched);

  EXPECT_EQ(batched.size(), one_by_one.size());
  EXPECT_EQ(batched.Stats().total_persons, one_by_one.Stats().total_persons);
  // Columns, tombstones, facet counts and the enum and audience postings are
  // byte for byte the same; vocabularies, text postings, ids and persons
  // have the same sizes, and their contents answer the same below.
  const auto want = SnapshotSections(one_by_one, "one_by_one");
  const auto got = SnapshotSections(batched, "batched");
  ASSERT_EQ(want.size(), got.size());
  for (uint32_t section : kOrderedSections) {
    EXPECT_TRUE(want.at(section) == got.at(section)) << "section " << section;
  }
  for (const auto& [section, bytes] : want) {
    EXPECT_EQ(bytes.size(), got.at(section).size()) << "section " << section;
  }
  EXPECT_EQ(batched.MemoryByPart(), one_by_one.MemoryByPart());
  ExpectSameSearches(one_by_one, batched);
}

INSTANTIATE_TEST_SUITE_P(
    Sizes, ApplyBatchTest,
    ::testing::Values(BatchCase{"Single", {1}, 1}, BatchCase{"Small", {7, 1, 30}, 2},
                      // 2000: the service's batch, prepared on several threads.
                      BatchCase{"ServiceBatch", {2000}, 4},
                      // Over the 4096 writes of one locked round.
                      BatchCase{"OverOneRound", {5000, 300}, 2}),
    [](const ::testing::TestParamInfo<BatchCase>& info) { return info.param.name; });

TEST(ApplyBatchBadIdsTest, SkippedByPositionWhileTheRestLands) {
  Rng r(7);
  testing::CatalogShape shape;
  std::vector<cv1::Creator> creators;
  for (uint32_t i = 0; i < 400; ++i) creators.push_back(testing::RandomCreator(r, i, shape, kNow));
  creators[3].set_creator_id("");
  creators[300].set_creator_id(std::string(256, 'x'));
  std::vector<CreatorIndex::Write> writes;
  writes.reserve(creators.size() + 2);
  for (const cv1::Creator& c : creators) writes.push_back(CreatorIndex::Write::Upsert(c));
  writes.push_back(CreatorIndex::Write::Remove("c10"));
  writes.push_back(CreatorIndex::Write::Remove("never-written"));

  CreatorIndex index;
  std::vector<size_t> rejected;
  EXPECT_EQ(index.ApplyBatch(writes, &rejected), 398u + 1u);
  EXPECT_EQ(rejected, (std::vector<size_t>{3, 300}));
  EXPECT_EQ(index.size(), 397u);
  EXPECT_FALSE(index.SeedOf("c10").ok());
  EXPECT_TRUE(index.SeedOf("c11").ok());
}

TEST(ApplyBatchBadIdsTest, EmptyBatchIsANoOp) {
  CreatorIndex index;
  EXPECT_EQ(index.ApplyBatch({}), 0u);
  EXPECT_EQ(index.size(), 0u);
}

}  // namespace
}  // namespace microreach::search
