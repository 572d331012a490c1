// Synthetic creator profiles: distributions and correlations behind each field,
// with the published figures they follow (see README.md and DOMAIN.md).
#include "tools/catalog_gen/catalog_generator.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>
#include <span>
#include <utility>

#include "absl/container/inlined_vector.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace microreach::catalog_gen {
namespace {

namespace v1 = ::microreach::common::v1;

constexpr uint64_t kGolden = 0x9e3779b97f4a7c15ULL;
constexpr uint64_t kMask40 = kMaxIndex;
// Accounts of one person sit in one block of consecutive indices, so a
// person's other accounts are found without any shared state.
constexpr uint64_t kBlockSize = 4;
// Mean accounts per linked person: 2 (70%) or 3 (30%).
constexpr double kMeanLinkedAccounts = 2.3;

// splitmix64's finaliser: a strong 64-bit mix, the core of the counter RNG.
uint64_t Mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// One independent random stream per (record key, field). Fields draw from
// their own stream so adding a draw to one field never shifts another.
enum class Field : uint64_t {
  kBlock = 1,
  kPersonPlatforms,
  kPersonCountry,
  kPersonDemographics,
  kPersonCategories,
  kPersonName,
  kPersonFame,
  kPlatform,
  kFollowers,
  kFake,
  kEngagement,
  kGrowth,
  kActivity,
  kSponsored,
  kContent,
  kContentTypes,
  kHashtags,
  kMentions,
  kFlags,
  kProfile,
  kTimes,
  kAudienceCountries,
  kAudienceCities,
  kAudienceGenders,
  kAudienceAges,
  kAudienceInterests,
  kAudienceBrands,
  kQuality,
  kPrice,
  kHandleVariant,
};

class Rng {
 public:
  Rng(uint64_t key, Field field) : state_(Mix64(key ^ (static_cast<uint64_t>(field) * kGolden))) {}

  uint64_t Next() {
    state_ += kGolden;
    return Mix64(state_);
  }
  // Uniform in [0, 1).
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  double Uniform(double lo, double hi) { return lo + (hi - lo) * Uniform(); }
  size_t Below(size_t n) {
    const auto i = static_cast<size_t>(Uniform() * static_cast<double>(n));
    return i < n ? i : n - 1;
  }
  bool Bernoulli(double p) { return Uniform() < p; }
  // Standard normal (Box-Muller). The pair's second value is kept for the
  // next call: still deterministic, since a stream is private to one field.
  double Normal() {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    const double u1 = 1.0 - Uniform();
    const double u2 = Uniform();
    const double r = std::sqrt(-2.0 * std::log(u1));
    const double theta = 2.0 * std::numbers::pi * u2;
    spare_ = r * std::sin(theta);
    has_spare_ = true;
    return r * std::cos(theta);
  }
  double LogNormal(double median, double sigma) { return median * std::exp(sigma * Normal()); }
  double Exponential() { return -std::log(1.0 - Uniform()); }
  template <typename T>
  const T& Pick(std::span<const T> items) {
    return items[Below(items.size())];
  }
  // Index drawn with weight 1 / (rank + 1): Zipf with s = 1. For short
  // lists (cities of a country).
  size_t Zipf(size_t n) {
    static constexpr double kHarmonic[] = {0,      1.0,  1.5,    1.8333, 2.0833,
                                           2.2833, 2.45, 2.5929, 2.7179};
    double total = 0;
    if (n < std::size(kHarmonic)) {
      total = kHarmonic[n];
    } else {
      for (size_t i = 0; i < n; ++i) total += 1.0 / static_cast<double>(i + 1);
    }
    double u = Uniform() * total;
    for (size_t i = 0; i < n; ++i) {
      u -= 1.0 / static_cast<double>(i + 1);
      if (u < 0) return i;
    }
    return n - 1;
  }

