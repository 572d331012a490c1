// The gRPC adapter of the search service: authenticates, validates, calls
// the catalog and the index, converts. Synchronous API on a bounded thread
// pool, because reads and writes block on the store and Redis, except
// GetCreator: it runs on the callback API with raw bytes, because a hot
// profile is answered from the in-process LRU without blocking, parsing or
// re-serialising.
#ifndef MICROREACH_SERVICES_SEARCH_SEARCH_SERVICE_H_
#define MICROREACH_SERVICES_SEARCH_SEARCH_SERVICE_H_

#include <set>
#include <string>

#include "common/auth/workspace_auth.h"
#include "common/paging/page_token.h"
#include "microreach/search/v1/search_service.grpc.pb.h"
#include "services/search/catalog.h"
#include "services/search/index/creator_index.h"
#include "services/search/workspace_marks.h"

namespace microreach::search {

struct SearchServiceOptions {
  // Workspaces allowed to write the catalog; empty allows every
  // authenticated workspace.
  std::set<std::string> catalog_writers;
  int max_batch_get = 1000;
  int max_upsert_message = 500;
  // Marks per UpdateWorkspaceCreatorMarks call.
  int max_marks_per_update = 1000;
  // Creators written per store transaction while a stream is read.
  int upsert_batch = 2000;
  // Keys page tokens; replicas behind one Service must share it.
  std::string page_token_secret = "microreach";
  absl::Duration page_token_lifetime = absl::Hours(24);
};

class SearchServiceImpl final
    : public v1::SearchService::WithRawCallbackMethod_GetCreator<v1::SearchService::Service> {
 public:
  // `exclusions` resolves the workspace filters; it must outlive the service.
  SearchServiceImpl(Catalog& catalog, const CreatorIndex& index,
                    const auth::WorkspaceAuthenticator& auth, SearchServiceOptions options,
                    WorkspaceExclusions& exclusions);

  grpc::Status SearchCreators(grpc::ServerContext* context,
                              const v1::SearchCreatorsRequest* request,
                              v1::SearchCreatorsResponse* response) override;
  grpc::Status SimilarCreators(grpc::ServerContext* context,
                               const v1::SimilarCreatorsRequest* request,
                               v1::SimilarCreatorsResponse* response) override;
  grpc::Status GetCatalogStats(grpc::ServerContext* context,
                               const v1::GetCatalogStatsRequest* request,
                               v1::GetCatalogStatsResponse* response) override;

  grpc::ServerUnaryReactor* GetCreator(grpc::CallbackServerContext* context,
                                       const grpc::ByteBuffer* request,
                                       grpc::ByteBuffer* response) override;
  grpc::Status BatchGetCreators(grpc::ServerContext* context,
                                const v1::BatchGetCreatorsRequest* request,
                                v1::BatchGetCreatorsResponse* response) override;
  grpc::Status UpsertCreators(grpc::ServerContext* context,
                              grpc::ServerReader<v1::UpsertCreatorsRequest>* reader,
                              v1::UpsertCreatorsResponse* response) override;
  grpc::Status DeleteCreator(grpc::ServerContext* context, const v1::DeleteCreatorRequest* request,
                             v1::DeleteCreatorResponse* response) override;

  grpc::Status UpdateWorkspaceCreatorMarks(
      grpc::ServerContext* context, const v1::UpdateWorkspaceCreatorMarksRequest* request,
      v1::UpdateWorkspaceCreatorMarksResponse* response) override;

 private:
  // The caller's workspace, or UNAUTHENTICATED.
  absl::StatusOr<std::string> Caller(const grpc::ServerContext& context) const;
  // The caller's workspace if it may write the catalog, else an error.
  absl::StatusOr<std::string> Writer(const grpc::ServerContext& context) const;

  // GetCreator on decoded inputs; fills *response with the serialized
  // GetCreatorResponse.
  grpc::Status GetCreatorBytes(const grpc::CallbackServerContext& context,
                               const grpc::ByteBuffer& request, grpc::ByteBuffer* response);

  // Fetches the profiles of `ids` in order, in the requested view.
  absl::StatusOr<std::vector<common::v1::Creator>> Profiles(const std::vector<std::string>& ids,
                                                            v1::CreatorView view);

  Catalog& catalog_;
  const CreatorIndex& index_;
  const auth::WorkspaceAuthenticator& auth_;
  const SearchServiceOptions options_;
  const paging::PageTokenCodec tokens_;
  WorkspaceExclusions& exclusions_;
};

// Strips a profile down to the requested view (BASIC drops audience and
// content); `default_full` is the RPC's default for CREATOR_VIEW_UNSPECIFIED.
void ApplyView(v1::CreatorView view, bool default_full, common::v1::Creator* creator);

}  // namespace microreach::search

#endif  // MICROREACH_SERVICES_SEARCH_SEARCH_SERVICE_H_
