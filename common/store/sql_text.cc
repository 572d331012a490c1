// SQL text helpers shared by the SQLite and PostgreSQL backends.
#include "common/store/sql_text.h"

#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"

namespace microreach::store::internal {

absl::string_view SkipSpaceAndComments(absl::string_view s) {
  while (!s.empty()) {
    if (absl::ascii_isspace(static_cast<unsigned char>(s.front()))) {
      s.remove_prefix(1);
    } else if (absl::StartsWith(s, "--")) {
      const size_t eol = s.find('\n');
      s = eol == absl::string_view::npos ? absl::string_view() : s.substr(eol + 1);
    } else if (absl::StartsWith(s, "/*")) {
      const size_t end = s.find("*/", 2);
      s = end == absl::string_view::npos ? absl::string_view() : s.substr(end + 2);
    } else {
      break;
    }
  }
  return s;
}

bool IsTransactionControl(absl::string_view sql) {
  sql = SkipSpaceAndComments(sql);
  size_t n = 0;
  while (n < sql.size() && absl::ascii_isalpha(static_cast<unsigned char>(sql[n]))) ++n;
  const std::string word = absl::AsciiStrToUpper(sql.substr(0, n));
  for (const char* control :
       {"BEGIN", "START", "COMMIT", "END", "ROLLBACK", "ABORT", "SAVEPOINT", "RELEASE"}) {
    if (word == control) return true;
  }
  return false;
}

}  // namespace microreach::store::internal