 private:
  uint64_t state_;
  double spare_ = 0;
  bool has_spare_ = false;
};

// A bijection of [0, 2^40) keyed by the seed: ids look random but never
// collide for distinct indices.
uint64_t Scramble40(uint64_t x, uint64_t key) {
  x = (x + key) & kMask40;
  x = (x * 0x9e3779b97f4a7c15ULL) & kMask40;
  x ^= x >> 19;
  x = (x * 0xbf58476d1ce4e5b9ULL) & kMask40;
  x ^= x >> 21;
  return (x + (key >> 24)) & kMask40;
}

void AppendBase36(uint64_t x, std::string* out) {
  char buf[16];
  int n = 0;
  do {
    buf[n++] = "0123456789abcdefghijklmnopqrstuvwxyz"[x % 36];
    x /= 36;
  } while (x != 0);
  while (n > 0) out->push_back(buf[--n]);
}

// Appends word in lower case without hyphens or other non-alphanumerics
// ("k-beauty" -> "kbeauty"), the form of handles and hashtags.
void AppendSlugCompact(absl::string_view word, std::string* out) {
  for (char ch : word) {
    if (absl::ascii_isalnum(static_cast<unsigned char>(ch))) {
      out->push_back(absl::ascii_tolower(static_cast<unsigned char>(ch)));
    }
  }
}

// Appends word with hyphens as spaces ("meal-prep" -> "meal prep").
void AppendSpaced(absl::string_view word, std::string* out) {
  for (char ch : word) out->push_back(ch == '-' ? ' ' : ch);
}

// "cleanbeauty" -> "Cleanbeauty", for business names.
void AppendCapitalised(absl::string_view word, std::string* out) {
  const size_t start = out->size();
  AppendSlugCompact(word, out);
  if (out->size() > start)
    (*out)[start] = absl::ascii_toupper(static_cast<unsigned char>((*out)[start]));
}

size_t TierIndex(v1::Tier tier) { return static_cast<size_t>(tier) - 1; }

// What differs between platforms. Rates are multiples of the Instagram
// benchmark (DOMAIN.md: TikTok and YouTube rates by views run about twice
// Instagram's); the others are illustrative and kept low.
struct PlatformTraits {
  const char* slug;
  const char* url_prefix;
  const char* url_suffix;
  // Engagement rate denominator: avg views (true) or followers (false).
  bool rate_by_views;
  double rate_factor;
  // Median avg views / followers for a 3k-follower account.
  double view_ratio;
  double posts_per_week;
  bool following_public;
  // Meta platforms let accounts hide like counts.
  bool can_hide_likes;
  // Shares and saves per like; 0 leaves the average unset (not public).
  double shares_per_like;
  double saves_per_like;
  // Probability of publishing each ContentType (index = enum value).
  std::array<double, 6> content_types;
  // Rate card: USD per 1,000 followers for one standard deliverable (feed
  // post on Instagram, short on TikTok, integration on YouTube), by tier
  // nano..global. About $10 per 1k on Instagram, the common rule of thumb;
  // it puts a mega photo near DOMAIN.md's ~$49.5k. Per-follower rates fall
  // with size; YouTube integrations cost more per subscriber.
  std::array<double, 5> usd_per_1k;
  // Audience age bands 13-17 .. 65+ on the platform (rough platform
  // demographics; TikTok young, Facebook old).
  std::array<double, 6> audience_ages;
};

constexpr std::array<double, 6> kAgesInstagram = {0.06, 0.31, 0.32, 0.16, 0.12, 0.03};
constexpr std::array<double, 6> kAgesTikTok = {0.15, 0.38, 0.26, 0.12, 0.08, 0.01};
constexpr std::array<double, 6> kAgesYouTube = {0.07, 0.22, 0.27, 0.20, 0.19, 0.05};
constexpr std::array<double, 6> kAgesFacebook = {0.02, 0.17, 0.27, 0.21, 0.26, 0.07};
constexpr std::array<double, 6> kAgesProfessional = {0.00, 0.15, 0.40, 0.25, 0.18, 0.02};

// Indexed by Platform enum value; [0] is unused.
constexpr PlatformTraits kTraits[] = {
    {"unspecified", "", "", false, 1, 0, 1, false, false, 0, 0, {}, {}, kAgesInstagram},
    {"instagram",
     "https://www.instagram.com/",
     "/",
     false,
     1.0,
     0.45,
     3.0,
     true,
     true,
     0.05,
     0.05,
     {0, 0.95, 0.2, 0.85, 0.7, 0.1},
     {12, 10, 9, 8, 5},
     kAgesInstagram},
    {"tiktok",
     "https://www.tiktok.com/@",
     "",
     true,
     2.0,
     0.6,
     5.0,
     true,
     false,
     0.07,
     0.05,
     {0, 0.15, 0, 1.0, 0.05, 0.2},
     {8, 7, 6, 5, 4},
     kAgesTikTok},
    {"youtube",
     "https://www.youtube.com/@",
     "",
     true,
     2.0,
     0.25,
     1.2,
     false,
     false,
     0.02,
     0,
     {0, 0, 0.9, 0.6, 0, 0.15},
     {20, 18, 15, 12, 8},
     kAgesYouTube},
    {"twitch",
     "https://www.twitch.tv/",
     "",
     false,
     0.4,
     0.03,
     4.0,
     true,
     false,
     0,
     0,
     {0, 0, 0.4, 0.2, 0, 1.0},
     {6, 5, 5, 4, 3},
     kAgesTikTok},
    {"x",
     "https://x.com/",
     "",
     false,
     0.3,
     0.2,
     15.0,
     true,
     false,
     0.2,
     0.03,
     {0, 0.9, 0.4, 0.1, 0, 0.03},
     {4, 3, 3, 2.5, 2},
     kAgesYouTube},
    {"facebook",
     "https://www.facebook.com/",
     "",
     false,
     0.25,
     0.1,
     4.0,
     false,
     true,
     0.1,
     0,
     {0, 0.9, 0.5, 0.3, 0.4, 0.1},
     {5, 4, 4, 3, 2.5},
     kAgesFacebook},
    {"snapchat",
     "https://www.snapchat.com/add/",
     "",
     true,
     1.0,
     0.3,
     7.0,
     false,
     false,
     0.05,
     0,
     {0, 0.3, 0, 0.6, 1.0, 0},
     {6, 5, 5, 4, 3},
     kAgesTikTok},
    {"pinterest",
     "https://www.pinterest.com/",
     "/",
     false,
     0.2,
     0.4,
     10.0,
     true,
     false,
     0,
     0.3,
     {0, 1.0, 0.3, 0.2, 0, 0},
     {3, 3, 2.5, 2, 2},
     kAgesInstagram},
    {"linkedin",
     "https://www.linkedin.com/in/",
     "",
     false,
     0.8,
     0.15,
     2.0,
     false,
     false,
     0.05,
     0,
     {0, 0.8, 0.3, 0, 0, 0.05},
     {15, 12, 10, 8, 6},
     kAgesProfessional},
    {"threads",
     "https://www.threads.net/@",
     "",
     false,
     0.6,
     0.25,
     7.0,
     true,
     true,
     0.08,
     0,
     {0, 0.7, 0.2, 0.1, 0, 0},
     {4, 3, 3, 2.5, 2},
     kAgesInstagram},
};

const PlatformTraits& TraitsOf(v1::Platform platform) {
  return kTraits[static_cast<size_t>(platform)];
}

// Numeric native ids in each platform's usual range; YouTube gets a channel
// id ("UC" + 22 characters).
constexpr uint64_t kNativeIdBase[] = {
    0,                       // unspecified
    17841400000000000ULL,    // instagram
    6700000000000000000ULL,  // tiktok
    0,                       // youtube (channel id)
    100000000ULL,            // twitch
    1000000000000000000ULL,  // x
    100000000000000ULL,      // facebook
    1000000000000ULL,        // snapchat
    1000000000000ULL,        // pinterest
    1000000000000ULL,        // linkedin
    63000000000000000ULL,    // threads
};

// Median engagement rate of an Instagram account by size: the geometric mean
// of HypeAuditor's "good" and "below average" benchmarks per tier
// (DOMAIN.md: nano 5%/3%, micro 3.5%/2%, mid 2.5%/1.5%, macro 1.8%/1%,
// mega 1.2%/0.7%), placed at a typical size of each tier and interpolated in
// log-log space; 0.7% at 30M extends the trend.
double BenchmarkRate(double followers) {
  static constexpr std::pair<double, double> kAnchors[] = {
      {3.5, 0.0387}, {4.5, 0.0265}, {5.35, 0.0194}, {5.85, 0.0134}, {6.5, 0.0092}, {7.5, 0.0070}};
  const double x = std::log10(std::max(followers, 1.0));
  if (x <= kAnchors[0].first) return kAnchors[0].second;
  for (size_t i = 1; i < std::size(kAnchors); ++i) {
    if (x <= kAnchors[i].first) {
      const auto [x0, r0] = kAnchors[i - 1];
      const auto [x1, r1] = kAnchors[i];
      const double t = (x - x0) / (x1 - x0);
      return std::exp(std::log(r0) + t * (std::log(r1) - std::log(r0)));
    }
  }
  return kAnchors[std::size(kAnchors) - 1].second;
}

void SetString(absl::string_view value, std::string* out) {
  out->assign(value.data(), value.size());
}

double Clamp(double x, double lo, double hi) { return std::min(std::max(x, lo), hi); }
// Rounds to `decimals` places; dividing by the power of ten (rather than
// multiplying by 0.1) gives the double nearest the decimal, so JSON stays short.
double Round(double x, int decimals) {
  static constexpr double kScale[] = {1, 10, 100, 1000, 10000};
  const double scale = kScale[decimals];
  return std::round(x * scale) / scale;
}

void SetTime(absl::Time t, google::protobuf::Timestamp* out) {
  out->set_seconds(absl::ToUnixSeconds(t));
}

// A value with a weight, before normalisation into audience shares.
template <typename T>
struct Weighted {
  T value;
  double weight;
};

// Scales weights to sum to 1 and orders them largest first (ties by value
// for determinism across standard libraries).
template <typename T, size_t N>
void Normalise(absl::InlinedVector<Weighted<T>, N>* items) {
  double total = 0;
  for (const auto& item : *items) total += item.weight;
  for (auto& item : *items) item.weight /= total;
  std::sort(items->begin(), items->end(), [](const Weighted<T>& a, const Weighted<T>& b) {
    if (a.weight != b.weight) return a.weight > b.weight;
    return a.value < b.value;
  });
}

// Linear scans beat hashing for these short lists; comparing string_views
// rejects on length before touching bytes.
bool Contains(const google::protobuf::RepeatedPtrField<std::string>& items,
              absl::string_view value) {
  for (const std::string& item : items) {
    if (absl::string_view(item) == value) return true;
  }
  return false;
}

// Adds strings to a repeated field, skipping repeats. Views point into the
// field's own strings, which stay put while the field grows.
class DistinctAdder {
 public:
  explicit DistinctAdder(google::protobuf::RepeatedPtrField<std::string>* field) : field_(field) {}

  void Add(absl::string_view value) {
    for (absl::string_view seen : seen_) {
      if (seen == value) return;
    }
    std::string* added = field_->Add();
    added->assign(value.data(), value.size());
    seen_.push_back(*added);
  }

