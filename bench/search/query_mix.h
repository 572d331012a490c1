// The buyer's query mix of search_bench: what brand and agency buyers run
// against the catalog, each expressed once as an index SearchQuery (the SQL
// side is derived from it by sql_translator).
#ifndef MICROREACH_BENCH_SEARCH_QUERY_MIX_H_
#define MICROREACH_BENCH_SEARCH_QUERY_MIX_H_

#include <string>
#include <vector>

#include "absl/time/time.h"
#include "services/search/index/search_query.h"

namespace microreach::bench {

struct MixQuery {
  // Short stable name, for example "selective_de_fitness".
  std::string name;
  // One of: selective, medium, broad_facets, keyword, filters40, deep_page.
  std::string type;
  // What a buyer means by it, for the README.
  std::string description;
  search::SearchQuery query;
};

// The mix; `now` is the queries' clock (the catalog's reference time, so
// "posted within N days" and ages are deterministic).
std::vector<MixQuery> BuyerMix(absl::Time now);

// Number of filter conditions a query sets (each include list, exclude list,
// range, flag, keyword list and id list counts once).
int CountFilters(const search::SearchQuery& query);

}  // namespace microreach::bench

#endif  // MICROREACH_BENCH_SEARCH_QUERY_MIX_H_
