// Campaign predictions: per creator, then totals de-duplicated by person.
#include "services/scoring/campaign_predictor.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "services/scoring/prediction_model.h"
#include "services/scoring/price_model.h"

namespace microreach::scoring {
namespace {

namespace cv1 = ::microreach::common::v1;

// Everything of one creator or of the whole campaign, in the result currency.
struct Totals {
  double cost = 0;
  Dist reach, impressions, engagements, clicks, conversions, revenue, emv;
};

cv1::MoneyEstimate MoneyEstimateIn(const Dist& d, const std::string& currency) {
  const Quantiles q = QuantilesOf(d);
  cv1::MoneyEstimate m;
  m.set_currency_code(currency);
  m.set_expected_micros(std::llround(q.expected * 1e6));
  m.set_p10_micros(std::llround(q.p10 * 1e6));
  m.set_p90_micros(std::llround(q.p90 * 1e6));
  return m;
}

void Fill(const Totals& t, const std::string& currency, v1::CampaignPrediction* out) {
  out->mutable_cost()->set_currency_code(currency);
  out->mutable_cost()->set_amount_micros(std::llround(t.cost * 1e6));
  SetEstimate(t.reach, out->mutable_reach());
  SetEstimate(t.impressions, out->mutable_impressions());
  SetEstimate(t.engagements, out->mutable_engagements());
  SetEstimate(t.clicks, out->mutable_clicks());
  SetEstimate(t.conversions, out->mutable_conversions());
  *out->mutable_revenue() = MoneyEstimateIn(t.revenue, currency);
  *out->mutable_emv() = MoneyEstimateIn(t.emv, currency);
  if (t.cost > 0) {
    const Quantiles roas = QuantilesOf({t.revenue.mean / t.cost, t.revenue.sigma});
    out->mutable_roas()->set_expected(roas.expected);
    out->mutable_roas()->set_p10(roas.p10);
    out->mutable_roas()->set_p90(roas.p90);
    out->mutable_roi()->set_expected(roas.expected - 1);
    out->mutable_roi()->set_p10(roas.p10 - 1);
    out->mutable_roi()->set_p90(roas.p90 - 1);
  }
}

}  // namespace

v1::PredictCampaignResponse PredictCampaign(const ScoringContext& ctx,
                                            absl::Span<const PlannedCreator> creators) {
  const ModelConfig& config = *ctx.config;
  const PreparedBrief& brief = *ctx.brief;
  v1::PredictCampaignResponse response;
  std::vector<Totals> per_creator;
  per_creator.reserve(creators.size());
  // person key -> reach of each of the person's creators
  std::map<std::string, std::vector<Dist>> reach_by_person;
  for (const PlannedCreator& pc : creators) {
    const cv1::Creator& c = *pc.creator;
    const cv1::CreatorStats& s = c.stats();
    // Engagement, tier and audience match as in ScoreCreators.
    CreatorResult scored;
    ScoringContext one = ctx;
    one.deliverable = cv1::DELIVERABLE_TYPE_UNSPECIFIED;
    ScoreCreator(c, one, &scored);

    std::vector<cv1::DeliverableType> pieces;
    for (int d : pc.plan->deliverables()) pieces.push_back(static_cast<cv1::DeliverableType>(d));
    if (pieces.empty()) pieces.push_back(StandardDeliverable(c.platform()));
    std::vector<Dist> reach, impressions, engagements, clicks, conversions, revenue, emv;
    double estimated_fee = 0;
    std::array<CountryShareKey, 64> countries{};
    size_t n = 0;
    for (const cv1::CountryShare& cs : c.audience().countries()) {
      if (n == countries.size()) break;
      countries[n++] = {CountryKey(cs.country_code()), cs.share()};
    }
    for (cv1::DeliverableType d : pieces) {
      ReachInputs ri;
      ri.platform = c.platform();
      ri.tier = scored.tier;
      ri.followers = s.followers();
      ri.engagement_rate = scored.engagement_rate;
      if (s.has_avg_views()) ri.avg_views = s.avg_views();
      const DeliverableOutcome o = PredictDeliverable(config, ri, d);
      const FunnelOutcome f = PredictFunnel(config, o, scored.target_share, brief.funnel);
      reach.push_back(o.reach);
      impressions.push_back(o.impressions);
      engagements.push_back(o.engagements);
      clicks.push_back(f.clicks);
      conversions.push_back(f.conversions);
      revenue.push_back(f.revenue);
      emv.push_back(f.emv);
      PricingInputs pi;
      pi.platform = c.platform();
      pi.followers = s.followers();
      pi.engagement_rate = scored.engagement_rate;
      pi.audience_countries = {countries.data(), n};
      pi.creator_country_key = CountryKey(c.country_code());
      estimated_fee += EstimateFee(config, pi, d).usd.mean * ctx.fx_per_usd;
    }
    Totals t;
    t.cost = pc.plan->has_fee() ? static_cast<double>(pc.plan->fee().amount_micros()) / 1e6
                                : estimated_fee;
    t.reach = CreatorReach(static_cast<double>(s.followers()), reach);
    t.impressions = SumOf(impressions);
    t.engagements = SumOf(engagements);
    t.clicks = SumOf(clicks);
    t.conversions = SumOf(conversions);
    t.revenue = SumOf(revenue);
    t.emv = SumOf(emv);
    reach_by_person[c.person_id().empty() ? "creator:" + c.creator_id() : "person:" + c.person_id()]
        .push_back(t.reach);
    v1::CreatorPrediction* cp = response.add_creators();
    cp->set_creator_id(c.creator_id());
    Fill(t, ctx.currency_code, cp->mutable_prediction());
    per_creator.push_back(t);
  }
  Totals total;
  std::vector<Dist> parts;
  parts.reserve(std::max(reach_by_person.size(), per_creator.size()));
  for (const auto& [person, reaches] : reach_by_person) parts.push_back(PersonReach(reaches));
  total.reach = SumOf(parts);
  auto sum = [&](Dist Totals::*field) {
    parts.clear();
    for (const Totals& t : per_creator) parts.push_back(t.*field);
    return SumOf(parts);
  };
  for (const Totals& t : per_creator) total.cost += t.cost;
  total.impressions = sum(&Totals::impressions);
  total.engagements = sum(&Totals::engagements);
  total.clicks = sum(&Totals::clicks);
  total.conversions = sum(&Totals::conversions);
  total.revenue = sum(&Totals::revenue);
  total.emv = sum(&Totals::emv);
  Fill(total, ctx.currency_code, response.mutable_total());
  return response;
}

}  // namespace microreach::scoring
