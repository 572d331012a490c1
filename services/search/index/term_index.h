// CreatorIndex::TermIndex: a vocabulary with a posting per value. Private to
// the index; shared by creator_index.cc and snapshot.cc.
#ifndef MICROREACH_SERVICES_SEARCH_INDEX_TERM_INDEX_H_
#define MICROREACH_SERVICES_SEARCH_INDEX_TERM_INDEX_H_

#include <algorithm>
#include <deque>
#include <vector>

#include "absl/strings/string_view.h"
#include "services/search/index/creator_index.h"
#include "services/search/index/posting.h"

namespace microreach::search {

class CreatorIndex::TermIndex {
 public:
  explicit TermIndex(bool keep_names) : vocab(keep_names), postings(1) {}
  uint32_t Intern(absl::string_view s) {
    const uint32_t id = vocab.Intern(s);
    if (id >= postings.size()) postings.resize(std::max<size_t>(id + 1, postings.size() * 5 / 4));
    return id;
  }
  const Posting* Find(absl::string_view s, std::deque<Posting>* /*scratch*/) const {
    const uint32_t id = vocab.Find(s);
    return id == 0 ? nullptr : &postings[id];
  }
  size_t MemoryBytes() const {
    size_t b = vocab.MemoryBytes() + postings.capacity() * sizeof(Posting);
    for (const Posting& p : postings) b += p.MemoryBytes();
    return b;
  }
  Vocabulary vocab;
  std::vector<Posting> postings;
};

}  // namespace microreach::search

#endif  // MICROREACH_SERVICES_SEARCH_INDEX_TERM_INDEX_H_
