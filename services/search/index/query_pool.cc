// The search's part runner (see query_pool.h).
#include "services/search/index/query_pool.h"

#include <algorithm>

namespace microreach::search {

QueryPool::QueryPool(int workers) {
  threads_.reserve(static_cast<size_t>(std::max(0, workers)));
  for (int i = 0; i < workers; ++i) threads_.emplace_back([this] { WorkerLoop(); });
}

QueryPool::~QueryPool() {
  {
    absl::MutexLock lock(&mu_);
    stop_ = true;
  }
  for (std::thread& t : threads_) t.join();
}

QueryPool& QueryPool::Shared() {
  static QueryPool* pool = [] {
    const int cores = static_cast<int>(std::thread::hardware_concurrency());
    return new QueryPool(std::clamp(cores - 1, 0, 15));
  }();
  return *pool;
}

void QueryPool::RunParts(Job* job) {
  for (int p = job->next.fetch_add(1); p < job->parts; p = job->next.fetch_add(1)) job->fn(p);
}

void QueryPool::Run(int parts, absl::FunctionRef<void(int)> fn) {
  if (parts <= 0) return;
  if (parts == 1 || threads_.empty()) {
    for (int p = 0; p < parts; ++p) fn(p);
    return;
  }
  Job job(fn, parts);
  {
    absl::MutexLock lock(&mu_);
    queue_.push_back(&job);
  }
  RunParts(&job);
  // Every part is claimed: withdraw the job and wait for the workers still
  // running one of its parts.
  absl::MutexLock lock(&mu_);
  queue_.erase(std::remove(queue_.begin(), queue_.end(), &job), queue_.end());
  mu_.Await(absl::Condition(
      +[](Job* j) { return j->users == 0; }, &job));
}

bool QueryPool::HasWork() const { return stop_ || !queue_.empty(); }

void QueryPool::WorkerLoop() {
  absl::MutexLock lock(&mu_);
  while (true) {
    mu_.Await(absl::Condition(this, &QueryPool::HasWork));
    if (stop_) return;
    Job* job = queue_.front();
    if (job->next.load() >= job->parts) {
      queue_.pop_front();  // every part is taken
      continue;
    }
    ++job->users;
    mu_.Unlock();
    RunParts(job);
    mu_.Lock();
    --job->users;
  }
}

}  // namespace microreach::search
