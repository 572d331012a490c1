// The labelled evaluation set of ClassifyAccounts (a deterministic synthetic
// population of real and fake accounts) and the metrics reported for it in
// docs/metrics.md: precision, recall, ROC AUC, Brier score, calibration.
#ifndef MICROREACH_SERVICES_SCORING_ACCOUNT_EVAL_SET_H_
#define MICROREACH_SERVICES_SCORING_ACCOUNT_EVAL_SET_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/types/span.h"
#include "services/scoring/account_classifier.h"

namespace microreach::scoring {

struct LabeledAccount {
  Account account;
  bool fake = false;
  // Generator archetype, e.g. "real_regular", "fake_bot"; for error analysis.
  std::string archetype;
};

// `n` accounts, a pure function of (seed, n): about 35% fake, mixing crude
// bots, bought aged accounts and real-looking fakes with regular users,
// creators and lurkers (mixture parameters in docs/metrics.md).
std::vector<LabeledAccount> GenerateEvalSet(uint64_t seed, int n);

struct CalibrationBin {
  double mean_predicted = 0;
  double observed_fake = 0;
  int count = 0;
};

struct EvalMetrics {
  int n = 0;
  int positives = 0;
  double precision = 0;  // at fake_probability >= threshold
  double recall = 0;
  double f1 = 0;
  double accuracy = 0;
  double roc_auc = 0;
  double brier = 0;
  std::vector<CalibrationBin> calibration;  // 10 bins of predicted probability
};

// Scores every account with `classifier` and computes the metrics.
EvalMetrics Evaluate(const AccountClassifier& classifier, absl::Span<const LabeledAccount> set,
                     double threshold = 0.5);

// Maximum-likelihood logistic weights over the classifier's features, with
// an L2 penalty `l2` on the weights (not the intercept); Newton's method.
// How the shipped weights were obtained (docs/metrics.md).
ClassifierWeights FitWeights(absl::Span<const LabeledAccount> set, double l2 = 1.0);

// ROC AUC of scores against labels (1 = positive; Mann-Whitney U, ties half).
double RocAuc(absl::Span<const double> scores, absl::Span<const uint8_t> labels);

}  // namespace microreach::scoring

#endif  // MICROREACH_SERVICES_SCORING_ACCOUNT_EVAL_SET_H_
