// microreach-import: reads creator exports (CSV with presets or a mapping,
// or JSONL) and writes them to a file or streams them to UpsertCreators.
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "tools/importer/column_mapping.h"
#include "tools/importer/creator_sink.h"
#include "tools/importer/csv_reader.h"
#include "tools/importer/importer.h"

ABSL_FLAG(std::vector<std::string>, input, {},
          "input files (repeatable or comma-separated; positional arguments also count)");
ABSL_FLAG(std::string, format, "auto",
          "csv, jsonl, delimited, or auto (by extension: .jsonl/.ndjson/.json, .pb/.bin)");
ABSL_FLAG(std::string, platform, "", "platform of rows when the preset or mapping does not say");
ABSL_FLAG(std::string, mapping, "", "column mapping file (`field = column header` lines)");
ABSL_FLAG(std::string, preset, "auto", "built-in preset name, or auto to detect from the header");
ABSL_FLAG(std::vector<std::string>, previous, {},
          "older snapshot(s) of the same accounts; sets stats.follower_growth_90d");
ABSL_FLAG(std::string, errors, "", "write the per-row report (file,row,field,reason,severity)");
ABSL_FLAG(std::string, output, "", "write creators to this file");
ABSL_FLAG(std::string, output_format, "auto",
          "delimited (varint-length-prefixed binary) or jsonl; auto by extension");
ABSL_FLAG(std::string, target, "", "host:port of the search service to stream UpsertCreators to");
ABSL_FLAG(std::string, token, "", "bearer token with the ingest role (for --target)");
ABSL_FLAG(absl::Duration, deadline, absl::Minutes(5), "deadline of the UpsertCreators stream");
ABSL_FLAG(bool, validate_only, false, "ask the service to validate without writing");
ABSL_FLAG(bool, strip_handle_spaces, true,
          "import handles containing spaces (channel titles) with the spaces removed");
ABSL_FLAG(bool, ignore_unknown_json_fields, false, "JSONL: skip unknown fields");
ABSL_FLAG(bool, print_mapping, false,
          "print the mapping (--preset or --mapping, or the one detected for the first input) "
          "in mapping file format and exit");

namespace {

using microreach::importer::FileSummary;
using microreach::importer::ImportResult;

bool ReadFile(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream buffer;
  buffer << in.rdbuf();
  *out = std::move(buffer).str();
  return !in.bad();
}

bool WriteFile(const std::string& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
  out.close();
  return !out.fail();
}

bool IsDelimited(const std::string& path) {
  const std::string format = absl::GetFlag(FLAGS_format);
  if (format == "delimited") return true;
  if (format != "auto") return false;
  return absl::EndsWithIgnoreCase(path, ".pb") || absl::EndsWithIgnoreCase(path, ".bin");
}

bool IsJsonl(const std::string& path) {
  const std::string format = absl::GetFlag(FLAGS_format);
  if (format == "jsonl") return true;
  if (format == "csv") return false;
  return absl::EndsWithIgnoreCase(path, ".jsonl") || absl::EndsWithIgnoreCase(path, ".ndjson") ||
         absl::EndsWithIgnoreCase(path, ".json");
}

// absl flags keep only the last of a repeated flag; collect every --input
// (and --previous) occurrence so both spellings work.
std::vector<std::string> RepeatedFlag(int argc, char** argv, absl::string_view name) {
  std::vector<std::string> values;
  const std::string eq = absl::StrCat("--", name, "=");
  const std::string bare = absl::StrCat("--", name);
  for (int i = 1; i < argc; ++i) {
    absl::string_view arg = argv[i];
    if (arg == "--") break;
    if (absl::ConsumePrefix(&arg, eq) || (arg.size() > 1 && arg[0] == '-' && arg[1] != '-' &&
                                          absl::ConsumePrefix(&arg, eq.substr(1)))) {
      for (absl::string_view v : absl::StrSplit(arg, ',', absl::SkipEmpty()))
        values.emplace_back(v);
    } else if ((arg == bare || arg == bare.substr(1)) && i + 1 < argc) {
      for (absl::string_view v : absl::StrSplit(argv[++i], ',', absl::SkipEmpty())) {
        values.emplace_back(v);
      }
    }
  }
  return values;
}

// Rows per second on stderr, at most four times a second, only for a person
// watching a terminal (logs and CI get the summary line alone).
class Progress {
 public:
  explicit Progress(absl::string_view what) : what_(what), enabled_(isatty(STDERR_FILENO) != 0) {}
  void Update(int64_t n) {
    if (!enabled_) return;
    const absl::Time now = absl::Now();
    if (now - last_ < absl::Milliseconds(250)) return;
    last_ = now;
    const double secs = absl::ToDoubleSeconds(now - start_);
    std::fprintf(stderr, "\r%s %lld rows, %.0f rows/s   ", what_.c_str(), static_cast<long long>(n),
                 secs > 0 ? static_cast<double>(n) / secs : 0.0);
    shown_ = true;
  }
  void Done() {
    if (shown_) std::fprintf(stderr, "\r\033[K");
    shown_ = false;
  }

