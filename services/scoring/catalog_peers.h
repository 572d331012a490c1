// CatalogPeerRefresher: keeps scoring's peer distributions in step with the
// catalog by reading search.GetCatalogStats' engagement-rate quantiles
// (docs/metrics.md "Percentile among peers").
#ifndef MICROREACH_SERVICES_SCORING_CATALOG_PEERS_H_
#define MICROREACH_SERVICES_SCORING_CATALOG_PEERS_H_

#include <cstdint>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "microreach/search/v1/search_service.grpc.pb.h"
#include "services/scoring/peer_distribution.h"

namespace microreach::scoring {

// The table of a GetCatalogStats response: cells with at least `min_samples`
// rates; others (and malformed ones) are left out, so the reference
// distribution applies to them.
PeerTable PeerTableFromCatalogStats(const search::v1::GetCatalogStatsResponse& stats,
                                    int64_t min_samples, absl::Time fetched_at);

struct PeerRefreshOptions {
  // A refresh is due this long after the previous attempt.
  absl::Duration interval = absl::Minutes(5);
  // Deadline of one GetCatalogStats call.
  absl::Duration timeout = absl::Seconds(5);
  // Fewest rates in a platform x tier cell for its catalog quantiles to be used.
  int64_t min_samples = 100;
};

// Refreshes `peers` from search. Scoring holds no credentials of its own, so
// a refresh is started by a ScoreCreators call (MaybeRefresh) and carries
// that caller's bearer token, as the BatchGetCreators fallback does; it runs
// on the refresher's own thread with its own deadline, so the call that
// started it never waits for it. At most one refresh is in flight. A failed
// refresh keeps the previous snapshot (PeerDistributions drops it once it is
// too old). Thread-safe.
class CatalogPeerRefresher {
 public:
  // `stub` and `peers` must outlive the refresher.
  CatalogPeerRefresher(search::v1::SearchService::StubInterface& stub, PeerDistributions& peers,
                       PeerRefreshOptions options);
  // Waits for a refresh in flight (bounded by its deadline).
  ~CatalogPeerRefresher();
  CatalogPeerRefresher(const CatalogPeerRefresher&) = delete;
  CatalogPeerRefresher& operator=(const CatalogPeerRefresher&) = delete;

  // Starts a refresh with `authorization` if one is due at `now`.
  void MaybeRefresh(absl::Time now, const std::string& authorization);

  // One GetCatalogStats call and the swap, on the calling thread.
  absl::Status RefreshNow(const std::string& authorization);

 private:
  void Loop();
  bool Woken() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return pending_ || stopping_; }

  search::v1::SearchService::StubInterface& stub_;
  PeerDistributions& peers_;
  const PeerRefreshOptions options_;
  absl::Mutex mu_;
  bool pending_ ABSL_GUARDED_BY(mu_) = false;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::string pending_authorization_ ABSL_GUARDED_BY(mu_);
  absl::Time last_attempt_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
  std::thread thread_;
};

}  // namespace microreach::scoring

#endif  // MICROREACH_SERVICES_SCORING_CATALOG_PEERS_H_
