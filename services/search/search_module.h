// Wiring of the search service: its gRPC implementation and lifecycle.
#ifndef MICROREACH_SERVICES_SEARCH_SEARCH_MODULE_H_
#define MICROREACH_SERVICES_SEARCH_SEARCH_MODULE_H_

#include <memory>

#include "absl/status/statusor.h"
#include "common/config/server_config.h"
#include "common/server/service_main.h"

namespace microreach::search {

inline const config::ServiceDefaults kDefaults{"search", config::kSearchGrpcPort,
                                               config::kSearchMetricsPort, /*uses_store=*/true};

absl::StatusOr<std::unique_ptr<server::ServiceModule>> MakeSearchModule(
    const server::ServiceContext& context);

}  // namespace microreach::search

#endif  // MICROREACH_SERVICES_SEARCH_SEARCH_MODULE_H_
