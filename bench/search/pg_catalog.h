// The PostgreSQL side of search_bench: the creators table as an expert would
// model it for the buyer's query mix (scalar columns, arrays with GIN,
// btree_gin, audience shares as jsonb, B-trees on sort keys, extended
// statistics), and the COPY rows that load the same catalog the index holds.
//
// The rows carry exactly what the index filters, sorts and facets on, derived
// with the index's own normalisation (services/search/index/text.h) and
// audience quantisation (scoring.h: top-k shares at 0.5-point resolution),
// so both systems answer over identical data.
#ifndef MICROREACH_BENCH_SEARCH_PG_CATALOG_H_
#define MICROREACH_BENCH_SEARCH_PG_CATALOG_H_

#include <string>
#include <vector>

#include "microreach/common/v1/creator.pb.h"
#include "services/search/index/creator_index.h"

namespace microreach::bench {

inline constexpr char kCreatorsTable[] = "creators";

// CREATE EXTENSION btree_gin and CREATE TABLE creators (no indexes: they are
// built after the load, which is several times faster).
std::vector<std::string> SchemaSql();
// The column list of COPY, in AppendCopyRow's order.
std::string CopyColumns();
// One COPY text-format line (with the trailing newline) for `c`. Tiers come
// from index.TierOf so they use the index's tier bounds.
void AppendCopyRow(const common::v1::Creator& c, const search::CreatorIndex& index,
                   std::string* out);
// Primary key, GIN (btree_gin) and B-tree indexes, extended statistics and
// ANALYZE, in order. Each statement is independent (run one by one, timed).
std::vector<std::string> IndexSql();

}  // namespace microreach::bench

#endif  // MICROREACH_BENCH_SEARCH_PG_CATALOG_H_
