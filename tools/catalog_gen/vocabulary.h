// Static word lists behind the synthetic catalog: countries with their
// languages and cities, name pools, and per-category vocabularies and brands.
#ifndef MICROREACH_TOOLS_CATALOG_GEN_VOCABULARY_H_
#define MICROREACH_TOOLS_CATALOG_GEN_VOCABULARY_H_

#include <span>

#include "absl/strings/string_view.h"
#include "microreach/common/v1/types.pb.h"

namespace microreach::catalog_gen {

// One content category of the fixed taxonomy with the words its creators use.
struct CategoryVocabulary {
  common::v1::Category category;
  // Lower-case slug, also used as a broad audience interest ("fitness").
  absl::string_view slug;
  // Relative popularity among creators (unnormalised).
  double creator_weight;
  // Share of female creators in the category; audiences lean the same way.
  double female_share;
  // Shift of the audience age distribution: > 0 older, < 0 younger.
  double audience_age_shift;
  // How creators describe themselves in a bio ("personal trainer").
  std::span<const absl::string_view> roles;
  // Lower-case slugs (hyphens between words): interests, caption keywords
  // (hyphens become spaces) and hashtags (hyphens dropped).
  std::span<const absl::string_view> words;
  // Lower-case brand slugs that sponsor creators of the category.
  std::span<const absl::string_view> brands;
};

// Pools of romanised names for one language area.
struct NameGroup {
  std::span<const absl::string_view> female;
  std::span<const absl::string_view> male;
  std::span<const absl::string_view> last;
};

// A creator country. Countries() lists them by popularity rank; the generator
// weights rank r by 1 / r (Zipf, s = 1).
struct CountryInfo {
  // ISO 3166-1 alpha-2, upper case.
  absl::string_view code;
  // ISO 639-1 codes, the main language first.
  std::span<const absl::string_view> languages;
  // English city names, largest creator hubs first.
  std::span<const absl::string_view> cities;
  // Index into NameGroups().
  int name_group;
  // Whether bot-farm audiences often come from here (fake-follower signal:
  // audience countries unrelated to the creator's content).
  bool bot_source;
};

// All 25 categories; Categories()[c - 1].category == c.
std::span<const CategoryVocabulary> Categories();
std::span<const CountryInfo> Countries();
std::span<const NameGroup> NameGroups();
// Words for names of business and brand accounts ("Studio", "Official").
std::span<const absl::string_view> BusinessSuffixes();
// Everyday caption words mixed into every category's keywords.
std::span<const absl::string_view> GenericCaptionWords();

}  // namespace microreach::catalog_gen

#endif  // MICROREACH_TOOLS_CATALOG_GEN_VOCABULARY_H_
