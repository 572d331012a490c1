// QueryPool: every part runs exactly once, from any number of callers, with
// and without workers.
#include "services/search/index/query_pool.h"

#include <atomic>
#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace microreach::search {
namespace {

TEST(QueryPoolTest, RunsEveryPartOnceAndWaitsForThem) {
  for (int workers : {0, 1, 3}) {
    QueryPool pool(workers);
    EXPECT_EQ(pool.parallelism(), workers + 1);
    for (int parts : {0, 1, 2, 7, 64}) {
      std::vector<std::atomic<int>> runs(static_cast<size_t>(parts));
      pool.Run(parts, [&](int p) { runs[static_cast<size_t>(p)].fetch_add(1); });
      for (int p = 0; p < parts; ++p) {
        EXPECT_EQ(runs[static_cast<size_t>(p)].load(), 1)
            << "workers " << workers << " parts " << parts << " part " << p;
      }
    }
  }
}

TEST(QueryPoolTest, ManyCallersShareTheWorkers) {
  QueryPool pool(2);
  std::atomic<int64_t> sum{0};
  std::vector<std::thread> callers;
  for (int t = 0; t < 6; ++t) {
    callers.emplace_back([&] {
      for (int i = 0; i < 500; ++i) {
        std::vector<int> done(5, 0);
        pool.Run(5, [&](int p) { done[static_cast<size_t>(p)] += p + 1; });
        // Run returned: every part of this call has finished.
        int local = 0;
        for (int d : done) local += d;
        sum.fetch_add(local);
      }
    });
  }
  for (std::thread& t : callers) t.join();
  EXPECT_EQ(sum.load(), int64_t{6} * 500 * 15);
}

}  // namespace
}  // namespace microreach::search
