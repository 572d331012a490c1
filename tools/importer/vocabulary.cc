// Country and category lookup tables for the importer.
#include "tools/importer/vocabulary.h"

#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace microreach::importer {
namespace {

using common::v1::Category;

// English short names as data providers spell them, plus common aliases.
// Not all of ISO 3166: the countries creators are listed under in practice;
// an unknown name is reported, never guessed.
constexpr std::pair<absl::string_view, absl::string_view> kCountries[] = {
    {"afghanistan", "AF"},
    {"albania", "AL"},
    {"algeria", "DZ"},
    {"angola", "AO"},
    {"argentina", "AR"},
    {"armenia", "AM"},
    {"australia", "AU"},
    {"austria", "AT"},
    {"azerbaijan", "AZ"},
    {"bahrain", "BH"},
    {"bangladesh", "BD"},
    {"belarus", "BY"},
    {"belgium", "BE"},
    {"bolivia", "BO"},
    {"bosnia and herzegovina", "BA"},
    {"brazil", "BR"},
    {"bulgaria", "BG"},
    {"cambodia", "KH"},
    {"cameroon", "CM"},
    {"canada", "CA"},
    {"chile", "CL"},
    {"china", "CN"},
    {"colombia", "CO"},
    {"costa rica", "CR"},
    {"croatia", "HR"},
    {"cuba", "CU"},
    {"cyprus", "CY"},
    {"czech republic", "CZ"},
    {"czechia", "CZ"},
    {"denmark", "DK"},
    {"dominican republic", "DO"},
    {"ecuador", "EC"},
    {"egypt", "EG"},
    {"el salvador", "SV"},
    {"estonia", "EE"},
    {"ethiopia", "ET"},
    {"finland", "FI"},
    {"france", "FR"},
    {"georgia", "GE"},
    {"germany", "DE"},
    {"ghana", "GH"},
    {"greece", "GR"},
    {"guatemala", "GT"},
    {"honduras", "HN"},
    {"hong kong", "HK"},
    {"hungary", "HU"},
    {"iceland", "IS"},
    {"india", "IN"},
    {"indonesia", "ID"},
    {"iran", "IR"},
    {"iraq", "IQ"},
    {"ireland", "IE"},
    {"israel", "IL"},
    {"italy", "IT"},
    {"ivory coast", "CI"},
    {"jamaica", "JM"},
    {"japan", "JP"},
    {"jordan", "JO"},
    {"kazakhstan", "KZ"},
    {"kenya", "KE"},
    {"kuwait", "KW"},
    {"kyrgyzstan", "KG"},
    {"latvia", "LV"},
    {"lebanon", "LB"},
    {"libya", "LY"},
    {"lithuania", "LT"},
    {"luxembourg", "LU"},
    {"malaysia", "MY"},
    {"mexico", "MX"},
    {"moldova", "MD"},
    {"mongolia", "MN"},
    {"morocco", "MA"},
    {"myanmar", "MM"},
    {"nepal", "NP"},
    {"netherlands", "NL"},
    {"new zealand", "NZ"},
    {"nicaragua", "NI"},
    {"nigeria", "NG"},
    {"north macedonia", "MK"},
    {"norway", "NO"},
    {"oman", "OM"},
    {"pakistan", "PK"},
    {"palestine", "PS"},
    {"panama", "PA"},
    {"paraguay", "PY"},
    {"peru", "PE"},
    {"philippines", "PH"},
    {"poland", "PL"},
    {"portugal", "PT"},
    {"puerto rico", "PR"},
    {"qatar", "QA"},
    {"romania", "RO"},
    {"russia", "RU"},
    {"russian federation", "RU"},
    {"saudi arabia", "SA"},
    {"senegal", "SN"},
    {"serbia", "RS"},
    {"singapore", "SG"},
    {"slovakia", "SK"},
    {"slovenia", "SI"},
    {"somalia", "SO"},
    {"south africa", "ZA"},
    {"south korea", "KR"},
    {"korea", "KR"},
    {"republic of korea", "KR"},
    {"spain", "ES"},
    {"sri lanka", "LK"},
    {"sudan", "SD"},
    {"sweden", "SE"},
    {"switzerland", "CH"},
    {"syria", "SY"},
    {"taiwan", "TW"},
    {"tajikistan", "TJ"},
    {"tanzania", "TZ"},
    {"thailand", "TH"},
    {"tunisia", "TN"},
    {"turkey", "TR"},
    {"türkiye", "TR"},
    {"turkiye", "TR"},
    {"uganda", "UG"},
    {"ukraine", "UA"},
    {"united arab emirates", "AE"},
    {"uae", "AE"},
    {"united kingdom", "GB"},
    {"uk", "GB"},
    {"great britain", "GB"},
    {"england", "GB"},
    {"united states", "US"},
    {"united states of america", "US"},
    {"usa", "US"},
    {"uruguay", "UY"},
    {"uzbekistan", "UZ"},
    {"venezuela", "VE"},
    {"vietnam", "VN"},
    {"viet nam", "VN"},
    {"yemen", "YE"},
    {"zambia", "ZM"},
    {"zimbabwe", "ZW"},
};

// Labels of the 2022 exports (HypeAuditor's taxonomy) and close variants.
// Where a label spans two of our categories both are set; "Adult content"
// is a brand-safety flag, not a topic.
struct CategoryRow {
  absl::string_view label;
  Category first;
  Category second;
};
constexpr Category kNone = common::v1::CATEGORY_UNSPECIFIED;
constexpr CategoryRow kCategories[] = {
    {"accessories & jewellery", common::v1::CATEGORY_FASHION, kNone},
    {"animals", common::v1::CATEGORY_PETS, kNone},
    {"animals & pets", common::v1::CATEGORY_PETS, kNone},
    {"animation", common::v1::CATEGORY_ENTERTAINMENT, kNone},
    {"art/artists", common::v1::CATEGORY_ART, kNone},
    {"asmr", common::v1::CATEGORY_ENTERTAINMENT, kNone},
    {"autos & vehicles", common::v1::CATEGORY_AUTOMOTIVE, kNone},
    {"beauty", common::v1::CATEGORY_BEAUTY, kNone},
    {"business & careers", common::v1::CATEGORY_BUSINESS, kNone},
    {"cars & motorbikes", common::v1::CATEGORY_AUTOMOTIVE, kNone},
    {"cinema & actors/actresses", common::v1::CATEGORY_ENTERTAINMENT, kNone},
    {"clothing & outfits", common::v1::CATEGORY_FASHION, kNone},
    {"comics & sketches", common::v1::CATEGORY_COMEDY, kNone},
    {"computers & gadgets", common::v1::CATEGORY_TECH, kNone},
    {"daily vlogs", common::v1::CATEGORY_LIFESTYLE, kNone},
    {"design/art", common::v1::CATEGORY_ART, kNone},
    {"diy & life hacks", common::v1::CATEGORY_EDUCATION, common::v1::CATEGORY_HOME},
    {"education", common::v1::CATEGORY_EDUCATION, kNone},
    {"family", common::v1::CATEGORY_PARENTING, kNone},
    {"fashion", common::v1::CATEGORY_FASHION, kNone},
    {"finance & economics", common::v1::CATEGORY_FINANCE, kNone},
    {"fitness", common::v1::CATEGORY_FITNESS, kNone},
    {"fitness & gym", common::v1::CATEGORY_FITNESS, kNone},
    {"food & cooking", common::v1::CATEGORY_FOOD, kNone},
    {"food & drinks", common::v1::CATEGORY_FOOD, kNone},
    {"gaming", common::v1::CATEGORY_GAMING, kNone},
    {"health & self help", common::v1::CATEGORY_HEALTH, kNone},
    {"humor", common::v1::CATEGORY_COMEDY, kNone},
    {"humor & fun & happiness", common::v1::CATEGORY_COMEDY, kNone},
    {"kids & toys", common::v1::CATEGORY_ENTERTAINMENT, common::v1::CATEGORY_PARENTING},
    {"lifestyle", common::v1::CATEGORY_LIFESTYLE, kNone},
    {"literature & journalism", common::v1::CATEGORY_NEWS, kNone},
    {"luxury", common::v1::CATEGORY_LIFESTYLE, kNone},
    {"machinery & technologies", common::v1::CATEGORY_TECH, kNone},
    {"management & marketing", common::v1::CATEGORY_BUSINESS, kNone},
    {"modeling", common::v1::CATEGORY_FASHION, kNone},
    {"movies", common::v1::CATEGORY_ENTERTAINMENT, kNone},
    {"music", common::v1::CATEGORY_MUSIC, kNone},
    {"music & dance", common::v1::CATEGORY_MUSIC, kNone},
    {"mystery", common::v1::CATEGORY_ENTERTAINMENT, kNone},
    {"nature & landscapes", common::v1::CATEGORY_OUTDOORS, kNone},
    {"news & politics", common::v1::CATEGORY_NEWS, kNone},
    {"nft", common::v1::CATEGORY_FINANCE, kNone},
    {"photography", common::v1::CATEGORY_PHOTOGRAPHY, kNone},
    {"politics", common::v1::CATEGORY_NEWS, kNone},
    {"racing sports", common::v1::CATEGORY_SPORTS, kNone},
    {"science", common::v1::CATEGORY_SCIENCE, kNone},
    {"science & technology", common::v1::CATEGORY_SCIENCE, common::v1::CATEGORY_TECH},
    {"shopping & retail", common::v1::CATEGORY_LIFESTYLE, kNone},
    {"shows", common::v1::CATEGORY_ENTERTAINMENT, kNone},
    {"sports", common::v1::CATEGORY_SPORTS, kNone},
    {"sports with a ball", common::v1::CATEGORY_SPORTS, kNone},
    {"toys", common::v1::CATEGORY_ENTERTAINMENT, kNone},
    {"trainers & coaches", common::v1::CATEGORY_FITNESS, kNone},
    {"travel", common::v1::CATEGORY_TRAVEL, kNone},
    {"video games", common::v1::CATEGORY_GAMING, kNone},
    {"water sports", common::v1::CATEGORY_SPORTS, kNone},
    {"winter sports", common::v1::CATEGORY_SPORTS, kNone},
};

// Lower-cases and collapses inner whitespace, as for headers.
std::string Key(absl::string_view s) {
  std::string out;
  bool space = false;
  for (char c : absl::StripAsciiWhitespace(s)) {
    if (absl::ascii_isspace(static_cast<unsigned char>(c))) {
      space = true;
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(absl::ascii_tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

}  // namespace

std::string CountryCode(absl::string_view name) {
  static const auto* by_name = [] {
    auto* m = new absl::flat_hash_map<std::string, std::string>();
    for (const auto& [country, code] : kCountries) {
      m->emplace(country, code);
      m->emplace(absl::AsciiStrToLower(code), code);
    }
    return m;
  }();
  const auto it = by_name->find(Key(name));
  return it == by_name->end() ? std::string() : it->second;
}

CategoryMeaning MapCategory(absl::string_view label) {
  CategoryMeaning meaning;
  const std::string key = Key(label);
  if (key == "adult content" || key == "adult") {
    meaning.known = true;
    meaning.flags.push_back(common::v1::BRAND_SAFETY_FLAG_ADULT_CONTENT);
    return meaning;
  }
  for (const CategoryRow& row : kCategories) {
    if (row.label != key) continue;
    meaning.known = true;
    meaning.categories.push_back(row.first);
    if (row.second != common::v1::CATEGORY_UNSPECIFIED) meaning.categories.push_back(row.second);
    return meaning;
  }
  // Our own enum names, so a file written by another microreach tool maps.
  std::string upper = absl::AsciiStrToUpper(key);
  if (!absl::StartsWith(upper, "CATEGORY_")) upper = absl::StrCat("CATEGORY_", upper);
  Category category;
  if (common::v1::Category_Parse(upper, &category) &&
      category != common::v1::CATEGORY_UNSPECIFIED) {
    meaning.known = true;
    meaning.categories.push_back(category);
  }
  return meaning;
}

}  // namespace microreach::importer