 private:
  google::protobuf::RepeatedPtrField<std::string>* field_;
  absl::InlinedVector<absl::string_view, 24> seen_;
};

// Calls emit with up to k distinct items of `items` (partial Fisher-Yates).
template <typename Emit>
void PickDistinct(Rng& rng, std::span<const absl::string_view> items, size_t k, Emit& emit) {
  std::array<uint8_t, 64> order;
  const size_t n = std::min(items.size(), order.size());
  for (size_t i = 0; i < n; ++i) order[i] = static_cast<uint8_t>(i);
  k = std::min(k, n);
  for (size_t i = 0; i < k; ++i) {
    std::swap(order[i], order[i + rng.Below(n - i)]);
    emit(items[order[i]]);
  }
}

using CategoryList = absl::InlinedVector<const CategoryVocabulary*, 3>;

// Calls emit with about k vocabulary words: a share main_share from the main
// category, the rest from one of the other categories (the main one if there
// is no other), and about generic_share of them from `generic`. Words from
// one source are distinct; callers drop repeats across sources.
template <typename Emit>
void PickFromCategories(Rng& rng, const CategoryList& categories, size_t k, double main_share,
                        std::span<const absl::string_view> generic, double generic_share,
                        Emit emit) {
  const size_t from_generic =
      generic.empty()
          ? 0
          : std::min(k, static_cast<size_t>(std::llround(static_cast<double>(k) * generic_share *
                                                         rng.Uniform(0.5, 1.5))));
  const size_t rest = k - from_generic;
  const size_t from_main =
      categories.size() > 1
          ? static_cast<size_t>(std::llround(static_cast<double>(rest) * main_share))
          : rest;
  PickDistinct(rng, categories[0]->words, from_main, emit);
  if (rest > from_main) {
    const CategoryVocabulary& other = *categories[1 + rng.Below(categories.size() - 1)];
    PickDistinct(rng, other.words, rest - from_main, emit);
  }
  PickDistinct(rng, generic, from_generic, emit);
}

template <typename T, size_t N>
bool Contains(const absl::InlinedVector<T, N>& items, const T& value) {
  return std::find(items.begin(), items.end(), value) != items.end();
}

// Zipf-like country weights by rank (s = 1), shared by creators and audiences.
const std::vector<double>& CountryCdf() {
  static const std::vector<double>* cdf = [] {
    auto* c = new std::vector<double>;
    double total = 0;
    for (size_t i = 0; i < Countries().size(); ++i) {
      total += 1.0 / static_cast<double>(i + 1);
      c->push_back(total);
    }
    for (double& x : *c) x /= total;
    return c;
  }();
  return *cdf;
}

const std::vector<double>& CategoryCdf() {
  static const std::vector<double>* cdf = [] {
    auto* c = new std::vector<double>;
    double total = 0;
    for (const auto& category : Categories()) {
      total += category.creator_weight;
      c->push_back(total);
    }
    for (double& x : *c) x /= total;
    return c;
  }();
  return *cdf;
}

size_t SampleCdf(const std::vector<double>& cdf, double u) {
  const auto it = std::upper_bound(cdf.begin(), cdf.end(), u);
  return std::min(static_cast<size_t>(it - cdf.begin()), cdf.size() - 1);
}

constexpr std::array<std::pair<int, int>, 6> kAgeRanges = {
    {{13, 17}, {18, 24}, {25, 34}, {35, 44}, {45, 64}, {65, 80}}};

}  // namespace

std::vector<PlatformWeight> DefaultPlatformMix() {
  return {
      {v1::PLATFORM_INSTAGRAM, 0.45},  {v1::PLATFORM_TIKTOK, 0.27},
      {v1::PLATFORM_YOUTUBE, 0.17},    {v1::PLATFORM_X, 0.03},
      {v1::PLATFORM_TWITCH, 0.025},    {v1::PLATFORM_FACEBOOK, 0.02},
      {v1::PLATFORM_PINTEREST, 0.01},  {v1::PLATFORM_SNAPCHAT, 0.01},
      {v1::PLATFORM_LINKEDIN, 0.0075}, {v1::PLATFORM_THREADS, 0.0075},
  };
}

absl::Status ValidateOptions(const GeneratorOptions& options) {
  double total = 0;
  for (const auto& entry : options.platform_mix) {
    if (entry.platform <= v1::PLATFORM_UNSPECIFIED || entry.platform > v1::PLATFORM_THREADS) {
      return absl::InvalidArgumentError(
          absl::StrCat("platform_mix: unknown platform ", static_cast<int>(entry.platform)));
    }
    if (!(entry.weight >= 0)) {
      return absl::InvalidArgumentError("platform_mix: weights must be >= 0");
    }
    total += entry.weight;
  }
  if (!(total > 0)) {
    return absl::InvalidArgumentError("platform_mix: at least one weight must be > 0");
  }
  if (!(options.fake_share >= 0 && options.fake_share <= 1)) {
    return absl::InvalidArgumentError("fake_share must be in [0, 1]");
  }
  if (!(options.linked_share >= 0 && options.linked_share <= 0.5)) {
    return absl::InvalidArgumentError("linked_share must be in [0, 0.5]");
  }
  return absl::OkStatus();
}

