// Column mappings: the mapping file format, presets and header matching.
#include "tools/importer/column_mapping.h"

#include <algorithm>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace microreach::importer {
namespace {

using common::v1::Platform;

constexpr std::array<absl::string_view, kTargetCount> kTargetNames = {
    "creator_id",
    "handle",
    "display_name",
    "platform",
    "platform_account_id",
    "profile_url",
    "avatar_url",
    "country",
    "city",
    "category",
    "followers",
    "following",
    "content_count",
    "avg_views",
    "avg_likes",
    "avg_comments",
    "avg_shares",
    "avg_saves",
    "avg_engagements",
    "engagement_rate",
    "follower_growth_30d",
    "follower_growth_90d",
};

ColumnMapping MakePreset(std::string name, Platform platform,
                         std::vector<std::pair<Target, std::string>> sources) {
  ColumnMapping m;
  m.name = std::move(name);
  m.platform = platform;
  m.sources = std::move(sources);
  return m;
}

std::vector<ColumnMapping> BuildPresets() {
  using T = Target;
  // Handles and display names swap columns between months ("name" is the
  // handle in Instagram December but the display name in September), so each
  // export has its own preset rather than one fuzzy rule. The Instagram
  // "authentic engagement" columns have no Creator field and stay unmapped.
  return {
      MakePreset("instagram-sep-2022", common::v1::PLATFORM_INSTAGRAM,
                 {{T::kHandle, "instagram name"},
                  {T::kDisplayName, "name"},
                  {T::kFollowers, "subscribers"},
                  {T::kCountry, "audience country"},
                  {T::kAvgEngagements, "engagement average values"},
                  {T::kAvgEngagements, "engagement average"},
                  {T::kCategory, "category_1"},
                  {T::kCategory, "category_2"}}),
      MakePreset("instagram-dec-2022", common::v1::PLATFORM_INSTAGRAM,
                 {{T::kHandle, "name"},
                  {T::kDisplayName, "instagram name"},
                  {T::kCategory, "category_1"},
                  {T::kCategory, "category_2"},
                  {T::kFollowers, "followers"},
                  {T::kCountry, "country"},
                  {T::kAvgEngagements, "eng. (avg.)"}}),
      MakePreset("tiktok-sep-2022", common::v1::PLATFORM_TIKTOK,
                 {{T::kHandle, "tiktoker name"},
                  {T::kDisplayName, "tiktok name"},
                  {T::kFollowers, "subscribers"},
                  {T::kAvgViews, "views avg."},
                  {T::kAvgLikes, "likes avg."},
                  {T::kAvgComments, "comments avg."},
                  {T::kAvgShares, "shares avg."}}),
      MakePreset("tiktok-dec-2022", common::v1::PLATFORM_TIKTOK,
                 {{T::kHandle, "tiktoker name"},
                  {T::kDisplayName, "tiktok name"},
                  {T::kFollowers, "followers"},
                  {T::kAvgViews, "views(avg)"},
                  {T::kAvgLikes, "likes(avg.)"},
                  {T::kAvgComments, "comments(avg.)"},
                  {T::kAvgShares, "shares(avg.)"}}),
      MakePreset("youtube-sep-2022", common::v1::PLATFORM_YOUTUBE,
                 {{T::kHandle, "youtuber"},
                  {T::kDisplayName, "name"},
                  {T::kCountry, "country"},
                  {T::kFollowers, "subscribers"},
                  {T::kCategory, "category_2"},
                  {T::kCategory, "category_3"},
                  {T::kAvgLikes, "avg. likes"},
                  {T::kAvgComments, "avg comments"}}),
      MakePreset("youtube-dec-2022", common::v1::PLATFORM_YOUTUBE,
                 {{T::kHandle, "youtube channel"},
                  {T::kDisplayName, "youtuber name"},
                  {T::kCategory, "category"},
                  {T::kCategory, "category-2"},
                  {T::kFollowers, "followers"},
                  {T::kCountry, "country"},
                  {T::kAvgViews, "views (avg.)"},
                  {T::kAvgLikes, "likes (avg.)"},
                  {T::kAvgComments, "comments (avg.)"}}),
  };
}

}  // namespace

absl::string_view TargetName(Target target) { return kTargetNames[static_cast<int>(target)]; }

bool ParseTarget(absl::string_view name, Target* target) {
  const std::string lower = absl::AsciiStrToLower(absl::StripAsciiWhitespace(name));
  for (int i = 0; i < kTargetCount; ++i) {
    if (kTargetNames[i] == lower) {
      *target = static_cast<Target>(i);
      return true;
    }
  }
  return false;
}

Platform ParsePlatform(absl::string_view name) {
  std::string upper = absl::AsciiStrToUpper(absl::StripAsciiWhitespace(name));
  if (upper.empty()) return common::v1::PLATFORM_UNSPECIFIED;
  if (!absl::StartsWith(upper, "PLATFORM_")) upper = absl::StrCat("PLATFORM_", upper);
  if (upper == "PLATFORM_TWITTER") upper = "PLATFORM_X";
  Platform platform = common::v1::PLATFORM_UNSPECIFIED;
  if (!common::v1::Platform_Parse(upper, &platform)) return common::v1::PLATFORM_UNSPECIFIED;
  return platform;
}

std::string PlatformSlug(Platform platform) {
  return absl::AsciiStrToLower(absl::StripPrefix(common::v1::Platform_Name(platform), "PLATFORM_"));
}

