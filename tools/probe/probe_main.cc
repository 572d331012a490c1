// microreach-probe: asks a gRPC server for its health or lists its services
// and methods through server reflection.
//
//   microreach-probe health --address=127.0.0.1:50051 [--service=NAME] [--wait=30s]
//   microreach-probe list   --address=127.0.0.1:50051
#include <cstdio>
#include <set>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "google/protobuf/descriptor.pb.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpc/reflection/v1alpha/reflection.grpc.pb.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"

ABSL_FLAG(std::string, address, "127.0.0.1:50051", "host:port of the server");
ABSL_FLAG(std::string, service, "", "service to check (empty: the whole server)");
ABSL_FLAG(absl::Duration, timeout, absl::Seconds(5), "deadline of each call");
ABSL_FLAG(absl::Duration, wait, absl::ZeroDuration(),
          "keep checking until SERVING or this much time has passed");

namespace {

using grpc::health::v1::Health;
using grpc::health::v1::HealthCheckRequest;
using grpc::health::v1::HealthCheckResponse;
using grpc::reflection::v1alpha::ServerReflection;
using grpc::reflection::v1alpha::ServerReflectionRequest;
using grpc::reflection::v1alpha::ServerReflectionResponse;

std::chrono::system_clock::time_point Deadline() {
  return std::chrono::system_clock::now() +
         absl::ToChronoMilliseconds(absl::GetFlag(FLAGS_timeout));
}

int Health(const std::shared_ptr<grpc::Channel>& channel) {
  auto stub = Health::NewStub(channel);
  const absl::Time give_up = absl::Now() + absl::GetFlag(FLAGS_wait);
  std::string last;
  while (true) {
    grpc::ClientContext ctx;
    ctx.set_deadline(Deadline());
    HealthCheckRequest req;
    req.set_service(absl::GetFlag(FLAGS_service));
    HealthCheckResponse resp;
    grpc::Status status = stub->Check(&ctx, req, &resp);
    if (status.ok() && resp.status() == HealthCheckResponse::SERVING) {
      std::printf("SERVING\n");
      return 0;
    }
    last = status.ok() ? HealthCheckResponse::ServingStatus_Name(resp.status())
                       : absl::StrCat("error ", status.error_code(), ": ", status.error_message());
    if (absl::Now() >= give_up) break;
    absl::SleepFor(absl::Milliseconds(100));
  }
  std::printf("%s\n", last.c_str());
  return 1;
}

int List(const std::shared_ptr<grpc::Channel>& channel) {
  auto stub = ServerReflection::NewStub(channel);
  grpc::ClientContext ctx;
  ctx.set_deadline(Deadline());
  auto stream = stub->ServerReflectionInfo(&ctx);
  ServerReflectionRequest req;
  req.set_list_services("*");
  ServerReflectionResponse resp;
  if (!stream->Write(req) || !stream->Read(&resp) || !resp.has_list_services_response()) {
    stream->WritesDone();
    grpc::Status status = stream->Finish();
    std::fprintf(stderr, "reflection failed: %s\n", status.error_message().c_str());
    return 1;
  }
  std::vector<std::string> services;
  for (const auto& s : resp.list_services_response().service()) services.push_back(s.name());
  for (const std::string& service : services) {
    ServerReflectionRequest file_req;
    file_req.set_file_containing_symbol(service);
    ServerReflectionResponse file_resp;
    std::set<std::string> methods;
    if (stream->Write(file_req) && stream->Read(&file_resp) &&
        file_resp.has_file_descriptor_response()) {
      for (const std::string& bytes :
           file_resp.file_descriptor_response().file_descriptor_proto()) {
        google::protobuf::FileDescriptorProto file;
        if (!file.ParseFromString(bytes)) continue;
        for (const auto& svc : file.service()) {
          const std::string full =
              file.package().empty() ? svc.name() : absl::StrCat(file.package(), ".", svc.name());
          if (full != service) continue;
          for (const auto& m : svc.method()) methods.insert(m.name());
        }
      }
    }
    std::printf("%s\n", service.c_str());
    for (const std::string& m : methods) std::printf("%s/%s\n", service.c_str(), m.c_str());
  }
  stream->WritesDone();
  grpc::Status status = stream->Finish();
  if (!status.ok()) {
    std::fprintf(stderr, "reflection failed: %s\n", status.error_message().c_str());
    return 1;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "microreach-probe health|list --address=host:port [--service=NAME] [--wait=30s]");
  std::vector<char*> args = absl::ParseCommandLine(argc, argv);
  if (args.size() != 2) {
    std::fprintf(stderr, "usage: microreach-probe health|list --address=host:port\n");
    return 2;
  }
  auto channel =
      grpc::CreateChannel(absl::GetFlag(FLAGS_address), grpc::InsecureChannelCredentials());
  const std::string command = args[1];
  if (command == "health") return Health(channel);
  if (command == "list") return List(channel);
  std::fprintf(stderr, "unknown command \"%s\": use health or list\n", command.c_str());
  return 2;
}
