// Row-to-Creator conversion, creator ids, engagement rate and the local
// upsert checks of the importer.
#include "tools/importer/creator_converter.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "absl/algorithm/container.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"
#include "services/search/creator_rules.h"
#include "tools/importer/number_parser.h"
#include "tools/importer/vocabulary.h"

namespace microreach::importer {
namespace {

using common::v1::Creator;
using common::v1::Platform;

// The catalog's limits (services/search/creator_rules.cc).
constexpr size_t kMaxId = 128;
constexpr int kMaxCategories = 5;
// The catalog's bound (services/search/creator_rules.cc).
constexpr double kMaxEngagementRate = 10;

bool IsIdChar(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == ':' ||
         c == '-';
}

using search::IsValidId;

uint64_t Fnv1a64(absl::string_view s) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : s) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

// What kind of number a target holds, for parsing and range checks.
enum class NumberKind { kCount, kAverage, kFraction, kGrowth };

NumberKind KindOf(Target t) {
  switch (t) {
    case Target::kFollowers:
    case Target::kFollowing:
    case Target::kContentCount:
      return NumberKind::kCount;
    case Target::kEngagementRate:
      return NumberKind::kFraction;
    case Target::kFollowerGrowth30d:
    case Target::kFollowerGrowth90d:
      return NumberKind::kGrowth;
    default:
      return NumberKind::kAverage;
  }
}

}  // namespace

absl::string_view SeverityName(Severity severity) {
  switch (severity) {
    case Severity::kError:
      return "error";
    case Severity::kWarning:
      return "warning";
    case Severity::kDuplicate:
      return "duplicate";
  }
  return "error";
}

