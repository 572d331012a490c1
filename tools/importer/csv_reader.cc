// RFC 4180 CSV reader with the leniencies of spreadsheet exports.
#include "tools/importer/csv_reader.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace microreach::importer {

CsvReader::CsvReader(absl::string_view data, char delimiter) : data_(data), delimiter_(delimiter) {
  // Excel writes a BOM in front of UTF-8 files; it is not part of the first
  // header cell.
  if (absl::StartsWith(data_, "\xEF\xBB\xBF")) pos_ = 3;
}

bool CsvReader::Next(CsvRecord* record) {
  record->fields.clear();
  if (!status_.ok()) return false;
  // Skip empty lines between records: a trailing newline or blank separator
  // lines are not rows of data.
  while (pos_ < data_.size() && (data_[pos_] == '\n' || data_[pos_] == '\r')) {
    if (data_[pos_] == '\r' && pos_ + 1 < data_.size() && data_[pos_ + 1] == '\n') ++pos_;
    ++pos_;
    ++line_;
  }
  if (pos_ >= data_.size()) return false;
  record->line = line_;

  std::string cell;
  bool in_quotes = false;
  bool cell_quoted = false;
  int64_t quote_line = 0;
  while (pos_ < data_.size()) {
    const char c = data_[pos_];
    if (in_quotes) {
      if (c == '"') {
        if (pos_ + 1 < data_.size() && data_[pos_ + 1] == '"') {
          cell.push_back('"');
          pos_ += 2;
        } else {
          in_quotes = false;
          ++pos_;
        }
        continue;
      }
      if (c == '\n' || (c == '\r' && !(pos_ + 1 < data_.size() && data_[pos_ + 1] == '\n'))) {
        ++line_;
      }
      cell.push_back(c);
      ++pos_;
      continue;
    }
    if (c == delimiter_) {
      record->fields.push_back(std::move(cell));
      cell.clear();
      cell_quoted = false;
      ++pos_;
      continue;
    }
    if (c == '\n' || c == '\r') {
      if (c == '\r' && pos_ + 1 < data_.size() && data_[pos_ + 1] == '\n') ++pos_;
      ++pos_;
      ++line_;
      record->fields.push_back(std::move(cell));
      return true;
    }
    if (c == '"' && cell.empty() && !cell_quoted) {
      in_quotes = true;
      cell_quoted = true;
      quote_line = line_;
      ++pos_;
      continue;
    }
    cell.push_back(c);
    ++pos_;
  }
  if (in_quotes) {
    status_ = absl::InvalidArgumentError(absl::StrCat(
        "line ", quote_line,
        ": quoted cell is never closed (a missing '\"' swallows the rest of the file)"));
    record->fields.clear();
    return false;
  }
  record->fields.push_back(std::move(cell));
  return true;
}

}  // namespace microreach::importer
