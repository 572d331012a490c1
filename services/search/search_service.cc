// SearchService RPCs over the catalog and the index.
#include "services/search/search_service.h"

#include <array>
#include <thread>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/str_cat.h"
#include "common/status/status.h"
#include "google/protobuf/arena.h"
#include "grpcpp/support/byte_buffer.h"
#include "grpcpp/support/proto_buffer_reader.h"
#include "grpcpp/support/proto_buffer_writer.h"

namespace microreach::search {
namespace {

using status::ToGrpc;

constexpr int kMaxCampaignFilterIds = 100;
constexpr size_t kMaxCampaignIdLength = 64;
constexpr int kMaxContactDays = 3650;
// How far a contact may lie in the future: the callers' clocks may be ahead.
constexpr absl::Duration kContactClockSkew = absl::Hours(1);

bool ValidCampaignId(absl::string_view id) {
  return IsValidId(id) && id.size() <= kMaxCampaignIdLength;
}

bool ValidView(v1::CreatorView view) { return v1::CreatorView_IsValid(view); }

// Arena blocks of an UpsertCreators stream: a batch of 2,000 profiles takes a
// few MB.
constexpr size_t kUpsertArenaBlock = size_t{4} << 20;

// The workspace filters that need other services' data. Until those feeds
// push marks (UpdateWorkspaceCreatorMarks) they exclude nothing; here only
// their arguments are checked (exclude_creator_ids is the index's to check).
absl::Status CheckWorkspaceFilter(const common::v1::WorkspaceFilter& w, absl::string_view path) {
  status::FieldViolations v;
  if (w.exclude_in_campaign_ids_size() > kMaxCampaignFilterIds) {
    v.Add(absl::StrCat(path, ".exclude_in_campaign_ids"),
          absl::StrCat("at most ", kMaxCampaignFilterIds, " ids, got ",
                       w.exclude_in_campaign_ids_size()));
  }
  for (int i = 0; i < w.exclude_in_campaign_ids_size() && i < kMaxCampaignFilterIds; ++i) {
    if (!ValidCampaignId(w.exclude_in_campaign_ids(i))) {
      v.Add(absl::StrCat(path, ".exclude_in_campaign_ids[", i, "]"), "not a valid campaign id");
    }
  }
  if (w.has_exclude_contacted_within_days() &&
      (w.exclude_contacted_within_days() < 1 ||
       w.exclude_contacted_within_days() > kMaxContactDays)) {
    v.Add(absl::StrCat(path, ".exclude_contacted_within_days"),
          absl::StrCat("must be between 1 and ", kMaxContactDays, ", got ",
                       w.exclude_contacted_within_days()));
  }
  return v.ToStatus();
}

bool ValidTimestamp(const google::protobuf::Timestamp& t) {
  return t.seconds() >= 0 && t.seconds() <= 253'402'300'799 && t.nanos() >= 0 &&
         t.nanos() <= 999'999'999;
}

// Checks one mark of UpdateWorkspaceCreatorMarks and converts it.
void ValidateMark(const v1::WorkspaceCreatorMark& m, const std::string& path, absl::Time now,
                  status::FieldViolations* v, MarkUpdate* out) {
  if (!IsValidId(m.creator_id())) {
    v->Add(path + ".creator_id",
           "required: 1-128 characters of letters, digits, '.', '_', ':' or '-'");
  }
  const bool known =
      m.kind() != v1::WORKSPACE_MARK_KIND_UNSPECIFIED && v1::WorkspaceMarkKind_IsValid(m.kind());
  if (!known) v->Add(path + ".kind", "required: BLOCKLISTED, IN_CAMPAIGN or CONTACTED");
  if (m.kind() == v1::WORKSPACE_MARK_KIND_IN_CAMPAIGN) {
    if (!ValidCampaignId(m.campaign_id())) {
      v->Add(path + ".campaign_id",
             "required for IN_CAMPAIGN: 1-64 characters of letters, digits, '.', '_', ':' or '-'");
    }
  } else if (!m.campaign_id().empty()) {
    v->Add(path + ".campaign_id", "only IN_CAMPAIGN marks name a campaign");
  }
  const bool needs_time = m.kind() == v1::WORKSPACE_MARK_KIND_CONTACTED && !m.clear();
  if (needs_time && !m.has_contacted_at()) {
    v->Add(path + ".contacted_at", "required when setting a CONTACTED mark");
  } else if (!needs_time && m.has_contacted_at()) {
    v->Add(path + ".contacted_at", "only set on a CONTACTED mark that is not cleared");
  } else if (needs_time) {
    const absl::Time at = absl::FromUnixSeconds(m.contacted_at().seconds()) +
                          absl::Nanoseconds(m.contacted_at().nanos());
    if (!ValidTimestamp(m.contacted_at())) {
      v->Add(path + ".contacted_at", "not a valid timestamp");
    } else if (at > now + kContactClockSkew) {
      v->Add(path + ".contacted_at", "lies in the future");
    } else {
      out->contacted_at = at;
    }
  }
  out->creator_id = m.creator_id();
  if (known) out->kind = static_cast<MarkKind>(m.kind());
  out->campaign_id = m.campaign_id();
  out->clear = m.clear();
}

// The 8-byte digest of a request without its request_id, for AIP-155
// de-duplication. Not a security boundary (ids are already scoped to the
// caller's workspace), so a stable 64-bit hash is enough.
std::string RequestHash(absl::string_view workspace,
                        const v1::UpdateWorkspaceCreatorMarksRequest& request) {
  v1::UpdateWorkspaceCreatorMarksRequest copy = request;
  copy.clear_request_id();
  const uint64_t h = paging::QueryFingerprint(workspace, copy);
  std::string out(8, '\0');
  for (int i = 0; i < 8; ++i)
    out[static_cast<size_t>(i)] = static_cast<char>((h >> (8 * i)) & 0xff);
  return out;
}

absl::Status ValidatePageSize(int32_t page_size, int32_t max, absl::string_view field) {
  if (page_size < 0 || page_size > max) {
    return status::InvalidField(std::string(field),
                                absl::StrCat("must be between 0 and ", max, ", got ", page_size));
  }
  return absl::OkStatus();
}

}  // namespace

void ApplyView(v1::CreatorView view, bool default_full, common::v1::Creator* creator) {
  const bool full =
      view == v1::CREATOR_VIEW_FULL || (view == v1::CREATOR_VIEW_UNSPECIFIED && default_full);
  if (full) return;
  creator->clear_audience();
  creator->clear_content();
}

SearchServiceImpl::SearchServiceImpl(Catalog& catalog, const CreatorIndex& index,
                                     const auth::WorkspaceAuthenticator& auth,
                                     SearchServiceOptions options, WorkspaceExclusions& exclusions)
    : catalog_(catalog),
      index_(index),
      auth_(auth),
      options_(std::move(options)),
      tokens_(options_.page_token_secret, options_.page_token_lifetime),
      exclusions_(exclusions) {}

absl::StatusOr<std::string> SearchServiceImpl::Caller(const grpc::ServerContext& context) const {
  return auth_.Authenticate(context);
}

absl::StatusOr<std::string> SearchServiceImpl::Writer(const grpc::ServerContext& context) const {
  absl::StatusOr<std::string> workspace = Caller(context);
  if (!workspace.ok()) return workspace;
  if (!options_.catalog_writers.empty() && !options_.catalog_writers.contains(*workspace)) {
    return absl::PermissionDeniedError(absl::StrCat(
        "workspace \"", *workspace, "\" may not write the catalog (see --catalog_writers)"));
  }
  return workspace;
}

grpc::ServerUnaryReactor* SearchServiceImpl::GetCreator(grpc::CallbackServerContext* context,
                                                        const grpc::ByteBuffer* request,
                                                        grpc::ByteBuffer* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(GetCreatorBytes(*context, *request, response));
  return reactor;
}

grpc::Status SearchServiceImpl::GetCreatorBytes(const grpc::CallbackServerContext& context,
                                                const grpc::ByteBuffer& request_bytes,
                                                grpc::ByteBuffer* response) {
  if (auto caller = auth_.Authenticate(context); !caller.ok()) return ToGrpc(caller.status());
  v1::GetCreatorRequest request;
  grpc::ByteBuffer copy(request_bytes);  // shares the slices
  if (grpc::Status s =
          grpc::SerializationTraits<v1::GetCreatorRequest>::Deserialize(&copy, &request);
      !s.ok()) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "cannot parse GetCreatorRequest");
  }
  status::FieldViolations v;
  if (!IsValidId(request.creator_id())) {
    v.Add("creator_id", "required: 1-128 characters of letters, digits, '.', '_', ':' or '-'");
  }
  if (!ValidView(request.view())) v.Add("view", "unknown CreatorView value");
  if (!v.empty()) return ToGrpc(v.ToStatus());
  auto bytes = catalog_.GetSerialized(request.creator_id());
  if (!bytes.ok()) return ToGrpc(bytes.status());
  if (*bytes == nullptr) {
    return ToGrpc(absl::NotFoundError(
        absl::StrCat("creator \"", request.creator_id(), "\" is not in the catalog")));
  }
  if (request.view() == v1::CREATOR_VIEW_BASIC) {
    v1::GetCreatorResponse out;
    if (!out.mutable_creator()->ParseFromString(**bytes)) {
      return grpc::Status(grpc::StatusCode::INTERNAL, "stored profile cannot be decoded");
    }
    ApplyView(request.view(), /*default_full=*/true, out.mutable_creator());
    bool own_buffer = false;
    return grpc::SerializationTraits<v1::GetCreatorResponse>::Serialize(out, response, &own_buffer);
  }
  // The full view is the stored bytes as field 1 of GetCreatorResponse: a
  // tag, a length and the profile, sent without copying the profile.
  char header[16];
  size_t n = 0;
  header[n++] = 0x0a;  // field 1, length-delimited
  for (uint64_t len = (*bytes)->size();; len >>= 7) {
    header[n++] = static_cast<char>(len < 0x80 ? len : (len & 0x7f) | 0x80);
    if (len < 0x80) break;
  }
  auto* owner = new HotProfiles::Bytes(*bytes);
  grpc::Slice slices[2] = {grpc::Slice(header, n),
                           grpc::Slice(
                               const_cast<char*>((*owner)->data()), (*owner)->size(),
                               [](void* p) { delete static_cast<HotProfiles::Bytes*>(p); }, owner)};
  *response = grpc::ByteBuffer(slices, 2);
  return grpc::Status::OK;
}

