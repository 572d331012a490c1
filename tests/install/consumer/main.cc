// Builds a SearchCreators request with the installed stubs and prints it.
#include <iostream>

#include "grpcpp/create_channel.h"
#include "microreach/search/v1/search_service.grpc.pb.h"

int main() {
  microreach::search::v1::SearchCreatorsRequest request;
  request.set_page_size(10);
  auto channel = grpc::CreateChannel("127.0.0.1:1", grpc::InsecureChannelCredentials());
  auto stub = microreach::search::v1::SearchService::NewStub(channel);
  std::cout << (stub != nullptr ? "stub ok " : "no stub ") << request.ShortDebugString() << "\n";
  return stub != nullptr ? 0 : 1;
}
