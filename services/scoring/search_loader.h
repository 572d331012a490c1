// SearchCreatorLoader: the cache-miss path to search.BatchGetCreators, with
// the caller's deadline and bearer token carried over.
#ifndef MICROREACH_SERVICES_SCORING_SEARCH_LOADER_H_
#define MICROREACH_SERVICES_SCORING_SEARCH_LOADER_H_

#include <memory>
#include <string>
#include <vector>

#include "microreach/search/v1/search_service.grpc.pb.h"
#include "services/scoring/profile_source.h"

namespace microreach::scoring {

// Splits the ids into BatchGetCreators calls of at most `batch` ids (search
// accepts 1,000), one after another under the same deadline. Any failed call
// fails the whole load as UNAVAILABLE (DEADLINE_EXCEEDED stays itself), with
// search's message.
class SearchCreatorLoader final : public CreatorLoader {
 public:
  explicit SearchCreatorLoader(std::unique_ptr<search::v1::SearchService::StubInterface> stub,
                               int batch = 1000)
      : stub_(std::move(stub)), batch_(batch) {}

  absl::StatusOr<std::vector<common::v1::Creator>> BatchGet(absl::Span<const std::string> ids,
                                                            const CallContext& call) override;

 private:
  std::unique_ptr<search::v1::SearchService::StubInterface> stub_;
  const int batch_;
};

}  // namespace microreach::scoring

#endif  // MICROREACH_SERVICES_SCORING_SEARCH_LOADER_H_
