// Tests that page tokens round-trip and refuse other queries, tampering and age.
#include "common/paging/page_token.h"

#include "gmock/gmock.h"
#include "google/protobuf/field_mask.pb.h"
#include "gtest/gtest.h"
#include "microreach/search/v1/search_service.pb.h"

namespace microreach::paging {
namespace {

using ::testing::HasSubstr;

const absl::Time kNow = absl::FromUnixSeconds(1'800'000'000);

microreach::search::v1::SearchCreatorsRequest Query(const std::string& text) {
  microreach::search::v1::SearchCreatorsRequest r;
  r.set_query(text);
  r.set_page_size(10);
  return r;
}

TEST(PageTokenTest, RoundTripsAndIgnoresPagingFields) {
  PageTokenCodec codec("secret", absl::Hours(24));
  auto request = Query("running shoes");
  const uint64_t fp = QueryFingerprint("acme", request);
  std::string token = codec.Encode(fp, 40, kNow);
  request.set_page_token(token);
  request.set_page_size(25);  // page size may change between pages
  EXPECT_EQ(QueryFingerprint("acme", request), fp);
  auto offset = codec.Decode(token, QueryFingerprint("acme", request), kNow + absl::Hours(1));
  ASSERT_TRUE(offset.ok()) << offset.status();
  EXPECT_EQ(*offset, 40);
  EXPECT_EQ(*codec.Decode("", fp, kNow), 0);
}

TEST(PageTokenTest, RefusesOtherQueryOtherWorkspaceTamperingAndExpiry) {
  PageTokenCodec codec("secret", absl::Hours(24));
  const uint64_t fp = QueryFingerprint("acme", Query("a"));
  std::string token = codec.Encode(fp, 40, kNow);
  EXPECT_THAT(codec.Decode(token, QueryFingerprint("acme", Query("b")), kNow).status().message(),
              HasSubstr("different query or workspace"));
  EXPECT_FALSE(codec.Decode(token, QueryFingerprint("zeta", Query("a")), kNow).ok());
  EXPECT_THAT(codec.Decode(token, fp, kNow + absl::Hours(25)).status().message(),
              HasSubstr("expired"));
  PageTokenCodec other("other-secret", absl::Hours(24));
  EXPECT_THAT(other.Decode(token, fp, kNow).status().message(), HasSubstr("altered"));
  std::string edited = token;
  edited[5] = edited[5] == 'A' ? 'B' : 'A';
  EXPECT_EQ(codec.Decode(edited, fp, kNow).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_FALSE(codec.Decode("not a token!", fp, kNow).ok());
}

}  // namespace
}  // namespace microreach::paging
