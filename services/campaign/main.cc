// microreach-campaign: the campaign gRPC service.
#include "common/server/service_main.h"
#include "services/campaign/campaign_module.h"

int main(int argc, char** argv) {
  return microreach::server::RunService(argc, argv, microreach::campaign::kDefaults,
                                        microreach::campaign::MakeCampaignModule);
}
