// The catalog listener that keeps the in-memory CreatorIndex in step with the
// store: every change the catalog applies, in version order.
#ifndef MICROREACH_SERVICES_SEARCH_INDEX_LISTENER_H_
#define MICROREACH_SERVICES_SEARCH_INDEX_LISTENER_H_

#include "absl/types/span.h"
#include "services/search/catalog.h"
#include "services/search/index/creator_index.h"

namespace microreach::search {

// Thread-compatible: the catalog calls it under its apply lock.
class IndexListener final : public CatalogListener {
 public:
  explicit IndexListener(CreatorIndex& index) : index_(index) {}
  void ApplyBatch(absl::Span<const CatalogChange> changes) override;

 private:
  CreatorIndex& index_;
};

}  // namespace microreach::search

#endif  // MICROREACH_SERVICES_SEARCH_INDEX_LISTENER_H_