grpc::Status SearchServiceImpl::BatchGetCreators(grpc::ServerContext* context,
                                                 const v1::BatchGetCreatorsRequest* request,
                                                 v1::BatchGetCreatorsResponse* response) {
  if (auto caller = Caller(*context); !caller.ok()) return ToGrpc(caller.status());
  status::FieldViolations v;
  if (request->creator_ids_size() == 0) v.Add("creator_ids", "at least one id is required");
  if (request->creator_ids_size() > options_.max_batch_get) {
    v.Add("creator_ids", absl::StrCat("at most ", options_.max_batch_get, " ids per call, got ",
                                      request->creator_ids_size()));
  }
  for (int i = 0; i < request->creator_ids_size() && i < options_.max_batch_get; ++i) {
    if (!IsValidId(request->creator_ids(i))) {
      v.Add(absl::StrCat("creator_ids[", i, "]"), "not a valid creator id");
    }
  }
  if (!ValidView(request->view())) v.Add("view", "unknown CreatorView value");
  if (!v.empty()) return ToGrpc(v.ToStatus());
  std::vector<std::string> ids(request->creator_ids().begin(), request->creator_ids().end());
  auto creators = catalog_.BatchGet(ids);
  if (!creators.ok()) return ToGrpc(creators.status());
  for (size_t i = 0; i < creators->size(); ++i) {
    if (!(*creators)[i].has_value()) {
      response->add_missing_creator_ids(ids[i]);
      continue;
    }
    common::v1::Creator* out = response->add_creators();
    *out = *std::move((*creators)[i]);
    ApplyView(request->view(), /*default_full=*/true, out);
  }
  return grpc::Status::OK;
}

