// AccountClassifier: the transparent logistic model that judges whether an
// account is fake or automated from its public signals (docs/metrics.md
// "Authenticity"), and the audience-credibility estimate built on it.
#ifndef MICROREACH_SERVICES_SCORING_ACCOUNT_CLASSIFIER_H_
#define MICROREACH_SERVICES_SCORING_ACCOUNT_CLASSIFIER_H_

#include <array>
#include <cstdint>
#include <optional>

#include "absl/types/span.h"
#include "microreach/scoring/v1/scoring_service.pb.h"
#include "services/scoring/formulas.h"

namespace microreach::scoring {

// The public signals of one account (scoring.v1.AccountSignals without ids).
struct Account {
  int64_t followers = 0;
  int64_t following = 0;
  int64_t posts = 0;
  bool has_profile_picture = false;
  bool is_private = false;
  int32_t bio_length = 0;
  int32_t username_length = 1;
  int32_t username_digit_count = 0;
  bool has_external_link = false;
  std::optional<int32_t> account_age_days;
};

// Signals of the model, in the order of kSignalNames. Each feature is 0 for a
// typical real account, so a term's sign says which way the signal pushes.
enum Signal : int {
  kNoProfilePicture = 0,
  kFollowers,
  kFollowingRatio,
  kPosts,
  kEmptyBio,
  kUsernameDigits,
  kUsernameLength,
  kExternalLink,
  kPrivate,
  kNewAccount,
  kMassFollowing,
};
inline constexpr int kNumSignals = 11;
const char* SignalName(int signal);

// Classes of scoring.v1.AccountClass (same numbers).
enum class AccountClass : int { kReal = 1, kSuspicious = 2, kMassFollower = 3, kInfluencer = 4 };

struct SignalContribution {
  int signal = 0;
  double value = 0;         // the raw signal value shown to users
  double contribution = 0;  // p - p(without this signal), in [-1, 1]
};

struct Classification {
  double fake_probability = 0;
  AccountClass account_class = AccountClass::kReal;
  // Largest |contribution| first, at most 5, zero contributions left out.
  std::array<SignalContribution, 5> top{};
  int top_count = 0;
};

struct ClassifierWeights {
  double intercept = 0;
  std::array<double, kNumSignals> weight{};
};
// The shipped weights; their rationale is in docs/metrics.md.
ClassifierWeights DefaultClassifierWeights();

// Thread-safe (immutable).
//
// Example:
//   AccountClassifier classifier;
//   Classification c = classifier.Classify({.followers = 12, .following = 3400});
//   if (c.account_class == AccountClass::kSuspicious) ...
class AccountClassifier {
 public:
  explicit AccountClassifier(ClassifierWeights weights = DefaultClassifierWeights())
      : weights_(weights) {}

  // The centred features x_i of an account (0 = typical real account).
  static std::array<double, kNumSignals> Features(const Account& a);
  // The raw values reported beside each signal (e.g. the ratio itself).
  static std::array<double, kNumSignals> DisplayValues(const Account& a);

  // p = sigmoid(intercept + sum_i w_i x_i).
  double FakeProbability(const Account& a) const;
  Classification Classify(const Account& a) const;

  const ClassifierWeights& weights() const { return weights_; }

 private:
  ClassifierWeights weights_;
};

double Sigmoid(double z);

// Audience credibility from a sample of a creator's followers: the share
// classified real (fake probability < 0.5) with its 95% Wilson interval, so
// a sample of 20 reports a wide range and one of 2,000 a narrow one.
struct Credibility {
  double real_share = 0;
  int64_t real_count = 0;
  Interval interval95;
  int64_t sample_size = 0;
  // Share of the sample following more than 1,500 accounts.
  double mass_follower_share = 0;
};
Credibility AudienceCredibility(absl::Span<const Classification> sample,
                                absl::Span<const Account> accounts);

// The wire form (ClassifyAccountsResponse.audience_sample).
void ToProto(const Credibility& credibility, v1::AudienceSample* out);

}  // namespace microreach::scoring

#endif  // MICROREACH_SERVICES_SCORING_ACCOUNT_CLASSIFIER_H_
