// Wiring of the scoring service: its gRPC implementation and lifecycle.
#ifndef MICROREACH_SERVICES_SCORING_SCORING_MODULE_H_
#define MICROREACH_SERVICES_SCORING_SCORING_MODULE_H_

#include <memory>

#include "absl/status/statusor.h"
#include "common/config/server_config.h"
#include "common/server/service_main.h"

namespace microreach::scoring {

inline const config::ServiceDefaults kDefaults{"scoring", config::kScoringGrpcPort,
                                               config::kScoringMetricsPort, /*uses_store=*/false};

absl::StatusOr<std::unique_ptr<server::ServiceModule>> MakeScoringModule(
    const server::ServiceContext& context);

}  // namespace microreach::scoring

#endif  // MICROREACH_SERVICES_SCORING_SCORING_MODULE_H_