namespace {

// One batch of an UpsertCreators stream: its messages are parsed onto one
// arena, which the catalog works on in place (no per-field heap allocation
// or free) and which is reset once the batch is committed and applied. The
// first block is reused by every batch.
struct UpsertBatch {
  UpsertBatch() : first_block(kUpsertArenaBlock), arena(Options(first_block)) {}

  static google::protobuf::ArenaOptions Options(std::vector<char>& block) {
    google::protobuf::ArenaOptions options;
    options.initial_block = block.data();
    options.initial_block_size = block.size();
    options.max_block_size = kUpsertArenaBlock;
    return options;
  }

  std::vector<char> first_block;
  google::protobuf::Arena arena;
  std::vector<common::v1::Creator*> creators;
  int64_t first_position = 0;
  std::vector<CatalogChange> changes;  // refer to `creators`
};

}  // namespace

grpc::Status SearchServiceImpl::UpsertCreators(
    grpc::ServerContext* context, grpc::ServerReader<v1::UpsertCreatorsRequest>* reader,
    v1::UpsertCreatorsResponse* response) {
  if (auto writer = Writer(*context); !writer.ok()) return ToGrpc(writer.status());
  // Two batches in a pipeline: while one is applied to the index (on
  // `applier`), the next is read, validated and committed. A batch is
  // durable once committed; the response goes out after every batch is
  // also applied, so a search right after it sees the stream's writes.
  std::array<UpsertBatch, 2> batches;
  int current = 0;
  std::thread applier;
  absl::Status apply_status;
  auto wait_for_applier = [&]() -> absl::Status {
    if (applier.joinable()) applier.join();
    return apply_status;
  };
  absl::Cleanup join = [&] { (void)wait_for_applier(); };
  int64_t received = 0;
  bool validate_only = false;
  bool first_message = true;
  auto flush = [&]() -> absl::Status {
    UpsertBatch& batch = batches[current];
    if (batch.creators.empty()) return absl::OkStatus();
    auto summary =
        catalog_.Commit(absl::MakeConstSpan(batch.creators), static_cast<int>(batch.first_position),
                        validate_only, &batch.changes);
    if (!summary.ok()) return summary.status();
    response->set_created_count(response->created_count() + summary->created);
    response->set_updated_count(response->updated_count() + summary->updated);
    response->set_unchanged_count(response->unchanged_count() + summary->unchanged);
    int last_position = -1;
    for (const auto& r : summary->rejected) {
      if (r.position != last_position) response->set_failed_count(response->failed_count() + 1);
      last_position = r.position;
      v1::UpsertCreatorError* e = response->add_errors();
      e->set_position(r.position);
      e->set_creator_id(r.creator_id);
      e->set_field(absl::StrCat("creators[", r.position, "].", r.field));
      e->set_description(r.description);
    }
    // Applies come in commit order: the previous batch's first.
    if (absl::Status s = wait_for_applier(); !s.ok()) {
      // Every commit is applied, even when the stream fails.
      (void)catalog_.ApplyCommitted(batch.changes);
      return s;
    }
    applier = std::thread([this, &batch, &apply_status] {
      apply_status = catalog_.ApplyCommitted(batch.changes);
      batch.changes.clear();
      batch.creators.clear();
      batch.arena.Reset();
    });
    current = 1 - current;
    return absl::OkStatus();
  };
  int64_t message_index = 0;
  while (true) {
    UpsertBatch& batch = batches[current];
    auto& message =
        *google::protobuf::Arena::CreateMessage<v1::UpsertCreatorsRequest>(&batch.arena);
    if (!reader->Read(&message)) break;
    if (message.creators_size() > options_.max_upsert_message) {
      return ToGrpc(status::InvalidField(
          absl::StrCat("messages[", message_index, "].creators"),
          absl::StrCat("at most ", options_.max_upsert_message,
                       " creators per message; split the batch, got ", message.creators_size())));
    }
    if (first_message) {
      validate_only = message.validate_only();
      first_message = false;
    } else if (message.validate_only() != validate_only) {
      return ToGrpc(
          status::InvalidField(absl::StrCat("messages[", message_index, "].validate_only"),
                               "must be the same in every message of a stream"));
    }
    if (batch.creators.empty()) batch.first_position = received;
    for (auto& creator : *message.mutable_creators()) batch.creators.push_back(&creator);
    received += message.creators_size();
    ++message_index;
    if (static_cast<int>(batch.creators.size()) >= options_.upsert_batch) {
      // Committed batches stay committed if the stream later fails; re-sending
      // them is harmless because identical records are not rewritten.
      if (absl::Status s = flush(); !s.ok()) return ToGrpc(s);
    }
  }
  if (context->IsCancelled()) return grpc::Status(grpc::StatusCode::CANCELLED, "stream cancelled");
  if (absl::Status s = flush(); !s.ok()) return ToGrpc(s);
  if (absl::Status s = wait_for_applier(); !s.ok()) return ToGrpc(s);
  response->set_received_count(received);
  response->set_catalog_version(catalog_.applied_version());
  return grpc::Status::OK;
}

