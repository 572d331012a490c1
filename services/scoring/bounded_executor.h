// BoundedExecutor: a fixed pool of threads and a bounded queue, where
// callback-API handlers run the work that blocks on Redis or search so that
// gRPC's reactor threads never wait on I/O.
#ifndef MICROREACH_SERVICES_SCORING_BOUNDED_EXECUTOR_H_
#define MICROREACH_SERVICES_SCORING_BOUNDED_EXECUTOR_H_

#include <deque>
#include <functional>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

namespace microreach::scoring {

// Thread-safe. The destructor runs every accepted task, then joins.
//
// Example:
//   BoundedExecutor executor(/*threads=*/8, /*max_queued=*/64);
//   if (!executor.TrySubmit([] { Work(); })) { /* overloaded: RESOURCE_EXHAUSTED */ }
class BoundedExecutor {
 public:
  BoundedExecutor(int threads, int max_queued);
  ~BoundedExecutor();
  BoundedExecutor(const BoundedExecutor&) = delete;
  BoundedExecutor& operator=(const BoundedExecutor&) = delete;

  // Queues `task`; false (and `task` dropped) when max_queued tasks wait.
  bool TrySubmit(std::function<void()> task);

 private:
  void Loop();

  const size_t max_queued_;
  absl::Mutex mu_;
  std::deque<std::function<void()>> queue_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::thread> threads_;
};

}  // namespace microreach::scoring

#endif  // MICROREACH_SERVICES_SCORING_BOUNDED_EXECUTOR_H_