 private:
  std::string what_;
  bool enabled_;
  bool shown_ = false;
  absl::Time start_ = absl::Now();
  absl::Time last_ = absl::InfinitePast();
};

void PrintFileLine(const FileSummary& f) {
  std::fprintf(stderr,
               "%s [%s]: read %lld, imported %lld, duplicates %lld, rejected %lld, warnings %lld\n",
               f.file.c_str(), f.preset.c_str(), static_cast<long long>(f.read),
               static_cast<long long>(f.imported), static_cast<long long>(f.duplicates),
               static_cast<long long>(f.rejected), static_cast<long long>(f.warnings));
}

int Run(int argc, char** argv) {
  std::vector<std::string> inputs = RepeatedFlag(argc, argv, "input");
  std::vector<std::string> previous = RepeatedFlag(argc, argv, "previous");
  const std::vector<char*> positional = absl::ParseCommandLine(argc, argv);
  for (size_t i = 1; i < positional.size(); ++i) inputs.emplace_back(positional[i]);
  if (inputs.empty() && !absl::GetFlag(FLAGS_print_mapping)) {
    std::fprintf(stderr, "%s\n", absl::ProgramUsageMessage().data());
    return 2;
  }

  if (const std::string f = absl::GetFlag(FLAGS_format);
      f != "auto" && f != "csv" && f != "jsonl" && f != "delimited") {
    std::fprintf(stderr, "unknown --format=%s: use csv, jsonl, delimited or auto\n", f.c_str());
    return 2;
  }
  microreach::importer::ImporterOptions options;
  options.preset = absl::GetFlag(FLAGS_preset);
  options.convert.strip_handle_spaces = absl::GetFlag(FLAGS_strip_handle_spaces);
  options.ignore_unknown_json_fields = absl::GetFlag(FLAGS_ignore_unknown_json_fields);
  if (const std::string p = absl::GetFlag(FLAGS_platform); !p.empty()) {
    options.convert.platform = microreach::importer::ParsePlatform(p);
    if (options.convert.platform == microreach::common::v1::PLATFORM_UNSPECIFIED) {
      std::fprintf(stderr, "unknown --platform=%s\n", p.c_str());
      return 2;
    }
  }
  if (const std::string path = absl::GetFlag(FLAGS_mapping); !path.empty()) {
    std::string text;
    if (!ReadFile(path, &text)) {
      std::fprintf(stderr, "cannot read mapping %s\n", path.c_str());
      return 1;
    }
    auto mapping = microreach::importer::ColumnMapping::Parse(text);
    if (!mapping.ok()) {
      std::fprintf(stderr, "%s: %s\n", path.c_str(),
                   std::string(mapping.status().message()).c_str());
      return 2;
    }
    options.mapping = *std::move(mapping);
  }

  if (absl::GetFlag(FLAGS_print_mapping)) {
    absl::StatusOr<microreach::importer::ColumnMapping> mapping =
        options.mapping.has_value() ? *options.mapping
        : options.preset != "auto"  ? microreach::importer::PresetByName(options.preset)
                                    : absl::NotFoundError("pass --preset, --mapping or --input");
    if (!options.mapping.has_value() && options.preset == "auto" && !inputs.empty()) {
      std::string content;
      if (ReadFile(inputs.front(), &content)) {
        microreach::importer::CsvReader reader(content);
        microreach::importer::CsvRecord header;
        if (reader.Next(&header)) mapping = microreach::importer::DetectPreset(header.fields);
      }
    }
    if (!mapping.ok()) {
      std::fprintf(stderr, "%s\n", std::string(mapping.status().message()).c_str());
      return 2;
    }
    std::fputs(mapping->ToString().c_str(), stdout);
    return 0;
  }
  if (absl::GetFlag(FLAGS_output).empty() && absl::GetFlag(FLAGS_target).empty()) {
    std::fprintf(stderr, "note: neither --output nor --target: checking the inputs only\n");
  }

  Progress progress("reading");
  options.on_row = [&progress](int64_t n) { progress.Update(n); };
  microreach::importer::Importer importer(std::move(options));
  bool io_error = false;
  auto add = [&](const std::string& path, bool is_previous) {
    std::string content;
    if (!ReadFile(path, &content)) {
      std::fprintf(stderr, "cannot read %s\n", path.c_str());
      io_error = true;
      return;
    }
    const bool jsonl = IsJsonl(path);
    absl::Status status;
    if (IsDelimited(path)) {
      status = is_previous ? absl::InvalidArgumentError("--previous takes CSV or JSONL files")
                           : importer.AddDelimited(path, content);
    } else if (is_previous) {
      status =
          jsonl ? importer.AddPreviousJsonl(path, content) : importer.AddPreviousCsv(path, content);
    } else {
      status = jsonl ? importer.AddJsonl(path, content) : importer.AddCsv(path, content);
    }
    if (!status.ok()) {
      progress.Done();
      std::fprintf(stderr, "%s\n", std::string(status.message()).c_str());
      io_error = true;
    }
  };
  for (const std::string& path : inputs) add(path, false);
  for (const std::string& path : previous) add(path, true);
  ImportResult result = std::move(importer).Finish();
  progress.Done();

  // Destinations.
  std::vector<std::unique_ptr<microreach::importer::CreatorSink>> sinks;
  if (const std::string out = absl::GetFlag(FLAGS_output); !out.empty()) {
    std::string format = absl::GetFlag(FLAGS_output_format);
    if (format == "auto") {
      format = absl::EndsWithIgnoreCase(out, ".jsonl") || absl::EndsWithIgnoreCase(out, ".ndjson")
                   ? "jsonl"
                   : "delimited";
    }
    if (format != "jsonl" && format != "delimited") {
      std::fprintf(stderr, "unknown --output_format=%s\n", format.c_str());
      return 2;
    }
    auto sink = microreach::importer::FileSink::Open(
        out, format == "jsonl" ? microreach::importer::FileFormat::kJsonl
                               : microreach::importer::FileFormat::kDelimited);
    if (!sink.ok()) {
      std::fprintf(stderr, "%s\n", std::string(sink.status().message()).c_str());
      return 1;
    }
    sinks.push_back(*std::move(sink));
  }
  if (const std::string target = absl::GetFlag(FLAGS_target); !target.empty()) {
    microreach::importer::GrpcSinkOptions grpc_options;
    grpc_options.token = absl::GetFlag(FLAGS_token);
    grpc_options.deadline = absl::GetFlag(FLAGS_deadline);
    grpc_options.validate_only = absl::GetFlag(FLAGS_validate_only);
    sinks.push_back(std::make_unique<microreach::importer::GrpcSink>(
        grpc::CreateChannel(target, grpc::InsecureChannelCredentials()), grpc_options));
  }
  Progress sending("writing");
  int64_t sent = 0;
  std::vector<bool> broken(sinks.size(), false);
  for (const auto& creator : result.creators) {
    for (size_t i = 0; i < sinks.size(); ++i) {
      if (broken[i]) continue;
      if (absl::Status s = sinks[i]->Write(creator); !s.ok()) {
        sending.Done();
        std::fprintf(stderr, "%s\n", std::string(s.message()).c_str());
        broken[i] = true;
        io_error = true;
      }
    }
    sending.Update(++sent);
  }
  sending.Done();
  for (size_t i = 0; i < sinks.size(); ++i) {
    if (broken[i]) continue;
    auto closed = sinks[i]->Close();
    if (!closed.ok()) {
      std::fprintf(stderr, "%s\n", std::string(closed.status().message()).c_str());
      io_error = true;
      continue;
    }
    for (const auto& error : closed->errors) {
      std::fprintf(stderr, "%s:%lld %s: %s\n", error.file.c_str(),
                   static_cast<long long>(error.row), error.field.c_str(), error.reason.c_str());
      result.issues.push_back(error);
    }
    if (closed->rejected > 0) {
      std::fprintf(stderr, "the service rejected %lld records\n",
                   static_cast<long long>(closed->rejected));
    }
  }

  if (const std::string path = absl::GetFlag(FLAGS_errors); !path.empty()) {
    if (!WriteFile(path, microreach::importer::FormatIssueReport(result.issues))) {
      std::fprintf(stderr, "cannot write %s\n", path.c_str());
      io_error = true;
    }
  }
  if (result.files.size() > 1) {
    for (const FileSummary& f : result.files) PrintFileLine(f);
  }
  if (!previous.empty()) {
    std::fprintf(stderr, "growth: %lld accounts in the previous snapshot, %lld matched, %lld not\n",
                 static_cast<long long>(result.growth.previous_accounts),
                 static_cast<long long>(result.growth.matched),
                 static_cast<long long>(result.growth.unmatched));
  }
  const FileSummary total = result.Totals();
  std::fprintf(stderr, "read %lld, imported %lld, duplicates %lld, rejected %lld, warnings %lld\n",
               static_cast<long long>(total.read), static_cast<long long>(total.imported),
               static_cast<long long>(total.duplicates), static_cast<long long>(total.rejected),
               static_cast<long long>(total.warnings));
  return (io_error || total.imported == 0) ? 1 : 0;
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "Imports creator profiles from CSV or JSONL.\n"
      "  microreach-import --input=dec.csv --previous=sep.csv --output=creators.binpb "
      "--errors=report.csv\n"
      "  microreach-import --input=a.jsonl --target=127.0.0.1:50051 --token=$TOKEN");
  return Run(argc, argv);
}
