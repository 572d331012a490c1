// Which CSV column feeds which Creator field: a mapping file format, the
// built-in presets for the 2022 exports, and their detection from a header.
#ifndef MICROREACH_TOOLS_IMPORTER_COLUMN_MAPPING_H_
#define MICROREACH_TOOLS_IMPORTER_COLUMN_MAPPING_H_

#include <array>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "microreach/common/v1/types.pb.h"

namespace microreach::importer {

// Fields a column can feed. Names in mapping files are the snake_case names
// listed in TargetName(); see README.md for what each one means.
enum class Target {
  kCreatorId,
  kHandle,
  kDisplayName,
  kPlatform,
  kPlatformAccountId,
  kProfileUrl,
  kAvatarUrl,
  kCountry,
  kCity,
  kCategory,
  kFollowers,
  kFollowing,
  kContentCount,
  kAvgViews,
  kAvgLikes,
  kAvgComments,
  kAvgShares,
  kAvgSaves,
  // Average interactions (likes + comments) per post, as some exports give
  // instead of the parts; only used to compute the engagement rate.
  kAvgEngagements,
  kEngagementRate,
  kFollowerGrowth30d,
  kFollowerGrowth90d,
};
inline constexpr int kTargetCount = static_cast<int>(Target::kFollowerGrowth90d) + 1;

absl::string_view TargetName(Target target);
// Inverse of TargetName; false for an unknown name.
bool ParseTarget(absl::string_view name, Target* target);

// Parses "instagram", "YouTube" or "PLATFORM_TIKTOK"; PLATFORM_UNSPECIFIED
// when unknown.
common::v1::Platform ParsePlatform(absl::string_view name);
// "instagram" for PLATFORM_INSTAGRAM: the prefix of creator ids.
std::string PlatformSlug(common::v1::Platform platform);

// Header cells compared the way people read them: trimmed, runs of
// whitespace (line breaks included) collapsed to one space, ASCII lower
// case. "Engagement average\r\n" and "engagement  AVERAGE" are equal.
std::string NormalizeHeader(absl::string_view header);

// A column mapping: an ordered list of (target, source header). A target may
// appear several times: every listed column feeds `category`; other targets
// take the first usable of their columns.
//
// Mapping file format (UTF-8 text, one entry per line):
//   # comment
//   @name = my-export          (optional: name shown in reports)
//   @platform = youtube        (optional: platform of every row)
//   handle = Youtube channel
//   category = Category
//   category = Category-2
// Source headers are matched after NormalizeHeader, so a header cell with a
// line break is written on one line.
struct ColumnMapping {
  std::string name;
  common::v1::Platform platform = common::v1::PLATFORM_UNSPECIFIED;
  std::vector<std::pair<Target, std::string>> sources;

  // Parses the mapping file format; errors name the line.
  static absl::StatusOr<ColumnMapping> Parse(absl::string_view text);
  // Writes the mapping file format; Parse(ToString()) gives back the mapping.
  std::string ToString() const;
};

// The built-in presets for the six 2022 exports, named
// "<platform>-<sep|dec>-2022".
const std::vector<ColumnMapping>& Presets();
// The preset with that name, or NOT_FOUND listing the known names.
absl::StatusOr<ColumnMapping> PresetByName(absl::string_view name);

// The preset whose source headers all occur in `header`; when several do,
// the one using most columns. NOT_FOUND when none fits, naming the header.
absl::StatusOr<ColumnMapping> DetectPreset(const std::vector<std::string>& header);

// A mapping bound to one file's header: per target, the column indices to
// read, in preference order. A header name that occurs twice ("followers",
// "followers": shorthand and exact value) yields both columns.
struct ResolvedColumns {
  std::array<std::vector<int>, kTargetCount> columns;
  const std::vector<int>& of(Target t) const { return columns[static_cast<int>(t)]; }
  bool has(Target t) const { return !of(t).empty(); }
};

// Binds `mapping` to `header`. INVALID_ARGUMENT when a mapped header is
// missing or neither handle nor creator_id is mapped.
absl::StatusOr<ResolvedColumns> ResolveColumns(const ColumnMapping& mapping,
                                               const std::vector<std::string>& header);

}  // namespace microreach::importer

#endif  // MICROREACH_TOOLS_IMPORTER_COLUMN_MAPPING_H_