grpc::Status SearchServiceImpl::DeleteCreator(grpc::ServerContext* context,
                                              const v1::DeleteCreatorRequest* request,
                                              v1::DeleteCreatorResponse* response) {
  if (auto writer = Writer(*context); !writer.ok()) return ToGrpc(writer.status());
  if (!IsValidId(request->creator_id())) {
    return ToGrpc(status::InvalidField(
        "creator_id", "required: 1-128 characters of letters, digits, '.', '_', ':' or '-'"));
  }
  auto deleted = catalog_.Delete(request->creator_id());
  if (!deleted.ok()) return ToGrpc(deleted.status());
  if (!*deleted && !request->allow_missing()) {
    return ToGrpc(absl::NotFoundError(
        absl::StrCat("creator \"", request->creator_id(), "\" is not in the catalog")));
  }
  response->set_catalog_version(catalog_.applied_version());
  return grpc::Status::OK;
}

grpc::Status SearchServiceImpl::UpdateWorkspaceCreatorMarks(
    grpc::ServerContext* context, const v1::UpdateWorkspaceCreatorMarksRequest* request,
    v1::UpdateWorkspaceCreatorMarksResponse* response) {
  absl::StatusOr<std::string> workspace = Caller(*context);
  if (!workspace.ok()) return ToGrpc(workspace.status());
  status::FieldViolations v;
  const int max = options_.max_marks_per_update;
  if (request->marks_size() == 0) v.Add("marks", "at least one mark is required");
  if (request->marks_size() > max) {
    v.Add("marks", absl::StrCat("at most ", max, " marks per call; split the batch, got ",
                                request->marks_size()));
  }
  const absl::Time now = absl::Now();
  std::vector<MarkUpdate> marks(
      static_cast<size_t>(request->marks_size() < max ? request->marks_size() : max));
  for (size_t i = 0; i < marks.size(); ++i) {
    ValidateMark(request->marks(static_cast<int>(i)), absl::StrCat("marks[", i, "]"), now, &v,
                 &marks[i]);
  }
  if (!request->request_id().empty() && !IsValidId(request->request_id())) {
    v.Add("request_id", "1-128 characters of letters, digits, '.', '_', ':' or '-' (a UUID)");
  }
  if (!v.empty()) return ToGrpc(v.ToStatus());
  MarkRequestId request_id;
  if (!request->request_id().empty()) {
    request_id.request_id = request->request_id();
    request_id.request_hash = RequestHash(*workspace, *request);
  }
  absl::StatusOr<MarkWriteResult> result =
      exclusions_.Update(*workspace, marks, request->request_id().empty() ? nullptr : &request_id);
  if (!result.ok()) return ToGrpc(result.status());
  response->set_changed_count(result->changed);
  response->set_unchanged_count(result->unchanged);
  response->set_marks_version(result->version);
  return grpc::Status::OK;
}

