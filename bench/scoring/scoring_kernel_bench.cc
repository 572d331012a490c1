// scoring_kernel_bench: creators scored per second per core by the scoring
// kernel alone (ScoreCreator), and with the conversion to CreatorScore, on a
// synthetic catalog (tools/catalog_gen), with and without a brief.
#include <cstdlib>
#include <vector>

#include "benchmark/benchmark.h"
#include "google/protobuf/arena.h"
#include "services/scoring/creator_scorer.h"
#include "services/scoring/profile_source.h"
#include "tools/catalog_gen/catalog_generator.h"

namespace microreach::scoring {
namespace {

namespace cv1 = ::microreach::common::v1;

// 10,000 profiles parsed onto one arena from their serialized form with
// ParseProfileForScoring, exactly as ScoreCreators holds a batch read from
// Redis.
const std::vector<const cv1::Creator*>& Catalog() {
  static const auto* catalog = [] {
    auto* arena = new google::protobuf::Arena();
    auto* v = new std::vector<const cv1::Creator*>();
    catalog_gen::GeneratorOptions options;
    options.seed = 7;
    catalog_gen::CatalogGenerator generator(options);
    for (uint64_t i = 0; i < 10'000; ++i) {
      auto* c = google::protobuf::Arena::CreateMessage<cv1::Creator>(arena);
      if (!ParseProfileForScoring(generator.Generate(i).SerializeAsString(), c)) std::abort();
      v->push_back(c);
    }
    return v;
  }();
  return *catalog;
}

cv1::CampaignBrief Brief() {
  cv1::CampaignBrief b;
  b.set_objective(cv1::CAMPAIGN_OBJECTIVE_SALES);
  b.add_categories(cv1::CATEGORY_FITNESS);
  b.add_categories(cv1::CATEGORY_HEALTH);
  cv1::AudienceTarget* t = b.mutable_target_audience();
  for (const char* cc : {"US", "GB", "DE"}) t->add_countries()->set_country_code(cc);
  t->add_genders()->set_gender(cv1::GENDER_FEMALE);
  t->add_age_bands()->set_age_band(cv1::AGE_BAND_18_24);
  t->add_age_bands()->set_age_band(cv1::AGE_BAND_25_34);
  t->add_languages()->set_language_code("en");
  t->add_interests()->set_interest("fitness");
  t->add_interests()->set_interest("running");
  return b;
}

void BM_Kernel(benchmark::State& state) {
  const bool with_brief = state.range(0) != 0;
  const ModelConfig config = DefaultModelConfig();
  const PreparedBrief brief = PrepareBrief(Brief(), config, 1.0);
  ScoringContext ctx;
  ctx.config = &config;
  if (with_brief) ctx.brief = &brief;
  const std::vector<const cv1::Creator*>& catalog = Catalog();
  CreatorResult result;
  size_t i = 0;
  for (auto _ : state) {
    ScoreCreator(*catalog[i], ctx, &result);
    benchmark::DoNotOptimize(result);
    if (++i == catalog.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Kernel)->Arg(0)->Arg(1)->ArgName("brief");

void BM_KernelAndProto(benchmark::State& state) {
  const ModelConfig config = DefaultModelConfig();
  const PreparedBrief brief = PrepareBrief(Brief(), config, 1.0);
  ScoringContext ctx;
  ctx.config = &config;
  ctx.brief = &brief;
  const std::vector<const cv1::Creator*>& catalog = Catalog();
  CreatorResult result;
  size_t i = 0;
  google::protobuf::Arena arena;
  int in_arena = 0;
  for (auto _ : state) {
    auto* score = google::protobuf::Arena::CreateMessage<v1::CreatorScore>(&arena);
    ScoreCreator(*catalog[i], ctx, &result);
    ToProto(*catalog[i], result, ctx, score);
    benchmark::DoNotOptimize(score);
    if (++i == catalog.size()) i = 0;
    if (++in_arena == 10'000) {  // a ScoreCreators response's worth
      arena.Reset();
      in_arena = 0;
    }
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_KernelAndProto);

}  // namespace
}  // namespace microreach::scoring

BENCHMARK_MAIN();
