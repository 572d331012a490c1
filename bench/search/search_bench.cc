// search_bench: the in-memory CreatorIndex against PostgreSQL 15 on the same
// synthetic catalog and the same buyer query mix, side by side in one run.
//
// 1. Generates N creators (mr_catalog_gen, fixed seed) and bulk-loads them
//    into a CreatorIndex: load rate, RSS and MemoryBytes per creator.
// 2. Loads the same catalog into PostgreSQL (a throwaway cluster started with
//    the PostgresServer fixture, or --pg_url) with COPY, builds the indexes
//    and statistics of pg_catalog.cc, ANALYZE.
// 3. Runs every query of the mix once on both and checks that they agree
//    (total count, first page in order, facet counts); exits 1 on a mismatch.
// 4. Times --reps index searches and --pg_reps PostgreSQL executions of each
//    query (prepared statements) and prints p50/p99 per query, per type and
//    over the mix, with the ratio of medians, as a Markdown table.
//
// See bench/README.md for the commands and the figures.
#include <malloc.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "bench/search/pg_catalog.h"
#include "bench/search/query_mix.h"
#include "bench/search/sql_translator.h"
#include "libpq-fe.h"
#include "services/search/index/creator_index.h"
#include "tests/fixtures/postgres_server.h"
#include "tools/catalog_gen/catalog_generator.h"

ABSL_FLAG(int64_t, creators, 1'000'000, "Catalog size.");
ABSL_FLAG(uint64_t, seed, 42, "Catalog seed (mr_catalog_gen).");
ABSL_FLAG(int, reps, 200, "Timed index searches per query.");
ABSL_FLAG(int, pg_reps, 10, "Timed PostgreSQL executions per query.");
ABSL_FLAG(int, batch, 50'000, "Creators generated and loaded per batch.");
ABSL_FLAG(int, gen_threads, 2, "Threads generating the catalog.");
ABSL_FLAG(bool, pg, true, "Compare with PostgreSQL (false: index only).");
ABSL_FLAG(std::string, pg_url, "",
          "libpq connection string of an existing server; empty starts a throwaway "
          "PostgreSQL 15 cluster (tests/fixtures PostgresServer).");
ABSL_FLAG(std::string, pg_dir, "",
          "Data directory of the throwaway cluster; empty = a temp dir removed at exit.");
ABSL_FLAG(bool, pg_reuse, false,
          "Keep the loaded table between runs: skip the load when the database already holds "
          "this catalog (same --creators and --seed). Use with --pg_dir or --pg_url.");
ABSL_FLAG(std::string, pg_shared_buffers, "2GB", "shared_buffers of the throwaway cluster.");
ABSL_FLAG(int, pg_index_sessions, 2,
          "Sessions building PostgreSQL's indexes side by side after the COPY.");
ABSL_FLAG(std::string, pg_work_mem, "64MB", "work_mem of the query sessions.");
ABSL_FLAG(std::string, pg_settings, "",
          "Extra server settings for the throwaway cluster, name=value,name=value.");
ABSL_FLAG(bool, check, true, "Check that the index and PostgreSQL return the same results.");
ABSL_FLAG(bool, explain, false, "Print EXPLAIN (ANALYZE, BUFFERS) of each PostgreSQL query.");
ABSL_FLAG(std::string, only, "", "Run only queries whose name contains this.");
ABSL_FLAG(int, query_threads, 0,
          "Threads one search may use (CreatorIndex::Options::query_threads): 0 = every core, "
          "1 = the calling thread only.");
ABSL_FLAG(std::string, index_snapshot, "",
          "Index snapshot file: loaded instead of generating and bulk-loading the catalog when "
          "it exists (it must come from the same --creators and --seed), written after the "
          "bulk load when it does not. Saves the 10M load between runs.");
ABSL_FLAG(bool, print_sql, false, "Print the SQL of each query.");

namespace microreach::bench {
namespace {

namespace cv1 = ::microreach::common::v1;
namespace sv1 = ::microreach::search::v1;
using Clock = std::chrono::steady_clock;

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }
double Millis(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

[[noreturn]] void Die(const std::string& message) {
  std::fprintf(stderr, "search_bench: %s\n", message.c_str());
  std::fflush(stdout);
  std::exit(2);
}

int64_t RssBytes() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (absl::StartsWith(line, "VmRSS:")) {
      int64_t kb = 0;
      std::vector<std::string> parts = absl::StrSplit(line, ' ', absl::SkipEmpty());
      if (parts.size() >= 2 && absl::SimpleAtoi(parts[1], &kb)) return kb * 1024;
    }
  }
  return 0;
}

// Generates creators [start, start + n) with `threads` threads.
void GenerateBatch(const catalog_gen::CatalogGenerator& gen, uint64_t start, size_t n, int threads,
                   std::vector<cv1::Creator>* out) {
  out->resize(n);
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      for (size_t i = static_cast<size_t>(t); i < n; i += static_cast<size_t>(threads)) {
        gen.GenerateInto(start + i, &(*out)[i]);
      }
    });
  }
  for (std::thread& th : pool) th.join();
}

