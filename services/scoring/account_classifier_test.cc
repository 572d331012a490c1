// Hand-computed checks of the account classifier, its explanations, the
// audience-credibility estimate and the evaluation harness.
#include "services/scoring/account_classifier.h"

#include <vector>

#include "gtest/gtest.h"
#include "services/scoring/account_eval_set.h"

namespace microreach::scoring {
namespace {

// followers 999, following 999, posts 99: x_followers = 3 - 2.5 = 0.5,
// x_ratio = 0, x_posts = 2 - 1.5 = 0.5, x_mass = 3 - 3 = 0;
// z = -2.2 - 0.5 * 0.5 - 0.6 * 0.5 = -2.75.
Account Ordinary() {
  return {.followers = 999,
          .following = 999,
          .posts = 99,
          .has_profile_picture = true,
          .bio_length = 20,
          .username_length = 8,
          .account_age_days = std::nullopt};
}

TEST(AccountClassifier, OrdinaryAccountIsRealWithHandComputedProbability) {
  AccountClassifier classifier;
  Classification c = classifier.Classify(Ordinary());
  EXPECT_NEAR(c.fake_probability, 0.0600867, 1e-6);  // sigmoid(-2.75)
  EXPECT_EQ(c.account_class, AccountClass::kReal);
  // Contribution = p - sigmoid(z - term): posts (-0.3) before followers (-0.25).
  ASSERT_EQ(c.top_count, 2);
  EXPECT_STREQ(SignalName(c.top[0].signal), "posts");
  EXPECT_NEAR(c.top[0].contribution, -0.0193519, 1e-6);
  EXPECT_EQ(c.top[0].value, 99);
  EXPECT_STREQ(SignalName(c.top[1].signal), "followers");
  EXPECT_NEAR(c.top[1].contribution, -0.0157715, 1e-6);
}

TEST(AccountClassifier, BotIsSuspiciousAndExplainedByAgeAndFollowingRatio) {
  // z = -2.2 + 1.0 (no picture) + 0.75 (followers) + 2.4 (ratio) + 0.9 (posts)
  //     + 0.3 (empty bio) + 0.75 (digit share 0.5) + 0.9 (6 chars over 14)
  //     + 2.5 (new) - 0.5 (mass following) = 6.8
  Account bot{.followers = 9,
              .following = 9'999,
              .posts = 0,
              .has_profile_picture = false,
              .bio_length = 0,
              .username_length = 20,
              .username_digit_count = 10,
              .account_age_days = 0};
  AccountClassifier classifier;
  Classification c = classifier.Classify(bot);
  EXPECT_NEAR(c.fake_probability, 0.9988875, 1e-6);
  EXPECT_EQ(c.account_class, AccountClass::kSuspicious);
  ASSERT_EQ(c.top_count, 5);
  EXPECT_STREQ(SignalName(c.top[0].signal), "account_age_days");
  EXPECT_EQ(c.top[0].value, 0);
  EXPECT_GT(c.top[0].contribution, 0);
  EXPECT_STREQ(SignalName(c.top[1].signal), "following_to_followers_ratio");
  EXPECT_NEAR(c.top[1].value, 9'999.0 / 9, 1e-9);
}

TEST(AccountClassifier, ClassesForRealAccounts) {
  AccountClassifier classifier;
  Account mass{.followers = 2'000,
               .following = 2'000,
               .posts = 300,
               .has_profile_picture = true,
               .bio_length = 40,
               .username_length = 8,
               .has_external_link = true,
               .account_age_days = std::nullopt};
  EXPECT_EQ(classifier.Classify(mass).account_class, AccountClass::kMassFollower);
  Account influencer{.followers = 50'000,
                     .following = 300,
                     .posts = 800,
                     .has_profile_picture = true,
                     .bio_length = 80,
                     .username_length = 9,
                     .has_external_link = true,
                     .account_age_days = std::nullopt};
  EXPECT_EQ(classifier.Classify(influencer).account_class, AccountClass::kInfluencer);
}

TEST(AccountClassifier, UnknownAgeIsIgnoredKnownNewAgeRaisesTheProbability) {
  AccountClassifier classifier;
  Account unknown = Ordinary();
  Account old_account = Ordinary();
  old_account.account_age_days = 400;
  Account fresh = Ordinary();
  fresh.account_age_days = 0;
  EXPECT_DOUBLE_EQ(classifier.FakeProbability(unknown), classifier.FakeProbability(old_account));
  EXPECT_NEAR(classifier.FakeProbability(fresh), Sigmoid(-2.75 + 2.5), 1e-12);
}

TEST(AudienceCredibility, ShareRealWithWilsonInterval) {
  std::vector<Classification> sample(10);
  std::vector<Account> accounts(10);
  for (int i = 0; i < 10; ++i) {
    sample[static_cast<size_t>(i)].account_class =
        i < 8 ? AccountClass::kReal : AccountClass::kSuspicious;
    accounts[static_cast<size_t>(i)].following = i < 3 ? 2'000 : 100;
  }
  Credibility c = AudienceCredibility(sample, accounts);
  EXPECT_DOUBLE_EQ(c.real_share, 0.8);
  EXPECT_NEAR(c.interval95.low, 0.490162, 1e-6);
  EXPECT_NEAR(c.interval95.high, 0.943318, 1e-6);
  EXPECT_DOUBLE_EQ(c.mass_follower_share, 0.3);
  EXPECT_EQ(c.sample_size, 10);
}

TEST(AudienceCredibility, ALargerSampleNarrowsTheIntervalOnTheWire) {
  // 800 real of 1,000: z^2 = 3.8415, centre (0.8 + z^2 / 2,000) / (1 + z^2 / 1,000)
  // = 0.798852, half-width 1.96 x sqrt(0.8 x 0.2 / 1,000 + z^2 / 4e6) / 1.0038415
  // = 0.024771: [0.774081, 0.823623], against [0.490162, 0.943318] for 8 of 10.
  std::vector<Classification> sample(1'000);
  std::vector<Account> accounts(1'000);
  for (size_t i = 0; i < sample.size(); ++i) {
    sample[i].account_class = i < 800 ? AccountClass::kReal : AccountClass::kSuspicious;
    accounts[i].following = i % 4 == 0 ? 1'501 : 1'500;  // 1,500 is not a mass follower
  }
  v1::AudienceSample wire;
  ToProto(AudienceCredibility(sample, accounts), &wire);
  EXPECT_EQ(wire.sample_size(), 1'000);
  EXPECT_EQ(wire.real_count(), 800);
  EXPECT_DOUBLE_EQ(wire.credibility(), 0.8);
  EXPECT_NEAR(wire.credibility_lower(), 0.774081, 1e-6);
  EXPECT_NEAR(wire.credibility_upper(), 0.823623, 1e-6);
  EXPECT_DOUBLE_EQ(wire.confidence_level(), 0.95);
  EXPECT_NEAR(wire.fake_follower_share(), 0.2, 1e-12);
  EXPECT_DOUBLE_EQ(wire.mass_follower_share(), 0.25);
}

TEST(AudienceCredibility, EmptySampleSaysNothing) {
  v1::AudienceSample wire;
  ToProto(AudienceCredibility({}, {}), &wire);
  EXPECT_EQ(wire.sample_size(), 0);
  EXPECT_DOUBLE_EQ(wire.credibility_lower(), 0);
  EXPECT_DOUBLE_EQ(wire.credibility_upper(), 1);
  EXPECT_DOUBLE_EQ(wire.fake_follower_share(), 0);
}

TEST(RocAuc, HandComputed) {
  // Positives 0.35 and 0.8 against negatives 0.1 and 0.4: 3 of 4 pairs.
  EXPECT_DOUBLE_EQ(
      RocAuc(std::vector<double>{0.1, 0.4, 0.35, 0.8}, std::vector<uint8_t>{0, 0, 1, 1}), 0.75);
  EXPECT_DOUBLE_EQ(RocAuc(std::vector<double>{0.5, 0.5}, std::vector<uint8_t>{1, 0}), 0.5);
}

TEST(Evaluation, SetIsDeterministicAndTheShippedModelMeetsItsFloor) {
  std::vector<LabeledAccount> a = GenerateEvalSet(42, 2'000);
  std::vector<LabeledAccount> b = GenerateEvalSet(42, 2'000);
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].fake, b[i].fake);
    EXPECT_EQ(a[i].account.followers, b[i].account.followers);
    EXPECT_EQ(a[i].account.username_digit_count, b[i].account.username_digit_count);
  }
  // Regression floor for the figures published in docs/metrics.md.
  EvalMetrics m = Evaluate(AccountClassifier(), GenerateEvalSet(20261126, 20'000));
  EXPECT_GT(m.roc_auc, 0.85);
  EXPECT_GT(m.precision, 0.70);
  EXPECT_GT(m.recall, 0.60);
}

}  // namespace
}  // namespace microreach::scoring
