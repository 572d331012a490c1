// The gRPC adapter of the scoring service: authenticates, validates, reads
// profiles, calls the models, converts. ScoreCreators, the batch hot path,
// uses the callback API with request and response on one arena (a 10,000
// creator response is ~400k protobuf objects: freed at once instead of one
// by one) and runs on a bounded executor, because profile reads block on
// Redis and search. The other RPCs use the synchronous API on gRPC's bounded
// thread pool.
#ifndef MICROREACH_SERVICES_SCORING_SCORING_SERVICE_H_
#define MICROREACH_SERVICES_SCORING_SCORING_SERVICE_H_

#include <memory>

#include "absl/time/time.h"
#include "common/auth/workspace_auth.h"
#include "microreach/scoring/v1/scoring_service.grpc.pb.h"
#include "services/scoring/account_classifier.h"
#include "services/scoring/bounded_executor.h"
#include "services/scoring/catalog_peers.h"
#include "services/scoring/model_config.h"
#include "services/scoring/profile_source.h"

namespace microreach::scoring {

struct ScoringServiceOptions {
  // Upper bound of a search call when the caller set no deadline, and of the
  // share of the caller's remaining time a search call may use.
  absl::Duration search_timeout = absl::Seconds(2);
  double deadline_share = 0.8;
  // Threads scoring ScoreCreators batches, and batches allowed to wait for
  // one (beyond that: RESOURCE_EXHAUSTED).
  int score_threads = 4;
  int score_queue = 64;
};

class ScoringServiceImpl final
    : public v1::ScoringService::WithCallbackMethod_ScoreCreators<v1::ScoringService::Service> {
 public:
  // All references and pointers must outlive the service. Without `peers`,
  // percentiles come from the reference distribution; `refresher` (may be
  // null) is asked to keep `peers` fresh on each ScoreCreators call.
  ScoringServiceImpl(const ModelConfig& config, ProfileSource& profiles,
                     const auth::WorkspaceAuthenticator& auth, ScoringServiceOptions options,
                     const PeerDistributions* peers = nullptr,
                     CatalogPeerRefresher* refresher = nullptr);

  ~ScoringServiceImpl() override;

  grpc::ServerUnaryReactor* ScoreCreators(grpc::CallbackServerContext* context,
                                          const v1::ScoreCreatorsRequest* request,
                                          v1::ScoreCreatorsResponse* response) override;
  grpc::Status ClassifyAccounts(grpc::ServerContext* context,
                                const v1::ClassifyAccountsRequest* request,
                                v1::ClassifyAccountsResponse* response) override;
  grpc::Status EstimatePrice(grpc::ServerContext* context, const v1::EstimatePriceRequest* request,
                             v1::EstimatePriceResponse* response) override;
  grpc::Status PredictCampaign(grpc::ServerContext* context,
                               const v1::PredictCampaignRequest* request,
                               v1::PredictCampaignResponse* response) override;

 private:
  // The outgoing call's deadline and token, or DEADLINE_EXCEEDED when the
  // caller has no time left.
  absl::StatusOr<CallContext> Outgoing(const grpc::ServerContextBase& context) const;
  grpc::Status DoScoreCreators(const grpc::ServerContextBase& context,
                               const v1::ScoreCreatorsRequest& request,
                               v1::ScoreCreatorsResponse* response);

  const ModelConfig& config_;
  const std::string model_version_;
  ProfileSource& profiles_;
  const auth::WorkspaceAuthenticator& auth_;
  const ScoringServiceOptions options_;
  const AccountClassifier classifier_;
  const PeerDistributions* peers_;
  CatalogPeerRefresher* refresher_;
  std::unique_ptr<grpc::MessageAllocator<v1::ScoreCreatorsRequest, v1::ScoreCreatorsResponse>>
      allocator_;
  // Last member: destroyed first, so queued batches finish while the rest
  // of the service is still alive.
  std::unique_ptr<BoundedExecutor> executor_;
};

// The deadline of an outgoing call: now + min(cap, share x the caller's
// remaining time); the cap alone when the caller has no deadline.
absl::Time DeriveDeadline(absl::Time now, absl::Time caller_deadline, absl::Duration cap,
                          double share);

}  // namespace microreach::scoring

#endif  // MICROREACH_SERVICES_SCORING_SCORING_SERVICE_H_
