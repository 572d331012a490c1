// Wiring of the outreach service: its gRPC implementation and lifecycle.
#ifndef MICROREACH_SERVICES_OUTREACH_OUTREACH_MODULE_H_
#define MICROREACH_SERVICES_OUTREACH_OUTREACH_MODULE_H_

#include <memory>

#include "absl/status/statusor.h"
#include "common/config/server_config.h"
#include "common/server/service_main.h"

namespace microreach::outreach {

inline const config::ServiceDefaults kDefaults{"outreach", config::kOutreachGrpcPort,
                                               config::kOutreachMetricsPort, /*uses_store=*/true};

absl::StatusOr<std::unique_ptr<server::ServiceModule>> MakeOutreachModule(
    const server::ServiceContext& context);

}  // namespace microreach::outreach

#endif  // MICROREACH_SERVICES_OUTREACH_OUTREACH_MODULE_H_
