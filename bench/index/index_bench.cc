// index_bench: builds a synthetic catalog of N creators in a CreatorIndex and
// times a buyer's query mix, printing p50/p99 per query type, the bulk-load
// rate and bytes per creator (MemoryBytes and resident-set growth).
#include <fcntl.h>
#include <malloc.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <functional>
#include <limits>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "services/search/index/creator_index.h"
#include "services/search/index/test_catalog.h"

ABSL_FLAG(int64_t, n, 1'000'000, "creators in the synthetic catalog");
ABSL_FLAG(int, queries, 200, "queries timed per query type");
ABSL_FLAG(uint64_t, seed, 7, "generator seed");
ABSL_FLAG(std::string, only, "", "run only this query type");
ABSL_FLAG(double, compaction, 0,
          "if above 0, replaces this fraction of the profiles at the end (automatic compaction "
          "off) and times Compact(): how long writes and searches wait for a compaction");
ABSL_FLAG(std::string, snapshot, "",
          "if set, also saves the index to this file, loads it into a fresh index (cold: the "
          "file's pages dropped from the page cache first, then warm), prints the rates and "
          "checks that every query type answers the same");

namespace microreach::search {
namespace {

namespace cv1 = ::microreach::common::v1;
using testing::Rng;
using Clock = std::chrono::steady_clock;
constexpr int64_t kNow = 1'750'000'000;

// CPU time of this thread: the machine running the bench is shared, and a
// query's own CPU time is what it costs on an idle core.
double ThreadCpuMs() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

int64_t RssBytes() {
  std::ifstream f("/proc/self/statm");
  int64_t pages = 0, resident = 0;
  f >> pages >> resident;
  return resident * 4096;
}

std::string Pick(Rng& r, const char* prefix, uint32_t n) {
  return absl::StrCat(prefix, r.Skewed(n));
}

struct QueryType {
  std::string name;
  std::function<SearchQuery(Rng&)> make;
};

double LoadAverage() {
  std::ifstream f("/proc/loadavg");
  double one = 0;
  f >> one;
  return one;
}

// Saves, loads cold and warm, compares answers (--snapshot).
int SnapshotStep(CreatorIndex& index, const std::vector<QueryType>& types, const std::string& path,
                 const testing::CatalogShape& shape) {
  const double n = static_cast<double>(index.size());
  auto t0 = Clock::now();
  if (absl::Status s = index.SaveSnapshot(path, 1); !s.ok()) {
    std::printf("snapshot save failed: %s\n", s.ToString().c_str());
    return 1;
  }
  const double save_s = std::chrono::duration<double>(Clock::now() - t0).count();
  struct stat st;
  stat(path.c_str(), &st);
  const double bytes = static_cast<double>(st.st_size);
  std::printf("snapshot save       %.2f s (fsync included), %.0f B/creator (%.1f MiB)\n", save_s,
              bytes / n, bytes / 1048576.0);
  for (const char* mode : {"cold", "warm"}) {
    if (mode[0] == 'c') {
      const int fd = open(path.c_str(), O_RDONLY);
      posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
      close(fd);
    }
    malloc_trim(0);
    const double load0 = LoadAverage();
    CreatorIndex loaded;
    const double c0 = ThreadCpuMs();
    t0 = Clock::now();
    absl::StatusOr<int64_t> v = loaded.LoadSnapshot(path);
    const double s = std::chrono::duration<double>(Clock::now() - t0).count();
    const double cpu = (ThreadCpuMs() - c0) / 1e3;
    if (!v.ok()) {
      std::printf("snapshot load failed: %s\n", v.status().ToString().c_str());
      return 1;
    }
    std::printf(
        "snapshot load %s   %.2f s wall, %.2f s CPU: %.0f creators/s, %.0f MB/s (load average "
        "%.2f)\n",
        mode, s, cpu, n / s, bytes / s / 1e6, load0);
    if (loaded.MemoryBytes() != index.MemoryBytes() || loaded.size() != index.size()) {
      std::printf("snapshot differs: MemoryBytes %zu vs %zu\n", loaded.MemoryBytes(),
                  index.MemoryBytes());
      return 1;
    }
    Rng qr(5);
    int compared = 0;
    for (const QueryType& t : types) {
      for (int i = 0; i < 5; ++i) {
        SearchQuery q = t.make(qr);
        q.now = absl::FromUnixSeconds(kNow);
        absl::StatusOr<SearchPage> a = index.Search(q);
        absl::StatusOr<SearchPage> b = loaded.Search(q);
        bool same = a.ok() == b.ok();
        if (same && a.ok()) {
          same = a->total_size == b->total_size && a->hits.size() == b->hits.size();
          for (size_t h = 0; same && h < a->hits.size(); ++h) {
            same = a->hits[h].creator_id == b->hits[h].creator_id;
          }
        }
        if (!same) {
          std::printf("snapshot answers differ for %s\n", t.name.c_str());
          return 1;
        }
        ++compared;
      }
    }
    std::printf("snapshot check      %d queries answer the same\n", compared);
  }
  // A save holds the index's read lock while it writes (fsync comes after):
  // searches go on, writes wait. The longest wait of a writer upserting
  // every millisecond during a second save:
  std::atomic<bool> done{false};
  double worst_ms = 0;
  int writes = 0;
  std::thread writer([&] {
    Rng wr(11);
    while (!done.load()) {
      const cv1::Creator c =
          testing::RandomCreator(wr, wr.Uniform(static_cast<uint32_t>(n)), shape, kNow);
      const auto w0 = Clock::now();
      (void)index.Upsert(c);
      worst_ms =
          std::max(worst_ms, std::chrono::duration<double, std::milli>(Clock::now() - w0).count());
      ++writes;
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  t0 = Clock::now();
  const absl::Status again = index.SaveSnapshot(path, 2);
  const double again_s = std::chrono::duration<double>(Clock::now() - t0).count();
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  done.store(true);
  writer.join();
  std::printf("snapshot save busy  %.2f s (%s), longest write wait %.0f ms over %d writes\n",
              again_s, again.ok() ? "ok" : again.ToString().c_str(), worst_ms, writes);
  return 0;
}

int Run() {
  const int64_t n = absl::GetFlag(FLAGS_n);
  testing::CatalogShape shape;
  shape.countries = 60;
  shape.cities = 3000;
  shape.languages = 40;
  shape.interests = 3000;
  shape.bio_words = 60000;
  shape.caption_words = 30000;
  shape.hashtags = 80000;
  shape.mentions = 80000;
  shape.brands = 5000;
  shape.persons_divisor = 1;
  shape.bio_len = 12;
  shape.caption_len = 10;
  shape.hashtag_len = 10;
  shape.audience_len = 15;
  shape.small_followers = false;

  malloc_trim(0);
  const int64_t rss0 = RssBytes();
  const double compaction = absl::GetFlag(FLAGS_compaction);
  CreatorIndex::Options options;
  if (compaction > 0) options.compact_min_dead = std::numeric_limits<uint32_t>::max();
  CreatorIndex index(options);
  Rng gen(absl::GetFlag(FLAGS_seed));
  double load_seconds = 0;
  double load_cpu_ms = 0;
  const int64_t kBatch = 20000;
  std::vector<cv1::Creator> batch;
  for (int64_t i = 0; i < n; i += kBatch) {
    batch.clear();
    for (int64_t j = i; j < std::min(n, i + kBatch); ++j) {
      batch.push_back(testing::RandomCreator(gen, static_cast<uint32_t>(j), shape, kNow));
    }
    const double c0 = ThreadCpuMs();
    const auto t0 = Clock::now();
    index.BulkLoad(batch);
    load_seconds += std::chrono::duration<double>(Clock::now() - t0).count();
    load_cpu_ms += ThreadCpuMs() - c0;
  }
  batch.clear();
  batch.shrink_to_fit();
  {
    const auto t0 = Clock::now();
    index.ShrinkToFit();
    std::printf("shrink to fit       %.2f s\n",
                std::chrono::duration<double>(Clock::now() - t0).count());
  }
  malloc_trim(0);
  const int64_t rss1 = RssBytes();
  const double mem = static_cast<double>(index.MemoryBytes());
  std::printf("creators            %lld\n", static_cast<long long>(index.size()));
  std::printf("bulk load           %.0f creators/s CPU, %.0f creators/s wall (%.2f s wall)\n",
              static_cast<double>(n) / (load_cpu_ms / 1e3), static_cast<double>(n) / load_seconds,
              load_seconds);
  std::printf("MemoryBytes         %.0f B/creator (%.1f MiB)\n", mem / static_cast<double>(n),
              mem / 1048576.0);
  std::printf("RSS delta           %.0f B/creator (%.1f MiB)\n",
              static_cast<double>(rss1 - rss0) / static_cast<double>(n),
              static_cast<double>(rss1 - rss0) / 1048576.0);

  auto country = [](Rng& r) { return testing::CountryCode(r.Skewed(20)); };
  std::vector<QueryType> types = {
      {"selective",
       [&](Rng& r) {
         SearchQuery q;
         auto* c = q.filter.mutable_creator();
         c->mutable_platforms()->add_include(static_cast<cv1::Platform>(3 + r.Uniform(3)));
         c->mutable_countries()->add_include(country(r));
         c->mutable_followers()->set_min(100'000);
         c->mutable_followers()->set_max(1'000'000);
         q.filter.mutable_performance()->mutable_engagement_rate()->set_min(0.03);
         q.sort_field = v1::SORT_FIELD_ENGAGEMENT_RATE;
         return q;
       }},
      {"medium",
       [&](Rng& r) {
         SearchQuery q;
         auto* c = q.filter.mutable_creator();
         c->mutable_platforms()->add_include(cv1::PLATFORM_INSTAGRAM);
         c->mutable_tiers()->add_include(cv1::TIER_MICRO);
         auto* a = q.filter.mutable_audience()->mutable_countries();
         a->add_include(country(r));
         a->set_min_share(0.1);
         q.filter.mutable_performance()->mutable_audience_credibility()->set_min(0.5);
         q.sort_field = v1::SORT_FIELD_FOLLOWERS;
         return q;
       }},
      {"broad_facets",
       [&](Rng& r) {
         SearchQuery q;
         q.filter.mutable_creator()->mutable_followers()->set_min(1000 + r.Uniform(1000));
         q.facets = {v1::FACET_FIELD_TIER, v1::FACET_FIELD_PLATFORM, v1::FACET_FIELD_COUNTRY,
                     v1::FACET_FIELD_CATEGORY, v1::FACET_FIELD_LANGUAGE};
         q.sort_field = v1::SORT_FIELD_FOLLOWERS;
         return q;
       }},
      {"keyword_filters",
       [&](Rng& r) {
         SearchQuery q;
         q.text = Pick(r, "w", 200);
         q.filter.mutable_creator()->mutable_countries()->add_include(country(r));
         q.filter.mutable_creator()->mutable_followers()->set_min(5000);
         q.filter.mutable_content()->mutable_hashtags()->add_exclude(Pick(r, "t", 100));
         q.sort_field = v1::SORT_FIELD_KEYWORD_RELEVANCE;
         return q;
       }},
      {"filters_40",
       [&](Rng& r) {
         SearchQuery q;
         auto* c = q.filter.mutable_creator();
         c->mutable_platforms()->add_include(cv1::PLATFORM_INSTAGRAM);
         c->mutable_platforms()->add_include(cv1::PLATFORM_TIKTOK);
         c->mutable_followers()->set_min(5'000);
         c->mutable_tiers()->add_exclude(cv1::TIER_GLOBAL);
         c->mutable_countries()->add_exclude("RU");
         c->mutable_cities()->add_exclude("city1");
         c->mutable_languages()->add_exclude("l39");
         c->mutable_genders()->add_exclude(cv1::GENDER_NON_BINARY);
         c->mutable_age()->set_max(90);
         c->mutable_account_types()->add_exclude(cv1::ACCOUNT_TYPE_BRAND);
         c->set_exclude_private(true);
         c->mutable_categories()->add_exclude(cv1::CATEGORY_NEWS);
         c->mutable_interests()->add_exclude("i2999");
         c->set_has_email(r.Chance(0.5));
         c->set_posted_within_days(365);
         c->mutable_content_count()->set_min(10);
         c->mutable_content_types()->add_exclude(cv1::CONTENT_TYPE_LIVE);
         c->mutable_estimated_price()->set_currency_code("USD");
         c->mutable_estimated_price()->set_max_micros(100'000'000'000);
         auto* p = q.filter.mutable_performance();
         p->mutable_engagement_rate()->set_min(0.005);
         p->mutable_avg_likes()->set_min(10);
         p->mutable_avg_comments()->set_min(0);
         p->mutable_avg_shares()->set_min(0);
         p->mutable_avg_saves()->set_min(0);
         p->mutable_avg_views()->set_min(0);
         p->mutable_follower_growth_30d()->set_min(-0.04);
         p->mutable_follower_growth_90d()->set_min(-0.09);
         p->mutable_posts_per_week()->set_min(0.1);
         p->mutable_audience_credibility()->set_min(0.2);
         p->mutable_audience_quality_score()->set_min(10);
         p->mutable_sponsored_engagement_ratio()->set_max(10);
         auto* a = q.filter.mutable_audience();
         a->mutable_countries()->add_include(country(r));
         a->mutable_countries()->set_min_share(0.01);
         a->mutable_genders()->add_include(cv1::GENDER_FEMALE);
         a->mutable_genders()->set_min_share(0.05);
         a->mutable_age_bands()->add_include(cv1::AGE_BAND_18_24);
         a->mutable_age_bands()->add_include(cv1::AGE_BAND_25_34);
         a->mutable_age_bands()->set_aggregation(cv1::SHARE_AGGREGATION_SUM);
         a->mutable_age_bands()->set_min_share(0.05);
         a->mutable_languages()->add_exclude("l38");
         a->mutable_interests()->add_exclude("i2998");
         a->mutable_brand_affinities()->add_exclude("b4999");
         a->mutable_reachability()->set_min(0.05);
         auto* ct = q.filter.mutable_content();
         ct->mutable_bio_keywords()->add_exclude("w59999");
         ct->mutable_caption_keywords()->add_exclude("k29999");
         ct->mutable_hashtags()->add_exclude("t79999");
         ct->mutable_mentions()->add_exclude("m79999");
         ct->mutable_brands()->add_exclude("b4998");
         ct->add_exclude_brand_safety_flags(cv1::BRAND_SAFETY_FLAG_HATE_SPEECH);
         q.sort_field = v1::SORT_FIELD_ENGAGEMENT_RATE;
         q.facets = {v1::FACET_FIELD_TIER};
         return q;
       }},
      {"deep_page",
       [&](Rng& r) {
         SearchQuery q;
         q.filter.mutable_creator()->mutable_platforms()->add_include(cv1::PLATFORM_INSTAGRAM);
         q.filter.mutable_creator()->mutable_countries()->add_include(country(r));
         q.sort_field = v1::SORT_FIELD_FOLLOWERS;
         q.offset = 4950;
         q.limit = 50;
         return q;
       }},
      {"audience_match",
       [&](Rng& r) {
         SearchQuery q;
         q.filter.mutable_creator()->mutable_platforms()->add_include(cv1::PLATFORM_INSTAGRAM);
         q.filter.mutable_creator()->mutable_tiers()->add_include(cv1::TIER_MICRO);
         q.filter.mutable_creator()->mutable_countries()->add_include(country(r));
         cv1::CampaignBrief b;
         auto* t = b.mutable_target_audience();
         auto* g = t->add_genders();
         g->set_gender(cv1::GENDER_FEMALE);
         auto* a = t->add_age_bands();
         a->set_age_band(cv1::AGE_BAND_18_24);
         auto* c = t->add_countries();
         c->set_country_code(country(r));
         b.add_categories(cv1::CATEGORY_FITNESS);
         q.target = b;
         q.sort_field = r.Chance(0.5) ? v1::SORT_FIELD_AUDIENCE_MATCH : v1::SORT_FIELD_FIT_SCORE;
         return q;
       }},
  };

  std::printf("\n%-16s %10s %10s %10s %10s %12s\n", "query", "cpu p50", "cpu p99", "wall p50",
              "wall p99", "avg matches");
  auto report = [](const char* name, std::vector<double> cpu, std::vector<double> wall,
                   double matches) {
    std::sort(cpu.begin(), cpu.end());
    std::sort(wall.begin(), wall.end());
    auto p = [](const std::vector<double>& v, int pct) {
      return v[std::min(v.size() - 1, v.size() * static_cast<size_t>(pct) / 100)];
    };
    std::printf("%-16s %10.3f %10.3f %10.3f %10.3f %12.0f\n", name, p(cpu, 50), p(cpu, 99),
                p(wall, 50), p(wall, 99), matches / static_cast<double>(cpu.size()));
  };
  if (const std::string path = absl::GetFlag(FLAGS_snapshot); !path.empty()) {
    if (int rc = SnapshotStep(index, types, path, shape); rc != 0) return rc;
  }
  Rng qr(99);
  const int reps = absl::GetFlag(FLAGS_queries);
  for (const QueryType& t : types) {
    if (!absl::GetFlag(FLAGS_only).empty() && absl::GetFlag(FLAGS_only) != t.name) continue;
    std::vector<double> ms, cpu;
    double matches = 0;
    for (int i = 0; i < reps; ++i) {
      SearchQuery q = t.make(qr);
      q.now = absl::FromUnixSeconds(kNow);
      const double c0 = ThreadCpuMs();
      const auto t0 = Clock::now();
      absl::StatusOr<SearchPage> page = index.Search(q);
      ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
      cpu.push_back(ThreadCpuMs() - c0);
      if (!page.ok()) {
        std::printf("%s failed: %s\n", t.name.c_str(), page.status().ToString().c_str());
        return 1;
      }
      matches += static_cast<double>(page->total_size);
    }
    report(t.name.c_str(), cpu, ms, matches);
  }
  {
    std::vector<double> ms, cpu;
    double matches = 0;
    for (int i = 0; i < std::max(1, reps / 4); ++i) {
      SimilarQuery q;
      q.seed_creator_id = absl::StrCat("c", qr.Uniform(static_cast<uint32_t>(n)));
      q.mode = v1::SIMILARITY_MODE_COMBINED;
      q.filter.mutable_creator()->mutable_platforms()->add_include(cv1::PLATFORM_INSTAGRAM);
      q.min_similarity = 0.8;
      const double c0 = ThreadCpuMs();
      const auto t0 = Clock::now();
      absl::StatusOr<SimilarPage> page = index.Similar(q);
      ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
      cpu.push_back(ThreadCpuMs() - c0);
      if (page.ok()) matches += static_cast<double>(page->total_size);
    }
    report("similar", cpu, ms, matches);
  }
  if (compaction > 0) {
    // Replacements of random profiles (each leaves a tombstone), in batches.
    Rng rr(absl::GetFlag(FLAGS_seed) + 1);
    const int64_t replaced = static_cast<int64_t>(compaction * static_cast<double>(n));
    for (int64_t i = 0; i < replaced; i += kBatch) {
      batch.clear();
      for (int64_t j = i; j < std::min(replaced, i + kBatch); ++j) {
        batch.push_back(
            testing::RandomCreator(rr, rr.Uniform(static_cast<uint32_t>(n)), shape, kNow));
      }
      index.BulkLoad(batch);
    }
    const int64_t before = static_cast<int64_t>(index.MemoryBytes());
    const auto t0 = Clock::now();
    index.Compact();
    const double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    std::printf(
        "compaction          %.2f s for %lld live creators after %lld replacements "
        "(MemoryBytes %.0f -> %.0f MiB)\n",
        seconds, static_cast<long long>(index.size()), static_cast<long long>(replaced),
        static_cast<double>(before) / 1048576.0,
        static_cast<double>(index.MemoryBytes()) / 1048576.0);
  }
  return 0;
}

}  // namespace
}  // namespace microreach::search

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  return microreach::search::Run();
}
