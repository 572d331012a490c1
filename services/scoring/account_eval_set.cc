// A synthetic, labelled population of accounts for evaluating the classifier.
// Its own splitmix64 and Box-Muller keep it identical on every standard
// library (std::normal_distribution is implementation-defined).
#include "services/scoring/account_eval_set.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace microreach::scoring {
namespace {

class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t Next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  // Uniform in [0, 1).
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  bool Chance(double p) { return Uniform() < p; }
  int Int(int lo, int hi) {  // inclusive
    return lo + static_cast<int>(Uniform() * (hi - lo + 1));
  }
  double Normal() {
    const double u1 = std::max(Uniform(), 1e-300);
    const double u2 = Uniform();
    return std::sqrt(-2 * std::log(u1)) * std::cos(2 * M_PI * u2);
  }
  // Log-normal count with the given median and log standard deviation.
  int64_t LogNormalCount(double median, double sigma) {
    return static_cast<int64_t>(std::llround(median * std::exp(sigma * Normal())));
  }

 private:
  uint64_t state_;
};

// One archetype of the mixture; shares within real or fake sum to 1.
struct Archetype {
  const char* name;
  bool fake;
  double share;
  double followers_median, followers_sigma;
  double following_median, following_sigma;
  double posts_median, posts_sigma, zero_posts;
  double picture, is_private, empty_bio, link;
  int username_min, username_max;
  double has_digits;
  int digits_min, digits_max;
  int age_min_days, age_max_days;
};

constexpr Archetype kArchetypes[] = {
    // name, fake, share, followers, following, posts(median, sigma, zero),
    // picture, private, empty_bio, link, username len, digits(p, min, max), age days
    {"real_regular", false, 0.70, 250, 1.2, 300,  0.9, 60, 1.3, 0.08, 0.92,
     0.35,           0.35,  0.10, 6,   18,  0.30, 1,   4,  90,  3650},
    {"real_creator", false, 0.15, 20000, 1.5, 600,  0.8, 400, 0.8, 0.0, 0.99,
     0.05,           0.10,  0.60, 5,     16,  0.15, 1,   3,   365, 3650},
    {"real_lurker", false, 0.15, 80, 1.0, 1800, 0.5, 3, 1.0, 0.30, 0.70,
     0.45,          0.70,  0.03, 6,  20,  0.40, 1,   4, 60,  3650},
    {"fake_bot", true, 0.50, 15, 1.0, 2500, 0.6, 3, 1.0, 0.60, 0.30,
     0.20,       0.85, 0.05, 10, 24,  0.40, 3,   8, 5,   200},
    {"fake_aged", true, 0.30, 150, 1.0, 900,  0.7, 12, 1.0, 0.20, 0.75,
     0.25,        0.50, 0.10, 8,   20,  0.30, 2,   5,  30,  1500},
    {"fake_lookalike",
     true,
     0.20,
     300,
     1.0,
     700,
     0.7,
     25,
     1.0,
     0.10,
     0.90,
     0.30,
     0.40,
     0.15,
     6,
     18,
     0.20,
     1,
     4,
     60,
     2000},
};

constexpr double kFakeShare = 0.35;

const Archetype& Pick(Rng& rng, bool fake) {
  double u = rng.Uniform();
  const Archetype* last = nullptr;
  for (const Archetype& a : kArchetypes) {
    if (a.fake != fake) continue;
    last = &a;
    if (u < a.share) return a;
    u -= a.share;
  }
  return *last;
}

}  // namespace

std::vector<LabeledAccount> GenerateEvalSet(uint64_t seed, int n) {
  Rng rng(seed);
  std::vector<LabeledAccount> out;
  out.reserve(static_cast<size_t>(std::max(n, 0)));
  for (int i = 0; i < n; ++i) {
    const bool fake = rng.Chance(kFakeShare);
    const Archetype& t = Pick(rng, fake);
    LabeledAccount l;
    l.fake = fake;
    l.archetype = t.name;
    Account& a = l.account;
    a.followers = rng.LogNormalCount(t.followers_median, t.followers_sigma);
    a.following = rng.LogNormalCount(t.following_median, t.following_sigma);
    a.posts = rng.Chance(t.zero_posts) ? 0 : rng.LogNormalCount(t.posts_median, t.posts_sigma);
    a.has_profile_picture = rng.Chance(t.picture);
    a.is_private = rng.Chance(t.is_private);
    a.bio_length = rng.Chance(t.empty_bio) ? 0 : rng.Int(5, 150);
    a.username_length = rng.Int(t.username_min, t.username_max);
    a.username_digit_count = rng.Chance(t.has_digits)
                                 ? std::min(rng.Int(t.digits_min, t.digits_max), a.username_length)
                                 : 0;
    a.has_external_link = rng.Chance(t.link);
    if (rng.Chance(0.5)) a.account_age_days = rng.Int(t.age_min_days, t.age_max_days);
    out.push_back(std::move(l));
  }
  return out;
}

