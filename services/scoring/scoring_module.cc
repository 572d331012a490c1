// Wiring of the scoring service: model settings from flags, the Redis pool,
// the search channel (client metrics, caller deadlines and tokens), the
// profile source and the gRPC adapter (see scoring_service.h for which RPCs
// use the callback API and why).
#include "services/scoring/scoring_module.h"

#include <malloc.h>

#include <string>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "common/log/log.h"
#include "common/metrics/grpc_metrics.h"
#include "common/redis/redis_pool.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "microreach/search/v1/search_service.grpc.pb.h"
#include "services/scoring/catalog_peers.h"
#include "services/scoring/model_config.h"
#include "services/scoring/peer_distribution.h"
#include "services/scoring/profile_source.h"
#include "services/scoring/scoring_service.h"
#include "services/scoring/search_loader.h"

ABSL_FLAG(std::string, rate_card, "",
          "fee overrides in USD: <platform>.<tier>.<deliverable>=<usd>[,...], e.g. "
          "instagram.micro.post=450 (defaults in docs/metrics.md)");
ABSL_FLAG(std::string, country_index, "",
          "price index overrides per audience country: <CC>=<index>[,...] (US = 1)");
ABSL_FLAG(std::string, fx_rates, "",
          "currencies besides USD: <CUR>=<units per USD>[,...], e.g. EUR=0.92");
ABSL_FLAG(double, emv_cpm_usd, 0, "CPM valuing impressions for EMV; 0 keeps the default 6.50");
ABSL_FLAG(int, score_threads, 4,
          "threads scoring ScoreCreators batches (they block on Redis and search)");
ABSL_FLAG(absl::Duration, search_timeout, absl::Seconds(2),
          "longest search.BatchGetCreators call on a cache miss (also capped by the caller's "
          "deadline)");

ABSL_FLAG(absl::Duration, peer_refresh_interval, absl::Minutes(5),
          "how often to re-read the catalog's engagement-rate quantiles from "
          "search.GetCatalogStats (percentiles within the catalog's tier); 0 = on every "
          "ScoreCreators call, one refresh at a time");
ABSL_FLAG(absl::Duration, peer_stats_timeout, absl::Seconds(5),
          "deadline of one search.GetCatalogStats call");
ABSL_FLAG(absl::Duration, peer_max_age, absl::Hours(1),
          "catalog quantiles older than this are dropped and the reference distribution "
          "(docs/metrics.md) is used until a refresh succeeds");
ABSL_FLAG(int64_t, peer_min_samples, 100,
          "fewest engagement rates in a platform x tier cell for its catalog quantiles to be "
          "used");