bool IsValidUtf8(absl::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    int extra = 0;
    uint32_t cp = 0;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      extra = 1;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      extra = 2;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      extra = 3;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + extra >= text.size()) return false;
    for (int k = 1; k <= extra; ++k) {
      const unsigned char cc = static_cast<unsigned char>(text[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    // Overlong forms, surrogates and values past U+10FFFF are not UTF-8.
    static constexpr uint32_t kMin[] = {0, 0x80, 0x800, 0x10000};
    if (cp < kMin[extra] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += extra + 1;
  }
  return true;
}

std::string CreatorIdFor(Platform platform, absl::string_view handle) {
  const std::string prefix = absl::StrCat(PlatformSlug(platform), ":");
  const std::string lower = absl::AsciiStrToLower(handle);
  const std::string plain = absl::StrCat(prefix, lower);
  if (IsValidId(plain)) return plain;
  // Keep the readable ASCII part so ids still say whose they are; the hash
  // of the whole handle keeps "Like Nastya" and "Like Nastya Show" apart.
  std::string slug;
  for (char c : lower) {
    if (IsIdChar(c) && c != ':') {
      slug.push_back(c);
    } else if (!slug.empty() && slug.back() != '-') {
      slug.push_back('-');
    }
  }
  while (!slug.empty() && slug.back() == '-') slug.pop_back();
  const std::string hash = absl::StrFormat("%016x", Fnv1a64(lower));
  const size_t room = kMaxId - prefix.size() - hash.size() - 1;
  if (slug.size() > room) slug.resize(room);
  return slug.empty() ? absl::StrCat(prefix, hash) : absl::StrCat(prefix, slug, "-", hash);
}

std::optional<double> EngagementRate(const Creator& creator,
                                     std::optional<double> avg_engagements) {
  const auto& s = creator.stats();
  const bool by_views = creator.platform() == common::v1::PLATFORM_TIKTOK ||
                        creator.platform() == common::v1::PLATFORM_YOUTUBE;
  std::optional<double> numerator;
  if (s.has_avg_likes()) {
    numerator = s.avg_likes() + s.avg_comments() + (by_views ? s.avg_shares() : 0.0);
  } else if (avg_engagements.has_value()) {
    numerator = *avg_engagements;
  }
  if (!numerator.has_value()) return std::nullopt;
  const double denominator =
      by_views ? (s.has_avg_views() ? s.avg_views() : 0.0) : static_cast<double>(s.followers());
  if (!(denominator > 0)) return std::nullopt;
  return *numerator / denominator;
}

std::vector<FieldIssue> ValidateForUpsert(const Creator& c) {
  // The catalog's own rules, so a file that passes here is accepted by search.
  std::vector<FieldIssue> issues;
  const status::FieldViolations violations = search::ValidateCreator(c);
  for (const auto& v : violations.violations()) {
    issues.push_back({Severity::kError, v.field, v.description});
  }
  // Protobuf strings must be UTF-8; a bad byte would fail the whole stream.
  for (const std::string* text : {&c.creator_id(), &c.handle(), &c.display_name(), &c.city(),
                                  &c.profile_url(), &c.avatar_url()}) {
    if (!IsValidUtf8(*text)) issues.push_back({Severity::kError, "", "text is not valid UTF-8"});
  }
  return issues;
}

RowConverter::RowConverter(std::vector<std::string> header, ResolvedColumns columns,
                           ConvertOptions options)
    : columns_(std::move(columns)), options_(options) {
  header_.reserve(header.size());
  for (const std::string& cell : header) header_.push_back(NormalizeHeader(cell));
}

ConvertedRow RowConverter::Convert(const std::vector<std::string>& fields) const {
  ConvertedRow out;
  auto error = [&](absl::string_view field, std::string reason) {
    out.issues.push_back({Severity::kError, std::string(field), std::move(reason)});
  };
  auto warn = [&](absl::string_view field, std::string reason) {
    out.issues.push_back({Severity::kWarning, std::string(field), std::move(reason)});
  };
  if (fields.size() != header_.size()) {
    error("", absl::StrCat("row has ", fields.size(), " cells, the header has ", header_.size()));
    return out;
  }
  // First non-blank cell of a target's columns, and the column it came from.
  auto text = [&](Target t, std::string* column) -> std::optional<absl::string_view> {
    for (int i : columns_.of(t)) {
      if (!absl::StripAsciiWhitespace(fields[i]).empty()) {
        if (column != nullptr) *column = header_[i];
        return absl::string_view(fields[i]);
      }
    }
    if (column != nullptr && columns_.has(t)) *column = header_[columns_.of(t).front()];
    return std::nullopt;
  };
  // A numeric target: every mapped cell must parse; the exact (plain)
  // spelling wins over the shorthand one, and a disagreement is reported.
  auto number = [&](Target t) -> std::optional<double> {
    std::optional<double> chosen;
    bool chosen_plain = false;
    std::string chosen_column;
    const NumberKind kind = KindOf(t);
    for (int i : columns_.of(t)) {
      auto parsed = ParseNumber(fields[i]);
      if (!parsed.ok()) {
        error(header_[i], absl::StrCat(TargetName(t), ": ", parsed.status().message()));
        continue;
      }
      if (!parsed->has_value()) continue;
      const ParsedNumber& n = **parsed;
      if (n.percent && (kind == NumberKind::kCount || kind == NumberKind::kAverage)) {
        error(header_[i],
              absl::StrCat(TargetName(t), ": a percentage is not a count: \"", fields[i], "\""));
        continue;
      }
      if (kind == NumberKind::kCount || kind == NumberKind::kAverage) {
        if (n.value < 0) {
          error(header_[i], absl::StrCat(TargetName(t), ": must be >= 0, got \"", fields[i], "\""));
          continue;
        }
      }
      if (kind == NumberKind::kCount && n.value != std::floor(n.value)) {
        error(header_[i],
              absl::StrCat(TargetName(t), ": must be a whole number, got \"", fields[i], "\""));
        continue;
      }
      if (!chosen.has_value()) {
        chosen = n.value;
        chosen_plain = n.plain;
        chosen_column = header_[i];
        continue;
      }
      // Shorthand keeps about three significant digits; beyond 1% the two
      // cells describe different numbers and the file deserves a look.
      if (std::abs(*chosen - n.value) > 0.01 * std::max(std::abs(*chosen), std::abs(n.value)) + 1) {
        warn(header_[i], absl::StrCat(TargetName(t), ": cells disagree (", *chosen, " vs ", n.value,
                                      "); using the exact one"));
      }
      if (n.plain && !chosen_plain) {
        chosen = n.value;
        chosen_plain = true;
      }
    }
    return chosen;
  };

  Creator c;
  // Platform: a per-row column wins over the file's platform.
  Platform platform = options_.platform;
  std::string column;
  if (auto p = text(Target::kPlatform, &column); p.has_value()) {
    platform = ParsePlatform(*p);
    if (platform == common::v1::PLATFORM_UNSPECIFIED) {
      error(column, absl::StrCat("unknown platform \"", *p, "\""));
    }
  }
  if (platform == common::v1::PLATFORM_UNSPECIFIED) {
    error("platform", "unknown: the file has no platform column and --platform is not set");
  }
  c.set_platform(platform);

  if (auto h = text(Target::kHandle, &column); h.has_value()) {
    absl::string_view handle = absl::StripAsciiWhitespace(*h);
    absl::ConsumePrefix(&handle, "@");
    std::string value(handle);
    if (absl::c_any_of(
            value, [](char ch) { return absl::ascii_isspace(static_cast<unsigned char>(ch)); })) {
      if (options_.strip_handle_spaces) {
        value.erase(std::remove_if(value.begin(), value.end(),
                                   [](char ch) {
                                     return absl::ascii_isspace(static_cast<unsigned char>(ch));
                                   }),
                    value.end());
        warn(column,
             absl::StrCat("handle \"", handle, "\" had spaces; imported as \"", value, "\""));
      } else {
        error(column, absl::StrCat("handle \"", handle,
                                   "\" contains spaces (a channel title, not a handle?); "
                                   "--strip_handle_spaces imports it without them"));
      }
    }
    c.set_handle(value);
  } else if (columns_.has(Target::kHandle)) {
    error(column, "handle: required, the cell is empty");
  }

  if (auto id = text(Target::kCreatorId, &column); id.has_value()) {
    c.set_creator_id(std::string(absl::StripAsciiWhitespace(*id)));
  } else if (!c.handle().empty() && platform != common::v1::PLATFORM_UNSPECIFIED) {
    c.set_creator_id(CreatorIdFor(platform, c.handle()));
  }

  // Display names stay byte-exact: emoji and non-Latin scripts are the name.
  if (auto name = text(Target::kDisplayName, nullptr); name.has_value()) {
    c.set_display_name(std::string(*name));
  }
  if (auto v = text(Target::kPlatformAccountId, nullptr)) {
    c.set_platform_account_id(std::string(absl::StripAsciiWhitespace(*v)));
  }
  if (auto v = text(Target::kProfileUrl, nullptr)) {
    c.set_profile_url(std::string(absl::StripAsciiWhitespace(*v)));
  }
  if (auto v = text(Target::kAvatarUrl, nullptr)) {
    c.set_avatar_url(std::string(absl::StripAsciiWhitespace(*v)));
  }
  if (auto v = text(Target::kCity, nullptr))
    c.set_city(std::string(absl::StripAsciiWhitespace(*v)));

  if (auto country = text(Target::kCountry, &column); country.has_value()) {
    std::string code = CountryCode(*country);
    if (code.empty()) {
      warn(column, absl::StrCat("unknown country \"", *country, "\"; country left empty"));
    }
    c.set_country_code(code);
  }

  for (int i : columns_.of(Target::kCategory)) {
    const absl::string_view label = absl::StripAsciiWhitespace(fields[i]);
    if (label.empty()) continue;
    const CategoryMeaning meaning = MapCategory(label);
    if (!meaning.known) {
      warn(header_[i], absl::StrCat("unmapped category \"", label, "\""));
      continue;
    }
    for (auto category : meaning.categories) {
      if (absl::c_linear_search(c.categories(), category)) continue;
      if (c.categories_size() >= kMaxCategories) {
        warn(header_[i], "more than 5 categories; the rest dropped");
        break;
      }
      c.add_categories(category);
    }
    for (auto flag : meaning.flags) {
      if (!absl::c_linear_search(c.brand_safety_flags(), flag)) c.add_brand_safety_flags(flag);
    }
  }

  auto* s = c.mutable_stats();
  if (auto v = number(Target::kFollowers)) {
    s->set_followers(std::llround(*v));
    out.has_followers = true;
  }
  if (auto v = number(Target::kFollowing)) s->set_following(std::llround(*v));
  if (auto v = number(Target::kContentCount)) s->set_content_count(std::llround(*v));
  if (auto v = number(Target::kAvgViews)) s->set_avg_views(*v);
  if (auto v = number(Target::kAvgLikes)) s->set_avg_likes(*v);
  if (auto v = number(Target::kAvgComments)) s->set_avg_comments(*v);
  if (auto v = number(Target::kAvgShares)) s->set_avg_shares(*v);
  if (auto v = number(Target::kAvgSaves)) s->set_avg_saves(*v);
  if (auto v = number(Target::kFollowerGrowth30d)) s->set_follower_growth_30d(*v);
  if (auto v = number(Target::kFollowerGrowth90d)) s->set_follower_growth_90d(*v);
  const std::optional<double> engagements = number(Target::kAvgEngagements);
  if (auto v = number(Target::kEngagementRate)) {
    s->set_engagement_rate(*v);
  } else if (auto rate = EngagementRate(c, engagements)) {
    if (*rate <= kMaxEngagementRate) {
      s->set_engagement_rate(*rate);
    } else {
      warn("stats.engagement_rate",
           absl::StrCat("computed rate ", *rate, " is implausible (> 10); left unset"));
    }
  }

  const bool has_error = absl::c_any_of(
      out.issues, [](const FieldIssue& i) { return i.severity == Severity::kError; });
  if (has_error) return out;
  std::vector<FieldIssue> invalid = ValidateForUpsert(c);
  if (!invalid.empty()) {
    for (FieldIssue& issue : invalid) out.issues.push_back(std::move(issue));
    return out;
  }
  out.creator = std::move(c);
  return out;
}

}  // namespace microreach::importer
