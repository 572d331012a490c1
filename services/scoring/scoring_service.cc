// ScoringService RPCs over the profile source and the models.
#include "services/scoring/scoring_service.h"

#include <chrono>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "common/status/status.h"
#include "google/protobuf/any.pb.h"
#include "google/protobuf/arena.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "google/rpc/status.pb.h"
#include "services/scoring/campaign_predictor.h"
#include "services/scoring/creator_scorer.h"
#include "services/scoring/request_validation.h"

namespace microreach::scoring {
namespace {

namespace cv1 = ::microreach::common::v1;
using status::ToGrpc;

// google.rpc.ResourceInfo{resource_type = 1, resource_name = 2} encoded by
// hand: the vendored error_details.proto does not declare it yet.
std::string EncodeResourceInfo(const std::string& type, const std::string& name) {
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream raw(&bytes);
    google::protobuf::io::CodedOutputStream out(&raw);
    out.WriteTag(1 << 3 | 2);
    out.WriteVarint32(static_cast<uint32_t>(type.size()));
    out.WriteString(type);
    out.WriteTag(2 << 3 | 2);
    out.WriteVarint32(static_cast<uint32_t>(name.size()));
    out.WriteString(name);
  }
  return bytes;
}

// NOT_FOUND with one google.rpc.ResourceInfo per unknown creator (the
// contract of PredictCampaign); status::ToGrpc only carries BadRequest.
grpc::Status NotFoundCreators(const std::vector<std::string>& ids) {
  const std::string message =
      absl::StrCat("creators not in the catalog: ", absl::StrJoin(ids, ", "));
  google::rpc::Status details;
  details.set_code(grpc::StatusCode::NOT_FOUND);
  details.set_message(message);
  for (const std::string& id : ids) {
    google::protobuf::Any* any = details.add_details();
    any->set_type_url("type.googleapis.com/google.rpc.ResourceInfo");
    any->set_value(EncodeResourceInfo("microreach.common.v1.Creator", id));
  }
  return grpc::Status(grpc::StatusCode::NOT_FOUND, message, details.SerializeAsString());
}

// Request and response of one ScoreCreators call on one arena.
class ArenaMessages final
    : public grpc::MessageHolder<v1::ScoreCreatorsRequest, v1::ScoreCreatorsResponse> {
 public:
  ArenaMessages() : arena_(Options()) {
    set_request(google::protobuf::Arena::CreateMessage<v1::ScoreCreatorsRequest>(&arena_));
    set_response(google::protobuf::Arena::CreateMessage<v1::ScoreCreatorsResponse>(&arena_));
  }
  void Release() override { delete this; }

 private:
  static google::protobuf::ArenaOptions Options() {
    google::protobuf::ArenaOptions o;
    o.start_block_size = 64 << 10;
    o.max_block_size = 4 << 20;
    return o;
  }
  google::protobuf::Arena arena_;
};

class ArenaAllocator final
    : public grpc::MessageAllocator<v1::ScoreCreatorsRequest, v1::ScoreCreatorsResponse> {
 public:
  grpc::MessageHolder<v1::ScoreCreatorsRequest, v1::ScoreCreatorsResponse>* AllocateMessages()
      override {
    return new ArenaMessages();
  }
};

// Failing to read profiles is UNAVAILABLE (retry) unless time ran out.
grpc::Status ProfileError(const absl::Status& s) {
  if (s.code() == absl::StatusCode::kDeadlineExceeded) return ToGrpc(s);
  return ToGrpc(absl::UnavailableError(absl::StrCat("profiles cannot be read: ", s.message())));
}

}  // namespace

absl::Time DeriveDeadline(absl::Time now, absl::Time caller_deadline, absl::Duration cap,
                          double share) {
  if (caller_deadline == absl::InfiniteFuture()) return now + cap;
  return now + std::min(cap, (caller_deadline - now) * share);
}

ScoringServiceImpl::ScoringServiceImpl(const ModelConfig& config, ProfileSource& profiles,
                                       const auth::WorkspaceAuthenticator& auth,
                                       ScoringServiceOptions options,
                                       const PeerDistributions* peers,
                                       CatalogPeerRefresher* refresher)
    : config_(config),
      model_version_(config.ModelVersion()),
      profiles_(profiles),
      auth_(auth),
      options_(options),
      peers_(peers),
      refresher_(refresher),
      allocator_(std::make_unique<ArenaAllocator>()),
      executor_(std::make_unique<BoundedExecutor>(options.score_threads, options.score_queue)) {
  SetMessageAllocatorFor_ScoreCreators(allocator_.get());
}

