// SingleFlight: coalesces concurrent calls for the same key so the work runs
// once and every caller shares its result (protects the store on a cold key).
#ifndef MICROREACH_COMMON_REDIS_SINGLE_FLIGHT_H_
#define MICROREACH_COMMON_REDIS_SINGLE_FLIGHT_H_

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/functional/function_ref.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"

namespace microreach::redis {

// Thread-safe. While a call for `key` is running, further Do() calls for the
// same key block until it finishes and receive a copy of its result. Once it
// finishes the key is forgotten, so the next Do() runs `fn` again: this
// coalesces concurrent work, it does not cache. Process-local only.
//
// Example:
//   SingleFlight<absl::StatusOr<Profile>> flight;
//   auto profile = flight.Do(id, [&] { return store.Load(id); });
template <typename T>
class SingleFlight {
 public:
  // Runs fn() unless a call for key is in flight, then shares that result.
  // Precondition: fn must not call Do() with the same key (it would deadlock).
  T Do(std::string_view key, absl::FunctionRef<T()> fn) {
    std::shared_ptr<Call> call;
    bool leader = false;
    {
      absl::MutexLock lock(&mu_);
      std::shared_ptr<Call>& slot = calls_[absl::string_view(key.data(), key.size())];
      if (slot == nullptr) {
        slot = std::make_shared<Call>();
        leader = true;
      } else {
        ++slot->waiters;
      }
      call = slot;
    }
    if (!leader) {
      call->done.WaitForNotification();
      return *call->result;
    }
    call->result.emplace(fn());
    {
      absl::MutexLock lock(&mu_);
      calls_.erase(absl::string_view(key.data(), key.size()));
    }
    call->done.Notify();
    return *call->result;
  }

  // How many callers are waiting on the in-flight call for key (not counting
  // the one running it). For tests and debugging.
  int Waiters(std::string_view key) const {
    absl::MutexLock lock(&mu_);
    auto it = calls_.find(absl::string_view(key.data(), key.size()));
    return it == calls_.end() ? 0 : it->second->waiters;
  }

 private:
  struct Call {
    absl::Notification done;
    // Written once by the leader before done.Notify(); read after it.
    std::optional<T> result;
    int waiters = 0;  // Guarded by SingleFlight::mu_.
  };

  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, std::shared_ptr<Call>> calls_ ABSL_GUARDED_BY(mu_);
};

}  // namespace microreach::redis

#endif  // MICROREACH_COMMON_REDIS_SINGLE_FLIGHT_H_
