// Wiring of the campaign service: its gRPC implementation and lifecycle.
#ifndef MICROREACH_SERVICES_CAMPAIGN_CAMPAIGN_MODULE_H_
#define MICROREACH_SERVICES_CAMPAIGN_CAMPAIGN_MODULE_H_

#include <memory>

#include "absl/status/statusor.h"
#include "common/config/server_config.h"
#include "common/server/service_main.h"

namespace microreach::campaign {

inline const config::ServiceDefaults kDefaults{"campaign", config::kCampaignGrpcPort,
                                               config::kCampaignMetricsPort, /*uses_store=*/true};

absl::StatusOr<std::unique_ptr<server::ServiceModule>> MakeCampaignModule(
    const server::ServiceContext& context);

}  // namespace microreach::campaign

#endif  // MICROREACH_SERVICES_CAMPAIGN_CAMPAIGN_MODULE_H_
