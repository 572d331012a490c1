// scoring_classifier_eval: prints the ClassifyAccounts evaluation published in
// docs/metrics.md (precision, recall, ROC AUC, Brier, calibration, errors by
// archetype) on the generated labelled set; --csv also writes the set.
#include <cstdio>
#include <map>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_format.h"
#include "services/scoring/account_eval_set.h"

ABSL_FLAG(uint64_t, seed, 20261126, "seed of the generated set");
ABSL_FLAG(int, n, 20000, "accounts in the set");
ABSL_FLAG(bool, fit, false, "fit weights on the training seed (1) and print them");
ABSL_FLAG(std::string, csv, "", "if set, write the labelled set to this CSV file");

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  using namespace microreach::scoring;  // NOLINT(google-build-using-namespace): tool brevity
  const std::vector<LabeledAccount> set =
      GenerateEvalSet(absl::GetFlag(FLAGS_seed), absl::GetFlag(FLAGS_n));
  if (absl::GetFlag(FLAGS_fit)) {
    const ClassifierWeights w = FitWeights(GenerateEvalSet(1, 20000));
    absl::PrintF("intercept %.3f\n", w.intercept);
    for (int i = 0; i < kNumSignals; ++i) {
      absl::PrintF("%s %.3f\n", SignalName(i), w.weight[static_cast<size_t>(i)]);
    }
  }
  const AccountClassifier classifier(absl::GetFlag(FLAGS_fit)
                                         ? FitWeights(GenerateEvalSet(1, 20000))
                                         : DefaultClassifierWeights());
  const EvalMetrics m = Evaluate(classifier, set);
  absl::PrintF("accounts %d, fake %d (%.1f%%), seed %d\n", m.n, m.positives,
               100.0 * m.positives / m.n, absl::GetFlag(FLAGS_seed));
  absl::PrintF("| threshold | precision | recall | F1 | accuracy | ROC AUC | Brier |\n");
  absl::PrintF("|---|---|---|---|---|---|---|\n");
  for (double t : {0.3, 0.5, 0.7}) {
    const EvalMetrics mt = Evaluate(classifier, set, t);
    absl::PrintF("| %.1f | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f |\n", t, mt.precision, mt.recall,
                 mt.f1, mt.accuracy, mt.roc_auc, mt.brier);
  }
  absl::PrintF("\ncalibration (predicted -> observed fake share):\n");
  absl::PrintF("| bin | accounts | mean predicted | observed |\n|---|---|---|---|\n");
  for (size_t i = 0; i < m.calibration.size(); ++i) {
    const CalibrationBin& b = m.calibration[i];
    if (b.count == 0) continue;
    absl::PrintF("| %.1f-%.1f | %d | %.3f | %.3f |\n", static_cast<double>(i) / 10,
                 static_cast<double>(i + 1) / 10, b.count, b.mean_predicted, b.observed_fake);
  }
  std::map<std::string, std::pair<int, int>> by_archetype;  // flagged, total
  for (const LabeledAccount& l : set) {
    auto& [flagged, total] = by_archetype[l.archetype];
    flagged += classifier.FakeProbability(l.account) >= 0.5 ? 1 : 0;
    total += 1;
  }
  absl::PrintF("\n| archetype | accounts | flagged fake at 0.5 |\n|---|---|---|\n");
  for (const auto& [name, counts] : by_archetype) {
    absl::PrintF("| %s | %d | %.1f%% |\n", name, counts.second,
                 100.0 * counts.first / counts.second);
  }
  if (const std::string path = absl::GetFlag(FLAGS_csv); !path.empty()) {
    FILE* f = std::fopen(path.c_str(), "w");
    if (f == nullptr) return 1;
    absl::FPrintF(f,
                  "followers,following,posts,has_profile_picture,is_private,bio_length,"
                  "username_length,username_digit_count,has_external_link,account_age_days,"
                  "fake,archetype\n");
    for (const LabeledAccount& l : set) {
      const Account& a = l.account;
      absl::FPrintF(f, "%d,%d,%d,%d,%d,%d,%d,%d,%d,%s,%d,%s\n", a.followers, a.following, a.posts,
                    a.has_profile_picture, a.is_private, a.bio_length, a.username_length,
                    a.username_digit_count, a.has_external_link,
                    a.account_age_days ? absl::StrFormat("%d", *a.account_age_days) : "", l.fake,
                    l.archetype);
    }
    std::fclose(f);
  }
  return 0;
}
