// The exports' free-text vocabularies mapped onto microreach's: country
// names to ISO 3166-1 alpha-2 codes, category labels to the Category enum.
#ifndef MICROREACH_TOOLS_IMPORTER_VOCABULARY_H_
#define MICROREACH_TOOLS_IMPORTER_VOCABULARY_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "microreach/common/v1/types.pb.h"

namespace microreach::importer {

// "United States", "USA", "us" -> "US". Case and surrounding whitespace are
// ignored; an alpha-2 code is accepted as is when it is a known one. Empty
// when unknown.
std::string CountryCode(absl::string_view name);

// What one category label of an export means.
struct CategoryMeaning {
  // False when the label is not in the table.
  bool known = false;
  // Categories the label maps to (zero, one or two).
  std::vector<common::v1::Category> categories;
  // Brand-safety flags the label implies ("Adult content").
  std::vector<common::v1::BrandSafetyFlag> flags;
};

// Maps a label such as "Music & Dance" or "Sports with a ball" (case
// insensitive) or an enum name such as "CATEGORY_MUSIC" / "music".
CategoryMeaning MapCategory(absl::string_view label);

}  // namespace microreach::importer

#endif  // MICROREACH_TOOLS_IMPORTER_VOCABULARY_H_