ScoringServiceImpl::~ScoringServiceImpl() { executor_.reset(); }

absl::StatusOr<CallContext> ScoringServiceImpl::Outgoing(
    const grpc::ServerContextBase& context) const {
  CallContext call;
  const auto caller = context.deadline();
  const absl::Time caller_deadline = caller == std::chrono::system_clock::time_point::max()
                                         ? absl::InfiniteFuture()
                                         : absl::FromChrono(caller);
  const absl::Time now = absl::Now();
  if (caller_deadline <= now) {
    return absl::DeadlineExceededError("the call's deadline passed before profiles were read");
  }
  call.deadline =
      DeriveDeadline(now, caller_deadline, options_.search_timeout, options_.deadline_share);
  const auto& metadata = context.client_metadata();
  if (auto it = metadata.find("authorization"); it != metadata.end()) {
    call.authorization.assign(it->second.data(), it->second.size());
  }
  return call;
}

grpc::ServerUnaryReactor* ScoringServiceImpl::ScoreCreators(grpc::CallbackServerContext* context,
                                                            const v1::ScoreCreatorsRequest* request,
                                                            v1::ScoreCreatorsResponse* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  // The context, request and response live until Finish().
  if (!executor_->TrySubmit([this, context, request, response, reactor] {
        reactor->Finish(DoScoreCreators(*context, *request, response));
      })) {
    reactor->Finish(ToGrpc(absl::ResourceExhaustedError(
        "scoring is overloaded: too many ScoreCreators batches waiting; retry with backoff")));
  }
  return reactor;
}

grpc::Status ScoringServiceImpl::DoScoreCreators(const grpc::ServerContextBase& context,
                                                 const v1::ScoreCreatorsRequest& req,
                                                 v1::ScoreCreatorsResponse* response) {
  const v1::ScoreCreatorsRequest* request = &req;
  if (auto caller = auth_.Authenticate(context); !caller.ok()) return ToGrpc(caller.status());
  if (absl::Status s = ValidateScoreCreators(*request, config_); !s.ok()) return ToGrpc(s);
  std::vector<std::string> ids;
  ids.reserve(static_cast<size_t>(request->creator_ids_size()));
  absl::flat_hash_set<std::string_view> seen;
  seen.reserve(static_cast<size_t>(request->creator_ids_size()));
  for (const std::string& id : request->creator_ids()) {
    if (seen.insert(id).second) ids.push_back(id);
  }
  auto call = Outgoing(context);
  if (!call.ok()) return ToGrpc(call.status());
  // Profiles go on the response's arena (freed with it, after the send).
  google::protobuf::Arena local;
  google::protobuf::Arena* arena = response->GetArena() != nullptr ? response->GetArena() : &local;
  // Audience languages and interests are read only by a brief targeting them.
  const cv1::CampaignBrief* brief = request->has_brief() ? &request->brief() : nullptr;
  ProfileParts parts;
  parts.audience_languages = brief != nullptr && brief->target_audience().languages_size() > 0;
  parts.audience_interests = brief != nullptr && brief->target_audience().interests_size() > 0;
  auto creators = profiles_.Fetch(ids, *call, arena, parts);
  if (!creators.ok()) return ProfileError(creators.status());

  ScoringContext ctx;
  ctx.config = &config_;
  ctx.currency_code = ResultCurrency(brief, request->currency_code());
  ctx.fx_per_usd = *config_.FxPerUsd(ctx.currency_code);
  ctx.deliverable = request->deliverable_type();
  ctx.explain = request->view() == v1::SCORE_VIEW_FULL;
  // One snapshot of the catalog's peers for the whole batch.
  const absl::Time now = absl::Now();
  std::shared_ptr<const PeerTable> peers = peers_ != nullptr ? peers_->Current(now) : nullptr;
  if (refresher_ != nullptr) refresher_->MaybeRefresh(now, call->authorization);
  ctx.peers = peers.get();
  PreparedBrief prepared;
  if (brief != nullptr) {
    prepared = PrepareBrief(*brief, config_, ctx.fx_per_usd);
    ctx.brief = &prepared;
  }
  response->mutable_scores()->Reserve(static_cast<int>(ids.size()));
  // Daily follower series by creator (validated: at most one each).
  absl::flat_hash_map<std::string_view, absl::Span<const int64_t>> series;
  series.reserve(static_cast<size_t>(request->follower_histories_size()));
  for (const v1::FollowerHistory& h : request->follower_histories()) {
    series[h.creator_id()] = absl::MakeConstSpan(h.daily_followers().data(),
                                                 static_cast<size_t>(h.daily_followers_size()));
  }
  CreatorResult result;
  bool used_catalog = false;
  for (size_t i = 0; i < ids.size(); ++i) {
    const cv1::Creator* c = (*creators)[i];
    if (c == nullptr) {
      response->add_missing_creator_ids(ids[i]);
      continue;
    }
    absl::Span<const int64_t> daily;
    if (!series.empty()) {
      if (auto it = series.find(ids[i]); it != series.end()) daily = it->second;
    }
    ScoreCreator(*c, ctx, &result, daily);
    used_catalog = used_catalog || result.percentile_from_catalog;
    ToProto(*c, result, ctx, response->add_scores());
  }
  response->set_model_version(model_version_);
  if (used_catalog) response->set_peer_catalog_version(peers->catalog_version());
  return grpc::Status::OK;
}

