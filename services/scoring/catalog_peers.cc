// Catalog peer distributions from search.GetCatalogStats.
#include "services/scoring/catalog_peers.h"

#include <memory>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/log/log.h"
#include "common/status/status.h"
#include "grpcpp/client_context.h"

namespace microreach::scoring {

PeerTable PeerTableFromCatalogStats(const search::v1::GetCatalogStatsResponse& stats,
                                    int64_t min_samples, absl::Time fetched_at) {
  PeerTable table(stats.catalog_version(), fetched_at);
  for (const search::v1::EngagementRateQuantiles& cell : stats.engagement_quantiles()) {
    if (cell.sample_count() < min_samples) continue;
    table.Set(cell.platform(), cell.tier(),
              std::vector<double>(cell.quantiles().begin(), cell.quantiles().end()));
  }
  return table;
}

CatalogPeerRefresher::CatalogPeerRefresher(search::v1::SearchService::StubInterface& stub,
                                           PeerDistributions& peers, PeerRefreshOptions options)
    : stub_(stub), peers_(peers), options_(options), thread_([this] { Loop(); }) {}

CatalogPeerRefresher::~CatalogPeerRefresher() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  thread_.join();
}

void CatalogPeerRefresher::MaybeRefresh(absl::Time now, const std::string& authorization) {
  absl::MutexLock lock(&mu_);
  if (pending_ || now - last_attempt_ < options_.interval) return;
  last_attempt_ = now;
  pending_ = true;
  pending_authorization_ = authorization;
}

absl::Status CatalogPeerRefresher::RefreshNow(const std::string& authorization) {
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + options_.timeout));
  if (!authorization.empty()) context.AddMetadata("authorization", authorization);
  search::v1::GetCatalogStatsRequest request;
  request.set_include_engagement_quantiles(true);
  search::v1::GetCatalogStatsResponse response;
  const grpc::Status s = stub_.GetCatalogStats(&context, request, &response);
  if (!s.ok()) return status::FromGrpc(s);
  peers_.Replace(std::make_shared<const PeerTable>(
      PeerTableFromCatalogStats(response, options_.min_samples, absl::Now())));
  return absl::OkStatus();
}

void CatalogPeerRefresher::Loop() {
  while (true) {
    std::string authorization;
    {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(this, &CatalogPeerRefresher::Woken));
      if (stopping_) return;
      authorization = std::move(pending_authorization_);
    }
    if (absl::Status s = RefreshNow(authorization); !s.ok()) {
      log::Warning("catalog engagement quantiles not refreshed; keeping the previous ones",
                   {{"error", s.ToString()}});
    }
    absl::MutexLock lock(&mu_);
    pending_ = false;
  }
}

}  // namespace microreach::scoring
