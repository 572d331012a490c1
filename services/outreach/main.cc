// microreach-outreach: the outreach gRPC service.
#include "common/server/service_main.h"
#include "services/outreach/outreach_module.h"

int main(int argc, char** argv) {
  return microreach::server::RunService(argc, argv, microreach::outreach::kDefaults,
                                        microreach::outreach::MakeOutreachModule);
}
