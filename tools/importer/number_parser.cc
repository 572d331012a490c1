// Parsing of shorthand, grouped and percentage numbers from exports.
#include "tools/importer/number_parser.h"

#include <cmath>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace microreach::importer {
namespace {

bool IsUnknownMarker(absl::string_view s) {
  const std::string lower = absl::AsciiStrToLower(s);
  return lower.empty() || lower == "-" || lower == "n/a" || lower == "na" || lower == "null" ||
         lower == "none";
}

// True for digits grouped by "," in threes ("1,234,567"); without commas any
// digit run is fine.
bool ValidGrouping(absl::string_view int_part) {
  if (int_part.find(',') == absl::string_view::npos) return true;
  size_t group = 0;
  bool first = true;
  for (char c : int_part) {
    if (c == ',') {
      if (group == 0 || group > 3 || (!first && group != 3)) return false;
      first = false;
      group = 0;
    } else {
      ++group;
    }
  }
  return group == 3;
}

}  // namespace

absl::StatusOr<std::optional<ParsedNumber>> ParseNumber(absl::string_view text) {
  absl::string_view s = absl::StripAsciiWhitespace(text);
  if (IsUnknownMarker(s)) return std::nullopt;
  auto bad = [&] {
    return absl::InvalidArgumentError(absl::StrCat("not a number: \"", text, "\""));
  };

  ParsedNumber out;
  double scale = 1;
  if (s.back() == '%') {
    out.percent = true;
    scale = 0.01;
    s.remove_suffix(1);
  } else {
    switch (absl::ascii_toupper(s.back())) {
      case 'K':
        scale = 1e3;
        break;
      case 'M':
        scale = 1e6;
        break;
      case 'B':
        scale = 1e9;
        break;
      default:
        break;
    }
    if (scale != 1) {
      out.plain = false;
      s.remove_suffix(1);
    }
  }
  s = absl::StripTrailingAsciiWhitespace(s);
  bool negative = false;
  if (!s.empty() && (s.front() == '-' || s.front() == '+')) {
    negative = s.front() == '-';
    s.remove_prefix(1);
  }
  // Only digits, grouping commas and one decimal point: SimpleAtod alone
  // would also take "1e5", "inf" or hex, which no export means.
  const size_t dot = s.find('.');
  const absl::string_view int_part = s.substr(0, dot);
  const absl::string_view frac_part =
      dot == absl::string_view::npos ? absl::string_view() : s.substr(dot + 1);
  if (int_part.empty() && frac_part.empty()) return bad();
  for (char c : int_part) {
    if (!absl::ascii_isdigit(c) && c != ',') return bad();
  }
  for (char c : frac_part) {
    if (!absl::ascii_isdigit(c)) return bad();
  }
  if (!ValidGrouping(int_part)) return bad();
  std::string digits;
  digits.reserve(s.size());
  for (char c : s) {
    if (c != ',') digits.push_back(c);
  }
  double value = 0;
  if (!absl::SimpleAtod(digits, &value) || !std::isfinite(value)) return bad();
  // Scaling in binary floating point leaves "477.9M" as 477899999.99999994;
  // rounding to millionths gives back the number the export meant.
  value *= scale;
  if (!out.percent) value = std::round(value * 1e6) / 1e6;
  out.value = negative ? -value : value;
  return out;
}

}  // namespace microreach::importer
