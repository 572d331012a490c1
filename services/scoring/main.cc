// microreach-scoring: the scoring gRPC service.
#include "common/server/service_main.h"
#include "services/scoring/scoring_module.h"

int main(int argc, char** argv) {
  return microreach::server::RunService(argc, argv, microreach::scoring::kDefaults,
                                        microreach::scoring::MakeScoringModule);
}