absl::StatusOr<std::vector<common::v1::Creator>> SearchServiceImpl::Profiles(
    const std::vector<std::string>& ids, v1::CreatorView view) {
  auto creators = catalog_.BatchGet(ids);
  if (!creators.ok()) return creators.status();
  std::vector<common::v1::Creator> out;
  out.reserve(ids.size());
  for (size_t i = 0; i < ids.size(); ++i) {
    // The index and the store can differ for a moment while a delete lands;
    // such a hit is dropped rather than returned empty.
    if (!(*creators)[i].has_value()) continue;
    out.push_back(*std::move((*creators)[i]));
    ApplyView(view, /*default_full=*/false, &out.back());
  }
  return out;
}

grpc::Status SearchServiceImpl::SearchCreators(grpc::ServerContext* context,
                                               const v1::SearchCreatorsRequest* request,
                                               v1::SearchCreatorsResponse* response) {
  absl::StatusOr<std::string> workspace = Caller(*context);
  if (!workspace.ok()) return ToGrpc(workspace.status());
  if (absl::Status s = ValidatePageSize(request->page_size(), 500, "page_size"); !s.ok()) {
    return ToGrpc(s);
  }
  if (request->facet_size() < 0 || request->facet_size() > 250) {
    return ToGrpc(status::InvalidField("facet_size", "must be between 0 and 250"));
  }
  if (!ValidView(request->view())) return ToGrpc(status::InvalidField("view", "unknown value"));
  if (absl::Status s = CheckWorkspaceFilter(request->filter().workspace(), "filter.workspace");
      !s.ok()) {
    return ToGrpc(s);
  }
  // The filter is part of the fingerprint, so a token stays bound to it; the
  // marks themselves may change between pages (docs/adr/0004).
  const uint64_t fingerprint = paging::QueryFingerprint(*workspace, *request);
  const absl::Time now = absl::Now();
  absl::StatusOr<int64_t> offset = tokens_.Decode(request->page_token(), fingerprint, now);
  if (!offset.ok()) return ToGrpc(offset.status());
  absl::StatusOr<std::vector<std::string>> excluded =
      exclusions_.Resolve(*workspace, request->filter().workspace(), now);
  if (!excluded.ok()) return ToGrpc(excluded.status());

  SearchQuery query;
  query.exclude_creator_ids = *std::move(excluded);
  query.filter = request->filter();
  query.text = request->query();
  query.sort_field = request->sort().field();
  query.sort_direction = request->sort().direction();
  if (request->has_target()) query.target = request->target();
  query.offset = *offset;
  query.limit = request->page_size() == 0 ? 50 : request->page_size();
  for (int facet : request->facets()) query.facets.push_back(static_cast<v1::FacetField>(facet));
  query.now = now;
  absl::StatusOr<SearchPage> page = index_.Search(query);
  if (!page.ok()) return ToGrpc(page.status());

  std::vector<std::string> ids;
  ids.reserve(page->hits.size());
  for (const SearchHit& hit : page->hits) ids.push_back(hit.creator_id);
  auto profiles = Profiles(ids, request->view());
  if (!profiles.ok()) return ToGrpc(profiles.status());
  size_t p = 0;
  for (const SearchHit& hit : page->hits) {
    if (p >= profiles->size() || (*profiles)[p].creator_id() != hit.creator_id) continue;
    v1::SearchResult* result = response->add_results();
    *result->mutable_creator() = std::move((*profiles)[p++]);
    if (hit.relevance) result->set_relevance(*hit.relevance);
    if (hit.audience_match) result->set_audience_match(*hit.audience_match);
    if (hit.fit_score) result->set_fit_score(*hit.fit_score);
  }
  response->set_total_size(page->total_size);
  const int64_t next = *offset + query.limit;
  if (next < page->total_size)
    response->set_next_page_token(tokens_.Encode(fingerprint, next, now));
  const int facet_size = request->facet_size() == 0 ? 20 : request->facet_size();
  for (const FacetCounts& counts : page->facets) {
    *response->add_facets() = TopFacetValues(counts, facet_size);
  }
  response->set_catalog_version(catalog_.applied_version());
  return grpc::Status::OK;
}