// ---------------------------------------------------------------------------
// PostgreSQL helpers

class Pg {
 public:
  explicit Pg(const std::string& conninfo) : conn_(PQconnectdb(conninfo.c_str())) {
    if (PQstatus(conn_) != CONNECTION_OK) Die(absl::StrCat("connect: ", PQerrorMessage(conn_)));
  }
  ~Pg() { PQfinish(conn_); }
  PGconn* get() { return conn_; }

  void Exec(const std::string& sql) {
    PGresult* r = PQexec(conn_, sql.c_str());
    const ExecStatusType st = PQresultStatus(r);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
      Die(absl::StrCat("SQL failed: ", PQerrorMessage(conn_), "\n", sql));
    }
    PQclear(r);
  }
  // First value of the first row, or "" (or `fallback` on error).
  std::string Value(const std::string& sql, const std::string& fallback = "") {
    PGresult* r = PQexec(conn_, sql.c_str());
    std::string v = fallback;
    if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) > 0) v = PQgetvalue(r, 0, 0);
    PQclear(r);
    return v;
  }
  void Prepare(const std::string& name, const std::string& sql) {
    PGresult* r = PQprepare(conn_, name.c_str(), sql.c_str(), 0, nullptr);
    if (PQresultStatus(r) != PGRES_COMMAND_OK) {
      Die(absl::StrCat("PQprepare ", name, ": ", PQerrorMessage(conn_), "\n", sql));
    }
    PQclear(r);
  }
  // The caller PQclears.
  PGresult* ExecPrepared(const std::string& name, const std::vector<std::string>& params) {
    std::vector<const char*> values;
    values.reserve(params.size());
    for (const std::string& p : params) values.push_back(p.c_str());
    PGresult* r = PQexecPrepared(conn_, name.c_str(), static_cast<int>(values.size()),
                                 values.data(), nullptr, nullptr, 0);
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
      Die(absl::StrCat("execute ", name, ": ", PQerrorMessage(conn_)));
    }
    return r;
  }
  std::string Explain(const std::string& sql, const std::vector<std::string>& params) {
    std::vector<const char*> values;
    for (const std::string& p : params) values.push_back(p.c_str());
    PGresult* r =
        PQexecParams(conn_, absl::StrCat("EXPLAIN (ANALYZE, BUFFERS) ", sql).c_str(),
                     static_cast<int>(values.size()), nullptr, values.data(), nullptr, nullptr, 0);
    std::string out;
    if (PQresultStatus(r) == PGRES_TUPLES_OK) {
      for (int i = 0; i < PQntuples(r); ++i) absl::StrAppend(&out, PQgetvalue(r, i, 0), "\n");
    } else {
      out = PQerrorMessage(conn_);
    }
    PQclear(r);
    return out;
  }

 private:
  PGconn* conn_;
};

struct PgLoadStats {
  bool loaded = false;  // false: reused
  double copy_s = 0;
  double index_s = 0;
  std::vector<std::pair<std::string, double>> steps;
  std::string table_size;
  std::string total_size;
  std::string all_visible;  // % of the table's pages marked all-visible
};

