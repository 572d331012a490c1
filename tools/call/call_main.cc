// microreach-call: calls a unary RPC with a text-format request and prints
// the response (text format or JSON), with bearer-token auth and a deadline.
//
//   microreach-call --address=127.0.0.1:50051 --token=T
//       microreach.search.v1.SearchService/SearchCreators 'page_size: 5'
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/dynamic_message.h"
#include "google/protobuf/text_format.h"
#include "google/protobuf/util/json_util.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/support/byte_buffer.h"
#include "microreach/campaign/v1/campaign_service.grpc.pb.h"
#include "microreach/outreach/v1/outreach_service.grpc.pb.h"
#include "microreach/scoring/v1/scoring_service.grpc.pb.h"
#include "microreach/search/v1/search_service.grpc.pb.h"

ABSL_FLAG(std::string, address, "127.0.0.1:50051", "host:port of the service");
ABSL_FLAG(std::string, token, "", "bearer token (sent as 'authorization: Bearer <token>')");
ABSL_FLAG(absl::Duration, timeout, absl::Seconds(10), "deadline of the call");
ABSL_FLAG(bool, json, false, "print the response as JSON instead of text format");

namespace {

using google::protobuf::DescriptorPool;
using google::protobuf::DynamicMessageFactory;
using google::protobuf::Message;

int Fail(const std::string& message) {
  std::fprintf(stderr, "microreach-call: %s\n", message.c_str());
  return 2;
}

void PrintStatus(const grpc::Status& status) {
  std::fprintf(stderr, "error %d: %s\n", status.error_code(), status.error_message().c_str());
  google::rpc::Status rich;
  if (status.error_details().empty() || !rich.ParseFromString(status.error_details())) return;
  for (const auto& any : rich.details()) {
    google::rpc::BadRequest bad_request;
    if (!any.UnpackTo(&bad_request)) continue;
    for (const auto& v : bad_request.field_violations()) {
      std::fprintf(stderr, "  %s: %s\n", v.field().c_str(), v.description().c_str());
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  // Referencing one message of each package keeps its generated descriptors
  // linked in, so the services can be found by name below.
  const google::protobuf::Descriptor* linked[] = {
      microreach::search::v1::SearchCreatorsRequest::descriptor(),
      microreach::scoring::v1::ScoreCreatorsRequest::descriptor(),
      microreach::outreach::v1::CreateTemplateRequest::descriptor(),
      microreach::campaign::v1::CreateCampaignRequest::descriptor()};
  (void)linked;
  absl::SetProgramUsageMessage(
      "microreach-call [--address=host:port] [--token=T] [--json] "
      "package.Service/Method ['text-format request']");
  std::vector<char*> args = absl::ParseCommandLine(argc, argv);
  if (args.size() < 2 || args.size() > 3) {
    return Fail("usage: microreach-call [flags] package.Service/Method ['request']");
  }
  std::vector<std::string> parts = absl::StrSplit(args[1], '/');
  if (parts.size() != 2) return Fail("the method must be package.Service/Method");
  const auto* service = DescriptorPool::generated_pool()->FindServiceByName(parts[0]);
  if (service == nullptr) return Fail(absl::StrCat("unknown service ", parts[0]));
  const auto* method = service->FindMethodByName(parts[1]);
  if (method == nullptr) return Fail(absl::StrCat("unknown method ", args[1]));
  if (method->client_streaming() || method->server_streaming()) {
    return Fail("only unary methods can be called; use microreach-import for UpsertCreators");
  }
  DynamicMessageFactory factory(DescriptorPool::generated_pool());
  std::unique_ptr<Message> request(factory.GetPrototype(method->input_type())->New());
  std::unique_ptr<Message> response(factory.GetPrototype(method->output_type())->New());
  if (args.size() == 3 && !google::protobuf::TextFormat::ParseFromString(args[2], request.get())) {
    return Fail(absl::StrCat("the request is not a valid ", method->input_type()->full_name(),
                             " in text format"));
  }
  auto channel =
      grpc::CreateChannel(absl::GetFlag(FLAGS_address), grpc::InsecureChannelCredentials());
  grpc::GenericStub stub(channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() +
                       absl::ToChronoMilliseconds(absl::GetFlag(FLAGS_timeout)));
  if (!absl::GetFlag(FLAGS_token).empty()) {
    context.AddMetadata("authorization", absl::StrCat("Bearer ", absl::GetFlag(FLAGS_token)));
  }
  std::string bytes = request->SerializeAsString();
  grpc::Slice slice(bytes);
  grpc::ByteBuffer request_buffer(&slice, 1);
  grpc::ByteBuffer response_buffer;
  grpc::Status status;
  absl::Notification done;
  stub.UnaryCall(&context, absl::StrCat("/", service->full_name(), "/", method->name()),
                 grpc::StubOptions(), &request_buffer, &response_buffer, [&](grpc::Status s) {
                   status = std::move(s);
                   done.Notify();
                 });
  done.WaitForNotification();
  if (!status.ok()) {
    PrintStatus(status);
    return 1;
  }
  std::vector<grpc::Slice> slices;
  if (!response_buffer.Dump(&slices).ok()) return Fail("cannot read the response");
  std::string out;
  for (const auto& s : slices) out.append(reinterpret_cast<const char*>(s.begin()), s.size());
  if (!response->ParseFromString(out)) return Fail("the response does not parse");
  std::string text;
  if (absl::GetFlag(FLAGS_json)) {
    google::protobuf::util::JsonPrintOptions options;
    options.add_whitespace = true;
    if (!google::protobuf::util::MessageToJsonString(*response, &text, options).ok()) {
      return Fail("cannot print JSON");
    }
  } else {
    google::protobuf::TextFormat::PrintToString(*response, &text);
  }
  std::fwrite(text.data(), 1, text.size(), stdout);
  return 0;
}