grpc::Status SearchServiceImpl::SimilarCreators(grpc::ServerContext* context,
                                                const v1::SimilarCreatorsRequest* request,
                                                v1::SimilarCreatorsResponse* response) {
  absl::StatusOr<std::string> workspace = Caller(*context);
  if (!workspace.ok()) return ToGrpc(workspace.status());
  status::FieldViolations v;
  if (!IsValidId(request->creator_id())) v.Add("creator_id", "required: a valid creator id");
  if (request->page_size() < 0 || request->page_size() > 200) {
    v.Add("page_size", absl::StrCat("must be between 0 and 200, got ", request->page_size()));
  }
  if (!ValidView(request->view())) v.Add("view", "unknown CreatorView value");
  if (!v.empty()) return ToGrpc(v.ToStatus());
  if (absl::Status s = CheckWorkspaceFilter(request->filter().workspace(), "filter.workspace");
      !s.ok()) {
    return ToGrpc(s);
  }
  const uint64_t fingerprint = paging::QueryFingerprint(*workspace, *request);
  const absl::Time now = absl::Now();
  absl::StatusOr<int64_t> offset = tokens_.Decode(request->page_token(), fingerprint, now);
  if (!offset.ok()) return ToGrpc(offset.status());
  absl::StatusOr<std::vector<std::string>> excluded =
      exclusions_.Resolve(*workspace, request->filter().workspace(), now);
  if (!excluded.ok()) return ToGrpc(excluded.status());

  SimilarQuery query;
  query.exclude_creator_ids = *std::move(excluded);
  query.seed_creator_id = request->creator_id();
  query.mode = request->mode();
  query.filter = request->filter();
  query.min_similarity = request->min_similarity();
  query.offset = *offset;
  query.limit = request->page_size() == 0 ? 20 : request->page_size();
  query.now = now;
  absl::StatusOr<SimilarPage> page = index_.Similar(query);
  if (!page.ok()) return ToGrpc(page.status());
  std::vector<std::string> ids;
  for (const SimilarHit& hit : page->hits) ids.push_back(hit.creator_id);
  auto profiles = Profiles(ids, request->view());
  if (!profiles.ok()) return ToGrpc(profiles.status());
  size_t p = 0;
  for (const SimilarHit& hit : page->hits) {
    if (p >= profiles->size() || (*profiles)[p].creator_id() != hit.creator_id) continue;
    v1::SimilarCreator* result = response->add_results();
    *result->mutable_creator() = std::move((*profiles)[p++]);
    result->set_similarity(hit.similarity);
  }
  response->set_total_size(page->total_size);
  const int64_t next = *offset + query.limit;
  if (next < page->total_size)
    response->set_next_page_token(tokens_.Encode(fingerprint, next, now));
  return grpc::Status::OK;
}

