// The import pipeline: CSV or JSONL files in, de-duplicated v1.Creator
// records with follower growth out, and a report of every row not imported.
#ifndef MICROREACH_TOOLS_IMPORTER_IMPORTER_H_
#define MICROREACH_TOOLS_IMPORTER_IMPORTER_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "microreach/common/v1/creator.pb.h"
#include "tools/importer/column_mapping.h"
#include "tools/importer/creator_converter.h"

namespace microreach::importer {

struct ImporterOptions {
  // Preset name, or "auto" to detect one from each CSV header. Ignored when
  // `mapping` is set.
  std::string preset = "auto";
  // A mapping file's contents, used for every CSV input.
  std::optional<ColumnMapping> mapping;
  // Platform for inputs whose mapping and rows do not say, and row options.
  ConvertOptions convert;
  // JSONL: skip fields Creator does not have instead of rejecting the line.
  bool ignore_unknown_json_fields = false;
  // Called after every input row with the number of rows read so far; the
  // caller throttles (progress display).
  std::function<void(int64_t rows)> on_row;
};

// A finding tied to its source: `row` is the CSV line where the record
// starts, or the JSONL line (1-based).
struct RowIssue {
  std::string file;
  int64_t row = 0;
  Severity severity = Severity::kError;
  std::string field;
  std::string reason;
};

// Counts of one input file. Every record read ends in exactly one of
// imported, duplicates and rejected: read == imported + duplicates + rejected.
struct FileSummary {
  std::string file;
  std::string preset;  // "jsonl" for JSONL inputs
  int64_t read = 0;
  int64_t imported = 0;
  int64_t duplicates = 0;
  int64_t rejected = 0;
  int64_t warnings = 0;
};

// Growth from an older snapshot (--previous).
struct GrowthSummary {
  int64_t previous_accounts = 0;  // distinct accounts with followers in it
  int64_t matched = 0;            // imported records that got a growth value
  int64_t unmatched = 0;          // imported records with no previous count
};

struct ImportedCreator {
  common::v1::Creator creator;
  std::string file;
  int64_t row = 0;
};

struct ImportResult {
  // One record per creator_id, in the order each id was first seen.
  std::vector<ImportedCreator> creators;
  // Errors, warnings and superseded duplicates, by file then row.
  std::vector<RowIssue> issues;
  std::vector<FileSummary> files;
  GrowthSummary growth;

  // The sums over all files (file = "total").
  FileSummary Totals() const;
};

// Runs an import. Add every current input, then any older snapshot, then
// Finish once.
//
// Duplicates: records with the same creator_id (for CSV rows
// "<platform>:<lower-case handle>", so (platform, handle) ignoring case) are
// merged within a run, across files too: the record with more fields set
// wins, and on a tie the later one, as an upsert of both would leave it.
// The loser is reported with severity "duplicate".
//
// Example:
//   Importer importer(options);
//   if (auto s = importer.AddCsv("dec.csv", dec); !s.ok()) ...
//   if (auto s = importer.AddPreviousCsv("sep.csv", sep); !s.ok()) ...
//   ImportResult result = std::move(importer).Finish();
class Importer {
 public:
  explicit Importer(ImporterOptions options);

  // Imports a CSV file. Row problems become issues; a file problem (no
  // preset fits the header, a mapped column is missing, an unterminated
  // quote) is returned, after importing the rows before it.
  absl::Status AddCsv(absl::string_view file, absl::string_view content);
  // Imports JSONL: one Creator in protobuf JSON per line; blank lines skipped.
  // A line without platform gets the default one, without creator_id the
  // derived one (see CreatorIdFor).
  absl::Status AddJsonl(absl::string_view file, absl::string_view content);
  // Varint-length-delimited serialized Creators (microreach-catalog-gen's
  // binary output and this tool's --output_format=delimited).
  absl::Status AddDelimited(absl::string_view file, absl::string_view content);

  // An older snapshot of the same accounts, read only for its follower
  // counts: imported records with a match by creator_id get
  // stats.follower_growth_90d = (now - before) / before. The 2022 exports are
  // three months apart, hence the 90-day field. Its rows are not imported
  // and its problems not reported beyond the returned status.
  absl::Status AddPreviousCsv(absl::string_view file, absl::string_view content);
  absl::Status AddPreviousJsonl(absl::string_view file, absl::string_view content);

  ImportResult Finish() &&;

 private:
  struct Entry {
    common::v1::Creator creator;
    int file_index = 0;
    int64_t row = 0;
    bool has_followers = false;
    int completeness = 0;
  };

  // Converted rows of one input, for current and previous inputs alike.
  using RowSink = std::function<void(int64_t row, ConvertedRow converted)>;
  absl::Status ReadCsv(absl::string_view file, absl::string_view content, std::string* preset,
                       const RowSink& sink);
  absl::Status ReadJsonl(absl::string_view content, const RowSink& sink);
  absl::Status ReadDelimited(absl::string_view file, absl::string_view content,
                             const RowSink& sink);
  // Fills defaults of a parsed profile and checks it against the catalog's rules.
  ConvertedRow FromProfile(common::v1::Creator creator) const;
  void Accept(int file_index, int64_t row, ConvertedRow converted);
  void CountRow();

  ImporterOptions options_;
  std::vector<FileSummary> files_;
  std::vector<Entry> entries_;
  absl::flat_hash_map<std::string, size_t> by_id_;
  absl::flat_hash_map<std::string, int64_t> previous_followers_;
  std::vector<RowIssue> issues_;
  int64_t rows_seen_ = 0;
};

// Writes issues as CSV with the header `file,row,field,reason,severity`.
std::string FormatIssueReport(const std::vector<RowIssue>& issues);

}  // namespace microreach::importer

#endif  // MICROREACH_TOOLS_IMPORTER_IMPORTER_H_