// Runs `statements` in order, except that each run of CREATE INDEX
// statements is spread over `connections` sessions (one index build per
// core): the table is read-only by then, and GIN builds are single-threaded.
void RunIndexSql(const std::string& conninfo, const std::vector<std::string>& statements,
                 int connections, PgLoadStats* st) {
  auto run = [&](Pg& pg, const std::string& s) {
    const Clock::time_point ts = Clock::now();
    pg.Exec(s);
    return Seconds(Clock::now() - ts);
  };
  std::mutex mu;
  auto report = [&](const std::string& s, double secs) {
    std::lock_guard<std::mutex> guard(mu);
    st->steps.emplace_back(s, secs);
    std::printf("postgres: %6.1f s  %s\n", secs, s.substr(0, 100).c_str());
    std::fflush(stdout);
  };
  std::vector<std::unique_ptr<Pg>> sessions;
  for (int i = 0; i < connections; ++i) {
    sessions.push_back(std::make_unique<Pg>(conninfo));
    sessions.back()->Exec("SET maintenance_work_mem = '2GB'");
    sessions.back()->Exec("SET max_parallel_maintenance_workers = 1");
  }
  for (size_t i = 0; i < statements.size();) {
    if (!absl::StartsWith(statements[i], "CREATE INDEX")) {
      report(statements[i], run(*sessions[0], statements[i]));
      ++i;
      continue;
    }
    size_t end = i;
    while (end < statements.size() && absl::StartsWith(statements[end], "CREATE INDEX")) ++end;
    std::atomic<size_t> next{i};
    std::vector<std::thread> workers;
    for (auto& session : sessions) {
      workers.emplace_back([&, pg = session.get()] {
        for (size_t k; (k = next.fetch_add(1)) < end;)
          report(statements[k], run(*pg, statements[k]));
      });
    }
    for (std::thread& w : workers) w.join();
    i = end;
  }
}

PgLoadStats LoadPostgres(Pg& pg, const std::string& conninfo,
                         const catalog_gen::CatalogGenerator& gen,
                         const search::CreatorIndex& index, int64_t n, uint64_t seed) {
  PgLoadStats st;
  const std::string want = absl::StrCat(n, ":", seed);
  if (absl::GetFlag(FLAGS_pg_reuse) &&
      pg.Value("SELECT catalog FROM bench_meta WHERE complete", "none") == want) {
    std::printf("postgres: reusing the loaded catalog (%s)\n", want.c_str());
  } else {
    st.loaded = true;
    pg.Exec("DROP TABLE IF EXISTS creators");
    pg.Exec("DROP TABLE IF EXISTS bench_meta");
    // CREATE TABLE and COPY FREEZE in one transaction with wal_level=minimal:
    // the data skips the WAL and is fsynced at commit (durable, no WAL
    // traffic), and its rows are written frozen and all-visible, so index-only
    // scans need no VACUUM afterwards.
    pg.Exec("BEGIN");
    for (const std::string& s : SchemaSql()) pg.Exec(s);
    {
      PGresult* r = PQexec(
          pg.get(),
          absl::StrCat("COPY creators (", CopyColumns(), ") FROM STDIN WITH (FREEZE)").c_str());
      if (PQresultStatus(r) != PGRES_COPY_IN) {
        Die(absl::StrCat("COPY: ", PQerrorMessage(pg.get())));
      }
      PQclear(r);
    }
    const Clock::time_point t0 = Clock::now();
    // Each thread generates a slice of a batch and renders its COPY rows;
    // the next batch is rendered while the main thread streams this one.
    const int threads = std::max(1, absl::GetFlag(FLAGS_gen_threads));
    const int64_t batch_size = absl::GetFlag(FLAGS_batch);
    auto render = [&gen, &index, threads, n, batch_size](int64_t start) {
      const int64_t m = std::min(batch_size, n - start);
      std::vector<std::string> bufs(static_cast<size_t>(threads));
      std::vector<std::thread> pool;
      for (int t = 0; t < threads; ++t) {
        pool.emplace_back([&, t] {
          const int64_t lo = start + m * t / threads;
          const int64_t hi = start + m * (t + 1) / threads;
          std::vector<cv1::Creator> creators;
          GenerateBatch(gen, static_cast<uint64_t>(lo), static_cast<size_t>(hi - lo), 1, &creators);
          for (const cv1::Creator& c : creators)
            AppendCopyRow(c, index, &bufs[static_cast<size_t>(t)]);
        });
      }
      for (std::thread& th : pool) th.join();
      return bufs;
    };
    std::future<std::vector<std::string>> pending = std::async(std::launch::async, render, 0);
    for (int64_t start = 0; start < n; start += batch_size) {
      std::vector<std::string> bufs = pending.get();
      if (start + batch_size < n)
        pending = std::async(std::launch::async, render, start + batch_size);
      for (const std::string& buf : bufs) {
        for (size_t off = 0; off < buf.size(); off += (1 << 20)) {
          const size_t len = std::min<size_t>(1 << 20, buf.size() - off);
          if (PQputCopyData(pg.get(), buf.data() + off, static_cast<int>(len)) != 1) {
            Die(absl::StrCat("COPY: ", PQerrorMessage(pg.get())));
          }
        }
      }
      const int64_t done = std::min(n, start + batch_size);
      if ((start / batch_size) % 10 == 9) {
        std::printf("postgres: copied %lld rows (%.0f rows/s)\n", static_cast<long long>(done),
                    static_cast<double>(done) / Seconds(Clock::now() - t0));
        std::fflush(stdout);
      }
    }
    if (PQputCopyEnd(pg.get(), nullptr) != 1) Die(PQerrorMessage(pg.get()));
    PGresult* r = PQgetResult(pg.get());
    if (PQresultStatus(r) != PGRES_COMMAND_OK) {
      Die(absl::StrCat("COPY: ", PQerrorMessage(pg.get())));
    }
    PQclear(r);
    while ((r = PQgetResult(pg.get())) != nullptr) PQclear(r);
    pg.Exec("COMMIT");
    st.copy_s = Seconds(Clock::now() - t0);
    std::printf("postgres: COPY %lld rows in %.1f s (%.0f rows/s)\n", static_cast<long long>(n),
                st.copy_s, static_cast<double>(n) / st.copy_s);
    std::fflush(stdout);
    const Clock::time_point t1 = Clock::now();
    RunIndexSql(conninfo, IndexSql(), absl::GetFlag(FLAGS_pg_index_sessions), &st);
    st.index_s = Seconds(Clock::now() - t1);
    pg.Exec("CREATE TABLE bench_meta (catalog text, complete boolean)");
    pg.Exec(absl::StrCat("INSERT INTO bench_meta VALUES ('", want, "', true)"));
    pg.Exec("CHECKPOINT");
  }
  st.table_size = pg.Value("SELECT pg_size_pretty(pg_table_size('creators'))");
  st.total_size = pg.Value("SELECT pg_size_pretty(pg_total_relation_size('creators'))");
  st.all_visible = pg.Value(
      "SELECT round(100.0 * relallvisible / greatest(relpages, 1)) FROM pg_class WHERE relname = "
      "'creators'");
  return st;
}

