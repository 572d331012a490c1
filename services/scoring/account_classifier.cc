// The account classifier's features, weights and explanations
// (docs/metrics.md "ClassifyAccounts").
#include "services/scoring/account_classifier.h"

#include <algorithm>
#include <cmath>

namespace microreach::scoring {

const char* SignalName(int signal) {
  static constexpr const char* kNames[kNumSignals] = {"has_profile_picture",
                                                      "followers",
                                                      "following_to_followers_ratio",
                                                      "posts",
                                                      "bio_length",
                                                      "username_digit_share",
                                                      "username_length",
                                                      "has_external_link",
                                                      "is_private",
                                                      "account_age_days",
                                                      "following"};
  return signal >= 0 && signal < kNumSignals ? kNames[signal] : "unknown";
}

ClassifierWeights DefaultClassifierWeights() {
  ClassifierWeights w;
  // Hand-set, then moved towards the maximum-likelihood fit on the generated
  // training split (scoring_classifier_eval --fit) where the sign still reads
  // right; rationale per weight and the evaluation in docs/metrics.md.
  // A typical real account (every feature 0) scores sigmoid(-2.2) = 0.10.
  w.intercept = -2.2;
  w.weight[kNoProfilePicture] = 1.0;
  w.weight[kFollowers] = -0.5;
  w.weight[kFollowingRatio] = 0.8;
  w.weight[kPosts] = -0.6;
  w.weight[kEmptyBio] = 0.3;
  w.weight[kUsernameDigits] = 1.5;
  w.weight[kUsernameLength] = 0.15;
  w.weight[kExternalLink] = -0.3;
  w.weight[kPrivate] = -0.3;
  w.weight[kNewAccount] = 2.5;
  w.weight[kMassFollowing] = -0.5;
  return w;
}

double Sigmoid(double z) { return 1.0 / (1.0 + std::exp(-z)); }

std::array<double, kNumSignals> AccountClassifier::Features(const Account& a) {
  const double followers = static_cast<double>(std::max<int64_t>(a.followers, 0));
  const double following = static_cast<double>(std::max<int64_t>(a.following, 0));
  const double posts = static_cast<double>(std::max<int64_t>(a.posts, 0));
  const int length = std::max(a.username_length, 1);
  std::array<double, kNumSignals> x{};
  x[kNoProfilePicture] = a.has_profile_picture ? 0 : 1;
  x[kFollowers] = std::log10(1 + followers) - 2.5;
  x[kFollowingRatio] = std::log10((1 + following) / (1 + followers));
  x[kPosts] = std::log10(1 + posts) - 1.5;
  x[kEmptyBio] = a.bio_length <= 0 ? 1 : 0;
  x[kUsernameDigits] = std::clamp(static_cast<double>(a.username_digit_count) / length, 0.0, 1.0);
  x[kUsernameLength] = std::max(0, a.username_length - 14);
  x[kExternalLink] = a.has_external_link ? 1 : 0;
  x[kPrivate] = a.is_private ? 1 : 0;
  x[kNewAccount] = a.account_age_days.has_value()
                       ? std::clamp(1.0 - *a.account_age_days / 365.0, 0.0, 1.0)
                       : 0.0;
  x[kMassFollowing] = std::max(0.0, std::log10(1 + following) - 3.0);
  return x;
}

std::array<double, kNumSignals> AccountClassifier::DisplayValues(const Account& a) {
  std::array<double, kNumSignals> v{};
  v[kNoProfilePicture] = a.has_profile_picture ? 1 : 0;
  v[kFollowers] = static_cast<double>(a.followers);
  v[kFollowingRatio] =
      static_cast<double>(a.following) / static_cast<double>(std::max<int64_t>(a.followers, 1));
  v[kPosts] = static_cast<double>(a.posts);
  v[kEmptyBio] = a.bio_length;
  v[kUsernameDigits] = static_cast<double>(a.username_digit_count) / std::max(a.username_length, 1);
  v[kUsernameLength] = a.username_length;
  v[kExternalLink] = a.has_external_link ? 1 : 0;
  v[kPrivate] = a.is_private ? 1 : 0;
  v[kNewAccount] = a.account_age_days.value_or(-1);
  v[kMassFollowing] = static_cast<double>(a.following);
  return v;
}

double AccountClassifier::FakeProbability(const Account& a) const {
  const std::array<double, kNumSignals> x = Features(a);
  double z = weights_.intercept;
  for (size_t i = 0; i < kNumSignals; ++i) z += weights_.weight[i] * x[i];
  return Sigmoid(z);
}

Classification AccountClassifier::Classify(const Account& a) const {
  const std::array<double, kNumSignals> x = Features(a);
  std::array<double, kNumSignals> term{};
  double z = weights_.intercept;
  for (size_t i = 0; i < kNumSignals; ++i) {
    term[i] = weights_.weight[i] * x[i];
    z += term[i];
  }
  Classification out;
  out.fake_probability = Sigmoid(z);
  if (out.fake_probability >= 0.5) {
    out.account_class = AccountClass::kSuspicious;
  } else if (a.following > 1500) {
    out.account_class = AccountClass::kMassFollower;
  } else if (a.followers > 5000) {
    out.account_class = AccountClass::kInfluencer;
  } else {
    out.account_class = AccountClass::kReal;
  }
  // Contribution of a signal: how far the probability would move back if the
  // signal were at its typical-real value (term 0). Exact per signal, and
  // readable as "percentage points this signal added".
  std::array<SignalContribution, kNumSignals> all{};
  const std::array<double, kNumSignals> shown = DisplayValues(a);
  for (size_t i = 0; i < kNumSignals; ++i) {
    all[i] = {static_cast<int>(i), shown[i], out.fake_probability - Sigmoid(z - term[i])};
  }
  std::stable_sort(all.begin(), all.end(), [](const auto& l, const auto& r) {
    return std::abs(l.contribution) > std::abs(r.contribution);
  });
  for (const SignalContribution& c : all) {
    if (out.top_count == static_cast<int>(out.top.size()) || c.contribution == 0) break;
    out.top[static_cast<size_t>(out.top_count++)] = c;
  }
  return out;
}

Credibility AudienceCredibility(absl::Span<const Classification> sample,
                                absl::Span<const Account> accounts) {
  Credibility out;
  out.sample_size = static_cast<int64_t>(sample.size());
  if (sample.empty()) {
    out.interval95 = {0, 1};
    return out;
  }
  double real = 0;
  double mass = 0;
  for (size_t i = 0; i < sample.size(); ++i) {
    if (sample[i].account_class != AccountClass::kSuspicious) real += 1;
    if (i < accounts.size() && accounts[i].following > 1500) mass += 1;
  }
  const double n = static_cast<double>(sample.size());
  out.real_count = static_cast<int64_t>(real);
  out.real_share = real / n;
  out.mass_follower_share = mass / n;
  out.interval95 = WilsonInterval(real, n);
  return out;
}

void ToProto(const Credibility& c, v1::AudienceSample* out) {
  out->set_sample_size(c.sample_size);
  out->set_real_count(c.real_count);
  out->set_credibility(c.real_share);
  out->set_credibility_lower(c.interval95.low);
  out->set_credibility_upper(c.interval95.high);
  out->set_confidence_level(0.95);
  out->set_fake_follower_share(c.sample_size > 0 ? 1 - c.real_share : 0);
  out->set_mass_follower_share(c.mass_follower_share);
}

}  // namespace microreach::scoring
