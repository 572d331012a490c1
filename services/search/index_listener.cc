// Applies catalog changes to the in-memory index, a batch at a time.
#include "services/search/index_listener.h"

#include <vector>

#include "common/log/log.h"

namespace microreach::search {

void IndexListener::ApplyBatch(absl::Span<const CatalogChange> changes) {
  std::vector<CreatorIndex::Write> writes;
  writes.reserve(changes.size());
  for (const CatalogChange& change : changes) {
    writes.push_back(change.deleted ? CreatorIndex::Write::Remove(change.creator_id)
                                    : CreatorIndex::Write::Upsert(change.profile()));
  }
  std::vector<size_t> rejected;
  index_.ApplyBatch(writes, &rejected);
  for (size_t i : rejected) {
    // The store accepted it, so this is a bug in the index; keep serving.
    log::Error(
        "index rejected a stored profile",
        {{"creator_id", changes[i].creator_id}, {"error", "creator_id must have 1 to 255 bytes"}});
  }
}

}  // namespace microreach::search
