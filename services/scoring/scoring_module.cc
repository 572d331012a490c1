// The scoring service. Its RPCs are not implemented yet: every one answers
// UNIMPLEMENTED (the generated callback service's default) rather than
// made-up data, while health, reflection and metrics are fully served.
#include "services/scoring/scoring_module.h"

#include "microreach/scoring/v1/scoring_service.grpc.pb.h"

namespace microreach::scoring {

using v1::ScoringService;

class ScoringServiceImpl final : public ScoringService::CallbackService {};

absl::StatusOr<std::unique_ptr<server::ServiceModule>> MakeScoringModule(
    const server::ServiceContext& context) {
  return std::make_unique<server::SingleServiceModule<ScoringServiceImpl>>(
      std::make_unique<ScoringServiceImpl>(), ScoringService::service_full_name());
}

}  // namespace microreach::scoring
