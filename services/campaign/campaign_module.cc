// The campaign service. Its RPCs are not implemented yet: every one answers
// UNIMPLEMENTED (the generated callback service's default) rather than
// made-up data, while health, reflection and metrics are fully served.
#include "services/campaign/campaign_module.h"

#include "microreach/campaign/v1/campaign_service.grpc.pb.h"

namespace microreach::campaign {

using v1::CampaignService;

class CampaignServiceImpl final : public CampaignService::CallbackService {};

absl::StatusOr<std::unique_ptr<server::ServiceModule>> MakeCampaignModule(
    const server::ServiceContext& context) {
  return std::make_unique<server::SingleServiceModule<CampaignServiceImpl>>(
      std::make_unique<CampaignServiceImpl>(), CampaignService::service_full_name());
}

}  // namespace microreach::campaign
