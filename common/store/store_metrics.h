// Prometheus metrics for store operations: latency histogram and error counter
// per {store, op}, built once so the hot path only touches kept pointers.
#ifndef MICROREACH_COMMON_STORE_STORE_METRICS_H_
#define MICROREACH_COMMON_STORE_STORE_METRICS_H_

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "prometheus/counter.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"

namespace microreach::store {

// The series of one operation. A cheap copyable handle; a default-constructed
// one (metrics disabled) records nothing.
class OperationMetrics {
 public:
  OperationMetrics() = default;
  OperationMetrics(prometheus::Histogram* seconds, prometheus::Counter* errors)
      : seconds_(seconds), errors_(errors) {}

  // Records one finished operation; any non-OK status counts as an error.
  void Observe(absl::Duration elapsed, const absl::Status& status) const {
    if (seconds_ != nullptr) seconds_->Observe(absl::ToDoubleSeconds(elapsed));
    if (errors_ != nullptr && !status.ok()) errors_->Increment();
  }

 private:
  prometheus::Histogram* seconds_ = nullptr;
  prometheus::Counter* errors_ = nullptr;
};

// Builds the metric families for one store (label `store`, e.g. "outreach").
// Repositories may call Operation() for their own ops at start-up and keep the
// handles; Database uses it for "write", "read" and "migrate".
//
// Example:
//   StoreMetrics metrics(&registry, "outreach");
//   OperationMetrics create_offer = metrics.Operation("create_offer");
//   ... create_offer.Observe(elapsed, status);
class StoreMetrics {
 public:
  // registry may be null (metrics disabled); otherwise it must outlive every
  // handle. Two StoreMetrics with the same registry and store share series.
  StoreMetrics(prometheus::Registry* registry, std::string_view store);

  OperationMetrics Operation(std::string_view op) const;

  // Counts a whole-transaction retry after lock contention (SQLITE_BUSY, or a
  // serialization failure on PostgreSQL). Null when metrics are disabled.
  prometheus::Counter* busy_retries() const { return busy_retries_; }

 private:
  std::string store_;
  prometheus::Family<prometheus::Histogram>* seconds_ = nullptr;
  prometheus::Family<prometheus::Counter>* errors_ = nullptr;
  prometheus::Counter* busy_retries_ = nullptr;
};

}  // namespace microreach::store

#endif  // MICROREACH_COMMON_STORE_STORE_METRICS_H_
