// ingest_bench: the catalog's write path without gRPC — validation, the
// SQLite store's commit and the index apply of UpsertCreators batches, timed
// apart — then the start-up rebuild of a fresh index from that store
// (bench/README.md, "Catalog ingest and rebuild").
#include <stdlib.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "bench/common/process_stats.h"
#include "common/store/database.h"
#include "services/search/catalog.h"
#include "services/search/creator_store.h"
#include "services/search/index/creator_index.h"
#include "services/search/index_listener.h"
#include "tools/catalog_gen/catalog_generator.h"

ABSL_FLAG(int64_t, creators, 200'000, "profiles written");
ABSL_FLAG(int, batch, 2000, "profiles per store transaction (the service's upsert batch)");
ABSL_FLAG(uint64_t, seed, 11, "catalog generator seed (bench/load uses 11)");
ABSL_FLAG(std::string, dir, "",
          "directory for the SQLite file (default: a fresh one under $TMPDIR, removed after)");
ABSL_FLAG(int, rebuilds, 1, "times the index is rebuilt from the store");
ABSL_FLAG(int, apply_threads, 4, "CreatorIndex::Options::apply_threads");

namespace microreach::search {
namespace {

namespace cv1 = ::microreach::common::v1;

using ::microreach::bench::LoadAverage;

using ::microreach::bench::SelfCpuSeconds;

[[noreturn]] void Die(const std::string& what, const absl::Status& s) {
  std::fprintf(stderr, "%s: %s\n", what.c_str(), s.ToString().c_str());
  std::fflush(nullptr);
  // The store's threads may be running: leave without running destructors.
  _exit(1);
}

CreatorIndex::Options IndexOptions() {
  CreatorIndex::Options options;
  options.apply_threads = absl::GetFlag(FLAGS_apply_threads);
  return options;
}

struct Phase {
  absl::Duration wall;
  double cpu = 0;
};

int Run() {
  const int64_t n = absl::GetFlag(FLAGS_creators);
  const size_t batch = static_cast<size_t>(std::max(1, absl::GetFlag(FLAGS_batch)));
  std::string dir = absl::GetFlag(FLAGS_dir);
  const bool own_dir = dir.empty();
  if (own_dir) {
    std::string tmpl = (std::filesystem::temp_directory_path() / "ingest_bench.XXXXXX").string();
    if (mkdtemp(tmpl.data()) == nullptr) Die("mkdtemp", absl::InternalError(tmpl));
    dir = tmpl;
  }
  dir = std::filesystem::absolute(dir).string();
  std::printf("creators %lld, batch %zu, load average %s\n", static_cast<long long>(n), batch,
              LoadAverage().c_str());

  catalog_gen::GeneratorOptions gen_options;
  gen_options.seed = absl::GetFlag(FLAGS_seed);
  catalog_gen::CatalogGenerator generator(gen_options);
  std::vector<cv1::Creator> catalog(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) {
    generator.GenerateInto(static_cast<uint64_t>(i), &catalog[static_cast<size_t>(i)]);
  }

  store::DatabaseOptions db_options;
  db_options.store_name = "search";
  auto db = store::OpenDatabase(absl::StrCat("sqlite://", dir, "/search.db"), db_options);
  if (!db.ok()) Die("open store", db.status());
  auto store = CreatorStore::Open(*std::move(db));
  if (!store.ok()) Die("open store", store.status());

  // Ingest: each batch committed, then applied, on this thread, so the two
  // stages are timed apart (the service overlaps them on two threads).
  Phase commit, apply;
  {
    CreatorIndex index(IndexOptions());
    IndexListener listener(index);
    Catalog catalog_api(**store, nullptr, listener, TierPolicy());
    std::vector<cv1::Creator> copies;
    std::vector<cv1::Creator*> pointers;
    std::vector<CatalogChange> changes;
    for (size_t start = 0; start < catalog.size(); start += batch) {
      const size_t end = std::min(catalog.size(), start + batch);
      copies.assign(catalog.begin() + static_cast<ptrdiff_t>(start),
                    catalog.begin() + static_cast<ptrdiff_t>(end));
      pointers.clear();
      for (cv1::Creator& c : copies) pointers.push_back(&c);
      absl::Time t0 = absl::Now();
      double c0 = SelfCpuSeconds();
      auto summary = catalog_api.Commit(pointers, static_cast<int>(start), false, &changes);
      if (!summary.ok()) Die("commit", summary.status());
      if (!summary->rejected.empty()) {
        Die("commit", absl::InternalError(summary->rejected.front().description));
      }
      absl::Time t1 = absl::Now();
      double c1 = SelfCpuSeconds();
      if (absl::Status s = catalog_api.ApplyCommitted(changes); !s.ok()) Die("apply", s);
      commit.wall += t1 - t0;
      commit.cpu += c1 - c0;
      apply.wall += absl::Now() - t1;
      apply.cpu += SelfCpuSeconds() - c1;
    }
    if (index.size() != catalog.size()) {
      Die("ingest", absl::InternalError(absl::StrCat("index holds ", index.size())));
    }
  }
  auto rate = [&](const Phase& p) {
    return static_cast<double>(n) / absl::ToDoubleSeconds(p.wall);
  };
  auto us = [&](double cpu) { return cpu * 1e6 / static_cast<double>(n); };
  std::printf("| stage | creators/s (wall) | CPU µs/creator |\n|---|---:|---:|\n");
  std::printf("| validate + store commit | %.0f | %.1f |\n", rate(commit), us(commit.cpu));
  std::printf("| index apply | %.0f | %.1f |\n", rate(apply), us(apply.cpu));
  Phase both{commit.wall + apply.wall, commit.cpu + apply.cpu};
  std::printf("| both, one thread | %.0f | %.1f |\n", rate(both), us(both.cpu));

  for (int r = 0; r < absl::GetFlag(FLAGS_rebuilds); ++r) {
    CreatorIndex index(IndexOptions());
    IndexListener listener(index);
    Catalog catalog_api(**store, nullptr, listener, TierPolicy());
    absl::Time t0 = absl::Now();
    double c0 = SelfCpuSeconds();
    if (absl::Status s = catalog_api.Load(); !s.ok()) Die("rebuild", s);
    Phase rebuild{absl::Now() - t0, SelfCpuSeconds() - c0};
    if (index.size() != catalog.size()) {
      Die("rebuild", absl::InternalError(absl::StrCat("index holds ", index.size())));
    }
    std::printf("| rebuild from the store | %.0f | %.1f |\n", rate(rebuild), us(rebuild.cpu));
  }
  std::printf("load average %s\n", LoadAverage().c_str());
  store->reset();
  if (own_dir) std::filesystem::remove_all(dir);
  return 0;
}

}  // namespace
}  // namespace microreach::search

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  return microreach::search::Run();
}
