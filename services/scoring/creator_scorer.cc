// The scoring kernel and its conversion to CreatorScore (docs/metrics.md).
#include "services/scoring/creator_scorer.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_format.h"

namespace microreach::scoring {
namespace {

namespace cv1 = ::microreach::common::v1;

absl::string_view Sv(const std::string& s) { return absl::string_view(s.data(), s.size()); }

std::optional<double> Opt(bool has, double value) {
  return has ? std::optional<double>(value) : std::nullopt;
}

// Target lists hold at most 50 entries (types.proto), audiences at most 50.
constexpr size_t kMaxEntries = 64;

void AddAnomaly(CreatorResult* r, v1::AnomalyType type, double severity, double a, double b = 0,
                double c = 0, double d = 0) {
  if (severity <= 0 || r->anomaly_count == static_cast<int>(r->anomalies.size())) return;
  r->anomalies[static_cast<size_t>(r->anomaly_count++)] = {type, std::min(severity, 1.0), a, b, c,
                                                           d};
}

void DetectAnomalies(const cv1::Creator& c, absl::Span<const CountryShareKey> countries,
                     CreatorResult* r) {
  const cv1::CreatorStats& s = c.stats();
  const double followers = static_cast<double>(s.followers());
  // Insense screening rule: following <= 30% of followers.
  if (s.has_following() && followers > 0) {
    const double ratio = static_cast<double>(s.following()) / followers;
    if (ratio > 0.3) {
      AddAnomaly(r, v1::ANOMALY_TYPE_HIGH_FOLLOWING_RATIO, (ratio - 0.3) / 0.7 + 0.1, ratio);
    }
  }
  // Modash: credibility below 75% is often a sign of fraud.
  if (r->credibility.has_value() && *r->credibility < 0.75) {
    AddAnomaly(r, v1::ANOMALY_TYPE_LOW_CREDIBILITY, (0.75 - *r->credibility) / 0.75 + 0.1,
               *r->credibility);
  }
  if (r->engagement_rate.has_value()) {
    const double good = EngagementBenchmark(c.platform(), r->tier).good;
    const double times = *r->engagement_rate / good;
    if (times > 3) AddAnomaly(r, v1::ANOMALY_TYPE_ENGAGEMENT_OUTLIER, (times - 2) / 4, times);
  }
  if (r->growth_severity.has_value() && *r->growth_severity > 0) {
    if (r->growth_evidence == v1::GROWTH_EVIDENCE_DAILY_SERIES) {
      AddAnomaly(r, v1::ANOMALY_TYPE_FOLLOWER_SPIKE, *r->growth_severity, r->series.spike_days,
                 static_cast<double>(r->series.largest_spike_gain), r->series.largest_spike_day,
                 r->series.staircase ? 1 : 0);
    } else {
      AddAnomaly(r, v1::ANOMALY_TYPE_FOLLOWER_SPIKE, *r->growth_severity, s.follower_growth_30d(),
                 s.follower_growth_90d());
    }
  }
  if (s.has_avg_likes() && s.has_avg_comments() && s.avg_likes() >= 100) {
    const double ratio = s.avg_comments() / s.avg_likes();
    if (ratio < 0.005) {
      AddAnomaly(r, v1::ANOMALY_TYPE_LIKES_WITHOUT_COMMENTS, 1 - ratio / 0.005, ratio);
    }
  }
  // Audience far from the creator's own country, when most of it is known.
  const int home = CountryKey(c.country_code());
  if (home >= 0 && !countries.empty()) {
    double listed = 0;
    double home_share = 0;
    for (const CountryShareKey& cs : countries) {
      listed += cs.share;
      if (cs.key == home) home_share += cs.share;
    }
    if (listed >= 0.5 && home_share < 0.05) {
      AddAnomaly(r, v1::ANOMALY_TYPE_AUDIENCE_GEO_MISMATCH, 0.5 * (1 - home_share / 0.05),
                 home_share);
    }
  }
  std::sort(r->anomalies.begin(), r->anomalies.begin() + r->anomaly_count,
            [](const AnomalyResult& a, const AnomalyResult& b) {
              if (a.severity != b.severity) return a.severity > b.severity;
              return a.type < b.type;
            });
}

std::string Describe(const AnomalyResult& a, v1::GrowthEvidence growth_evidence) {
  switch (a.type) {
    case v1::ANOMALY_TYPE_HIGH_FOLLOWING_RATIO:
      return absl::StrFormat("follows %.0f%% of its follower count (screening rule: <= 30%%)",
                             a.a * 100);
    case v1::ANOMALY_TYPE_LOW_CREDIBILITY:
      return absl::StrFormat("%.0f%% of followers look real (below 75%% is often fraud)",
                             a.a * 100);
    case v1::ANOMALY_TYPE_ENGAGEMENT_OUTLIER:
      return absl::StrFormat("engagement rate %.1fx the tier's good benchmark", a.a);
    case v1::ANOMALY_TYPE_FOLLOWER_SPIKE:
      if (growth_evidence == v1::GROWTH_EVIDENCE_DAILY_SERIES) {
        if (a.d > 0) {
          return absl::StrFormat(
              "staircase: %.0f follower spikes in the daily series, the largest +%.0f on day %.0f",
              a.a, a.b, a.c);
        }
        return absl::StrFormat(
            "%.0f follower spike%s in the daily series, the largest +%.0f on day %.0f", a.a,
            a.a == 1 ? "" : "s", a.b, a.c);
      }
      return absl::StrFormat(
          "%+.1f%% followers in 30 days against %+.1f%% in 90 days (from growth rates: no daily "
          "follower series given)",
          a.a * 100, a.b * 100);
    case v1::ANOMALY_TYPE_LIKES_WITHOUT_COMMENTS:
      return absl::StrFormat("%.2f comments per 100 likes", a.a * 100);
    case v1::ANOMALY_TYPE_AUDIENCE_GEO_MISMATCH:
      return absl::StrFormat("only %.1f%% of the audience is in the creator's country", a.a * 100);
    default:
      return "";
  }
}

}  // namespace

PreparedBrief PrepareBrief(const cv1::CampaignBrief& brief, const ModelConfig& config,
                           double fx_per_usd, const v1::FunnelAssumptions* assumptions) {
  PreparedBrief p;
  p.objective = brief.objective();
  const cv1::AudienceTarget& t = brief.target_audience();
  std::vector<double> w;
  // Each dimension: collect weights, scale to the heaviest, keep the keys.
  w.clear();
  for (const auto& e : t.countries()) w.push_back(e.weight());
  NormalizeToHeaviest(absl::MakeSpan(w));
  for (int i = 0; i < t.countries_size(); ++i) {
    p.countries.emplace_back(CountryKey(t.countries(i).country_code()), w[static_cast<size_t>(i)]);
  }
  w.clear();
  for (const auto& e : t.age_bands()) w.push_back(e.weight());
  NormalizeToHeaviest(absl::MakeSpan(w));
  for (int i = 0; i < t.age_bands_size(); ++i) {
    p.age_weight[static_cast<size_t>(t.age_bands(i).age_band())] += w[static_cast<size_t>(i)];
  }
  w.clear();
  for (const auto& e : t.genders()) w.push_back(e.weight());
  NormalizeToHeaviest(absl::MakeSpan(w));
  for (int i = 0; i < t.genders_size(); ++i) {
    p.gender_weight[static_cast<size_t>(t.genders(i).gender())] += w[static_cast<size_t>(i)];
  }
  w.clear();
  for (const auto& e : t.languages()) w.push_back(e.weight());
  NormalizeToHeaviest(absl::MakeSpan(w));
  for (int i = 0; i < t.languages_size(); ++i) {
    p.languages.emplace_back(absl::AsciiStrToLower(t.languages(i).language_code()),
                             w[static_cast<size_t>(i)]);
  }
  w.clear();
  for (const auto& e : t.interests()) w.push_back(e.weight());
  NormalizeToHeaviest(absl::MakeSpan(w));
  for (int i = 0; i < t.interests_size(); ++i) {
    p.interests.emplace_back(absl::AsciiStrToLower(t.interests(i).interest()),
                             w[static_cast<size_t>(i)]);
  }
  p.specified = {t.countries_size() > 0, t.age_bands_size() > 0, t.genders_size() > 0,
                 t.languages_size() > 0, t.interests_size() > 0};
  DimensionArray requested{};
  if (t.has_dimension_weights()) {
    const cv1::AudienceFitWeights& dw = t.dimension_weights();
    requested = {dw.country(), dw.age(), dw.gender(), dw.language(), dw.interests()};
  }
  p.dimension_weight = ResolveDimensionWeights(requested, p.specified);
  for (double x : p.dimension_weight) p.has_target = p.has_target || x > 0;
  for (int c : brief.categories()) {
    if (c > 0 && c < 32) p.category_mask |= uint32_t{1} << static_cast<unsigned>(c);
  }
  p.fit_weight = FitWeightsFor(brief.objective());
  const FunnelDefaults& d =
      config.funnel[static_cast<size_t>(std::clamp<int>(brief.objective(), 0, kNumObjectives - 1))];
  p.funnel.click_through_rate = d.click_through_rate;
  p.funnel.conversion_rate = d.conversion_rate;
  p.funnel.average_order_value = d.average_order_value_usd * fx_per_usd;
  p.funnel.emv_cpm = config.emv_cpm_usd * fx_per_usd;
  if (assumptions != nullptr) {
    if (assumptions->has_click_through_rate()) {
      p.funnel.click_through_rate = assumptions->click_through_rate();
    }
    if (assumptions->has_conversion_rate()) {
      p.funnel.conversion_rate = assumptions->conversion_rate();
    }
    if (assumptions->has_average_order_value()) {
      p.funnel.average_order_value =
          static_cast<double>(assumptions->average_order_value().amount_micros()) / 1e6;
    }
    if (assumptions->has_emv_cpm()) {
      p.funnel.emv_cpm = static_cast<double>(assumptions->emv_cpm().amount_micros()) / 1e6;
    }
  }
  return p;
}

AudienceMatch MatchAudience(const cv1::AudienceDemographics& a, const PreparedBrief& b) {
  std::array<CountryShareKey, kMaxEntries> countries;
  size_t n = 0;
  for (const cv1::CountryShare& cs : a.countries()) {
    if (n == kMaxEntries) break;
    countries[n++] = {CountryKey(cs.country_code()), cs.share()};
  }
  return MatchAudience(a, b, {countries.data(), n});
}

AudienceMatch MatchAudience(const cv1::AudienceDemographics& a, const PreparedBrief& b,
                            absl::Span<const CountryShareKey> countries) {
  AudienceMatch m;
  // Written before read; left uninitialised because this runs per creator.
  std::array<double, kMaxEntries> weights;
  std::array<double, kMaxEntries> shares;
  if (b.specified[kCountry] && !countries.empty()) {
    m.has_data[kCountry] = true;
    size_t n = 0;
    for (const auto& [key, weight] : b.countries) {
      if (n == kMaxEntries) break;
      double share = 0;
      for (const CountryShareKey& cs : countries) {
        if (key >= 0 && cs.key == key) {
          share = cs.share;
          break;
        }
      }
      weights[n] = weight;
      shares[n++] = share;
    }
    m.match[kCountry] = DimensionMatch({weights.data(), n}, {shares.data(), n});
  }
  if (b.specified[kAge] && a.age_bands_size() > 0) {
    m.has_data[kAge] = true;
    size_t n = 0;
    for (const cv1::AgeBandShare& s : a.age_bands()) {
      if (n == kMaxEntries) break;
      const int band = s.age_band();
      weights[n] = band >= 0 && band < 7 ? b.age_weight[static_cast<size_t>(band)] : 0;
      shares[n++] = s.share();
    }
    m.match[kAge] = DimensionMatch({weights.data(), n}, {shares.data(), n});
  }
  if (b.specified[kGender] && a.genders_size() > 0) {
    m.has_data[kGender] = true;
    size_t n = 0;
    for (const cv1::GenderShare& s : a.genders()) {
      if (n == kMaxEntries) break;
      const int g = s.gender();
      weights[n] = g >= 0 && g < 4 ? b.gender_weight[static_cast<size_t>(g)] : 0;
      shares[n++] = s.share();
    }
    m.match[kGender] = DimensionMatch({weights.data(), n}, {shares.data(), n});
  }
  auto match_strings = [&](const auto& targets, const auto& entries, auto key_of) {
    size_t n = 0;
    for (const auto& [value, weight] : targets) {
      if (n == kMaxEntries) break;
      double share = 0;
      for (const auto& e : entries) {
        if (absl::EqualsIgnoreCase(Sv(key_of(e)), Sv(value))) {
          share = e.share();
          break;
        }
      }
      weights[n] = weight;
      shares[n++] = share;
    }
    return DimensionMatch({weights.data(), n}, {shares.data(), n});
  };
  if (b.specified[kLanguage] && a.languages_size() > 0) {
    m.has_data[kLanguage] = true;
    m.match[kLanguage] = match_strings(
        b.languages, a.languages(),
        [](const cv1::LanguageShare& e) -> const std::string& { return e.language_code(); });
  }
  if (b.specified[kInterests] && a.interests_size() > 0) {
    m.has_data[kInterests] = true;
    m.match[kInterests] = match_strings(
        b.interests, a.interests(),
        [](const cv1::InterestShare& e) -> const std::string& { return e.interest(); });
  }
  double score = 0;
  for (size_t d = 0; d < kNumDimensions; ++d) score += b.dimension_weight[d] * m.match[d];
  m.score = 100.0 * score;
  // Interests are left out: one follower has several, so their shares overlap.
  for (int d : {kCountry, kAge, kGender, kLanguage}) {
    if (b.specified[static_cast<size_t>(d)] && m.has_data[static_cast<size_t>(d)]) {
      m.target_share *= m.match[static_cast<size_t>(d)];
    }
  }
  return m;
}

void ScoreCreator(const cv1::Creator& c, const ScoringContext& ctx, CreatorResult* r,
                  absl::Span<const int64_t> daily_followers) {
  const ModelConfig& config = *ctx.config;
  const cv1::CreatorStats& s = c.stats();
  *r = CreatorResult();
  r->tier = TierOf(s.followers(), config.tier_bounds);

  // Engagement.
  EngagementInputs ei;
  ei.platform = c.platform();
  ei.followers = s.followers();
  ei.likes_hidden = s.likes_hidden();
  ei.avg_likes = Opt(s.has_avg_likes(), s.avg_likes());
  ei.avg_comments = Opt(s.has_avg_comments(), s.avg_comments());
  ei.avg_shares = Opt(s.has_avg_shares(), s.avg_shares());
  ei.avg_views = Opt(s.has_avg_views(), s.avg_views());
  ei.stored_rate = Opt(s.has_engagement_rate(), s.engagement_rate());
  r->engagement_rate = EngagementRate(ei);
  if (r->engagement_rate.has_value()) {
    r->band = BandOf(*r->engagement_rate);
    const absl::Span<const double> peers =
        ctx.peers != nullptr ? ctx.peers->Find(c.platform(), r->tier) : absl::Span<const double>();
    if (!peers.empty()) {
      r->tier_percentile = CatalogPercentile(*r->engagement_rate, peers);
      r->percentile_from_catalog = true;
    } else {
      r->tier_percentile =
          EngagementPercentile(*r->engagement_rate, EngagementBenchmark(c.platform(), r->tier));
    }
  }

  // Authenticity.
  const cv1::AudienceDemographics& a = c.audience();
  if (a.has_credibility()) r->credibility = std::clamp(a.credibility(), 0.0, 1.0);
  QualityInputs q;
  q.credibility = r->credibility;
  q.engagement_percentile = r->tier_percentile;
  // Growth: the daily series when given (spikes and staircases), else the
  // 30/90-day proxy.
  if (daily_followers.size() >= kMinFollowerSeriesDays) {
    r->series = DetectFollowerSpikes(daily_followers);
    r->growth_severity = r->series.severity;
    r->growth_evidence = v1::GROWTH_EVIDENCE_DAILY_SERIES;
  } else {
    r->growth_severity =
        GrowthSpikeSeverity(Opt(s.has_follower_growth_30d(), s.follower_growth_30d()),
                            Opt(s.has_follower_growth_90d(), s.follower_growth_90d()));
    if (r->growth_severity.has_value()) r->growth_evidence = v1::GROWTH_EVIDENCE_GROWTH_RATES;
  }
  q.growth_anomaly = r->growth_severity;
  if (a.has_reachability()) q.mass_follower_share = 1 - std::clamp(a.reachability(), 0.0, 1.0);
  r->audience_quality = AudienceQualityScore(q);
  // Audience countries resolved once for anomalies, audience fit and price.
  std::array<CountryShareKey, kMaxEntries> countries;
  size_t n = 0;
  for (const cv1::CountryShare& cs : a.countries()) {
    if (n == kMaxEntries) break;
    countries[n++] = {CountryKey(cs.country_code()), cs.share()};
  }
  const absl::Span<const CountryShareKey> country_keys(countries.data(), n);
  DetectAnomalies(c, country_keys, r);

  // Audience fit.
  const PreparedBrief* brief = ctx.brief;
  if (brief != nullptr && brief->has_target) {
    const AudienceMatch m = MatchAudience(a, *brief, country_keys);
    bool any = false;
    for (size_t d = 0; d < kNumDimensions; ++d) any = any || m.has_data[d];
    r->has_audience_fit = any;
    r->audience_fit = m.score;
    r->dimension_match = m.match;
    r->target_share = m.target_share;
  }

  // Price.
  r->deliverable = ctx.deliverable != cv1::DELIVERABLE_TYPE_UNSPECIFIED
                       ? ctx.deliverable
                       : StandardDeliverable(c.platform());
  PricingInputs pi;
  pi.platform = c.platform();
  pi.followers = s.followers();
  pi.engagement_rate = r->engagement_rate;
  pi.audience_countries = country_keys;
  pi.creator_country_key = CountryKey(c.country_code());
  r->fee = EstimateFee(config, pi, r->deliverable);

  // Predicted results.
  ReachInputs ri;
  ri.platform = c.platform();
  ri.tier = r->tier;
  ri.followers = s.followers();
  ri.engagement_rate = r->engagement_rate;
  ri.avg_views = ei.avg_views;
  r->outcome = PredictDeliverable(config, ri, r->deliverable);
  if (brief == nullptr) return;
  r->funnel = PredictFunnel(config, r->outcome, r->target_share, brief->funnel);

  // Fit: unknown engagement or credibility count as 0 so that missing data
  // never ranks a creator above one with known, good data.
  std::array<std::optional<double>, kNumFitFactors> values;
  if (brief->has_target) values[kAudienceFit] = r->has_audience_fit ? r->audience_fit : 0.0;
  values[kEngagement] = r->tier_percentile.value_or(0.0);
  values[kCredibility] = 100.0 * r->credibility.value_or(0.0);
  if (brief->category_mask != 0) {
    std::array<int, 8> cats{};
    size_t k = 0;
    for (int cat : c.categories()) {
      if (k == cats.size()) break;
      cats[k++] = cat;
    }
    values[kCategoryFit] = CategoryFit({cats.data(), k}, brief->category_mask);
  }
  const double fee = r->fee.usd.mean * ctx.fx_per_usd;
  if (fee > 0) {
    values[kPriceEfficiency] = 100.0 * std::min(1.0, r->funnel.emv.mean / fee);
    values[kPredictedReturn] =
        100.0 * std::min(1.0, Roas(r->funnel.revenue.mean, fee) / config.target_roas);
  }
  r->fit = CombineFactors(brief->fit_weight, values);
  r->has_fit = true;
}

void SetMoney(double usd, const ScoringContext& context, cv1::Money* out) {
  out->set_currency_code(context.currency_code);
  out->set_amount_micros(std::llround(usd * context.fx_per_usd * 1e6));
}

cv1::Money MoneyOf(double usd, const ScoringContext& context) {
  cv1::Money m;
  SetMoney(usd, context, &m);
  return m;
}

void SetMoneyEstimate(const Dist& usd, const ScoringContext& context, cv1::MoneyEstimate* out) {
  const Quantiles q = QuantilesOf(usd);
  out->set_currency_code(context.currency_code);
  out->set_expected_micros(std::llround(q.expected * context.fx_per_usd * 1e6));
  out->set_p10_micros(std::llround(q.p10 * context.fx_per_usd * 1e6));
  out->set_p90_micros(std::llround(q.p90 * context.fx_per_usd * 1e6));
}

cv1::MoneyEstimate MoneyEstimateOf(const Dist& usd, const ScoringContext& context) {
  cv1::MoneyEstimate m;
  SetMoneyEstimate(usd, context, &m);
  return m;
}

void SetEstimate(const Dist& d, cv1::Estimate* out) {
  const Quantiles q = QuantilesOf(d);
  out->set_expected(q.expected);
  out->set_p10(q.p10);
  out->set_p90(q.p90);
}

void ToProto(const cv1::Creator& c, const CreatorResult& r, const ScoringContext& ctx,
             v1::CreatorScore* out) {
  out->set_creator_id(c.creator_id());
  v1::EngagementScore* e = out->mutable_engagement();
  if (r.engagement_rate.has_value()) {
    e->set_rate(*r.engagement_rate);
    e->set_band(static_cast<v1::EngagementBand>(r.band));
    e->set_tier_percentile(*r.tier_percentile);
    e->set_peer_distribution(r.percentile_from_catalog ? v1::PEER_DISTRIBUTION_CATALOG
                                                       : v1::PEER_DISTRIBUTION_REFERENCE);
  }
  v1::AuthenticityScore* au = out->mutable_authenticity();
  if (r.credibility.has_value()) {
    au->set_credibility(*r.credibility);
    au->set_fake_follower_share(1 - *r.credibility);
  }
  if (r.audience_quality.has_value()) au->set_audience_quality_score(*r.audience_quality);
  au->set_growth_evidence(r.growth_evidence);
  for (int i = 0; i < r.anomaly_count; ++i) {
    const AnomalyResult& a = r.anomalies[static_cast<size_t>(i)];
    v1::Anomaly* pa = au->add_anomalies();
    pa->set_type(a.type);
    pa->set_severity(a.severity);
    if (ctx.explain) pa->set_description(Describe(a, r.growth_evidence));
  }
  if (r.has_audience_fit && ctx.brief != nullptr) {
    v1::AudienceFitScore* f = out->mutable_audience_fit();
    f->set_score(r.audience_fit);
    f->set_target_share(r.target_share);
    static constexpr v1::AudienceDimension kDims[kNumDimensions] = {
        v1::AUDIENCE_DIMENSION_COUNTRY, v1::AUDIENCE_DIMENSION_AGE, v1::AUDIENCE_DIMENSION_GENDER,
        v1::AUDIENCE_DIMENSION_LANGUAGE, v1::AUDIENCE_DIMENSION_INTERESTS};
    for (size_t d = 0; ctx.explain && d < kNumDimensions; ++d) {
      if (!ctx.brief->specified[d]) continue;
      v1::DimensionFit* df = f->add_dimensions();
      df->set_dimension(kDims[d]);
      df->set_match(100.0 * r.dimension_match[d]);
      df->set_weight(ctx.brief->dimension_weight[d]);
      df->set_contribution(100.0 * r.dimension_match[d] * ctx.brief->dimension_weight[d]);
    }
  }
  v1::DeliverablePrice* p = out->mutable_price();
  p->set_deliverable_type(r.deliverable);
  SetMoneyEstimate(r.fee.usd, ctx, p->mutable_fee());
  SetMoney(Cpm(r.fee.usd.mean, r.outcome.impressions.mean), ctx, p->mutable_cpm());
  SetMoney(Cpe(r.fee.usd.mean, r.outcome.engagements.mean), ctx, p->mutable_cpe());
  if (ctx.explain) {
    p->set_expected_impressions(r.outcome.impressions.mean);
    p->set_expected_engagements(r.outcome.engagements.mean);
  }
  v1::PredictedResults* pr = out->mutable_predicted();
  SetEstimate(r.outcome.reach, pr->mutable_reach());
  SetEstimate(r.outcome.impressions, pr->mutable_impressions());
  SetEstimate(r.outcome.engagements, pr->mutable_engagements());
  // EMV: with a brief, its (possibly overridden) CPM; else the default.
  const double emv_cpm_usd = ctx.brief != nullptr && ctx.fx_per_usd > 0
                                 ? ctx.brief->funnel.emv_cpm / ctx.fx_per_usd
                                 : ctx.config->emv_cpm_usd;
  SetMoneyEstimate({Emv(r.outcome.impressions.mean, emv_cpm_usd), r.outcome.impressions.sigma}, ctx,
                   pr->mutable_emv());
  if (r.has_fit) {
    v1::FitScore* f = out->mutable_fit();
    f->set_score(r.fit.score);
    for (int k = 0; ctx.explain && k < kNumFitFactors; ++k) {
      if (!r.fit.present[static_cast<size_t>(k)]) continue;
      cv1::ScoreFactor* sf = f->add_factors();
      sf->set_name(FitFactorName(k));
      sf->set_value(r.fit.value[static_cast<size_t>(k)]);
      sf->set_weight(r.fit.weight[static_cast<size_t>(k)]);
      sf->set_contribution(r.fit.contribution[static_cast<size_t>(k)]);
    }
  }
}

}  // namespace microreach::scoring
