// QueryPool: a few threads that run the parts of one large search (disjoint
// doc-id ranges) side by side. The calling thread runs parts too and takes
// back any part no worker has started, so a search never waits behind other
// searches for a busy pool; under full load it simply runs alone.
#ifndef MICROREACH_SERVICES_SEARCH_INDEX_QUERY_POOL_H_
#define MICROREACH_SERVICES_SEARCH_INDEX_QUERY_POOL_H_

#include <atomic>
#include <deque>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/functional/function_ref.h"
#include "absl/synchronization/mutex.h"

namespace microreach::search {

class QueryPool {
 public:
  // `workers` threads besides the callers (0: every part runs on the caller).
  explicit QueryPool(int workers);
  ~QueryPool();
  QueryPool(const QueryPool&) = delete;
  QueryPool& operator=(const QueryPool&) = delete;

  // Calls fn(part) for every part in [0, parts), on the caller and the idle
  // workers, and returns once all have returned.
  void Run(int parts, absl::FunctionRef<void(int)> fn);

  // Threads that can work on one search: the workers plus the caller.
  int parallelism() const { return static_cast<int>(threads_.size()) + 1; }

  // The process-wide pool, with one worker per core beyond the first.
  static QueryPool& Shared();

 private:
  struct Job {
    explicit Job(absl::FunctionRef<void(int)> f, int n) : fn(f), parts(n) {}
    absl::FunctionRef<void(int)> fn;
    const int parts;
    std::atomic<int> next{0};
    int users = 0;  // workers inside RunParts, guarded by mu_
  };
  static void RunParts(Job* job);
  bool HasWork() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void WorkerLoop();

  mutable absl::Mutex mu_;
  std::deque<Job*> queue_ ABSL_GUARDED_BY(mu_);
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::thread> threads_;
};

}  // namespace microreach::search

#endif  // MICROREACH_SERVICES_SEARCH_INDEX_QUERY_POOL_H_