// ---------------------------------------------------------------------------
// Results and their comparison

struct Result {
  int64_t total = 0;
  std::vector<std::string> ids;
  std::vector<search::FacetCounts> facets;
};

Result FromIndex(const search::SearchPage& page) {
  Result r;
  r.total = page.total_size;
  for (const search::SearchHit& h : page.hits) r.ids.push_back(h.creator_id);
  r.facets = page.facets;
  return r;
}

struct PreparedQuery {
  MixQuery mix;
  SqlSearch sql;
  std::string page_stmt;
  std::string count_stmt;  // count or facet statement
};

Result RunPg(Pg& pg, const PreparedQuery& q) {
  Result out;
  PGresult* r = pg.ExecPrepared(q.count_stmt, q.sql.params);
  if (q.sql.facets.empty()) {
    absl::SimpleAtoi(PQgetvalue(r, 0, 0), &out.total);
  } else {
    out.facets.resize(q.sql.facets.size());
    for (size_t i = 0; i < q.sql.facets.size(); ++i) out.facets[i].field = q.sql.facets[i];
    for (int row = 0; row < PQntuples(r); ++row) {
      int facet = 0;
      int64_t count = 0;
      absl::SimpleAtoi(PQgetvalue(r, row, 0), &facet);
      absl::SimpleAtoi(PQgetvalue(r, row, 2), &count);
      if (facet < 0) {
        out.total = count;
        continue;
      }
      search::FacetCounts& fc = out.facets[static_cast<size_t>(facet)];
      if (PQgetisnull(r, row, 1)) {
        fc.missing += count;
      } else {
        fc.values.emplace_back(FacetValueName(fc.field, PQgetvalue(r, row, 1)), count);
      }
    }
    for (search::FacetCounts& fc : out.facets) {
      std::sort(fc.values.begin(), fc.values.end(), [](const auto& a, const auto& b) {
        return a.second != b.second ? a.second > b.second : a.first < b.first;
      });
    }
  }
  PQclear(r);
  r = pg.ExecPrepared(q.page_stmt, q.sql.page_params);
  for (int row = 0; row < PQntuples(r); ++row) out.ids.emplace_back(PQgetvalue(r, row, 0));
  PQclear(r);
  return out;
}

