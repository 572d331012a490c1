// The index listener over a real SQLite store: an index rebuilt from the
// store at start-up (several feed pages, read while the previous one is
// applied) answers exactly like the one the catalog's own writes built batch
// by batch, updates and deletions included.
#include "services/search/index_listener.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "services/search/catalog.h"
#include "services/search/creator_store.h"
#include "services/search/index/creator_index.h"
#include "tests/fixtures/temp_dir.h"
#include "tools/catalog_gen/catalog_generator.h"

namespace microreach::search {
namespace {

using common::v1::Creator;

std::unique_ptr<CreatorStore> OpenStore(const std::string& dir) {
  auto db = store::OpenDatabase("sqlite://" + dir + "/search.db", {});
  EXPECT_TRUE(db.ok()) << db.status();
  auto s = CreatorStore::Open(*std::move(db));
  EXPECT_TRUE(s.ok()) << s.status();
  return *std::move(s);
}

void ExpectSameAnswers(const CreatorIndex& want, const CreatorIndex& got) {
  const std::vector<std::string> countries = {"", "US", "DE", "BR", "IN", "GB"};
  const std::vector<std::string> texts = {"", "fitness", "travel food", "beauty"};
  int non_empty = 0;
  for (const std::string& country : countries) {
    for (const std::string& text : texts) {
      SearchQuery q;
      if (!country.empty()) q.filter.mutable_creator()->mutable_countries()->add_include(country);
      q.text = text;
      q.sort_field = v1::SORT_FIELD_FOLLOWERS;
      q.limit = 100;
      q.facets = {v1::FACET_FIELD_COUNTRY, v1::FACET_FIELD_LANGUAGE, v1::FACET_FIELD_CATEGORY};
      absl::StatusOr<SearchPage> a = want.Search(q);
      absl::StatusOr<SearchPage> b = got.Search(q);
      ASSERT_TRUE(a.ok() && b.ok()) << a.status() << " " << b.status();
      non_empty += a->total_size > 0 ? 1 : 0;
      ASSERT_EQ(a->total_size, b->total_size) << country << " " << text;
      ASSERT_EQ(a->hits.size(), b->hits.size());
      for (size_t h = 0; h < a->hits.size(); ++h) {
        EXPECT_EQ(a->hits[h].creator_id, b->hits[h].creator_id) << country << " " << text;
      }
      ASSERT_EQ(a->facets.size(), b->facets.size());
      for (size_t f = 0; f < a->facets.size(); ++f) {
        EXPECT_EQ(a->facets[f].values, b->facets[f].values) << country << " " << text;
        EXPECT_EQ(a->facets[f].missing, b->facets[f].missing);
      }
    }
  }
  EXPECT_GT(non_empty, 12);
}

TEST(IndexListenerTest, RebuildFromTheStoreEqualsTheIncrementalIndex) {
  microreach::testing::TempDir dir;
  std::unique_ptr<CreatorStore> store = OpenStore(dir.path());
  CreatorIndex incremental;
  IndexListener listener(incremental);
  Catalog catalog(*store, nullptr, listener, TierPolicy());
  ASSERT_TRUE(catalog.Load().ok());

  // 10,000 profiles, then 3,000 updates and 500 deletions: about 13,500
  // versions, several feed pages for the rebuild.
  catalog_gen::CatalogGenerator generator({});
  constexpr uint64_t kCreators = 10'000;
  for (uint64_t start = 0; start < kCreators; start += 2000) {
    std::vector<Creator> batch;
    for (uint64_t i = start; i < start + 2000; ++i) batch.push_back(generator.Generate(i));
    auto summary = catalog.Upsert(std::move(batch), static_cast<int>(start), false);
    ASSERT_TRUE(summary.ok()) << summary.status();
    ASSERT_TRUE(summary->rejected.empty()) << summary->rejected.front().description;
  }
  std::vector<Creator> updates;
  for (uint64_t i = 0; i < kCreators; i += 10) {
    Creator c = generator.Generate(i);
    c.mutable_stats()->set_followers(c.stats().followers() + 1000);
    c.set_country_code(i % 20 == 0 ? "DE" : "BR");
    updates.push_back(std::move(c));
    if (i % 30 == 0) updates.push_back(generator.Generate(i + 5));  // same batch, other ids
  }
  for (size_t start = 0; start < updates.size(); start += 1500) {
    const size_t end = std::min(updates.size(), start + 1500);
    auto summary =
        catalog.Upsert(std::vector<Creator>(updates.begin() + static_cast<ptrdiff_t>(start),
                                            updates.begin() + static_cast<ptrdiff_t>(end)),
                       0, false);
    ASSERT_TRUE(summary.ok()) << summary.status();
  }
  for (uint64_t i = 3; i < kCreators; i += 20) {
    auto deleted = catalog.Delete(generator.Generate(i).creator_id());
    ASSERT_TRUE(deleted.ok() && *deleted);
  }
  ASSERT_EQ(incremental.size(), kCreators - 500);

  CreatorIndex rebuilt;
  IndexListener rebuilt_listener(rebuilt);
  Catalog restarted(*store, nullptr, rebuilt_listener, TierPolicy());
  ASSERT_TRUE(restarted.Load().ok());
  EXPECT_EQ(restarted.applied_version(), catalog.applied_version());
  EXPECT_EQ(rebuilt.size(), incremental.size());
  EXPECT_EQ(rebuilt.Stats().total_persons, incremental.Stats().total_persons);
  ExpectSameAnswers(incremental, rebuilt);
}

}  // namespace
}  // namespace microreach::search
