// microreach-catalog-gen: writes a deterministic synthetic creator catalog
// (binary or JSON lines) for the importer, benches and demos.
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "microreach/common/v1/types.pb.h"
#include "tools/catalog_gen/catalog_generator.h"
#include "tools/catalog_gen/catalog_writer.h"

ABSL_FLAG(uint64_t, count, 1000, "Number of creators to generate.");
ABSL_FLAG(uint64_t, seed, 1, "Catalog seed; the same seed gives the same catalog.");
ABSL_FLAG(uint64_t, start, 0, "Index of the first creator (slices of one catalog).");
ABSL_FLAG(std::string, format, "binary",
          "binary (varint-length-delimited Creator messages) or jsonl.");
ABSL_FLAG(std::string, output, "-", "Output file, or - for stdout.");
ABSL_FLAG(int, threads, static_cast<int>(std::max(1u, std::thread::hardware_concurrency())),
          "Generator threads; the output is identical for any value.");
ABSL_FLAG(std::string, platforms, "",
          "Platform mix as name=weight pairs, e.g. instagram=0.6,tiktok=0.4; empty uses the "
          "default mix.");
ABSL_FLAG(double, fake_share, 0.15, "Approximate share of accounts with fake-follower signals.");
ABSL_FLAG(double, linked_share, 0.10,
          "Approximate share of accounts whose person has another account in the catalog.");
ABSL_FLAG(std::string, reference_time, "2026-01-01T00:00:00Z",
          "The catalog's 'now' (RFC 3339); last posts and record times fall before it.");

namespace microreach::catalog_gen {
namespace {

namespace v1 = ::microreach::common::v1;

absl::StatusOr<std::vector<PlatformWeight>> ParsePlatformMix(absl::string_view text) {
  if (text.empty()) return DefaultPlatformMix();
  std::vector<PlatformWeight> mix;
  for (absl::string_view part : absl::StrSplit(text, ',', absl::SkipWhitespace())) {
    const std::vector<absl::string_view> kv = absl::StrSplit(part, '=');
    double weight = 0;
    v1::Platform platform = v1::PLATFORM_UNSPECIFIED;
    if (kv.size() != 2 ||
        !v1::Platform_Parse(absl::StrCat("PLATFORM_", absl::AsciiStrToUpper(kv[0])), &platform) ||
        !absl::SimpleAtod(kv[1], &weight)) {
      return absl::InvalidArgumentError(
          absl::StrCat("--platforms: expected name=weight, got '", part, "'"));
    }
    mix.push_back({platform, weight});
  }
  return mix;
}

int Run() {
  GeneratorOptions options;
  options.seed = absl::GetFlag(FLAGS_seed);
  options.fake_share = absl::GetFlag(FLAGS_fake_share);
  options.linked_share = absl::GetFlag(FLAGS_linked_share);
  std::string time_error;
  if (!absl::ParseTime(absl::RFC3339_full, absl::GetFlag(FLAGS_reference_time),
                       &options.reference_time, &time_error)) {
    std::fprintf(stderr, "--reference_time: %s\n", time_error.c_str());
    return 2;
  }
  absl::StatusOr<std::vector<PlatformWeight>> mix =
      ParsePlatformMix(absl::GetFlag(FLAGS_platforms));
  if (!mix.ok()) {
    std::fprintf(stderr, "%s\n", std::string(mix.status().message()).c_str());
    return 2;
  }
  options.platform_mix = *std::move(mix);
  if (absl::Status status = ValidateOptions(options); !status.ok()) {
    std::fprintf(stderr, "%s\n", std::string(status.message()).c_str());
    return 2;
  }

  const std::string format_name = absl::GetFlag(FLAGS_format);
  OutputFormat format;
  if (format_name == "binary") {
    format = OutputFormat::kBinary;
  } else if (format_name == "jsonl") {
    format = OutputFormat::kJsonl;
  } else {
    std::fprintf(stderr, "--format must be binary or jsonl, got '%s'\n", format_name.c_str());
    return 2;
  }
  const uint64_t start = absl::GetFlag(FLAGS_start);
  const uint64_t count = absl::GetFlag(FLAGS_count);
  if (start > kMaxIndex || count > kMaxIndex - start + 1) {
    std::fprintf(stderr, "--start + --count must not exceed 2^40\n");
    return 2;
  }

  const std::string path = absl::GetFlag(FLAGS_output);
  std::FILE* out = path == "-" ? stdout : std::fopen(path.c_str(), "wb");
  if (out == nullptr) {
    std::perror(path.c_str());
    return 1;
  }
  const CatalogGenerator generator(std::move(options));
  uint64_t bytes = 0;
  const absl::Time began = absl::Now();
  absl::Status status = WriteCatalog(
      generator, start, count, format, absl::GetFlag(FLAGS_threads), [&](absl::string_view chunk) {
        if (std::fwrite(chunk.data(), 1, chunk.size(), out) != chunk.size()) {
          return absl::DataLossError(absl::StrCat("write to ", path, " failed"));
        }
        bytes += chunk.size();
        return absl::OkStatus();
      });
  if (std::fflush(out) != 0 && status.ok()) {
    status = absl::DataLossError(absl::StrCat("write to ", path, " failed"));
  }
  if (out != stdout) std::fclose(out);
  if (!status.ok()) {
    std::fprintf(stderr, "%s\n", std::string(status.message()).c_str());
    return 1;
  }
  const double seconds = absl::ToDoubleSeconds(absl::Now() - began);
  std::fprintf(stderr,
               "microreach-catalog-gen: %llu creators, %llu bytes (%.0f bytes/creator) in %.2f s: "
               "%.0f creators/s with %d threads\n",
               static_cast<unsigned long long>(count), static_cast<unsigned long long>(bytes),
               count > 0 ? static_cast<double>(bytes) / static_cast<double>(count) : 0.0, seconds,
               seconds > 0 ? static_cast<double>(count) / seconds : 0.0,
               absl::GetFlag(FLAGS_threads));
  return 0;
}

}  // namespace
}  // namespace microreach::catalog_gen

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "Writes a deterministic synthetic creator catalog.\n"
      "  microreach-catalog-gen --count=1000000 --seed=7 --output=catalog.bin");
  absl::ParseCommandLine(argc, argv);
  return microreach::catalog_gen::Run();
}
