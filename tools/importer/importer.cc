// The import pipeline: reading, conversion, de-duplication, growth, report.
#include "tools/importer/importer.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "google/protobuf/util/delimited_message_util.h"
#include "google/protobuf/util/json_util.h"
#include "tools/importer/csv_reader.h"

namespace microreach::importer {
namespace {

using common::v1::Creator;

// How much a record says: set top-level fields plus set statistics. Used to
// keep the fuller of two duplicates.
int Completeness(const Creator& c) {
  std::vector<const google::protobuf::FieldDescriptor*> fields;
  c.GetReflection()->ListFields(c, &fields);
  int n = static_cast<int>(fields.size());
  fields.clear();
  c.stats().GetReflection()->ListFields(c.stats(), &fields);
  return n + static_cast<int>(fields.size());
}

std::string CsvCell(absl::string_view s) {
  if (s.find_first_of(",\"\r\n") == absl::string_view::npos) return std::string(s);
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

}  // namespace

FileSummary ImportResult::Totals() const {
  FileSummary total;
  total.file = "total";
  for (const FileSummary& f : files) {
    total.read += f.read;
    total.imported += f.imported;
    total.duplicates += f.duplicates;
    total.rejected += f.rejected;
    total.warnings += f.warnings;
  }
  return total;
}

Importer::Importer(ImporterOptions options) : options_(std::move(options)) {}

void Importer::CountRow() {
  ++rows_seen_;
  if (options_.on_row) options_.on_row(rows_seen_);
}

absl::Status Importer::ReadCsv(absl::string_view file, absl::string_view content,
                               std::string* preset, const RowSink& sink) {
  CsvReader reader(content);
  CsvRecord header;
  if (!reader.Next(&header)) {
    if (!reader.status().ok()) return reader.status();
    return absl::InvalidArgumentError(absl::StrCat(file, ": empty file, no header"));
  }
  ColumnMapping mapping;
  if (options_.mapping.has_value()) {
    mapping = *options_.mapping;
  } else if (options_.preset.empty() || options_.preset == "auto") {
    auto detected = DetectPreset(header.fields);
    if (!detected.ok()) {
      return absl::Status(detected.status().code(),
                          absl::StrCat(file, ": ", detected.status().message()));
    }
    mapping = *std::move(detected);
  } else {
    auto named = PresetByName(options_.preset);
    if (!named.ok()) return named.status();
    mapping = *std::move(named);
  }
  *preset = mapping.name.empty() ? "mapping" : mapping.name;
  auto columns = ResolveColumns(mapping, header.fields);
  if (!columns.ok()) {
    return absl::Status(columns.status().code(),
                        absl::StrCat(file, " (", *preset, "): ", columns.status().message()));
  }
  ConvertOptions convert = options_.convert;
  if (mapping.platform != common::v1::PLATFORM_UNSPECIFIED) {
    if (convert.platform != common::v1::PLATFORM_UNSPECIFIED &&
        convert.platform != mapping.platform) {
      // A TikTok file imported as YouTube would pass every row check and
      // poison the catalog; refuse instead.
      return absl::InvalidArgumentError(
          absl::StrCat(file, ": --platform=", PlatformSlug(convert.platform), " contradicts ",
                       *preset, " (", PlatformSlug(mapping.platform), ")"));
    }
    convert.platform = mapping.platform;
  }
  const RowConverter converter(header.fields, *std::move(columns), convert);
  CsvRecord record;
  while (reader.Next(&record)) {
    CountRow();
    sink(record.line, converter.Convert(record.fields));
  }
  if (!reader.status().ok()) {
    return absl::Status(reader.status().code(),
                        absl::StrCat(file, ": ", reader.status().message()));
  }
  return absl::OkStatus();
}

absl::Status Importer::ReadJsonl(absl::string_view content, const RowSink& sink) {
  google::protobuf::util::JsonParseOptions parse_options;
  parse_options.ignore_unknown_fields = options_.ignore_unknown_json_fields;
  int64_t line_no = 0;
  for (absl::string_view line : absl::StrSplit(content, '\n')) {
    ++line_no;
    if (line_no == 1) absl::ConsumePrefix(&line, "\xEF\xBB\xBF");
    line = absl::StripAsciiWhitespace(line);
    if (line.empty()) continue;
    CountRow();
    Creator c;
    const auto status = google::protobuf::util::JsonStringToMessage(
        google::protobuf::StringPiece(line.data(), line.size()), &c, parse_options);
    if (!status.ok()) {
      ConvertedRow converted;
      converted.issues.push_back(
          {Severity::kError, "",
           absl::StrCat("invalid Creator JSON: ", status.message().ToString())});
      sink(line_no, std::move(converted));
      continue;
    }
    sink(line_no, FromProfile(std::move(c)));
  }
  return absl::OkStatus();
}

ConvertedRow Importer::FromProfile(Creator c) const {
  ConvertedRow converted;
  if (c.platform() == common::v1::PLATFORM_UNSPECIFIED) c.set_platform(options_.convert.platform);
  if (c.creator_id().empty() && !c.handle().empty() &&
      c.platform() != common::v1::PLATFORM_UNSPECIFIED) {
    c.set_creator_id(CreatorIdFor(c.platform(), c.handle()));
  }
  converted.issues = ValidateForUpsert(c);
  converted.has_followers = c.stats().followers() > 0;
  if (converted.issues.empty()) converted.creator = std::move(c);
  return converted;
}

absl::Status Importer::ReadDelimited(absl::string_view file, absl::string_view content,
                                     const RowSink& sink) {
  google::protobuf::io::ArrayInputStream stream(content.data(), static_cast<int>(content.size()));
  int64_t record = 0;
  while (true) {
    Creator c;
    bool clean_eof = false;
    if (!google::protobuf::util::ParseDelimitedFromZeroCopyStream(&c, &stream, &clean_eof)) {
      if (clean_eof) return absl::OkStatus();
      return absl::DataLossError(
          absl::StrCat(file, ": record ", record + 1, " is truncated or not a serialized Creator"));
    }
    ++record;
    CountRow();
    sink(record, FromProfile(std::move(c)));
  }
}

absl::Status Importer::AddDelimited(absl::string_view file, absl::string_view content) {
  const int index = static_cast<int>(files_.size());
  FileSummary summary;
  summary.file = std::string(file);
  summary.preset = "delimited";
  files_.push_back(std::move(summary));
  return ReadDelimited(file, content, [&](int64_t row, ConvertedRow converted) {
    Accept(index, row, std::move(converted));
  });
}

void Importer::Accept(int file_index, int64_t row, ConvertedRow converted) {
  FileSummary& summary = files_[file_index];
  ++summary.read;
  for (FieldIssue& issue : converted.issues) {
    if (issue.severity == Severity::kWarning) ++summary.warnings;
    issues_.push_back(
        {summary.file, row, issue.severity, std::move(issue.field), std::move(issue.reason)});
  }
  if (!converted.creator.has_value()) {
    ++summary.rejected;
    return;
  }
  Entry entry;
  entry.completeness = Completeness(*converted.creator);
  entry.creator = *std::move(converted.creator);
  entry.file_index = file_index;
  entry.row = row;
  entry.has_followers = converted.has_followers;
  const auto [it, inserted] = by_id_.try_emplace(entry.creator.creator_id(), entries_.size());
  if (inserted) {
    entries_.push_back(std::move(entry));
    return;
  }
  Entry& kept = entries_[it->second];
  const bool replace = entry.completeness >= kept.completeness;
  const Entry& loser = replace ? kept : entry;
  const Entry& winner = replace ? entry : kept;
  ++files_[loser.file_index].duplicates;
  issues_.push_back(
      {files_[loser.file_index].file, loser.row, Severity::kDuplicate, "creator_id",
       absl::StrCat("same creator_id \"", loser.creator.creator_id(), "\" as ",
                    files_[winner.file_index].file, " row ", winner.row, ", which is kept (",
                    winner.completeness > loser.completeness ? "more complete" : "later", ")")});
  // The kept record takes the first-seen position so output order does not
  // depend on which copy won.
  if (replace) kept = std::move(entry);
}

absl::Status Importer::AddCsv(absl::string_view file, absl::string_view content) {
  const int index = static_cast<int>(files_.size());
  FileSummary summary;
  summary.file = std::string(file);
  files_.push_back(std::move(summary));
  return ReadCsv(file, content, &files_[index].preset, [&](int64_t row, ConvertedRow converted) {
    Accept(index, row, std::move(converted));
  });
}

absl::Status Importer::AddJsonl(absl::string_view file, absl::string_view content) {
  const int index = static_cast<int>(files_.size());
  FileSummary summary;
  summary.file = std::string(file);
  summary.preset = "jsonl";
  files_.push_back(std::move(summary));
  return ReadJsonl(content, [&](int64_t row, ConvertedRow converted) {
    Accept(index, row, std::move(converted));
  });
}

absl::Status Importer::AddPreviousCsv(absl::string_view file, absl::string_view content) {
  std::string preset;
  return ReadCsv(file, content, &preset, [&](int64_t, ConvertedRow converted) {
    if (converted.creator.has_value() && converted.has_followers) {
      previous_followers_[converted.creator->creator_id()] = converted.creator->stats().followers();
    }
  });
}

absl::Status Importer::AddPreviousJsonl(absl::string_view file, absl::string_view content) {
  return ReadJsonl(content, [&](int64_t, ConvertedRow converted) {
    if (converted.creator.has_value() && converted.has_followers) {
      previous_followers_[converted.creator->creator_id()] = converted.creator->stats().followers();
    }
  });
}

ImportResult Importer::Finish() && {
  ImportResult result;
  result.growth.previous_accounts = static_cast<int64_t>(previous_followers_.size());
  for (Entry& entry : entries_) {
    ++files_[entry.file_index].imported;
    if (!previous_followers_.empty()) {
      const auto it = previous_followers_.find(entry.creator.creator_id());
      if (entry.has_followers && it != previous_followers_.end() && it->second > 0) {
        const double before = static_cast<double>(it->second);
        const double now = static_cast<double>(entry.creator.stats().followers());
        const double growth = (now - before) / before;
        // The catalog caps growth at 1000x; beyond that the snapshots
        // disagree about who the account is, so no value beats a wrong one.
        if (growth <= 1000) {
          entry.creator.mutable_stats()->set_follower_growth_90d(growth);
          ++result.growth.matched;
        } else {
          ++result.growth.unmatched;
        }
      } else {
        ++result.growth.unmatched;
      }
    }
    result.creators.push_back({std::move(entry.creator), files_[entry.file_index].file, entry.row});
  }
  // Issues by file (input order), then row, so the report reads top-down.
  absl::flat_hash_map<std::string, int> file_order;
  for (int i = 0; i < static_cast<int>(files_.size()); ++i) file_order.emplace(files_[i].file, i);
  std::stable_sort(issues_.begin(), issues_.end(), [&](const RowIssue& a, const RowIssue& b) {
    const int fa = file_order[a.file];
    const int fb = file_order[b.file];
    return fa != fb ? fa < fb : a.row < b.row;
  });
  result.issues = std::move(issues_);
  result.files = std::move(files_);
  return result;
}

std::string FormatIssueReport(const std::vector<RowIssue>& issues) {
  std::string out = "file,row,field,reason,severity\n";
  for (const RowIssue& issue : issues) {
    absl::StrAppend(&out, CsvCell(issue.file), ",", issue.row, ",", CsvCell(issue.field), ",",
                    CsvCell(issue.reason), ",", SeverityName(issue.severity), "\n");
  }
  return out;
}

}  // namespace microreach::importer