ClassifierWeights FitWeights(absl::Span<const LabeledAccount> set, double l2) {
  constexpr int kParams = kNumSignals + 1;  // intercept first
  std::vector<std::array<double, kParams>> rows;
  rows.reserve(set.size());
  for (const LabeledAccount& l : set) {
    const std::array<double, kNumSignals> x = AccountClassifier::Features(l.account);
    std::array<double, kParams> row{};
    row[0] = 1;
    for (size_t i = 0; i < kNumSignals; ++i) row[i + 1] = x[i];
    rows.push_back(row);
  }
  std::array<double, kParams> beta{};
  for (int iteration = 0; iteration < 50; ++iteration) {
    std::array<double, kParams> gradient{};
    std::array<std::array<double, kParams>, kParams> hessian{};
    for (size_t r = 0; r < rows.size(); ++r) {
      double z = 0;
      for (size_t i = 0; i < kParams; ++i) z += beta[i] * rows[r][i];
      const double p = Sigmoid(z);
      const double y = set[r].fake ? 1 : 0;
      for (size_t i = 0; i < kParams; ++i) {
        gradient[i] += (p - y) * rows[r][i];
        for (size_t j = 0; j < kParams; ++j) hessian[i][j] += p * (1 - p) * rows[r][i] * rows[r][j];
      }
    }
    for (size_t i = 1; i < kParams; ++i) {
      gradient[i] += l2 * beta[i];
      hessian[i][i] += l2;
    }
    // Solve hessian * step = gradient by Gaussian elimination with pivoting.
    std::array<double, kParams> step = gradient;
    for (size_t c = 0; c < kParams; ++c) {
      size_t pivot = c;
      for (size_t r = c + 1; r < kParams; ++r) {
        if (std::abs(hessian[r][c]) > std::abs(hessian[pivot][c])) pivot = r;
      }
      std::swap(hessian[c], hessian[pivot]);
      std::swap(step[c], step[pivot]);
      if (hessian[c][c] == 0) continue;
      for (size_t r = c + 1; r < kParams; ++r) {
        const double f = hessian[r][c] / hessian[c][c];
        for (size_t k = c; k < kParams; ++k) hessian[r][k] -= f * hessian[c][k];
        step[r] -= f * step[c];
      }
    }
    for (size_t c = kParams; c-- > 0;) {
      for (size_t k = c + 1; k < kParams; ++k) step[c] -= hessian[c][k] * step[k];
      step[c] = hessian[c][c] != 0 ? step[c] / hessian[c][c] : 0;
    }
    double change = 0;
    for (size_t i = 0; i < kParams; ++i) {
      beta[i] -= step[i];
      change = std::max(change, std::abs(step[i]));
    }
    if (change < 1e-9) break;
  }
  ClassifierWeights w;
  w.intercept = beta[0];
  for (size_t i = 0; i < kNumSignals; ++i) w.weight[i] = beta[i + 1];
  return w;
}

double RocAuc(absl::Span<const double> scores, absl::Span<const uint8_t> labels) {
  std::vector<size_t> order(scores.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return scores[a] < scores[b]; });
  // Sum of the positives' mid-ranks (1-based), ties sharing their average rank.
  double rank_sum = 0;
  double positives = 0;
  for (size_t i = 0; i < order.size();) {
    size_t j = i;
    while (j + 1 < order.size() && scores[order[j + 1]] == scores[order[i]]) ++j;
    const double mid_rank = (static_cast<double>(i + 1) + static_cast<double>(j + 1)) / 2;
    for (size_t k = i; k <= j; ++k) {
      if (labels[order[k]] != 0) {
        rank_sum += mid_rank;
        positives += 1;
      }
    }
    i = j + 1;
  }
  const double negatives = static_cast<double>(scores.size()) - positives;
  if (positives == 0 || negatives == 0) return 0.5;
  return (rank_sum - positives * (positives + 1) / 2) / (positives * negatives);
}

EvalMetrics Evaluate(const AccountClassifier& classifier, absl::Span<const LabeledAccount> set,
                     double threshold) {
  EvalMetrics m;
  m.n = static_cast<int>(set.size());
  std::vector<double> scores;
  std::vector<uint8_t> labels;
  scores.reserve(set.size());
  double tp = 0, fp = 0, fn = 0, tn = 0, brier = 0;
  std::vector<CalibrationBin> bins(10);
  for (const LabeledAccount& l : set) {
    const double p = classifier.FakeProbability(l.account);
    scores.push_back(p);
    labels.push_back(l.fake ? 1 : 0);
    const bool predicted = p >= threshold;
    if (predicted && l.fake) tp += 1;
    if (predicted && !l.fake) fp += 1;
    if (!predicted && l.fake) fn += 1;
    if (!predicted && !l.fake) tn += 1;
    brier += (p - (l.fake ? 1 : 0)) * (p - (l.fake ? 1 : 0));
    CalibrationBin& b = bins[static_cast<size_t>(std::min(9, static_cast<int>(p * 10)))];
    b.mean_predicted += p;
    b.observed_fake += l.fake ? 1 : 0;
    b.count += 1;
  }
  m.positives = static_cast<int>(tp + fn);
  m.precision = tp + fp > 0 ? tp / (tp + fp) : 0;
  m.recall = tp + fn > 0 ? tp / (tp + fn) : 0;
  m.f1 = m.precision + m.recall > 0 ? 2 * m.precision * m.recall / (m.precision + m.recall) : 0;
  m.accuracy = m.n > 0 ? (tp + tn) / m.n : 0;
  m.brier = m.n > 0 ? brier / m.n : 0;
  m.roc_auc = RocAuc(scores, labels);
  for (CalibrationBin& b : bins) {
    if (b.count > 0) {
      b.mean_predicted /= b.count;
      b.observed_fake /= b.count;
    }
  }
  m.calibration = std::move(bins);
  return m;
}

}  // namespace microreach::scoring