namespace microreach::scoring {
namespace {

class ScoringModule final : public server::ServiceModule {
 public:
  static absl::StatusOr<std::unique_ptr<ScoringModule>> Create(
      const server::ServiceContext& context) {
    auto config = ApplyOverrides(DefaultModelConfig(), absl::GetFlag(FLAGS_rate_card),
                                 absl::GetFlag(FLAGS_country_index), absl::GetFlag(FLAGS_fx_rates),
                                 absl::GetFlag(FLAGS_emv_cpm_usd));
    if (!config.ok()) return config.status();
    const absl::Duration search_timeout = absl::GetFlag(FLAGS_search_timeout);
    if (search_timeout < absl::Milliseconds(10) || search_timeout > absl::Minutes(1)) {
      return absl::InvalidArgumentError("--search_timeout: must be between 10ms and 1m");
    }
    // A 10,000-creator batch allocates tens of MB (Redis replies, the
    // response arena). By default glibc maps blocks that large afresh on
    // every call and the first touch of each page faults (about 15% of the
    // server's CPU in bench/scoring); keep them in the heap for reuse.
    // Start-up, before the server takes calls; glibc locks inside anyway.
    mallopt(M_MMAP_THRESHOLD, 64 << 20);   // NOLINT(concurrency-mt-unsafe)
    mallopt(M_TRIM_THRESHOLD, 256 << 20);  // NOLINT(concurrency-mt-unsafe)
    auto module = std::unique_ptr<ScoringModule>(new ScoringModule(*std::move(config)));
    log::Info("scoring model", {{"model_version", module->config_.ModelVersion()},
                                {"overrides", module->config_.overrides}});

    if (!context.config.redis_address.empty()) {
      const redis::RedisOptions redis =
          redis::RedisOptionsFor(context.config.redis_address, context.config.redis_pool_size,
                                 context.config.redis_timeout, context.config.redis_password);
      module->pool_ = std::make_unique<redis::RedisPool>(redis);
    }

    // Outgoing calls to search carry the grpc_client_* metrics.
    auto client_metrics = metrics::GrpcClientMetrics::Create(context.registry);
    if (!client_metrics.ok()) return client_metrics.status();
    module->client_metrics_ = *std::move(client_metrics);
    if (absl::Status s = module->client_metrics_->RegisterService(
            search::v1::BatchGetCreatorsRequest::descriptor()->file()->FindServiceByName(
                "SearchService"));
        !s.ok()) {
      return s;
    }
    std::vector<std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface>> factories;
    factories.push_back(module->client_metrics_->CreateInterceptorFactory());
    grpc::ChannelArguments args;
    args.SetMaxReceiveMessageSize(static_cast<int>(context.config.max_message_bytes));
    const std::string search_address = context.config.peers.at("search");
    auto channel = grpc::experimental::CreateCustomChannelWithInterceptors(
        search_address, grpc::InsecureChannelCredentials(), args, std::move(factories));
    module->loader_ =
        std::make_unique<SearchCreatorLoader>(search::v1::SearchService::NewStub(channel));
    module->profiles_ = std::make_unique<ProfileSource>(module->pool_.get(), *module->loader_,
                                                        ProfileSourceOptions{}, context.registry);
    PeerRefreshOptions peer_options;
    peer_options.interval = absl::GetFlag(FLAGS_peer_refresh_interval);
    peer_options.timeout = absl::GetFlag(FLAGS_peer_stats_timeout);
    peer_options.min_samples = absl::GetFlag(FLAGS_peer_min_samples);
    if (peer_options.interval < absl::ZeroDuration()) {
      return absl::InvalidArgumentError("--peer_refresh_interval: must be >= 0");
    }
    if (peer_options.timeout < absl::Milliseconds(10) || peer_options.timeout > absl::Minutes(1)) {
      return absl::InvalidArgumentError("--peer_stats_timeout: must be between 10ms and 1m");
    }
    if (peer_options.min_samples < 1) {
      return absl::InvalidArgumentError("--peer_min_samples: must be >= 1");
    }
    module->peers_ = std::make_unique<PeerDistributions>(absl::GetFlag(FLAGS_peer_max_age));
    module->stats_stub_ = search::v1::SearchService::NewStub(channel);
    module->refresher_ =
        std::make_unique<CatalogPeerRefresher>(*module->stats_stub_, *module->peers_, peer_options);
    ScoringServiceOptions options;
    options.search_timeout = search_timeout;
    options.score_threads = absl::GetFlag(FLAGS_score_threads);
    if (options.score_threads < 1 || options.score_threads > 256) {
      return absl::InvalidArgumentError("--score_threads: must be between 1 and 256");
    }
    module->service_ = std::make_unique<ScoringServiceImpl>(
        module->config_, *module->profiles_, context.auth, options, module->peers_.get(),
        module->refresher_.get());
    return module;
  }

  std::vector<Registration> Services() override {
    return {{service_.get(), v1::ScoringService::service_full_name()}};
  }

 private:
  explicit ScoringModule(ModelConfig config) : config_(std::move(config)) {}

  const ModelConfig config_;
  std::unique_ptr<redis::RedisPool> pool_;
  std::unique_ptr<metrics::GrpcClientMetrics> client_metrics_;
  std::unique_ptr<SearchCreatorLoader> loader_;
  std::unique_ptr<ProfileSource> profiles_;
  std::unique_ptr<PeerDistributions> peers_;
  std::unique_ptr<search::v1::SearchService::Stub> stats_stub_;
  std::unique_ptr<CatalogPeerRefresher> refresher_;
  std::unique_ptr<ScoringServiceImpl> service_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<server::ServiceModule>> MakeScoringModule(
    const server::ServiceContext& context) {
  auto module = ScoringModule::Create(context);
  if (!module.ok()) return module.status();
  return std::unique_ptr<server::ServiceModule>(*std::move(module));
}

}  // namespace microreach::scoring
