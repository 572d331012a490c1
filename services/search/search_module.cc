// The search service. Its RPCs are not implemented yet: every one answers
// UNIMPLEMENTED (the generated callback service's default) rather than
// made-up data, while health, reflection and metrics are fully served.
#include "services/search/search_module.h"

#include "microreach/search/v1/search_service.grpc.pb.h"

namespace microreach::search {

using v1::SearchService;

class SearchServiceImpl final : public SearchService::CallbackService {};

absl::StatusOr<std::unique_ptr<server::ServiceModule>> MakeSearchModule(
    const server::ServiceContext& context) {
  return std::make_unique<server::SingleServiceModule<SearchServiceImpl>>(
      std::make_unique<SearchServiceImpl>(), SearchService::service_full_name());
}

}  // namespace microreach::search