grpc::Status ScoringServiceImpl::ClassifyAccounts(grpc::ServerContext* context,
                                                  const v1::ClassifyAccountsRequest* request,
                                                  v1::ClassifyAccountsResponse* response) {
  if (auto caller = auth_.Authenticate(*context); !caller.ok()) return ToGrpc(caller.status());
  if (absl::Status s = ValidateClassifyAccounts(*request); !s.ok()) return ToGrpc(s);
  response->mutable_classifications()->Reserve(request->accounts_size());
  std::vector<Account> accounts;
  std::vector<Classification> verdicts;
  accounts.reserve(static_cast<size_t>(request->accounts_size()));
  verdicts.reserve(static_cast<size_t>(request->accounts_size()));
  for (const v1::AccountSignals& in : request->accounts()) {
    Account a;
    a.followers = in.followers();
    a.following = in.following();
    a.posts = in.posts();
    a.has_profile_picture = in.has_profile_picture();
    a.is_private = in.is_private();
    a.bio_length = in.bio_length();
    a.username_length = in.username_length();
    a.username_digit_count = in.username_digit_count();
    a.has_external_link = in.has_external_link();
    if (in.has_account_age_days()) a.account_age_days = in.account_age_days();
    const Classification c = classifier_.Classify(a);
    accounts.push_back(a);
    verdicts.push_back(c);
    v1::AccountClassification* out = response->add_classifications();
    out->set_account_id(in.account_id());
    out->set_fake_probability(c.fake_probability);
    out->set_account_class(static_cast<v1::AccountClass>(c.account_class));
    for (int i = 0; i < c.top_count; ++i) {
      const SignalContribution& sc = c.top[static_cast<size_t>(i)];
      v1::SignalContribution* s = out->add_top_signals();
      s->set_signal(SignalName(sc.signal));
      s->set_value(sc.value);
      s->set_contribution(sc.contribution);
    }
  }
  ToProto(AudienceCredibility(verdicts, accounts), response->mutable_audience_sample());
  response->set_model_version(model_version_);
  return grpc::Status::OK;
}

