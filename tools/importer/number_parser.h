// Numbers as data exports write them: "477.9M", "30.8K", "1.2B", "1,234",
// "1.39%", plain numbers, and blanks for unknown.
#ifndef MICROREACH_TOOLS_IMPORTER_NUMBER_PARSER_H_
#define MICROREACH_TOOLS_IMPORTER_NUMBER_PARSER_H_

#include <optional>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace microreach::importer {

// A parsed cell. `plain` is false when the text used a K/M/B suffix, so a
// caller with both spellings of a value can prefer the exact one.
struct ParsedNumber {
  double value = 0;
  bool plain = true;
  bool percent = false;
};

// Parses one cell. Returns nullopt for unknown: blank, "-", "n/a", "na",
// "null", "none" (case-insensitive). Accepted: an optional sign, digits with
// an optional fraction, "," thousands separators in groups of three, then
// either a K/M/B suffix (x1e3/1e6/1e9, case-insensitive) or "%" (/100, so
// "1.39%" is 0.0139). Anything else, exponents, "inf" and "nan" included, is
// INVALID_ARGUMENT quoting the text.
//
// Example:
//   ParseNumber("30.8K")  -> {30800, plain=false}
//   ParseNumber("1.39%")  -> {0.0139, percent=true}
//   ParseNumber("")       -> nullopt
absl::StatusOr<std::optional<ParsedNumber>> ParseNumber(absl::string_view text);

}  // namespace microreach::importer

#endif  // MICROREACH_TOOLS_IMPORTER_NUMBER_PARSER_H_
