// Tests that errors keep their code and field violations across the boundary.
#include "common/status/status.h"

#include "gmock/gmock.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "gtest/gtest.h"

namespace microreach::status {
namespace {

TEST(FieldViolationsTest, EmptyIsOk) { EXPECT_TRUE(FieldViolations().ToStatus().ok()); }

TEST(FieldViolationsTest, ListsEveryFieldInMessageAndPayload) {
  FieldViolations v;
  v.Add("page_size", "must be between 0 and 1000, got -1");
  FieldViolations inner;
  inner.Add("min", "must not exceed max");
  v.Merge("filter.followers", inner);
  absl::Status s = v.ToStatus();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(),
            "page_size: must be between 0 and 1000, got -1; filter.followers.min: must not exceed "
            "max");
  auto got = ViolationsOf(s);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[1].field, "filter.followers.min");
}

TEST(ToGrpcTest, CodesMapOneToOne) {
  EXPECT_EQ(ToGrpc(absl::NotFoundError("x")).error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(ToGrpc(absl::FailedPreconditionError("x")).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(ToGrpc(absl::UnauthenticatedError("x")).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_TRUE(ToGrpc(absl::OkStatus()).ok());
  EXPECT_TRUE(ToGrpc(absl::NotFoundError("x")).error_details().empty());
}

TEST(ToGrpcTest, BadRequestTravelsInStatusDetails) {
  grpc::Status g = ToGrpc(InvalidField("creators[3].handle", "must not be empty"));
  EXPECT_EQ(g.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(g.error_message(), "creators[3].handle: must not be empty");
  google::rpc::Status rich;
  ASSERT_TRUE(rich.ParseFromString(g.error_details()));
  EXPECT_EQ(rich.code(), 3);
  ASSERT_EQ(rich.details_size(), 1);
  google::rpc::BadRequest bad_request;
  ASSERT_TRUE(rich.details(0).UnpackTo(&bad_request));
  ASSERT_EQ(bad_request.field_violations_size(), 1);
  EXPECT_EQ(bad_request.field_violations(0).field(), "creators[3].handle");

  absl::Status back = FromGrpc(g);
  EXPECT_EQ(back.code(), absl::StatusCode::kInvalidArgument);
  ASSERT_EQ(ViolationsOf(back).size(), 1u);
  EXPECT_EQ(ViolationsOf(back)[0].description, "must not be empty");
}

TEST(ToGrpcTest, PreconditionFailureTravelsInStatusDetails) {
  grpc::Status g = ToGrpc(PreconditionFailed("BUDGET", "c1", "the fee exceeds the budget left"));
  EXPECT_EQ(g.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(g.error_message(), "the fee exceeds the budget left");
  google::rpc::Status rich;
  ASSERT_TRUE(rich.ParseFromString(g.error_details()));
  ASSERT_EQ(rich.details_size(), 1);
  google::rpc::PreconditionFailure failure;
  ASSERT_TRUE(rich.details(0).UnpackTo(&failure));
  ASSERT_EQ(failure.violations_size(), 1);
  EXPECT_EQ(failure.violations(0).type(), "BUDGET");
  EXPECT_EQ(failure.violations(0).subject(), "c1");

  absl::Status back = FromGrpc(g);
  EXPECT_EQ(back.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(ViolationsOf(back).empty());
  ASSERT_EQ(PreconditionViolationsOf(back).size(), 1u);
  EXPECT_EQ(PreconditionViolationsOf(back)[0].type, "BUDGET");
  EXPECT_EQ(PreconditionViolationsOf(back)[0].description, "the fee exceeds the budget left");
}

}  // namespace
}  // namespace microreach::status