grpc::Status ScoringServiceImpl::EstimatePrice(grpc::ServerContext* context,
                                               const v1::EstimatePriceRequest* request,
                                               v1::EstimatePriceResponse* response) {
  if (auto caller = auth_.Authenticate(*context); !caller.ok()) return ToGrpc(caller.status());
  if (absl::Status s = ValidateEstimatePrice(*request, config_); !s.ok()) return ToGrpc(s);
  google::protobuf::Arena arena;
  const cv1::Creator* creator = nullptr;
  cv1::Creator inline_creator;
  if (request->has_inputs()) {
    // Inline statistics become a profile so that prices come from the same
    // kernel as ScoreCreators.
    const v1::PriceInputs& in = request->inputs();
    inline_creator.set_platform(in.platform());
    inline_creator.set_country_code(in.country_code());
    for (int c : in.categories()) inline_creator.add_categories(static_cast<cv1::Category>(c));
    cv1::CreatorStats* s = inline_creator.mutable_stats();
    s->set_followers(in.followers());
    if (in.has_engagement_rate()) s->set_engagement_rate(in.engagement_rate());
    if (in.has_avg_views()) s->set_avg_views(in.avg_views());
    if (in.has_avg_likes()) s->set_avg_likes(in.avg_likes());
    if (in.has_avg_comments()) s->set_avg_comments(in.avg_comments());
    creator = &inline_creator;
  } else {
    auto call = Outgoing(*context);
    if (!call.ok()) return ToGrpc(call.status());
    const std::vector<std::string> ids = {request->creator_id()};
    auto found = profiles_.Fetch(ids, *call, &arena);
    if (!found.ok()) return ProfileError(found.status());
    if ((*found)[0] == nullptr) {
      return ToGrpc(absl::NotFoundError(
          absl::StrCat("creator \"", request->creator_id(), "\" is not in the catalog")));
    }
    creator = (*found)[0];
    response->set_creator_id(request->creator_id());
  }
  ScoringContext ctx;
  ctx.config = &config_;
  ctx.currency_code = request->currency_code().empty() ? "USD" : request->currency_code();
  ctx.fx_per_usd = *config_.FxPerUsd(ctx.currency_code);
  std::vector<cv1::DeliverableType> deliverables;
  for (int d : request->deliverable_types()) {
    deliverables.push_back(static_cast<cv1::DeliverableType>(d));
  }
  if (deliverables.empty()) deliverables.push_back(StandardDeliverable(creator->platform()));
  CreatorResult result;
  for (cv1::DeliverableType d : deliverables) {
    ctx.deliverable = d;
    ScoreCreator(*creator, ctx, &result);
    v1::CreatorScore score;
    ToProto(*creator, result, ctx, &score);
    *response->add_prices() = std::move(*score.mutable_price());
  }
  response->set_model_version(model_version_);
  return grpc::Status::OK;
}

grpc::Status ScoringServiceImpl::PredictCampaign(grpc::ServerContext* context,
                                                 const v1::PredictCampaignRequest* request,
                                                 v1::PredictCampaignResponse* response) {
  if (auto caller = auth_.Authenticate(*context); !caller.ok()) return ToGrpc(caller.status());
  if (absl::Status s = ValidatePredictCampaign(*request, config_); !s.ok()) return ToGrpc(s);
  std::vector<std::string> ids;
  absl::flat_hash_set<std::string_view> seen;
  for (const v1::CreatorPlan& plan : request->creators()) {
    if (seen.insert(plan.creator_id()).second) ids.push_back(plan.creator_id());
  }
  auto call = Outgoing(*context);
  if (!call.ok()) return ToGrpc(call.status());
  google::protobuf::Arena arena;
  auto creators = profiles_.Fetch(ids, *call, &arena);
  if (!creators.ok()) return ProfileError(creators.status());
  absl::flat_hash_map<std::string_view, const cv1::Creator*> by_id;
  std::vector<std::string> missing;
  for (size_t i = 0; i < ids.size(); ++i) {
    if ((*creators)[i] == nullptr) {
      missing.push_back(ids[i]);
    } else {
      by_id[ids[i]] = (*creators)[i];
    }
  }
  if (!missing.empty()) return NotFoundCreators(missing);

  ScoringContext ctx;
  ctx.config = &config_;
  ctx.currency_code = ResultCurrency(&request->brief(), "");
  ctx.fx_per_usd = *config_.FxPerUsd(ctx.currency_code);
  const PreparedBrief prepared =
      PrepareBrief(request->brief(), config_, ctx.fx_per_usd,
                   request->has_assumptions() ? &request->assumptions() : nullptr);
  ctx.brief = &prepared;
  std::vector<PlannedCreator> plans;
  plans.reserve(static_cast<size_t>(request->creators_size()));
  for (const v1::CreatorPlan& plan : request->creators()) {
    plans.push_back({by_id.at(plan.creator_id()), &plan});
  }
  *response = scoring::PredictCampaign(ctx, plans);
  response->set_model_version(model_version_);
  return grpc::Status::OK;
}

}  // namespace microreach::scoring
