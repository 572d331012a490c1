// The outreach service. Its RPCs are not implemented yet: every one answers
// UNIMPLEMENTED (the generated callback service's default) rather than
// made-up data, while health, reflection and metrics are fully served.
#include "services/outreach/outreach_module.h"

#include "microreach/outreach/v1/outreach_service.grpc.pb.h"

namespace microreach::outreach {

using v1::OutreachService;

class OutreachServiceImpl final : public OutreachService::CallbackService {};

absl::StatusOr<std::unique_ptr<server::ServiceModule>> MakeOutreachModule(
    const server::ServiceContext& context) {
  return std::make_unique<server::SingleServiceModule<OutreachServiceImpl>>(
      std::make_unique<OutreachServiceImpl>(), OutreachService::service_full_name());
}

}  // namespace microreach::outreach
