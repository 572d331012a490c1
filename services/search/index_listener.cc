// Applies catalog changes to the in-memory index.
#include "services/search/index_listener.h"

#include "common/log/log.h"

namespace microreach::search {

void IndexListener::ApplyBatch(absl::Span<const CatalogChange> changes) {
  for (const CatalogChange& change : changes) {
    if (change.deleted) {
      index_.Remove(change.creator_id);
    } else if (absl::Status s = index_.Upsert(change.profile()); !s.ok()) {
      // The store accepted it, so this is a bug in the index; keep serving.
      log::Error("index rejected a stored profile",
                 {{"creator_id", change.creator_id}, {"error", std::string(s.message())}});
    }
  }
}

}  // namespace microreach::search
