// Translates an index SearchQuery into the SQL PostgreSQL runs over the
// creators table of pg_catalog.h, with the index's exact semantics for every
// filter it supports: AND across filters, OR inside one, excludes, unknown
// values never matching ranges (NULL), float columns compared as float4 (the
// index's precision), audience shares as the index's quantised top-k, and
// ties broken by creator_id ascending (COLLATE "C", bytewise).
#ifndef MICROREACH_BENCH_SEARCH_SQL_TRANSLATOR_H_
#define MICROREACH_BENCH_SEARCH_SQL_TRANSLATOR_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "microreach/search/v1/search_service.pb.h"
#include "services/search/index/search_query.h"

namespace microreach::bench {

// The statements of one search, for PQprepare. All share the WHERE clause and
// its parameters $1..$n (`params`, text format with explicit casts in the
// SQL); page_sql adds $n+1 = LIMIT and $n+2 = OFFSET (`page_params`).
struct SqlSearch {
  std::vector<std::string> params;
  std::vector<std::string> page_params;  // params + limit + offset
  // SELECT creator_id ... ORDER BY <key> <dir> NULLS LAST, creator_id LIMIT OFFSET.
  std::string page_sql;
  // SELECT count(*) ...; used when there are no facets.
  std::string count_sql;
  // With facets: rows (facet index, value or NULL = no value, count) over a
  // materialised match set, plus one row (-1, NULL, total). Empty otherwise.
  std::string facet_sql;
  std::vector<search::v1::FacetField> facets;
};

// UNIMPLEMENTED for what the bench does not translate: lookalike filters,
// also_on_platforms, workspace flags other than exclude_creator_ids, and the
// relevance, audience-match and fit-score sorts.
absl::StatusOr<SqlSearch> TranslateSearch(const search::SearchQuery& query);

// Facet value names as the index reports them, from the SQL text value
// (enum numbers become names such as "TIER_MICRO").
std::string FacetValueName(search::v1::FacetField field, const std::string& sql_value);

}  // namespace microreach::bench

#endif  // MICROREACH_BENCH_SEARCH_SQL_TRANSLATOR_H_