std::string NormalizeHeader(absl::string_view header) {
  std::string out;
  out.reserve(header.size());
  bool pending_space = false;
  for (char c : header) {
    if (absl::ascii_isspace(static_cast<unsigned char>(c))) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.push_back(absl::ascii_tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

absl::StatusOr<ColumnMapping> ColumnMapping::Parse(absl::string_view text) {
  ColumnMapping mapping;
  int line_no = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_no;
    line = absl::StripAsciiWhitespace(line);
    if (line.empty() || absl::StartsWith(line, "#")) continue;
    const size_t eq = line.find('=');
    if (eq == absl::string_view::npos) {
      return absl::InvalidArgumentError(
          absl::StrCat("mapping line ", line_no, ": expected `field = column header`"));
    }
    const absl::string_view key = absl::StripAsciiWhitespace(line.substr(0, eq));
    const absl::string_view value = absl::StripAsciiWhitespace(line.substr(eq + 1));
    if (key == "@name") {
      mapping.name = std::string(value);
    } else if (key == "@platform") {
      mapping.platform = ParsePlatform(value);
      if (mapping.platform == common::v1::PLATFORM_UNSPECIFIED) {
        return absl::InvalidArgumentError(
            absl::StrCat("mapping line ", line_no, ": unknown platform \"", value, "\""));
      }
    } else {
      Target target;
      if (!ParseTarget(key, &target)) {
        return absl::InvalidArgumentError(
            absl::StrCat("mapping line ", line_no, ": unknown field \"", key,
                         "\" (known: ", absl::StrJoin(kTargetNames, ", "), ")"));
      }
      if (value.empty()) {
        return absl::InvalidArgumentError(
            absl::StrCat("mapping line ", line_no, ": empty column header for ", key));
      }
      mapping.sources.emplace_back(target, std::string(value));
    }
  }
  if (mapping.sources.empty()) {
    return absl::InvalidArgumentError("mapping maps no column");
  }
  return mapping;
}

std::string ColumnMapping::ToString() const {
  std::string out = "# microreach-import column mapping: `field = source column header`.\n";
  if (!name.empty()) absl::StrAppend(&out, "@name = ", name, "\n");
  if (platform != common::v1::PLATFORM_UNSPECIFIED) {
    absl::StrAppend(&out, "@platform = ", PlatformSlug(platform), "\n");
  }
  for (const auto& [target, header] : sources) {
    absl::StrAppend(&out, TargetName(target), " = ", NormalizeHeader(header), "\n");
  }
  return out;
}

const std::vector<ColumnMapping>& Presets() {
  static const auto* presets = new std::vector<ColumnMapping>(BuildPresets());
  return *presets;
}

absl::StatusOr<ColumnMapping> PresetByName(absl::string_view name) {
  std::vector<std::string> names;
  for (const ColumnMapping& preset : Presets()) {
    if (preset.name == absl::AsciiStrToLower(name)) return preset;
    names.push_back(preset.name);
  }
  return absl::NotFoundError(
      absl::StrCat("no preset \"", name, "\" (known: ", absl::StrJoin(names, ", "), ")"));
}

absl::StatusOr<ColumnMapping> DetectPreset(const std::vector<std::string>& header) {
  std::set<std::string> present;
  for (const std::string& cell : header) present.insert(NormalizeHeader(cell));
  const ColumnMapping* best = nullptr;
  size_t best_used = 0;
  bool tie = false;
  for (const ColumnMapping& preset : Presets()) {
    std::set<std::string> used;
    bool fits = true;
    for (const auto& [target, source] : preset.sources) {
      if (!present.contains(source)) {
        fits = false;
        break;
      }
      used.insert(source);
    }
    if (!fits) continue;
    if (used.size() > best_used) {
      best = &preset;
      best_used = used.size();
      tie = false;
    } else if (used.size() == best_used) {
      tie = true;
    }
  }
  std::vector<std::string> normalized(present.begin(), present.end());
  if (best == nullptr) {
    return absl::NotFoundError(absl::StrCat("no preset fits the header [",
                                            absl::StrJoin(normalized, " | "),
                                            "]; pass --mapping or --preset"));
  }
  if (tie) {
    return absl::NotFoundError(absl::StrCat("several presets fit the header [",
                                            absl::StrJoin(normalized, " | "), "]; pass --preset"));
  }
  return *best;
}

absl::StatusOr<ResolvedColumns> ResolveColumns(const ColumnMapping& mapping,
                                               const std::vector<std::string>& header) {
  std::vector<std::string> normalized;
  normalized.reserve(header.size());
  for (const std::string& cell : header) normalized.push_back(NormalizeHeader(cell));
  ResolvedColumns resolved;
  for (const auto& [target, source] : mapping.sources) {
    const std::string wanted = NormalizeHeader(source);
    bool found = false;
    for (int i = 0; i < static_cast<int>(normalized.size()); ++i) {
      if (normalized[i] != wanted) continue;
      found = true;
      auto& list = resolved.columns[static_cast<int>(target)];
      if (std::find(list.begin(), list.end(), i) == list.end()) list.push_back(i);
    }
    if (!found) {
      return absl::InvalidArgumentError(absl::StrCat("column \"", source, "\" (mapped to ",
                                                     TargetName(target), ") is not in the header"));
    }
  }
  if (!resolved.has(Target::kHandle) && !resolved.has(Target::kCreatorId)) {
    return absl::InvalidArgumentError("the mapping maps neither handle nor creator_id");
  }
  return resolved;
}

}  // namespace microreach::importer
