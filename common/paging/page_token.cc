// Page token layout (before base64url): version(1) fingerprint(8) offset(8)
// expiry-unix-seconds(8) mac(8), little-endian.
#include "common/paging/page_token.h"

#include <cstring>
#include <memory>

#include "absl/strings/escaping.h"
#include "common/status/status.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"

namespace microreach::paging {
namespace {

constexpr uint8_t kVersion = 1;
constexpr size_t kBodySize = 1 + 8 + 8 + 8;
constexpr size_t kTokenSize = kBodySize + 8;

// FNV-1a 64: stable across processes, unlike absl::Hash.
uint64_t Fnv1a(absl::string_view bytes, uint64_t h = 0xcbf29ce484222325ULL) {
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

void Put64(uint64_t v, char* out) {
  for (int i = 0; i < 8; ++i) out[i] = static_cast<char>((v >> (8 * i)) & 0xff);
}

uint64_t Get64(const char* in) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i)
    v |= static_cast<uint64_t>(static_cast<unsigned char>(in[i])) << (8 * i);
  return v;
}

absl::Status BadToken(absl::string_view why) {
  return status::InvalidField("page_token", std::string(why));
}

}  // namespace

uint64_t QueryFingerprint(absl::string_view workspace, const google::protobuf::Message& request) {
  std::unique_ptr<google::protobuf::Message> copy(request.New());
  copy->CopyFrom(request);
  const auto* descriptor = copy->GetDescriptor();
  const auto* reflection = copy->GetReflection();
  for (const char* name : {"page_token", "page_size"}) {
    if (const auto* field = descriptor->FindFieldByName(name))
      reflection->ClearField(copy.get(), field);
  }
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    copy->SerializeToCodedStream(&coded);
  }
  uint64_t h = Fnv1a(descriptor->full_name());
  h = Fnv1a(absl::string_view("\0", 1), h);
  h = Fnv1a(workspace, h);
  h = Fnv1a(absl::string_view("\0", 1), h);
  return Fnv1a(bytes, h);
}

uint64_t PageTokenCodec::Mac(absl::string_view bytes) const { return Fnv1a(bytes, Fnv1a(secret_)); }

std::string PageTokenCodec::Encode(uint64_t fingerprint, int64_t offset, absl::Time now) const {
  char raw[kTokenSize];
  raw[0] = static_cast<char>(kVersion);
  Put64(fingerprint, raw + 1);
  Put64(static_cast<uint64_t>(offset), raw + 9);
  Put64(static_cast<uint64_t>(absl::ToUnixSeconds(now + lifetime_)), raw + 17);
  Put64(Mac(absl::string_view(raw, kBodySize)), raw + kBodySize);
  return absl::WebSafeBase64Escape(absl::string_view(raw, kTokenSize));
}

absl::StatusOr<int64_t> PageTokenCodec::Decode(absl::string_view token, uint64_t fingerprint,
                                               absl::Time now) const {
  if (token.empty()) return 0;
  std::string raw;
  if (token.size() > 128 || !absl::WebSafeBase64Unescape(token, &raw) || raw.size() != kTokenSize ||
      static_cast<uint8_t>(raw[0]) != kVersion) {
    return BadToken("is not a token this service issued; send the next_page_token you received");
  }
  if (Get64(raw.data() + kBodySize) != Mac(absl::string_view(raw.data(), kBodySize))) {
    return BadToken("has been altered; send the next_page_token you received unchanged");
  }
  if (Get64(raw.data() + 1) != fingerprint) {
    return BadToken(
        "belongs to a different query or workspace; every field except page_size must match "
        "the request that returned it");
  }
  const int64_t expires = static_cast<int64_t>(Get64(raw.data() + 17));
  if (absl::FromUnixSeconds(expires) < now) {
    return BadToken("has expired; start again from the first page");
  }
  const int64_t offset = static_cast<int64_t>(Get64(raw.data() + 9));
  if (offset < 0) return BadToken("is not a token this service issued");
  return offset;
}

}  // namespace microreach::paging
