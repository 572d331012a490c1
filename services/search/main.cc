// microreach-search: the search gRPC service.
#include "common/server/service_main.h"
#include "services/search/search_module.h"

int main(int argc, char** argv) {
  return microreach::server::RunService(argc, argv, microreach::search::kDefaults,
                                        microreach::search::MakeSearchModule);
}
