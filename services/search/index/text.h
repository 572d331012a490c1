// Text normalisation shared by ingest and queries: ASCII case folding, word
// tokenisation and the canonical forms of codes, slugs, hashtags and mentions.
#ifndef MICROREACH_SERVICES_SEARCH_INDEX_TEXT_H_
#define MICROREACH_SERVICES_SEARCH_INDEX_TEXT_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace microreach::search {

// A byte that belongs to a word: ASCII letters and digits, and every non-ASCII
// byte so that UTF-8 words ("café", "東京") stay whole.
inline bool IsWordByte(unsigned char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
}

inline char FoldAscii(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

// Calls f(absl::string_view word) for each word of `text`, ASCII-lower-cased.
// `scratch` holds the folded copy the views point into, so callers on the
// ingest path reuse one buffer instead of allocating a string per word.
template <typename F>
void ForEachWord(absl::string_view text, std::string* scratch, F&& f) {
  scratch->assign(text.data(), text.size());
  for (char& c : *scratch) c = FoldAscii(c);
  const char* p = scratch->data();
  const size_t n = scratch->size();
  size_t i = 0;
  while (i < n) {
    while (i < n && !IsWordByte(static_cast<unsigned char>(p[i]))) ++i;
    const size_t start = i;
    while (i < n && IsWordByte(static_cast<unsigned char>(p[i]))) ++i;
    if (i > start) f(absl::string_view(p + start, i - start));
  }
}

// The lower-cased words of `text`, in order, duplicates kept.
std::vector<std::string> Words(absl::string_view text);

// Trimmed and ASCII-lower-cased: language codes, city names, interest and
// brand slugs.
std::string NormalizeLower(absl::string_view s);
// Trimmed and ASCII-upper-cased: country and currency codes.
std::string NormalizeUpper(absl::string_view s);
// Lower-cased with one leading "#" or "@" and surrounding spaces removed:
// hashtags and mentions.
std::string NormalizeTag(absl::string_view s);

}  // namespace microreach::search

#endif  // MICROREACH_SERVICES_SEARCH_INDEX_TEXT_H_