grpc::Status SearchServiceImpl::GetCatalogStats(grpc::ServerContext* context,
                                                const v1::GetCatalogStatsRequest* request,
                                                v1::GetCatalogStatsResponse* response) {
  if (auto caller = Caller(*context); !caller.ok()) return ToGrpc(caller.status());
  CatalogCounts counts = index_.Stats();
  response->set_total_creators(counts.total_creators);
  response->set_total_persons(counts.total_persons);
  for (const auto& cell : counts.counts) {
    v1::PlatformTierCount* out = response->add_counts();
    out->set_platform(cell.platform);
    out->set_tier(cell.tier);
    out->set_count(cell.count);
  }
  response->set_index_size_bytes(counts.index_size_bytes);
  response->set_partition_count(1);
  response->set_catalog_version(catalog_.applied_version());
  const absl::Time last = catalog_.last_update_time();
  response->mutable_last_update_time()->set_seconds(absl::ToUnixSeconds(last));
  response->set_reference_currency_code("USD");
  if (request->include_engagement_quantiles()) {
    for (CreatorIndex::RateQuantiles& cell : index_.EngagementRateQuantiles(101)) {
      v1::EngagementRateQuantiles* out = response->add_engagement_quantiles();
      out->set_platform(cell.platform);
      out->set_tier(cell.tier);
      out->set_sample_count(cell.count);
      out->mutable_quantiles()->Add(cell.quantiles.begin(), cell.quantiles.end());
    }
  }
  return grpc::Status::OK;
}

}  // namespace microreach::search