// Empty if equal, else a description of the first differences.
std::string Compare(const Result& index, const Result& pg) {
  std::string out;
  if (index.total != pg.total) {
    absl::StrAppend(&out, "  total: index ", index.total, " postgres ", pg.total, "\n");
  }
  if (index.ids != pg.ids) {
    absl::StrAppend(&out, "  page: index ", index.ids.size(), " ids, postgres ", pg.ids.size(),
                    "\n");
    const size_t n = std::max(index.ids.size(), pg.ids.size());
    int shown = 0;
    for (size_t i = 0; i < n && shown < 5; ++i) {
      const std::string a = i < index.ids.size() ? index.ids[i] : "-";
      const std::string b = i < pg.ids.size() ? pg.ids[i] : "-";
      if (a != b) {
        absl::StrAppend(&out, "    #", i, ": index ", a, " postgres ", b, "\n");
        ++shown;
      }
    }
  }
  if (index.facets.size() != pg.facets.size()) {
    absl::StrAppend(&out, "  facets: index ", index.facets.size(), " postgres ", pg.facets.size(),
                    "\n");
  } else {
    for (size_t i = 0; i < index.facets.size(); ++i) {
      const auto& a = index.facets[i];
      const auto& b = pg.facets[i];
      if (a.values != b.values || a.missing != b.missing) {
        absl::StrAppend(&out, "  facet ", sv1::FacetField_Name(a.field), ": missing ", a.missing,
                        " vs ", b.missing, "; values ", a.values.size(), " vs ", b.values.size(),
                        "\n");
        for (size_t j = 0; j < std::max(a.values.size(), b.values.size()) && j < 50; ++j) {
          const std::string x =
              j < a.values.size() ? absl::StrCat(a.values[j].first, "=", a.values[j].second) : "-";
          const std::string y =
              j < b.values.size() ? absl::StrCat(b.values[j].first, "=", b.values[j].second) : "-";
          if (x != y) absl::StrAppend(&out, "    ", x, " vs ", y, "\n");
        }
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------------------
// Timing

struct Samples {
  std::vector<double> ms;
  double Pct(double p) const {
    if (ms.empty()) return 0;
    std::vector<double> v = ms;
    std::sort(v.begin(), v.end());
    size_t k = static_cast<size_t>(std::ceil(p / 100.0 * static_cast<double>(v.size())));
    k = std::clamp<size_t>(k, 1, v.size());
    return v[k - 1];
  }
  void Append(const Samples& o) { ms.insert(ms.end(), o.ms.begin(), o.ms.end()); }
};

std::string Ms(double v) {
  if (v == 0) return "-";
  if (v < 1) return absl::StrFormat("%.3f", v);
  if (v < 100) return absl::StrFormat("%.2f", v);
  return absl::StrFormat("%.0f", v);
}

std::string Ratio(double pg, double index) {
  if (pg == 0 || index == 0) return "-";
  return absl::StrFormat("%.0fx", pg / index);
}

int Main() {
  const int64_t n = absl::GetFlag(FLAGS_creators);
  const uint64_t seed = absl::GetFlag(FLAGS_seed);
  const bool use_pg = absl::GetFlag(FLAGS_pg);
  catalog_gen::GeneratorOptions gen_options;
  gen_options.seed = seed;
  const catalog_gen::CatalogGenerator gen(gen_options);
  const absl::Time now = gen_options.reference_time;

  std::printf("# search_bench: %lld creators, seed %llu, %u cores\n", static_cast<long long>(n),
              static_cast<unsigned long long>(seed), std::thread::hardware_concurrency());

  // 1. The index.
  search::CreatorIndex::Options index_options;
  index_options.query_threads = absl::GetFlag(FLAGS_query_threads);
  search::CreatorIndex index(index_options);
  malloc_trim(0);
  const int64_t rss0 = RssBytes();
  double gen_s = 0;
  double load_s = 0;
  const std::string snapshot = absl::GetFlag(FLAGS_index_snapshot);
  const bool from_snapshot = !snapshot.empty() && std::filesystem::exists(snapshot);
  if (from_snapshot) {
    // The snapshot's catalog version is its creator count: a file from
    // another --creators is refused rather than benchmarked.
    const Clock::time_point t0 = Clock::now();
    const absl::StatusOr<int64_t> version = index.LoadSnapshot(snapshot);
    load_s = Seconds(Clock::now() - t0);
    if (!version.ok()) {
      Die(absl::StrCat("--index_snapshot: ", version.status().ToString(),
                       " (delete the file to build and save it again)"));
    }
    if (*version != n || static_cast<int64_t>(index.size()) != n) {
      Die(absl::StrFormat("--index_snapshot %s holds %d creators, not --creators %d", snapshot,
                          static_cast<long long>(index.size()), static_cast<long long>(n)));
    }
    std::printf("index: loaded from snapshot %s\n", snapshot.c_str());
  } else {
    std::vector<cv1::Creator> batch;
    const int64_t batch_size = absl::GetFlag(FLAGS_batch);
    for (int64_t start = 0; start < n; start += batch_size) {
      const size_t m = static_cast<size_t>(std::min(batch_size, n - start));
      const Clock::time_point t0 = Clock::now();
      GenerateBatch(gen, static_cast<uint64_t>(start), m, absl::GetFlag(FLAGS_gen_threads), &batch);
      const Clock::time_point t1 = Clock::now();
      const size_t applied = index.BulkLoad(batch);
      const Clock::time_point t2 = Clock::now();
      if (applied != m) Die("BulkLoad skipped records");
      gen_s += Seconds(t1 - t0);
      load_s += Seconds(t2 - t1);
    }
    // The service's start-up path ends with it too (docs/search-index.md).
    const Clock::time_point t3 = Clock::now();
    batch = std::vector<cv1::Creator>();
    index.ShrinkToFit();
    load_s += Seconds(Clock::now() - t3);
    if (!snapshot.empty()) {
      const Clock::time_point ts = Clock::now();
      const absl::Status saved = index.SaveSnapshot(snapshot, n);
      if (!saved.ok()) Die(absl::StrCat("--index_snapshot: ", saved.ToString()));
      std::printf("index: saved snapshot %s in %.1f s\n", snapshot.c_str(),
                  Seconds(Clock::now() - ts));
    }
  }
  malloc_trim(0);
  const int64_t rss1 = RssBytes();
  const size_t mem = index.MemoryBytes();
  const double rate = static_cast<double>(n) / load_s;
  std::printf(
      "index: %s %lld creators in %.2f s = %.0f creators/s (generation %.2f s "
      "extra)\n",
      from_snapshot ? "LoadSnapshot" : "BulkLoad", static_cast<long long>(n), load_s, rate, gen_s);
  std::printf(
      "index: RSS %.0f MB -> %.0f MB = %.0f bytes/creator; MemoryBytes %.0f MB = %.0f "
      "bytes/creator\n",
      static_cast<double>(rss0) / 1e6, static_cast<double>(rss1) / 1e6,
      static_cast<double>(rss1 - rss0) / static_cast<double>(n), static_cast<double>(mem) / 1e6,
      static_cast<double>(mem) / static_cast<double>(n));
  for (const auto& [part, bytes] : index.MemoryByPart()) {
    std::printf("index:   %-32s %7.1f bytes/creator\n", part.c_str(),
                static_cast<double>(bytes) / static_cast<double>(n));
  }
  std::fflush(stdout);

  // 2. PostgreSQL.
  std::unique_ptr<testing::PostgresServer> server;
  std::unique_ptr<Pg> pg;
  PgLoadStats pg_load;
  if (use_pg) {
    std::string conninfo = absl::GetFlag(FLAGS_pg_url);
    if (conninfo.empty()) {
      testing::PostgresServerOptions o;
      o.data_dir = absl::GetFlag(FLAGS_pg_dir);
      o.fsync = true;  // durable defaults
      o.database = "bench";
      o.settings = {
          {"shared_buffers", absl::GetFlag(FLAGS_pg_shared_buffers)},
          {"effective_cache_size", "12GB"},
          {"work_mem", absl::GetFlag(FLAGS_pg_work_mem)},
          {"maintenance_work_mem", "2GB"},
          {"jit", "off"},
          {"wal_level", "minimal"},
          {"max_wal_senders", "0"},
          {"max_wal_size", "16GB"},
          {"checkpoint_timeout", "30min"},
          {"random_page_cost", "1.1"},
          {"effective_io_concurrency", "200"},
          {"default_statistics_target", "500"},
      };
      for (absl::string_view kv :
           absl::StrSplit(absl::GetFlag(FLAGS_pg_settings), ',', absl::SkipEmpty())) {
        std::pair<std::string, std::string> p = absl::StrSplit(kv, absl::MaxSplits('=', 1));
        o.settings.push_back(p);
      }
      server = std::make_unique<testing::PostgresServer>(o);
      const absl::Status s = server->Start(absl::Minutes(5));
      if (!s.ok()) Die(s.ToString());
      conninfo = server->SocketConnectionString();
      std::printf("postgres: throwaway cluster in %s, port %d\n", server->data_dir().c_str(),
                  server->port());
    }
    pg = std::make_unique<Pg>(conninfo);
    std::printf("postgres: %s\n", pg->Value("SELECT version()").c_str());
    pg_load = LoadPostgres(*pg, conninfo, gen, index, n, seed);
    std::printf("postgres: table %s, with indexes %s, %s%% of its pages all-visible\n",
                pg_load.table_size.c_str(), pg_load.total_size.c_str(),
                pg_load.all_visible.c_str());
    pg->Exec("SET jit = off");
    pg->Exec(absl::StrCat("SET work_mem = '", absl::GetFlag(FLAGS_pg_work_mem), "'"));
    std::fflush(stdout);
  }

  // 3. The mix: translate, prepare, check.
  std::vector<PreparedQuery> queries;
  for (MixQuery& m : BuyerMix(now)) {
    if (!absl::GetFlag(FLAGS_only).empty() &&
        !absl::StrContains(m.name, absl::GetFlag(FLAGS_only))) {
      continue;
    }
    PreparedQuery pq;
    absl::StatusOr<SqlSearch> sql = TranslateSearch(m.query);
    if (!sql.ok()) Die(absl::StrCat(m.name, ": ", sql.status().ToString()));
    pq.sql = *std::move(sql);
    pq.mix = std::move(m);
    pq.page_stmt = absl::StrCat(pq.mix.name, "_page");
    pq.count_stmt = absl::StrCat(pq.mix.name, pq.sql.facets.empty() ? "_count" : "_facets");
    if (pg != nullptr) {
      pg->Prepare(pq.page_stmt, pq.sql.page_sql);
      pg->Prepare(pq.count_stmt, pq.sql.facets.empty() ? pq.sql.count_sql : pq.sql.facet_sql);
    }
    if (absl::GetFlag(FLAGS_print_sql)) {
      std::printf("-- %s\n%s\n-- params: %s\n\n%s\n\n", pq.mix.name.c_str(),
                  (pq.sql.facets.empty() ? pq.sql.count_sql : pq.sql.facet_sql).c_str(),
                  absl::StrJoin(pq.sql.params, " | ").c_str(), pq.sql.page_sql.c_str());
    }
    queries.push_back(std::move(pq));
  }

  int mismatches = 0;
  std::printf("\n| query | type | filters | matches | index first page | postgres |\n");
  std::printf("|---|---|---:|---:|---|---|\n");
  for (PreparedQuery& q : queries) {
    absl::StatusOr<search::SearchPage> page = index.Search(q.mix.query);
    if (!page.ok()) Die(absl::StrCat(q.mix.name, ": ", page.status().ToString()));
    const Result ir = FromIndex(*page);
    std::string verdict = "not run";
    if (pg != nullptr && absl::GetFlag(FLAGS_check)) {
      const Result pr = RunPg(*pg, q);
      const std::string diff = Compare(ir, pr);
      if (diff.empty()) {
        verdict = "same";
      } else {
        verdict = "**MISMATCH**";
        ++mismatches;
        std::fprintf(stderr, "MISMATCH in %s:\n%s", q.mix.name.c_str(), diff.c_str());
      }
    }
    std::printf("| %s | %s | %d | %lld | %zu ids | %s |\n", q.mix.name.c_str(), q.mix.type.c_str(),
                CountFilters(q.mix.query), static_cast<long long>(ir.total), ir.ids.size(),
                verdict.c_str());
    std::fflush(stdout);
    if (pg != nullptr && absl::GetFlag(FLAGS_explain)) {
      std::printf(
          "```\n-- %s: %s\n%s%s```\n", q.mix.name.c_str(),
          q.sql.facets.empty() ? "count" : "facets",
          pg->Explain(q.sql.facets.empty() ? q.sql.count_sql : q.sql.facet_sql, q.sql.params)
              .c_str(),
          pg->Explain(q.sql.page_sql, q.sql.page_params).c_str());
    }
  }
  if (mismatches > 0) {
    std::fprintf(stderr, "search_bench: %d queries disagree between the index and PostgreSQL\n",
                 mismatches);
    return 1;
  }

  // 4. Timing.
  const int reps = absl::GetFlag(FLAGS_reps);
  const int pg_reps = absl::GetFlag(FLAGS_pg_reps);
  std::map<std::string, std::pair<Samples, Samples>> by_type;
  Samples all_index, all_pg;
  std::printf(
      "\n| query | type | index p50 ms | index p99 ms | postgres p50 ms | postgres p99 ms "
      "| ratio of medians |\n");
  std::printf("|---|---|---:|---:|---:|---:|---:|\n");
  for (PreparedQuery& q : queries) {
    Samples is, ps;
    index.Search(q.mix.query).IgnoreError();  // warm-up
    for (int i = 0; i < reps; ++i) {
      const Clock::time_point t0 = Clock::now();
      absl::StatusOr<search::SearchPage> page = index.Search(q.mix.query);
      is.ms.push_back(Millis(Clock::now() - t0));
      if (!page.ok()) Die(page.status().ToString());
    }
    if (pg != nullptr) {
      RunPg(*pg, q);  // warm-up (caches, generic plan decision)
      for (int i = 0; i < pg_reps; ++i) {
        const Clock::time_point t0 = Clock::now();
        RunPg(*pg, q);
        ps.ms.push_back(Millis(Clock::now() - t0));
      }
    }
    std::printf("| %s | %s | %s | %s | %s | %s | %s |\n", q.mix.name.c_str(), q.mix.type.c_str(),
                Ms(is.Pct(50)).c_str(), Ms(is.Pct(99)).c_str(), Ms(ps.Pct(50)).c_str(),
                Ms(ps.Pct(99)).c_str(), Ratio(ps.Pct(50), is.Pct(50)).c_str());
    std::fflush(stdout);
    by_type[q.mix.type].first.Append(is);
    by_type[q.mix.type].second.Append(ps);
    all_index.Append(is);
    all_pg.Append(ps);
  }
  std::printf(
      "\n| type | index p50 ms | index p99 ms | postgres p50 ms | postgres p99 ms | ratio "
      "of medians |\n");
  std::printf("|---|---:|---:|---:|---:|---:|\n");
  for (const auto& [type, s] : by_type) {
    std::printf("| %s | %s | %s | %s | %s | %s |\n", type.c_str(), Ms(s.first.Pct(50)).c_str(),
                Ms(s.first.Pct(99)).c_str(), Ms(s.second.Pct(50)).c_str(),
                Ms(s.second.Pct(99)).c_str(), Ratio(s.second.Pct(50), s.first.Pct(50)).c_str());
  }
  std::printf("| **mix** | **%s** | **%s** | **%s** | **%s** | **%s** |\n",
              Ms(all_index.Pct(50)).c_str(), Ms(all_index.Pct(99)).c_str(),
              Ms(all_pg.Pct(50)).c_str(), Ms(all_pg.Pct(99)).c_str(),
              Ratio(all_pg.Pct(50), all_index.Pct(50)).c_str());

  std::printf("\n| figure | value |\n|---|---:|\n");
  std::printf("| creators | %lld |\n", static_cast<long long>(n));
  std::printf("| index load (%s) | %.0f creators/s (%.2f s) |\n",
              from_snapshot ? "LoadSnapshot" : "BulkLoad", rate, load_s);
  std::printf("| index RSS growth | %.0f bytes/creator |\n",
              static_cast<double>(rss1 - rss0) / static_cast<double>(n));
  std::printf("| index MemoryBytes | %.0f bytes/creator |\n",
              static_cast<double>(mem) / static_cast<double>(n));
  if (pg != nullptr) {
    if (pg_load.loaded) {
      std::printf("| postgres COPY | %.0f rows/s (%.1f s) |\n",
                  static_cast<double>(n) / pg_load.copy_s, pg_load.copy_s);
      std::printf("| postgres indexes + statistics | %.1f s |\n", pg_load.index_s);
    }
    std::printf("| postgres table / with indexes | %s / %s |\n", pg_load.table_size.c_str(),
                pg_load.total_size.c_str());
  }
  std::fflush(stdout);
  return 0;
}

}  // namespace
}  // namespace microreach::bench

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  return microreach::bench::Main();
}
