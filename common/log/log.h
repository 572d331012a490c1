// Structured, line-oriented logging to stderr in logfmt (key=value), which
// log shippers and `grep` both read well.
#ifndef MICROREACH_COMMON_LOG_LOG_H_
#define MICROREACH_COMMON_LOG_LOG_H_

#include <initializer_list>
#include <string>
#include <utility>

#include "absl/strings/string_view.h"

namespace microreach::log {

enum class Level { kDebug, kInfo, kWarning, kError };

// A key and its already-formatted value.
using Field = std::pair<absl::string_view, std::string>;

// Sets the process-wide service name and the lowest level written.
void Configure(absl::string_view service, Level min_level);

// Parses "debug", "info", "warning" or "error"; false when unknown.
bool ParseLevel(absl::string_view text, Level* level);

// Formats one line: `ts=... level=info service=search msg="..." key=value`.
// Values with spaces, quotes or `=` are quoted and escaped.
std::string Format(Level level, absl::string_view message, std::initializer_list<Field> fields);

// Writes one line to stderr atomically (one write call).
void Write(Level level, absl::string_view message, std::initializer_list<Field> fields = {});

inline void Info(absl::string_view message, std::initializer_list<Field> fields = {}) {
  Write(Level::kInfo, message, fields);
}
inline void Warning(absl::string_view message, std::initializer_list<Field> fields = {}) {
  Write(Level::kWarning, message, fields);
}
inline void Error(absl::string_view message, std::initializer_list<Field> fields = {}) {
  Write(Level::kError, message, fields);
}
inline void Debug(absl::string_view message, std::initializer_list<Field> fields = {}) {
  Write(Level::kDebug, message, fields);
}

}  // namespace microreach::log

#endif  // MICROREACH_COMMON_LOG_LOG_H_
