// What the workspace filters cost a search: resolving a workspace's marks
// into excluded ids (WorkspaceMarks::Resolve) and the index search with and
// without those ids, on a synthetic catalog. Prints Markdown tables.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "services/search/index/creator_index.h"
#include "services/search/index/test_catalog.h"
#include "services/search/workspace_marks.h"

ABSL_FLAG(int64_t, creators, 1'000'000, "creators in the synthetic catalog");
ABSL_FLAG(int64_t, contacted, 100'000, "creators the workspace contacted");
ABSL_FLAG(double, recent_share, 0.15,
          "share of the contacts within the last 30 days (excluded by the search)");
ABSL_FLAG(int, reps, 100, "timed repetitions per case");
ABSL_FLAG(uint64_t, seed, 7, "generator seed");

namespace microreach::search {
namespace {

using Clock = std::chrono::steady_clock;

double Millis(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

struct Timing {
  double p50 = 0;
  double p99 = 0;
};

template <typename Fn>
Timing Time(int reps, Fn fn) {
  std::vector<double> ms;
  ms.reserve(static_cast<size_t>(reps));
  for (int i = 0; i < reps; ++i) {
    const auto start = Clock::now();
    fn();
    ms.push_back(Millis(Clock::now() - start));
  }
  std::sort(ms.begin(), ms.end());
  return {ms[ms.size() / 2], ms[std::min(ms.size() - 1, ms.size() * 99 / 100)]};
}

int Run() {
  const int64_t n = absl::GetFlag(FLAGS_creators);
  const int64_t contacted = std::min(absl::GetFlag(FLAGS_contacted), n);
  const int reps = absl::GetFlag(FLAGS_reps);
  const absl::Time now = absl::FromUnixSeconds(1'750'000'000);

  testing::Rng rng(absl::GetFlag(FLAGS_seed));
  CreatorIndex index;
  {
    testing::CatalogShape shape;
    std::vector<common::v1::Creator> batch;
    for (int64_t i = 0; i < n; ++i) {
      batch.push_back(
          testing::RandomCreator(rng, static_cast<uint32_t>(i), shape, absl::ToUnixSeconds(now)));
      if (batch.size() == 50'000 || i + 1 == n) {
        index.BulkLoad(batch);
        batch.clear();
      }
    }
    index.ShrinkToFit();
  }
  // Contacts spread evenly over the catalog: recent_share within 30 days, the rest
  // 31..365 days ago.
  WorkspaceMarks marks;
  {
    std::vector<MarkChange> changes;
    const int64_t step = std::max<int64_t>(1, n / std::max<int64_t>(1, contacted));
    for (int64_t i = 0; i < contacted; ++i) {
      const bool recent = rng.Chance(absl::GetFlag(FLAGS_recent_share));
      const absl::Duration ago =
          absl::Hours(24) * (recent ? rng.Uniform(30) : 31 + rng.Uniform(335));
      // "c<i>" are RandomCreator's ids.
      changes.push_back(
          {i + 1, "acme", absl::StrCat("c", i * step), MarkKind::kContacted, "", now - ago, false});
    }
    marks.Apply(changes);
  }

  common::v1::WorkspaceFilter filter;
  filter.set_exclude_contacted_within_days(30);
  std::vector<std::string> excluded;
  absl::Status resolved;
  const Timing resolve = Time(reps, [&] {
    auto r = marks.Resolve("acme", filter, now, WorkspaceExclusions::kMaxExcluded);
    resolved = r.status();
    excluded = r.ok() ? *std::move(r) : std::vector<std::string>{};
  });
  if (!resolved.ok()) {
    // Over the limit the service refuses the search; the refusal's cost is
    // what was timed.
    std::printf("Resolve refused the filter: %s\n\n", resolved.ToString().c_str());
  }

  SearchQuery query;
  query.filter.mutable_creator()->mutable_platforms()->add_include(common::v1::PLATFORM_INSTAGRAM);
  query.sort_field = v1::SORT_FIELD_FOLLOWERS;
  query.limit = 50;
  query.facets = {v1::FACET_FIELD_TIER};
  query.now = now;
  int64_t total_without = 0;
  int64_t total_with = 0;
  const Timing without = Time(reps, [&] {
    auto page = index.Search(query);
    total_without = page.ok() ? page->total_size : -1;
  });
  const Timing copy = Time(reps, [&] {
    // A fresh vector each time, as a query gets it; used so it is not elided.
    std::vector<std::string> ids = excluded;
    ids.emplace_back();
    if (ids.size() != excluded.size() + 1) std::abort();
  });
  const Timing with = Time(reps, [&] {
    SearchQuery q = query;
    q.exclude_creator_ids = excluded;
    auto page = index.Search(q);
    total_with = page.ok() ? page->total_size : -1;
  });

  std::printf("catalog %lld creators, %lld contacts (%zu within 30 days), %d reps\n\n",
              static_cast<long long>(n), static_cast<long long>(contacted), excluded.size(), reps);
  std::printf("| step | p50 ms | p99 ms | matches |\n|---|---|---|---|\n");
  std::printf("| Resolve (contacted within 30 days) | %.3f | %.3f | %zu ids |\n", resolve.p50,
              resolve.p99, excluded.size());
  std::printf("| Search, no exclusions | %.3f | %.3f | %lld |\n", without.p50, without.p99,
              static_cast<long long>(total_without));
  std::printf(
      "| Copy of the excluded ids (the line below pays it; the service does not) | %.3f "
      "| %.3f | %zu ids |\n",
      copy.p50, copy.p99, excluded.size());
  std::printf("| Search, with the excluded ids (copy included) | %.3f | %.3f | %lld |\n", with.p50,
              with.p99, static_cast<long long>(total_with));
  return total_with < 0 || total_without < 0 ? 1 : 0;
}

}  // namespace
}  // namespace microreach::search

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  return microreach::search::Run();
}
