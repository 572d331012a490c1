// Text normalisation shared by ingest and queries (see text.h).
#include "services/search/index/text.h"

#include "absl/strings/ascii.h"

namespace microreach::search {

std::vector<std::string> Words(absl::string_view text) {
  std::vector<std::string> out;
  std::string scratch;
  ForEachWord(text, &scratch, [&](absl::string_view w) { out.emplace_back(w); });
  return out;
}

std::string NormalizeLower(absl::string_view s) {
  return absl::AsciiStrToLower(absl::StripAsciiWhitespace(s));
}

std::string NormalizeUpper(absl::string_view s) {
  return absl::AsciiStrToUpper(absl::StripAsciiWhitespace(s));
}

std::string NormalizeTag(absl::string_view s) {
  s = absl::StripAsciiWhitespace(s);
  if (!s.empty() && (s.front() == '#' || s.front() == '@')) s.remove_prefix(1);
  return absl::AsciiStrToLower(s);
}

}  // namespace microreach::search
