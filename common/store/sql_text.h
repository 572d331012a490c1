// Small SQL text helpers both store backends share: skipping comments and
// recognising transaction-control statements.
#ifndef MICROREACH_COMMON_STORE_SQL_TEXT_H_
#define MICROREACH_COMMON_STORE_SQL_TEXT_H_

#include "absl/strings/string_view.h"

namespace microreach::store::internal {

// `s` without its leading whitespace and SQL comments (`-- ...`, `/* ... */`).
absl::string_view SkipSpaceAndComments(absl::string_view s);

// True when `sql` starts a transaction-control statement (BEGIN, START,
// COMMIT, END, ROLLBACK, ABORT, SAVEPOINT, RELEASE). Transaction boundaries
// belong to RunInTransaction: a COMMIT issued through Execute() would make
// the rest of the function run outside any transaction.
bool IsTransactionControl(absl::string_view sql);

}  // namespace microreach::store::internal

#endif  // MICROREACH_COMMON_STORE_SQL_TEXT_H_