v1::Tier TierForFollowers(int64_t followers) {
  if (followers < 10'000) return v1::TIER_NANO;
  if (followers < 100'000) return v1::TIER_MICRO;
  if (followers < 1'000'000) return v1::TIER_MACRO;
  if (followers < 10'000'000) return v1::TIER_COUNTRY;
  return v1::TIER_GLOBAL;
}

// Accounts of consecutive indices [first_index, first_index + size) belong to
// one person; position is this account's place among them.
struct CatalogGenerator::Slot {
  uint64_t first_index;
  int position;
  int size;
};

// Everything shared by all accounts of one person.
struct CatalogGenerator::Person {
  uint64_t key = 0;
  uint64_t first_index = 0;
  int size = 1;
  const CountryInfo* country = nullptr;
  absl::string_view city;
  absl::InlinedVector<absl::string_view, 3> languages;
  v1::AccountType account_type = v1::ACCOUNT_TYPE_UNSPECIFIED;
  v1::Gender gender = v1::GENDER_UNSPECIFIED;
  v1::AgeBand age_band = v1::AGE_BAND_UNSPECIFIED;
  int birth_year = 0;  // 0 = unknown
  CategoryList categories;
  std::string display_name;
  // Handle parts: name, then "_" and a person-unique base-36 suffix.
  std::string handle_name;
  std::string handle_suffix;
  // Person-level fame (standard normal) and follower branch, so a person's
  // accounts have correlated sizes.
  double fame = 0;
  bool tail = false;
  std::array<v1::Platform, 3> platforms{};
};

CatalogGenerator::CatalogGenerator(GeneratorOptions options)
    : options_(std::move(options)), seed_key_(Mix64(options_.seed ^ 0x6d6963726f726561ULL)) {
  reference_year_ =
      static_cast<int>(absl::ToCivilYear(options_.reference_time, absl::UTCTimeZone()).year());
  double total = 0;
  positive_platforms_ = 0;
  for (const auto& entry : options_.platform_mix) {
    total += std::max(entry.weight, 0.0);
    platform_cdf_.push_back(total);
    if (entry.weight > 0) ++positive_platforms_;
  }
  for (double& x : platform_cdf_) x /= total;
  // Linked blocks hold 2-3 of kBlockSize accounts.
  linked_block_probability_ =
      positive_platforms_ >= 2
          ? std::min(1.0, options_.linked_share * kBlockSize / kMeanLinkedAccounts)
          : 0.0;
}

uint64_t CatalogGenerator::AccountKey(uint64_t index) const {
  return Mix64(seed_key_ + Mix64(index * 2 + 1));
}

v1::Platform CatalogGenerator::SamplePlatform(double u) const {
  return options_.platform_mix[SampleCdf(platform_cdf_, u)].platform;
}

CatalogGenerator::Slot CatalogGenerator::SlotOf(uint64_t index) const {
  const uint64_t block = index / kBlockSize;
  Rng rng(Mix64(seed_key_ ^ Mix64(block * 2)), Field::kBlock);
  if (rng.Bernoulli(linked_block_probability_)) {
    const int size = std::min(rng.Bernoulli(0.7) ? 2 : 3, positive_platforms_);
    const auto position = static_cast<int>(index % kBlockSize);
    if (position < size) return {block * kBlockSize, position, size};
  }
  return {index, 0, 1};
}

void CatalogGenerator::MakePerson(const Slot& slot, Person* p) const {
  p->first_index = slot.first_index;
  p->size = slot.size;
  p->key = Mix64(seed_key_ ^ Mix64(slot.first_index ^ 0x706572736f6eULL));

  // Distinct platforms for a linked person, drawn from the mix.
  if (slot.size > 1) {
    Rng rng(p->key, Field::kPersonPlatforms);
    for (int i = 0; i < slot.size; ++i) {
      v1::Platform platform = v1::PLATFORM_UNSPECIFIED;
      for (int attempt = 0; attempt < 64; ++attempt) {
        const v1::Platform candidate = SamplePlatform(rng.Uniform());
        if (std::find(p->platforms.begin(), p->platforms.begin() + i, candidate) ==
            p->platforms.begin() + i) {
          platform = candidate;
          break;
        }
      }
      if (platform == v1::PLATFORM_UNSPECIFIED) {
        // Rare with skewed mixes: take the first unused positive platform.
        for (const auto& entry : options_.platform_mix) {
          if (entry.weight > 0 && std::find(p->platforms.begin(), p->platforms.begin() + i,
                                            entry.platform) == p->platforms.begin() + i) {
            platform = entry.platform;
            break;
          }
        }
      }
      p->platforms[i] = platform;
    }
  }

  {
    Rng rng(p->key, Field::kPersonCountry);
    p->country = &Countries()[SampleCdf(CountryCdf(), rng.Uniform())];
    p->city = p->country->cities[rng.Zipf(p->country->cities.size())];
    p->languages.push_back(p->country->languages[0]);
    if (p->country->languages.size() > 1 && rng.Bernoulli(0.5)) {
      p->languages.push_back(p->country->languages[1]);
    } else if (absl::string_view(p->country->languages[0]) != "en" && rng.Bernoulli(0.2)) {
      p->languages.push_back("en");
    }
  }

  {
    Rng rng(p->key, Field::kPersonCategories);
    const double u = rng.Uniform();
    const int count = u < 0.5 ? 1 : (u < 0.85 ? 2 : 3);
    while (static_cast<int>(p->categories.size()) < count) {
      const CategoryVocabulary* c = &Categories()[SampleCdf(CategoryCdf(), rng.Uniform())];
      if (!Contains(p->categories, c)) p->categories.push_back(c);
    }
  }

  const CategoryVocabulary& main = *p->categories[0];
  {
    Rng rng(p->key, Field::kPersonDemographics);
    const double u = rng.Uniform();
    p->account_type = u < 0.58   ? v1::ACCOUNT_TYPE_CREATOR
                      : u < 0.88 ? v1::ACCOUNT_TYPE_PERSONAL
                      : u < 0.97 ? v1::ACCOUNT_TYPE_BUSINESS
                                 : v1::ACCOUNT_TYPE_BRAND;
    const bool is_person =
        p->account_type == v1::ACCOUNT_TYPE_CREATOR || p->account_type == v1::ACCOUNT_TYPE_PERSONAL;
    if (is_person) {
      // 3% non-binary; the rest split by the main category's female share.
      const double g = rng.Uniform();
      p->gender = g < 0.97 * main.female_share ? v1::GENDER_FEMALE
                  : g < 0.97                   ? v1::GENDER_MALE
                                               : v1::GENDER_NON_BINARY;
      // Creator ages centre on 18-34, older in older-audience categories.
      std::array<double, 6> weights = {0.04, 0.30, 0.38, 0.17, 0.10, 0.01};
      double total = 0;
      for (size_t b = 0; b < weights.size(); ++b) {
        weights[b] *= std::exp(0.5 * main.audience_age_shift * (static_cast<double>(b) - 2.0));
        total += weights[b];
      }
      double a = rng.Uniform() * total;
      size_t band = 0;
      while (band + 1 < weights.size() && (a -= weights[band]) >= 0) ++band;
      p->age_band = static_cast<v1::AgeBand>(band + 1);
      const auto [lo, hi] = kAgeRanges[band];
      const int age = lo + static_cast<int>(rng.Below(static_cast<size_t>(hi - lo + 1)));
      if (rng.Bernoulli(0.4)) {
        p->birth_year = reference_year_ - age;
      }
    }
  }

  {
    Rng rng(p->key, Field::kPersonName);
    if (p->gender != v1::GENDER_UNSPECIFIED) {
      const NameGroup& group = NameGroups()[static_cast<size_t>(p->country->name_group)];
      const bool female = p->gender == v1::GENDER_FEMALE ||
                          (p->gender == v1::GENDER_NON_BINARY && rng.Bernoulli(0.5));
      const absl::string_view first = rng.Pick(female ? group.female : group.male);
      const absl::string_view last = rng.Pick(group.last);
      const bool first_only = rng.Bernoulli(0.15);
      absl::StrAppend(&p->display_name, first);
      if (!first_only) absl::StrAppend(&p->display_name, " ", last);
      AppendSlugCompact(first, &p->handle_name);
      if (!first_only || rng.Bernoulli(0.5)) {
        if (rng.Bernoulli(0.5)) p->handle_name.push_back('.');
        AppendSlugCompact(last, &p->handle_name);
      }
    } else {
      const absl::string_view word = rng.Pick(main.words);
      const absl::string_view suffix = rng.Pick(BusinessSuffixes());
      AppendCapitalised(word, &p->display_name);
      absl::StrAppend(&p->display_name, " ", suffix);
      AppendSlugCompact(word, &p->handle_name);
      AppendSlugCompact(suffix, &p->handle_name);
    }
    AppendBase36(Scramble40(slot.first_index, seed_key_ ^ 0x68616e646c65ULL), &p->handle_suffix);
  }

  {
    Rng rng(p->key, Field::kPersonFame);
    p->fame = rng.Normal();
    // 15% of people sit on the Pareto tail (see FollowersOf).
    p->tail = rng.Bernoulli(0.15);
  }
}

v1::Platform CatalogGenerator::PlatformOf(uint64_t index, const Slot& slot,
                                          const Person& person) const {
  if (slot.size > 1) return person.platforms[static_cast<size_t>(slot.position)];
  Rng rng(AccountKey(index), Field::kPlatform);
  return SamplePlatform(rng.Uniform());
}

// Followers: a log-normal body (median 2.5k, sigma 1.1) for 85% of people and
// a Pareto tail (from 30k, alpha 0.8) for 15%, which gives about 76% nano,
// 18% micro, 5% macro, 0.8% country and 0.15% global stars (HypeAuditor:
// ~76% of Instagram influencers are nano). The account's normal mixes the
// person's fame (0.6) with its own (0.8), so linked accounts are similar in
// size without being equal.
int64_t CatalogGenerator::FollowersOf(uint64_t index, const Person& person) const {
  Rng rng(AccountKey(index), Field::kFollowers);
  const double z = 0.6 * person.fame + 0.8 * rng.Normal();
  double followers;
  if (person.tail) {
    const double upper = std::max(0.5 * std::erfc(z / std::numbers::sqrt2), 1e-12);
    followers = 30'000.0 * std::pow(upper, -1.0 / 0.8);
  } else {
    followers = 2'500.0 * std::exp(1.1 * z);
  }
  return static_cast<int64_t>(Clamp(std::round(followers), 50, 650'000'000));
}

void CatalogGenerator::AppendHandle(const Person& person, int position, v1::Platform platform,
                                    std::string* out) const {
  out->append(person.handle_name);
  // Some second accounts carry a platform-flavoured variant ("emma.tv").
  if (position > 0) {
    Rng rng(person.key ^ static_cast<uint64_t>(platform), Field::kHandleVariant);
    static constexpr absl::string_view kVariants[] = {".tv", "official", ".vlogs", "daily",
                                                      ".real"};
    if (rng.Bernoulli(0.3)) {
      const absl::string_view variant = rng.Pick(std::span<const absl::string_view>(kVariants));
      out->append(variant.data(), variant.size());
    }
  }
  out->push_back('_');
  out->append(person.handle_suffix);
}

void CatalogGenerator::AppendCreatorId(uint64_t index, v1::Platform platform,
                                       std::string* out) const {
  const uint64_t native = Scramble40(index, seed_key_);
  absl::StrAppend(out, TraitsOf(platform).slug, ":");
  if (platform == v1::PLATFORM_YOUTUBE) {
    // "UC" + 22 base-64 characters; the first 7 carry the unique 40 bits.
    static constexpr char kAlphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    out->append("UC");
    for (int i = 0; i < 7; ++i) out->push_back(kAlphabet[(native >> (6 * i)) & 63]);
    uint64_t pad = Mix64(native ^ seed_key_);
    for (int i = 0; i < 15; ++i) {
      out->push_back(kAlphabet[pad & 63]);
      pad >>= 4;
    }
    return;
  }
  absl::StrAppend(out, kNativeIdBase[static_cast<size_t>(platform)] + native);
}

v1::Creator CatalogGenerator::Generate(uint64_t index) const {
  v1::Creator creator;
  GenerateInto(index, &creator);
  return creator;
}

void CatalogGenerator::GenerateInto(uint64_t index, v1::Creator* c) const {
  c->Clear();
  const Slot slot = SlotOf(index);
  Person person;
  MakePerson(slot, &person);
  const CategoryVocabulary& main = *person.categories[0];
  const v1::Platform platform = PlatformOf(index, slot, person);
  const PlatformTraits& traits = TraitsOf(platform);
  const uint64_t key = AccountKey(index);
  const int64_t followers = FollowersOf(index, person);
  const v1::Tier tier = TierForFollowers(followers);
  const size_t tier_index = TierIndex(tier);
  const auto f = static_cast<double>(followers);
  const absl::Time now = options_.reference_time;
  const bool is_person = person.gender != v1::GENDER_UNSPECIFIED;

  // --- Identity ---
  AppendCreatorId(index, platform, c->mutable_creator_id());
  c->set_platform(platform);
  {
    const absl::string_view id = c->creator_id();
    SetString(id.substr(id.find(':') + 1), c->mutable_platform_account_id());
  }
  std::string* handle = c->mutable_handle();
  AppendHandle(person, slot.position, platform, handle);
  c->set_display_name(person.display_name);
  {
    std::string* person_id = c->mutable_person_id();
    person_id->append("person:");
    AppendBase36(Scramble40(person.first_index, seed_key_ ^ 0x706572736f6eULL), person_id);
  }
  absl::StrAppend(c->mutable_profile_url(), traits.url_prefix, *handle, traits.url_suffix);
  {
    std::string* avatar = c->mutable_avatar_url();
    absl::StrAppend(avatar, "https://img.microreach.example/avatars/", traits.slug, "/");
    AppendBase36(Mix64(key), avatar);
    avatar->append(".jpg");
  }

  SetString(person.country->code, c->mutable_country_code());
  SetString(person.city, c->mutable_city());
  for (absl::string_view language : person.languages) {
    SetString(language, c->add_language_codes());
  }
  c->set_gender(person.gender);
  if (person.birth_year != 0) c->set_birth_year(person.birth_year);
  c->set_age_band(person.age_band);
  c->set_account_type(person.account_type);
  for (const CategoryVocabulary* category : person.categories) {
    c->add_categories(category->category);
  }

  Rng profile(key, Field::kProfile);
  // Verification is rare and comes with size.
  static constexpr double kVerified[] = {0.002, 0.02, 0.15, 0.5, 0.85};
  c->set_verified(profile.Bernoulli(std::min(
      1.0, kVerified[tier_index] * (person.account_type == v1::ACCOUNT_TYPE_BRAND ? 2.0 : 1.0))));
  // Only small personal accounts go private.
  const bool is_private = person.account_type == v1::ACCOUNT_TYPE_PERSONAL &&
                          tier == v1::TIER_NANO && platform != v1::PLATFORM_YOUTUBE &&
                          profile.Bernoulli(0.06);
  c->set_is_private(is_private);
  {
    const bool professional = person.account_type != v1::ACCOUNT_TYPE_PERSONAL;
    c->set_has_email(
        profile.Bernoulli(professional ? 0.55 + 0.08 * static_cast<double>(tier_index) : 0.25));
    c->set_has_phone(
        profile.Bernoulli(person.account_type == v1::ACCOUNT_TYPE_BUSINESS ? 0.35 : 0.12));
  }

  // Interests: words of the person's categories, main category first.
  {
    Rng rng(person.key, Field::kContent);
    DistinctAdder interests(c->mutable_interests());
    PickFromCategories(rng, person.categories, 3 + rng.Below(6), 0.6, {}, 0,
                       [&](absl::string_view word) { interests.Add(word); });
  }

  // Linked profiles: the person's other accounts in the catalog.
  for (int i = 0; i < slot.size; ++i) {
    if (i == slot.position) continue;
    const uint64_t other = slot.first_index + static_cast<uint64_t>(i);
    const v1::Platform other_platform = person.platforms[static_cast<size_t>(i)];
    v1::LinkedProfile* link = c->add_linked_profiles();
    link->set_platform(other_platform);
    AppendCreatorId(other, other_platform, link->mutable_creator_id());
    AppendHandle(person, i, other_platform, link->mutable_handle());
    link->set_followers(FollowersOf(other, person));
  }

  // --- Authenticity ---
  // Fraud is more common in small accounts (DOMAIN.md: about half of 1k-5k
  // accounts show some); the multipliers keep the mean near fake_share
  // under the default size mix.
  static constexpr double kFakeByTier[] = {1.1, 0.8, 0.5, 0.3, 0.2};
  const bool fake = Rng(key, Field::kFake).Bernoulli(options_.fake_share * kFakeByTier[tier_index]);

  // --- Stats ---
  v1::CreatorStats* stats = c->mutable_stats();
  stats->set_followers(followers);

  double posts_per_week;
  bool inactive;
  {
    Rng rng(key, Field::kActivity);
    inactive = rng.Bernoulli(0.06);
    posts_per_week = Round(Clamp(rng.LogNormal(traits.posts_per_week, 0.6), 0.1, 60.0), 1);
    if (inactive) posts_per_week = Round(rng.Uniform(0.0, 0.5), 1);
    const double weeks_active = Clamp(rng.LogNormal(150, 0.7), 8, 780);
    const double typical_rate = inactive ? traits.posts_per_week * 0.5 : posts_per_week;
    stats->set_content_count(
        std::max<int64_t>(1, std::llround(typical_rate * weeks_active * rng.Uniform(0.6, 1.2))));
    // Last post: within days for active accounts (exponential with the
    // posting interval), 30-90 days back for inactive ones.
    const double interval_days = 7.0 / std::max(posts_per_week, 0.1);
    const double days_ago =
        inactive ? rng.Uniform(30, 90) : std::min(29.9, rng.Exponential() * interval_days);
    SetTime(now - absl::Seconds(std::llround(days_ago * 86400.0)),
            c->mutable_content()->mutable_last_post_time());
    if (traits.following_public) {
      // Follow/unfollow cycling leaves fake-boosted accounts following many.
      const double following =
          fake ? rng.Uniform(1500, 7500) : Clamp(rng.LogNormal(600, 0.8), 10, 7500);
      stats->set_following(std::llround(following));
    }
  }

  // Content types the account publishes.
  {
    Rng rng(key, Field::kContentTypes);
    size_t best = 1;
    for (size_t t = 1; t < traits.content_types.size(); ++t) {
      if (traits.content_types[t] > traits.content_types[best]) best = t;
      if (rng.Bernoulli(traits.content_types[t])) {
        c->mutable_content()->add_content_types(static_cast<v1::ContentType>(t));
      }
    }
    if (c->content().content_types_size() == 0) {
      c->mutable_content()->add_content_types(static_cast<v1::ContentType>(best));
    }
  }
  bool publishes_video = false;
  for (int t : c->content().content_types()) {
    publishes_video |=
        t == v1::CONTENT_TYPE_VIDEO || t == v1::CONTENT_TYPE_SHORT || t == v1::CONTENT_TYPE_LIVE;
  }

  double engagement_rate = 0;
  double growth_30d = 0;
  if (!is_private) {
    Rng rng(key, Field::kEngagement);
    // Rate falls with size (BenchmarkRate), log-normal spread around the
    // median; fake followers do not engage, so boosted accounts run at
    // 30-60% of their size's rate.
    double rate = BenchmarkRate(f) * traits.rate_factor * rng.LogNormal(1.0, 0.4);
    if (fake) rate *= rng.Uniform(0.3, 0.6);
    rate = Clamp(rate, 0.0005, 0.5);
    // Views per video fall slowly with size.
    // Rounded before use so the rate below agrees with the stored average.
    const double views = std::max(1.0, Round(f * traits.view_ratio * std::pow(f / 3000.0, -0.1) *
                                                 rng.LogNormal(1.0, 0.5) * (fake ? 0.5 : 1.0),
                                             0));
    const double denominator = traits.rate_by_views ? views : f;
    // Comments are 2-6% of likes + comments; bought likes bring few.
    const double comment_share = fake ? rng.Uniform(0.005, 0.02) : rng.Uniform(0.02, 0.06);
    const double engagements = rate * denominator;
    const double likes = Round(engagements * (1 - comment_share), 1);
    const double comments = Round(engagements * comment_share, 1);
    const bool likes_hidden = traits.can_hide_likes && rng.Bernoulli(0.04);
    stats->set_likes_hidden(likes_hidden);
    if (!likes_hidden) {
      // Defined as (avg likes + avg comments) / followers, or / avg views on
      // view-based platforms, computed from the rounded averages so the
      // three fields agree exactly.
      engagement_rate = (likes + comments) / denominator;
      stats->set_engagement_rate(engagement_rate);
      stats->set_avg_likes(likes);
    }
    stats->set_avg_comments(comments);
    if (traits.shares_per_like > 0) {
      stats->set_avg_shares(Round(likes * traits.shares_per_like * rng.LogNormal(1.0, 0.5), 1));
    }
    if (traits.saves_per_like > 0) {
      stats->set_avg_saves(Round(likes * traits.saves_per_like * rng.LogNormal(1.0, 0.5), 1));
    }
    if (traits.rate_by_views || publishes_video) stats->set_avg_views(views);

    Rng growth(key, Field::kGrowth);
    double growth_90d;
    if (fake) {
      // Staircase spike: bought followers arrive in bursts.
      growth_30d = growth.Uniform(0.15, 0.6);
      growth_90d = growth_30d + growth.Uniform(0.05, 0.4);
    } else {
      // Small accounts grow faster in relative terms.
      growth_30d = Clamp(0.02 - 0.004 * static_cast<double>(tier_index) + 0.025 * growth.Normal() -
                             (inactive ? 0.02 : 0.0),
                         -0.2, 0.3);
      growth_90d = Clamp(growth_30d * growth.Uniform(2.0, 3.5) + 0.02 * growth.Normal(), -0.4, 1.0);
    }
    stats->set_follower_growth_30d(Round(growth_30d, 4));
    stats->set_follower_growth_90d(Round(growth_90d, 4));
    stats->set_posts_per_week(posts_per_week);

    // Sponsored content becomes common with size.
    Rng sponsored(key, Field::kSponsored);
    static constexpr double kSponsoredByTier[] = {0.35, 0.6, 0.8, 0.9, 0.92};
    if (sponsored.Bernoulli(kSponsoredByTier[tier_index] * (fake ? 0.8 : 1.0))) {
      stats->set_sponsored_post_share(Round(
          Clamp(sponsored.Uniform(0.02, 0.15) + 0.04 * static_cast<double>(tier_index), 0.01, 0.6),
          3));
      stats->set_sponsored_engagement_ratio(Round(sponsored.LogNormal(0.8, 0.35), 2));
    } else {
      stats->set_sponsored_post_share(0);
    }

    // Price: rate card per 1k followers, nudged by engagement relative to
    // the size's benchmark (sqrt, clamped) and by a +-25% market spread.
    Rng price(key, Field::kPrice);
    const double benchmark = BenchmarkRate(f) * traits.rate_factor;
    const double quality = likes_hidden ? 1.0 : std::sqrt(Clamp(rate / benchmark, 0.3, 3.0));
    const double usd = std::max(
        20.0, f / 1000.0 * traits.usd_per_1k[tier_index] * quality * price.LogNormal(1.0, 0.25));
    v1::Money* money = stats->mutable_estimated_price();
    money->set_currency_code("USD");
    money->set_amount_micros(std::llround(usd) * 1'000'000);
  }
  const absl::Time update_time = [&] {
    Rng rng(key, Field::kTimes);
    const absl::Time create_time =
        now - absl::Seconds(std::llround(rng.Uniform(1, 3 * 365) * 86400.0));
    const absl::Time update = std::min(
        now - absl::Seconds(std::llround(rng.Uniform(0, 30) * 86400.0)), now - absl::Seconds(1));
    SetTime(create_time, c->mutable_create_time());
    SetTime(std::max(update, create_time), c->mutable_update_time());
    return std::max(update, create_time);
  }();
  SetTime(update_time, stats->mutable_measure_time());

  // --- Content signals ---
  v1::ContentSignals* content = c->mutable_content();
  {
    Rng rng(key, Field::kMentions);
    // Brands worked with: only accounts with sponsored posts, more with size.
    if (stats->sponsored_post_share() > 0) {
      const size_t count = std::min<size_t>(10, 1 + rng.Below(2 + 2 * tier_index));
      for (size_t i = 0; i < count * 3 && static_cast<size_t>(content->brands_size()) < count;
           ++i) {
        const CategoryVocabulary& category =
            rng.Bernoulli(0.7) ? main : *person.categories[rng.Below(person.categories.size())];
        const absl::string_view brand = rng.Pick(category.brands);
        if (!Contains(content->brands(), brand)) {
          SetString(brand, content->add_brands());
        }
      }
    }
    // Mentions: brand accounts and other creators.
    const size_t mentions = 1 + rng.Below(8);
    for (size_t i = 0; i < mentions; ++i) {
      if (rng.Bernoulli(0.4)) {
        const absl::string_view brand = rng.Pick(main.brands);
        std::string slug;
        AppendSlugCompact(brand, &slug);
        if (!Contains(content->mentions(), slug)) {
          content->add_mentions(slug);
        }
      } else {
        const NameGroup& group = NameGroups()[static_cast<size_t>(person.country->name_group)];
        std::string* mention = content->add_mentions();
        AppendSlugCompact(rng.Pick(rng.Bernoulli(0.5) ? group.female : group.male), mention);
        AppendSlugCompact(rng.Pick(group.last), mention);
        mention->push_back('_');
        AppendBase36(rng.Next() & kMask40, mention);
      }
    }
  }
  {
    Rng rng(key, Field::kHashtags);
    // Hashtags and caption keywords from the categories' vocabularies
    // (about two thirds from the main category).
    DistinctAdder hashtags(content->mutable_hashtags());
    std::string tag;
    PickFromCategories(rng, person.categories, 5 + rng.Below(11), 0.65, {}, 0,
                       [&](absl::string_view word) {
                         tag.clear();
                         AppendSlugCompact(word, &tag);
                         hashtags.Add(tag);
                       });
    if (rng.Bernoulli(0.3)) {
      static constexpr absl::string_view kTagSuffixes[] = {"life", "lover", "daily",
                                                           "gram", "tips",  "community"};
      tag.clear();
      absl::StrAppend(&tag, main.slug, rng.Pick(std::span<const absl::string_view>(kTagSuffixes)));
      hashtags.Add(tag);
    }
    DistinctAdder keywords(content->mutable_caption_keywords());
    std::string word;
    PickFromCategories(rng, person.categories, 5 + rng.Below(11), 0.65, GenericCaptionWords(), 0.2,
                       [&](absl::string_view w) {
                         word.clear();
                         AppendSpaced(w, &word);
                         keywords.Add(word);
                       });
  }
  {
    // Bio: person-level, so linked accounts share it.
    Rng rng(person.key, Field::kProfile);
    std::string* bio = content->mutable_bio();
    if (is_person) {
      const absl::string_view role = rng.Pick(main.roles);
      bio->append(role.data(), role.size());
      if (bio->size() > 0) (*bio)[0] = absl::ascii_toupper(static_cast<unsigned char>((*bio)[0]));
      bio->append(" | ");
      for (int i = 0; i < 3; ++i) {
        if (i > 0) bio->append(" \xc2\xb7 ");  // middle dot
        AppendSpaced(rng.Pick(person.categories[rng.Below(person.categories.size())]->words), bio);
      }
      absl::StrAppend(bio, " | \xf0\x9f\x93\x8d ", person.city);  // pin emoji
    } else {
      absl::StrAppend(bio, person.display_name, ": ");
      AppendSpaced(rng.Pick(main.words), bio);
      bio->append(", ");
      AppendSpaced(rng.Pick(main.words), bio);
      absl::StrAppend(bio, " and more from ", person.city, ". Shop the link below.");
    }
    if (c->has_email()) bio->append(" | Business inquiries by email");
    if (rng.Bernoulli(0.35)) {
      absl::StrAppend(content->mutable_external_url(), "https://linktr.ee/", *handle);
    }
  }

  // Brand-safety flags: rare, tied to category (alcohol with food, gambling
  // with gaming and sports, politics with news...).
  {
    Rng rng(key, Field::kFlags);
    if (rng.Bernoulli(0.06)) {
      v1::BrandSafetyFlag flag = v1::BRAND_SAFETY_FLAG_CONTROVERSY;
      switch (main.category) {
        case v1::CATEGORY_FOOD:
        case v1::CATEGORY_LIFESTYLE:
        case v1::CATEGORY_TRAVEL:
          flag = v1::BRAND_SAFETY_FLAG_ALCOHOL;
          break;
        case v1::CATEGORY_GAMING:
        case v1::CATEGORY_SPORTS:
          flag =
              rng.Bernoulli(0.5) ? v1::BRAND_SAFETY_FLAG_GAMBLING : v1::BRAND_SAFETY_FLAG_PROFANITY;
          break;
        case v1::CATEGORY_COMEDY:
        case v1::CATEGORY_MUSIC:
          flag = v1::BRAND_SAFETY_FLAG_PROFANITY;
          break;
        case v1::CATEGORY_NEWS:
          flag = rng.Bernoulli(0.5) ? v1::BRAND_SAFETY_FLAG_POLITICS
                                    : v1::BRAND_SAFETY_FLAG_MISINFORMATION;
          break;
        case v1::CATEGORY_FINANCE:
          flag = v1::BRAND_SAFETY_FLAG_MISINFORMATION;
          break;
        default:
          break;
      }
      c->add_brand_safety_flags(flag);
    }
  }

  c->set_tier(tier);
  c->set_version(1);

  // --- Audience (private accounts expose none) ---
  if (is_private) return;
  v1::AudienceDemographics* audience = c->mutable_audience();

  // Countries: the creator's home country dominates; the rest leans to
  // countries sharing a language. Fake-boosted accounts draw much of their
  // audience from bot-farm countries unrelated to the content.
  absl::InlinedVector<Weighted<size_t>, 12> countries;
  {
    Rng rng(key, Field::kAudienceCountries);
    const auto home = static_cast<size_t>(person.country - Countries().data());
    const double home_share = fake ? rng.Uniform(0.1, 0.4) : rng.Uniform(0.45, 0.85);
    countries.push_back({home, home_share});
    const size_t others = 3 + rng.Below(6);
    double other_total = 0;
    for (size_t attempt = 0; attempt < others * 4 && countries.size() < others + 1; ++attempt) {
      const size_t candidate = SampleCdf(CountryCdf(), rng.Uniform());
      const CountryInfo& info = Countries()[candidate];
      // Accept in proportion to affinity: shared language, or a bot farm.
      double affinity = 0.35;
      for (absl::string_view language : info.languages) {
        if (language == person.country->languages[0]) {
          affinity = 1.0;
        }
      }
      if (fake && info.bot_source) affinity = 1.0;
      if (!rng.Bernoulli(affinity)) continue;
      bool seen = false;
      for (const auto& entry : countries) seen |= entry.value == candidate;
      if (seen) continue;
      const double w = rng.Exponential() * (fake && info.bot_source ? 2.0 : 1.0);
      countries.push_back({candidate, w});
      other_total += w;
    }
    for (size_t i = 1; i < countries.size(); ++i) {
      countries[i].weight *= (1.0 - home_share) / other_total;
    }
    if (countries.size() == 1) countries[0].weight = 1.0;
    Normalise(&countries);
    for (const auto& entry : countries) {
      v1::CountryShare* share = audience->add_countries();
      SetString(Countries()[entry.value].code, share->mutable_country_code());
      share->set_share(entry.weight);
    }
  }

  // Cities: one to three of each of the top three countries' cities, the
  // creator's own city boosted.
  {
    Rng rng(key, Field::kAudienceCities);
    absl::InlinedVector<Weighted<std::pair<size_t, size_t>>, 9> cities;
    for (size_t i = 0; i < std::min<size_t>(3, countries.size()); ++i) {
      const CountryInfo& info = Countries()[countries[i].value];
      const size_t n = std::min(info.cities.size(), 1 + rng.Below(3));
      for (size_t k = 0; k < n; ++k) {
        const double boost = &info == person.country && info.cities[k] == person.city ? 2.0 : 1.0;
        cities.push_back(
            {{countries[i].value, k},
             countries[i].weight / static_cast<double>(k + 1) * boost * rng.LogNormal(1.0, 0.3)});
      }
    }
    Normalise(&cities);
    for (const auto& entry : cities) {
      const CountryInfo& info = Countries()[entry.value.first];
      v1::CityShare* share = audience->add_cities();
      SetString(info.cities[entry.value.second], share->mutable_city());
      SetString(info.code, share->mutable_country_code());
      share->set_share(entry.weight);
    }
  }

  // Genders: lean with the main category and a little with the creator.
  {
    Rng rng(key, Field::kAudienceGenders);
    double female = 0.5 + 0.8 * (main.female_share - 0.5) + 0.07 * rng.Normal();
    if (person.gender == v1::GENDER_FEMALE) female += 0.08;
    if (person.gender == v1::GENDER_MALE) female -= 0.08;
    female = Clamp(female, 0.03, 0.97);
    const double non_binary = rng.Uniform(0.005, 0.02);
    absl::InlinedVector<Weighted<int>, 3> genders = {
        {v1::GENDER_FEMALE, female * (1 - non_binary)},
        {v1::GENDER_MALE, (1 - female) * (1 - non_binary)},
        {v1::GENDER_NON_BINARY, non_binary}};
    Normalise(&genders);
    for (const auto& entry : genders) {
      v1::GenderShare* share = audience->add_genders();
      share->set_gender(static_cast<v1::Gender>(entry.value));
      share->set_share(entry.weight);
    }
  }

  // Age bands: the platform's demographics, shifted by the category and
  // towards the creator's own age.
  {
    Rng rng(key, Field::kAudienceAges);
    double shift = main.audience_age_shift;
    if (person.age_band != v1::AGE_BAND_UNSPECIFIED) {
      shift += 0.25 * (static_cast<double>(person.age_band) - 3.0);
    }
    absl::InlinedVector<Weighted<int>, 6> ages;
    for (size_t b = 0; b < 6; ++b) {
      const double w = traits.audience_ages[b] *
                       std::exp(0.4 * shift * (static_cast<double>(b) - 2.0)) *
                       rng.LogNormal(1.0, 0.25);
      if (w > 0) ages.push_back({static_cast<int>(b + 1), w});
    }
    Normalise(&ages);
    for (const auto& entry : ages) {
      v1::AgeBandShare* share = audience->add_age_bands();
      share->set_age_band(static_cast<v1::AgeBand>(entry.value));
      share->set_share(entry.weight);
    }
  }

  // Languages follow the audience countries: each country's main language
  // takes its share, with 15% of non-English countries' share (20% split
  // with a second language where one is listed) going to that language.
  {
    absl::InlinedVector<Weighted<absl::string_view>, 12> languages;
    auto add = [&languages](absl::string_view code, double w) {
      for (auto& entry : languages) {
        if (entry.value == code) {
          entry.weight += w;
          return;
        }
      }
      languages.push_back({code, w});
    };
    for (const auto& entry : countries) {
      const CountryInfo& info = Countries()[entry.value];
      const absl::string_view first = info.languages[0];
      if (info.languages.size() > 1) {
        add(first, entry.weight * 0.8);
        add(info.languages[1], entry.weight * 0.2);
      } else if (first != "en") {
        add(first, entry.weight * 0.85);
        add("en", entry.weight * 0.15);
      } else {
        add(first, entry.weight);
      }
    }
    Normalise(&languages);
    for (const auto& entry : languages) {
      v1::LanguageShare* share = audience->add_languages();
      SetString(entry.value, share->mutable_language_code());
      share->set_share(entry.weight);
    }
  }

  // Interests: the creator's categories as broad interests, a few of their
  // words, and some unrelated categories.
  {
    Rng rng(key, Field::kAudienceInterests);
    absl::InlinedVector<Weighted<absl::string_view>, 16> interests;
    auto add = [&interests](absl::string_view slug, double w) {
      for (auto& entry : interests) {
        if (entry.value == slug) {
          entry.weight += w;
          return;
        }
      }
      interests.push_back({slug, w});
    };
    static constexpr double kCategoryWeight[] = {1.0, 0.5, 0.3};
    for (size_t i = 0; i < person.categories.size(); ++i) {
      add(person.categories[i]->slug, kCategoryWeight[i] * rng.LogNormal(1.0, 0.2));
    }
    const size_t words = 2 + rng.Below(3);
    for (size_t i = 0; i < words; ++i) add(rng.Pick(main.words), rng.Uniform(0.1, 0.3));
    const size_t unrelated = 2 + rng.Below(2);
    for (size_t i = 0; i < unrelated; ++i) {
      add(Categories()[SampleCdf(CategoryCdf(), rng.Uniform())].slug, rng.Uniform(0.05, 0.2));
    }
    Normalise(&interests);
    for (const auto& entry : interests) {
      v1::InterestShare* share = audience->add_interests();
      SetString(entry.value, share->mutable_interest());
      share->set_share(entry.weight);
    }
  }

  // Brand affinities: brands the creator worked with weigh most, then the
  // category's other brands.
  {
    Rng rng(key, Field::kAudienceBrands);
    absl::InlinedVector<Weighted<absl::string_view>, 16> brands;
    auto add = [&brands](absl::string_view slug, double w) {
      for (auto& entry : brands) {
        if (entry.value == slug) {
          entry.weight += w;
          return;
        }
      }
      brands.push_back({slug, w});
    };
    for (const std::string& brand : content->brands()) add(brand, rng.Uniform(0.3, 1.0));
    const size_t more = 3 + rng.Below(4);
    for (size_t i = 0; i < more; ++i) {
      const CategoryVocabulary& category =
          rng.Bernoulli(0.7) ? main : *person.categories[rng.Below(person.categories.size())];
      add(rng.Pick(category.brands), rng.Exponential() * 0.3);
    }
    Normalise(&brands);
    for (const auto& entry : brands) {
      v1::BrandAffinity* share = audience->add_brand_affinities();
      SetString(entry.value, share->mutable_brand());
      share->set_share(entry.weight);
    }
  }

  // Quality: credibility below 0.75 is "often a sign of fraud" (Modash), so
  // genuine accounts sit in 0.75-0.95 and boosted ones in 0.3-0.7; mass
  // followers (following > 1,500) cut reachability of boosted accounts.
  {
    Rng rng(key, Field::kQuality);
    const double credibility = fake ? rng.Uniform(0.3, 0.7) : rng.Uniform(0.75, 0.95);
    const double reachability = fake ? rng.Uniform(0.15, 0.45) : rng.Uniform(0.55, 0.85);
    audience->set_credibility(Round(credibility, 4));
    audience->set_reachability(Round(reachability, 4));
    // Score 1..100 in the spirit of HypeAuditor's AQS: audience quality,
    // engagement against the size benchmark, reachability and the absence
    // of growth anomalies.
    const double benchmark = BenchmarkRate(f) * traits.rate_factor;
    const double engagement_score =
        stats->has_engagement_rate() ? Clamp(engagement_rate / (2 * benchmark), 0, 1) : 0.5;
    const double growth_score = 1.0 - Clamp(std::abs(growth_30d) / 0.3, 0, 1);
    const double score = 100.0 * (0.45 * credibility + 0.25 * engagement_score +
                                  0.15 * reachability + 0.15 * growth_score);
    audience->set_audience_quality_score(Round(Clamp(score, 1, 100), 1));
    SetTime(update_time - absl::Seconds(std::llround(rng.Uniform(0, 7) * 86400.0)),
            audience->mutable_measure_time());
  }
}

}  // namespace microreach::catalog_gen
