// Cache misses served by search.BatchGetCreators.
#include "services/scoring/search_loader.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/status/status.h"
#include "grpcpp/client_context.h"

namespace microreach::scoring {

absl::StatusOr<std::vector<common::v1::Creator>> SearchCreatorLoader::BatchGet(
    absl::Span<const std::string> ids, const CallContext& call) {
  std::vector<common::v1::Creator> out;
  out.reserve(ids.size());
  for (size_t start = 0; start < ids.size(); start += static_cast<size_t>(batch_)) {
    if (call.deadline <= absl::Now()) {
      return absl::DeadlineExceededError("no time left to read profiles from search");
    }
    grpc::ClientContext context;
    if (call.deadline != absl::InfiniteFuture())
      context.set_deadline(absl::ToChronoTime(call.deadline));
    if (!call.authorization.empty()) context.AddMetadata("authorization", call.authorization);
    search::v1::BatchGetCreatorsRequest request;
    const size_t end = std::min(ids.size(), start + static_cast<size_t>(batch_));
    for (size_t i = start; i < end; ++i) request.add_creator_ids(ids[i]);
    request.set_view(search::v1::CREATOR_VIEW_FULL);
    search::v1::BatchGetCreatorsResponse response;
    const grpc::Status s = stub_->BatchGetCreators(&context, request, &response);
    if (!s.ok()) {
      const absl::Status status = status::FromGrpc(s);
      const std::string why =
          absl::StrCat("search.BatchGetCreators failed: ", absl::StatusCodeToString(status.code()),
                       ": ", status.message());
      if (status.code() == absl::StatusCode::kDeadlineExceeded) {
        return absl::DeadlineExceededError(why);
      }
      return absl::UnavailableError(why);
    }
    for (common::v1::Creator& c : *response.mutable_creators()) out.push_back(std::move(c));
  }
  return out;
}

}  // namespace microreach::scoring
