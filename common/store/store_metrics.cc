// Builds the store metric families; see store_metrics.h.
#include "common/store/store_metrics.h"

#include "prometheus/counter.h"
#include "prometheus/histogram.h"

namespace microreach::store {
namespace {

// 100us .. ~13s: a cached SQLite read sits at the bottom, an fsync-bound commit
// on a slow cloud disk or a long busy wait at the top.
prometheus::Histogram::BucketBoundaries LatencyBuckets() {
  prometheus::Histogram::BucketBoundaries buckets;
  for (double b = 0.0001; b < 15; b *= 2.5) buckets.push_back(b);
  return buckets;
}

}  // namespace

StoreMetrics::StoreMetrics(prometheus::Registry* registry, std::string_view store) : store_(store) {
  if (registry == nullptr) return;
  seconds_ = &prometheus::BuildHistogram()
                  .Name("microreach_store_operation_seconds")
                  .Help("Latency of store operations, including retries after contention.")
                  .Register(*registry);
  errors_ = &prometheus::BuildCounter()
                 .Name("microreach_store_errors_total")
                 .Help("Store operations that ended with a non-OK status.")
                 .Register(*registry);
  busy_retries_ = &prometheus::BuildCounter()
                       .Name("microreach_store_busy_retries_total")
                       .Help("Transactions re-run because the database was locked.")
                       .Register(*registry)
                       .Add({{"store", store_}});
}

OperationMetrics StoreMetrics::Operation(std::string_view op) const {
  if (seconds_ == nullptr) return OperationMetrics();
  const prometheus::Labels labels = {{"store", store_}, {"op", std::string(op)}};
  return OperationMetrics(&seconds_->Add(labels, LatencyBuckets()), &errors_->Add(labels));
}

}  // namespace microreach::store
