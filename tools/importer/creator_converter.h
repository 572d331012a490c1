// Turns one CSV row into a v1.Creator, or into the reasons it cannot be one:
// a row converts completely or not at all.
#ifndef MICROREACH_TOOLS_IMPORTER_CREATOR_CONVERTER_H_
#define MICROREACH_TOOLS_IMPORTER_CREATOR_CONVERTER_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "microreach/common/v1/creator.pb.h"
#include "tools/importer/column_mapping.h"

namespace microreach::importer {

// How bad a finding is. kError rejects the row; kWarning leaves one field
// empty and keeps the row; kDuplicate marks a row another row superseded.
enum class Severity { kError, kWarning, kDuplicate };
absl::string_view SeverityName(Severity severity);

// One finding about a row. `field` is the source column header (normalised)
// for cell problems, or the Creator field path ("creator_id") for problems
// of the converted record.
struct FieldIssue {
  Severity severity = Severity::kError;
  std::string field;
  std::string reason;
};

struct ConvertOptions {
  // Platform of rows without a platform column.
  common::v1::Platform platform = common::v1::PLATFORM_UNSPECIFIED;
  // Handles must not contain spaces (the catalog rejects them). Some exports
  // put a YouTube channel title in the handle column; with this set, spaces
  // are removed and the row gets a warning instead of being rejected.
  bool strip_handle_spaces = false;
};

// The outcome of one row: a creator when no issue is an error.
struct ConvertedRow {
  std::optional<common::v1::Creator> creator;
  // Followers were in the row (not just zero by default), so growth can use them.
  bool has_followers = false;
  std::vector<FieldIssue> issues;
};

// Converts the rows of one file. Convert() is const and keeps no state, so
// one converter may serve several threads.
//
// Example:
//   RowConverter converter(header, *resolved, {.platform = PLATFORM_TIKTOK});
//   ConvertedRow row = converter.Convert(record.fields);
class RowConverter {
 public:
  RowConverter(std::vector<std::string> header, ResolvedColumns columns, ConvertOptions options);

  ConvertedRow Convert(const std::vector<std::string>& fields) const;

 private:
  std::vector<std::string> header_;  // normalised, to name columns in issues
  ResolvedColumns columns_;
  ConvertOptions options_;
};

// The creator id the importer assigns: "<platform>:<handle in lower case>"
// when that is a valid id ([A-Za-z0-9._:-], at most 128 characters). Handles
// with other characters (spaces, emoji, non-Latin scripts) get
// "<platform>:<ascii slug>-<16 hex digits of FNV-1a 64 of the lower-cased
// handle>", stable across runs and machines and still readable.
std::string CreatorIdFor(common::v1::Platform platform, absl::string_view handle);

// Engagement rate as a fraction per docs/metrics.md conventions: by views on
// TikTok and YouTube ((likes + comments + shares) / views), by followers
// elsewhere ((likes + comments) / followers). Falls back to average
// engagements when likes are not given. nullopt when the inputs do not allow
// it (no likes, zero denominator).
std::optional<double> EngagementRate(const common::v1::Creator& creator,
                                     std::optional<double> avg_engagements);

// The catalog's upsert rules (services/search ValidateCreator) that an
// import can break, checked before anything is sent so a rejected row is
// reported with its source row. Field paths as in UpsertCreatorError.
std::vector<FieldIssue> ValidateForUpsert(const common::v1::Creator& creator);

// True when `text` is well-formed UTF-8 (protobuf string fields require it).
bool IsValidUtf8(absl::string_view text);

}  // namespace microreach::importer

#endif  // MICROREACH_TOOLS_IMPORTER_CREATOR_CONVERTER_H_
