// RFC 4180 CSV reading for the bulk importer: quoted fields, doubled quotes,
// line breaks inside quoted cells, CRLF, a UTF-8 byte-order mark.
#ifndef MICROREACH_TOOLS_IMPORTER_CSV_READER_H_
#define MICROREACH_TOOLS_IMPORTER_CSV_READER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace microreach::importer {

// One CSV record. `line` is the 1-based line of the input where the record
// starts, so an error report points at the place a person would look even
// when earlier cells span several lines.
struct CsvRecord {
  std::vector<std::string> fields;
  int64_t line = 0;
};

// Splits CSV text into records. The input must outlive the reader.
//
// Leniency (what spreadsheets export, not what RFC 4180 allows): "\n" and a
// lone "\r" end a record like "\r\n"; a quote inside an unquoted cell is kept
// as text; text after a closing quote is appended to the cell; lines that are
// completely empty are skipped. An unterminated quoted cell is an error,
// because it would silently swallow the rest of the file.
//
// Example:
//   CsvReader reader(content);
//   CsvRecord record;
//   while (reader.Next(&record)) Use(record);
//   if (!reader.status().ok()) Fail(reader.status());
class CsvReader {
 public:
  explicit CsvReader(absl::string_view data, char delimiter = ',');

  // Reads the next record into *record; false at the end of the input or on
  // an error (then status() says which).
  bool Next(CsvRecord* record);

  // OK unless the input is malformed; the message names the line.
  const absl::Status& status() const { return status_; }

 private:
  absl::string_view data_;
  size_t pos_ = 0;
  int64_t line_ = 1;
  char delimiter_;
  absl::Status status_;
};

}  // namespace microreach::importer

#endif  // MICROREACH_TOOLS_IMPORTER_CSV_READER_H_
