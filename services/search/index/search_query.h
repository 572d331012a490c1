// What a search of the creator index asks for and returns (SearchQuery,
// SearchPage, SimilarQuery, SimilarPage), the query's validation with field
// paths, and the exact merge of results from several index partitions.
#ifndef MICROREACH_SERVICES_SEARCH_INDEX_SEARCH_QUERY_H_
#define MICROREACH_SERVICES_SEARCH_INDEX_SEARCH_QUERY_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "microreach/common/v1/creator.pb.h"
#include "microreach/common/v1/types.pb.h"
#include "microreach/search/v1/search_service.pb.h"
#include "services/search/index/scoring.h"

namespace microreach::search {

// Collection statistics that keyword relevance (BM25) depends on. A single
// index computes them itself; a partitioned catalog sums them over the
// partitions (CreatorIndex::CollectCorpusStats + MergeCorpusStats) and passes
// the sum with the query, so every partition scores with the global figures
// and merged pages equal a single index's.
struct CorpusStats {
  int64_t docs = 0;
  // Sum over live docs of the distinct terms per field (bio, caption,
  // hashtag, name), for the average field length.
  std::array<int64_t, 4> field_terms = {0, 0, 0, 0};
  // Live docs holding (field, term).
  std::map<std::pair<int, std::string>, int64_t> doc_freq;
};
CorpusStats MergeCorpusStats(absl::Span<const CorpusStats> parts);

// A lookalike seed's vectors and person, so a partition that does not hold
// the seed can still evaluate lookalikes of it (CreatorIndex::SeedOf on the
// partition that does).
struct SeedVectors {
  SimVectors vectors;
  // Stable hash of the seed's person_id (0 = none); profiles of the same
  // person are never lookalikes of the seed.
  uint64_t person_key = 0;
};

// One search. Build it from SearchCreatorsRequest (the service turns the page
// token into `offset` and resolves workspace filters into
// `exclude_creator_ids`).
//
// Example:
//   SearchQuery q;
//   q.filter.mutable_creator()->mutable_platforms()->add_include(
//       common::v1::PLATFORM_INSTAGRAM);
//   q.sort_field = v1::SORT_FIELD_ENGAGEMENT_RATE;
//   q.limit = 50;
//   q.facets = {v1::FACET_FIELD_TIER};
//   absl::StatusOr<SearchPage> page = index.Search(q);
struct SearchQuery {
  common::v1::CreatorFilter filter;
  // Free text, matched word by word (every word must occur) against handle,
  // display name, bio, caption keywords and hashtags; at most 256 characters.
  std::string text;
  v1::SortField sort_field = v1::SORT_FIELD_UNSPECIFIED;
  v1::SortDirection sort_direction = v1::SORT_DIRECTION_UNSPECIFIED;
  // Needed by SORT_FIELD_AUDIENCE_MATCH and SORT_FIELD_FIT_SCORE; when set,
  // every hit carries its audience match and fit score.
  std::optional<common::v1::CampaignBrief> target;
  // Hits skipped before the page (from the page token), and the page size.
  int64_t offset = 0;
  int32_t limit = 50;
  // Facets counted over the whole match set; at most 10.
  std::vector<v1::FacetField> facets;
  // Profiles never returned nor counted (blocklist, campaign members...);
  // filter.workspace.exclude_creator_ids is applied as well.
  std::vector<std::string> exclude_creator_ids;
  // The clock for "posted within N days" and ages; InfinitePast = absl::Now().
  absl::Time now = absl::InfinitePast();
  // Global BM25 statistics for partitioned search; null = this index's own.
  std::shared_ptr<const CorpusStats> corpus_stats;
  // Seeds of the lookalike filters that this index may not hold, by id.
  std::map<std::string, SeedVectors> seeds;
};

// One hit of a page.
struct SearchHit {
  std::string creator_id;
  // The value sorted on; unset when unknown (unknown sorts last).
  std::optional<double> sort_value;
  // Keyword relevance, with a query or keyword filters.
  std::optional<double> relevance;
  // Audience match and fit score (0..100), with a target.
  std::optional<double> audience_match;
  std::optional<double> fit_score;
};

// Counts of one facet over the whole match set: every value (most frequent
// first, ties by value), and the matches without any value. Partitions return
// complete counts so merging is exact; TopFacetValues cuts to facet_size.
struct FacetCounts {
  v1::FacetField field = v1::FACET_FIELD_UNSPECIFIED;
  std::vector<std::pair<std::string, int64_t>> values;
  int64_t missing = 0;
};

struct SearchPage {
  // Exact number of matches (all pages).
  int64_t total_size = 0;
  std::vector<SearchHit> hits;
  // In request order.
  std::vector<FacetCounts> facets;
};

// The response form of a facet: the `facet_size` most frequent values and,
// in other_count, the matches without a value plus the occurrences of the
// values cut off (for multi-valued facets an occurrence is a (profile, value)
// pair; docs/search-index.md).
v1::FacetResult TopFacetValues(const FacetCounts& counts, int facet_size);

// INVALID_ARGUMENT naming every bad field by its request path, for example
// "filter.performance.engagement_rate.min"; OK otherwise. Lookalike seeds are
// checked by the search itself (NOT_FOUND).
absl::Status ValidateSearchQuery(const SearchQuery& query, absl::string_view reference_currency);

// The sort the query resolves to: keyword relevance with text or keyword
// filters, else followers, when unspecified.
v1::SortField EffectiveSortField(const SearchQuery& query);
bool SortsAscending(const SearchQuery& query);

// The query each of N partitions runs so their pages merge exactly: from the
// first hit, offset + limit hits.
SearchQuery PartitionQuery(const SearchQuery& query);
// Merges the pages partitions returned for PartitionQuery(query) into the
// page one index over all their creators would return for `query`.
SearchPage MergePages(absl::Span<const SearchPage> pages, const SearchQuery& query);

// Lookalikes of a seed profile (SimilarCreators and the lookalike filters).
struct SimilarQuery {
  std::string seed_creator_id;
  v1::SimilarityMode mode = v1::SIMILARITY_MODE_UNSPECIFIED;
  common::v1::CreatorFilter filter;
  // Cosine similarity in [0, 1]; 0 = no minimum.
  double min_similarity = 0;
  int64_t offset = 0;
  int32_t limit = 20;
  std::vector<std::string> exclude_creator_ids;
  absl::Time now = absl::InfinitePast();
  // Seeds this index may not hold (the SimilarQuery seed and filter seeds).
  std::map<std::string, SeedVectors> seeds;
};

struct SimilarHit {
  std::string creator_id;
  double similarity = 0;
};

struct SimilarPage {
  int64_t total_size = 0;
  std::vector<SimilarHit> hits;
};

absl::Status ValidateSimilarQuery(const SimilarQuery& query, absl::string_view reference_currency);
SimilarQuery PartitionQuery(const SimilarQuery& query);
// Similar pages merge only if every partition was given the seed's vectors:
// partitions that do not hold the seed use CreatorIndex::SimilarToVectors.
SimilarPage MergeSimilarPages(absl::Span<const SimilarPage> pages, const SimilarQuery& query);

}  // namespace microreach::search

#endif  // MICROREACH_SERVICES_SEARCH_INDEX_SEARCH_QUERY_H_
