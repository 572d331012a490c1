// PostgreSQL (libpq) implementation of Database and Transaction; see
// postgres_database.h and docs/adr/0002-store-interface.md for the isolation,
// reconnect and error-mapping choices.
#include "common/store/postgres_database.h"

#include <libpq-fe.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/store/sql_text.h"

namespace microreach::store {
namespace {

struct ConnDeleter {
  void operator()(PGconn* conn) const { PQfinish(conn); }
};
struct ResultDeleter {
  void operator()(PGresult* result) const { PQclear(result); }
};
struct ConninfoDeleter {
  void operator()(PQconninfoOption* options) const { PQconninfoFree(options); }
};
struct LibpqFree {
  void operator()(char* p) const { PQfreemem(p); }
};
using ConnHandle = std::unique_ptr<PGconn, ConnDeleter>;
using ResultHandle = std::unique_ptr<PGresult, ResultDeleter>;

// Built-in type OIDs (catalog/pg_type_d.h is a server header, not in libpq-dev);
// they are fixed by the on-disk catalog and never change.
constexpr Oid kBoolOid = 16;
constexpr Oid kByteaOid = 17;
constexpr Oid kCharOid = 18;
constexpr Oid kNameOid = 19;
constexpr Oid kInt8Oid = 20;
constexpr Oid kInt2Oid = 21;
constexpr Oid kInt4Oid = 23;
constexpr Oid kTextOid = 25;
constexpr Oid kOidOid = 26;
constexpr Oid kJsonOid = 114;
constexpr Oid kFloat4Oid = 700;
constexpr Oid kFloat8Oid = 701;
constexpr Oid kUnknownOid = 705;
constexpr Oid kBpcharOid = 1042;
constexpr Oid kVarcharOid = 1043;
constexpr Oid kNumericOid = 1700;
constexpr Oid kVoidOid = 2278;

constexpr int kBinary = 1;

absl::string_view ToAbsl(std::string_view s) { return absl::string_view(s.data(), s.size()); }

// The SQL is shown to find the failing query; parameter values never are.
std::string ShownSql(absl::string_view sql) {
  constexpr size_t kMaxSql = 200;
  std::string shown(sql.substr(0, kMaxSql));
  if (sql.size() > kMaxSql) shown += "...";
  return shown;
}

// ---------------------------------------------------------------------------
// SQL text checks. PostgreSQL itself accepts several forms SQLite does not (or
// the reverse), so the portable subset of database.h is enforced here too:
// the same repository SQL must fail the same way on both backends.

bool IsIdentStart(char c) {
  const auto u = static_cast<unsigned char>(c);
  return absl::ascii_isalpha(u) || c == '_' || u >= 0x80;
}
bool IsIdentChar(char c) {
  return IsIdentStart(c) || absl::ascii_isdigit(static_cast<unsigned char>(c)) || c == '$';
}

// Calls on_code(i) for every character of `sql` outside string literals,
// quoted identifiers and comments. With dollar_quotes, `$tag$...$tag$` is a
// literal too (scripts may hold function bodies); in single statements `$`
// always reaches on_code, where anything but `$n` is refused.
template <typename OnCode>
void ForEachCodeChar(absl::string_view sql, bool dollar_quotes, OnCode on_code) {
  const size_t n = sql.size();
  size_t i = 0;
  auto at = [&](size_t k) { return k < n ? sql[k] : '\0'; };
  while (i < n) {
    const char c = sql[i];
    if (c == '-' && at(i + 1) == '-') {
      const size_t eol = sql.find('\n', i);
      i = eol == absl::string_view::npos ? n : eol + 1;
    } else if (c == '/' && at(i + 1) == '*') {
      int depth = 1;  // PostgreSQL block comments nest.
      i += 2;
      while (i < n && depth > 0) {
        if (sql[i] == '/' && at(i + 1) == '*') {
          ++depth;
          i += 2;
        } else if (sql[i] == '*' && at(i + 1) == '/') {
          --depth;
          i += 2;
        } else {
          ++i;
        }
      }
    } else if (c == '\'') {
      // Only E'...' strings treat backslash as an escape
      // (standard_conforming_strings is on by default since 9.1).
      const bool escapes =
          i > 0 && (sql[i - 1] == 'E' || sql[i - 1] == 'e') && (i < 2 || !IsIdentChar(sql[i - 2]));
      ++i;
      while (i < n) {
        if (escapes && sql[i] == '\\') {
          i += 2;
        } else if (sql[i] == '\'') {
          if (at(i + 1) != '\'') {
            ++i;
            break;
          }
          i += 2;
        } else {
          ++i;
        }
      }
    } else if (c == '"') {
      ++i;
      while (i < n) {
        if (sql[i] == '"') {
          if (at(i + 1) != '"') {
            ++i;
            break;
          }
          i += 2;
        } else {
          ++i;
        }
      }
    } else if (c == '$' && dollar_quotes && (i == 0 || !IsIdentChar(sql[i - 1])) &&
               !absl::ascii_isdigit(static_cast<unsigned char>(at(i + 1)))) {
      size_t j = i + 1;
      while (j < n && IsIdentChar(sql[j]) && sql[j] != '$') ++j;
      if (at(j) == '$') {
        const absl::string_view tag = sql.substr(i, j - i + 1);
        const size_t end = sql.find(tag, j + 1);
        i = end == absl::string_view::npos ? n : end + tag.size();
      } else {
        on_code(i);
        ++i;
      }
    } else {
      on_code(i);
      ++i;
    }
  }
}

using internal::SkipSpaceAndComments;

absl::Status RefuseTransactionControl(absl::string_view sql) {
  if (!internal::IsTransactionControl(sql)) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat("store: transaction control statements are managed by RunInTransaction: ",
                   SkipSpaceAndComments(sql).substr(0, 80)));
}

// Checks one Execute()/Query() statement: a single statement whose
// parameters are exactly $1..$param_count.
absl::Status CheckStatement(absl::string_view sql, size_t param_count) {
  if (absl::StrContains(sql, absl::string_view("\0", 1))) {
    return absl::InvalidArgumentError("store: SQL text contains a NUL byte");
  }
  if (absl::Status s = RefuseTransactionControl(sql); !s.ok()) return s;
  std::vector<bool> seen;
  int max_param = 0;
  int distinct = 0;
  bool has_code = false;
  bool ended = false;
  const char* problem = nullptr;
  absl::string_view bad_token;
  ForEachCodeChar(sql, /*dollar_quotes=*/false, [&](size_t i) {
    if (problem != nullptr) return;
    const char c = sql[i];
    const bool space = absl::ascii_isspace(static_cast<unsigned char>(c));
    if (ended) {
      if (!space && c != ';') problem = "more than one statement (use ExecuteScript)";
      return;
    }
    if (c == ';') {
      ended = true;
      return;
    }
    has_code = has_code || !space;
    const char next = i + 1 < sql.size() ? sql[i + 1] : '\0';
    if (c == '?' || (c == ':' && (next == ':' || IsIdentStart(next))) ||
        (c == '@' && IsIdentStart(next))) {
      problem = "parameter is not of the form $1, $2, ... (PostgreSQL style, no casts)";
      bad_token = sql.substr(i, 2);
      return;
    }
    if (c != '$' || (i > 0 && IsIdentChar(sql[i - 1]))) return;
    size_t j = i + 1;
    while (j < sql.size() && absl::ascii_isdigit(static_cast<unsigned char>(sql[j]))) ++j;
    const absl::string_view digits = sql.substr(i + 1, j - i - 1);
    int k = 0;
    if (digits.empty() || digits[0] == '0' || digits.size() > 5 ||
        (j < sql.size() && IsIdentChar(sql[j])) || !absl::SimpleAtoi(digits, &k)) {
      problem = "parameter is not of the form $1, $2, ... (PostgreSQL style, no casts)";
      bad_token = sql.substr(i, std::max<size_t>(j - i, 2));
      return;
    }
    if (static_cast<size_t>(k) > seen.size()) seen.resize(static_cast<size_t>(k), false);
    if (!seen[static_cast<size_t>(k - 1)]) {
      seen[static_cast<size_t>(k - 1)] = true;
      ++distinct;
    }
    max_param = std::max(max_param, k);
  });
  if (problem != nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("store: ", problem, bad_token.empty() ? "" : " near \"", bad_token,
                     bad_token.empty() ? "" : "\"", ": ", ShownSql(sql)));
  }
  if (!has_code) {
    return absl::InvalidArgumentError(absl::StrCat("store: empty SQL statement: ", ShownSql(sql)));
  }
  // PostgreSQL cannot infer the type of a parameter that never appears.
  if (max_param != distinct) {
    return absl::InvalidArgumentError(absl::StrCat("store: parameters must be numbered $1..$",
                                                   max_param, " without gaps: ", ShownSql(sql)));
  }
  if (static_cast<size_t>(distinct) != param_count) {
    return absl::InvalidArgumentError(absl::StrCat("store: statement takes ", distinct,
                                                   " parameters, got ", param_count, ": ",
                                                   ShownSql(sql)));
  }
  return absl::OkStatus();
}

// Checks an ExecuteScript() script: no parameters and no transaction control
// in any of its statements.
absl::Status CheckScript(absl::string_view script) {
  if (absl::StrContains(script, absl::string_view("\0", 1))) {
    return absl::InvalidArgumentError("store: SQL text contains a NUL byte");
  }
  std::vector<size_t> starts = {0};
  bool has_parameter = false;
  ForEachCodeChar(script, /*dollar_quotes=*/true, [&](size_t i) {
    if (script[i] == ';') starts.push_back(i + 1);
    if (script[i] == '$' && i + 1 < script.size() &&
        absl::ascii_isdigit(static_cast<unsigned char>(script[i + 1])) &&
        (i == 0 || !IsIdentChar(script[i - 1]))) {
      has_parameter = true;
    }
  });
  if (has_parameter) {
    return absl::InvalidArgumentError(
        absl::StrCat("store: ExecuteScript takes no parameters: ", ShownSql(script)));
  }
  for (size_t k = 0; k < starts.size(); ++k) {
    const size_t end = k + 1 < starts.size() ? starts[k + 1] : script.size();
    if (absl::Status s = RefuseTransactionControl(script.substr(starts[k], end - starts[k]));
        !s.ok()) {
      return s;
    }
  }
  return absl::OkStatus();
}

// ---------------------------------------------------------------------------
// Errors.

bool IsConnectionLoss(absl::string_view sqlstate) {
  // Class 08: connection exception; 57P01..03: the server is shutting down,
  // crashed or still starting, which also ends the session.
  return absl::StartsWith(sqlstate, "08") || sqlstate == "57P01" || sqlstate == "57P02" ||
         sqlstate == "57P03";
}

absl::StatusCode CodeForSqlstate(absl::string_view sqlstate) {
  // 40001 serialization_failure, 40P01 deadlock_detected, 55P03
  // lock_not_available (lock_timeout): a lost concurrency race. kAborted is
  // gRPC's code for "retry the whole read-modify-write".
  if (sqlstate == "40001" || sqlstate == "40P01" || sqlstate == "55P03") {
    return absl::StatusCode::kAborted;
  }
  if (sqlstate == "23505") return absl::StatusCode::kAlreadyExists;
  // Other integrity violations (23503 foreign key, 23514 check, 23502 not
  // null, 23P01 exclusion): the state forbids the change.
  if (absl::StartsWith(sqlstate, "23")) return absl::StatusCode::kFailedPrecondition;
  // 25P02: an earlier statement failed and the transaction is aborted.
  if (sqlstate == "25P02") return absl::StatusCode::kAborted;
  // 25006 write in a read-only transaction, 25001 statement that cannot run
  // inside a transaction block; 42501 missing privilege.
  if (absl::StartsWith(sqlstate, "25") || sqlstate == "42501") {
    return absl::StatusCode::kFailedPrecondition;
  }
  // Class 22: a bound value does not fit (bad UTF-8, out of range, ...).
  if (absl::StartsWith(sqlstate, "22")) return absl::StatusCode::kInvalidArgument;
  if (sqlstate == "42P02") return absl::StatusCode::kInvalidArgument;  // undefined $n
  if (absl::StartsWith(sqlstate, "53")) return absl::StatusCode::kResourceExhausted;
  if (sqlstate == "57014") return absl::StatusCode::kDeadlineExceeded;  // statement_timeout
  if (IsConnectionLoss(sqlstate)) return absl::StatusCode::kUnavailable;
  return absl::StatusCode::kInternal;
}

// libpq messages end in a newline and may span lines; keep them on one line.
std::string OneLine(const char* message) {
  std::string s = message != nullptr ? message : "";
  absl::StripTrailingAsciiWhitespace(&s);
  std::replace(s.begin(), s.end(), '\n', ' ');
  return s;
}

// ---------------------------------------------------------------------------
// Values. Parameters and results travel in binary: exact doubles, bytea
// without hex escaping, no text parsing of integers.

void PutBigEndian(uint64_t v, char* out) {
  for (int b = 7; b >= 0; --b) {
    out[b] = static_cast<char>(v & 0xff);
    v >>= 8;
  }
}

uint64_t GetBigEndian(const char* p, int n) {
  uint64_t v = 0;
  for (int i = 0; i < n; ++i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  return v;
}

struct EncodedParams {
  std::vector<Oid> types;
  std::vector<const char*> values;
  std::vector<int> lengths;
  std::vector<int> formats;
  std::vector<std::array<char, 8>> scalars;
  // One letter per parameter: a prepared statement's parameter types are
  // fixed when it is prepared, so they are part of the cache key.
  std::string type_key;
};

absl::StatusOr<EncodedParams> EncodeParams(absl::Span<const Value> params) {
  EncodedParams p;
  p.types.reserve(params.size());
  p.values.reserve(params.size());
  p.lengths.reserve(params.size());
  p.formats.assign(params.size(), kBinary);
  p.scalars.resize(params.size());  // never resized again: values point into it
  for (size_t i = 0; i < params.size(); ++i) {
    const Value& v = params[i];
    if (const auto* x = std::get_if<int64_t>(&v)) {
      PutBigEndian(static_cast<uint64_t>(*x), p.scalars[i].data());
      p.types.push_back(kInt8Oid);
      p.values.push_back(p.scalars[i].data());
      p.lengths.push_back(8);
      p.type_key += 'i';
    } else if (const auto* x = std::get_if<double>(&v)) {
      uint64_t bits = 0;
      std::memcpy(&bits, x, sizeof bits);
      PutBigEndian(bits, p.scalars[i].data());
      p.types.push_back(kFloat8Oid);
      p.values.push_back(p.scalars[i].data());
      p.lengths.push_back(8);
      p.type_key += 'd';
    } else if (std::holds_alternative<std::string>(v) || std::holds_alternative<Blob>(v)) {
      const bool text = std::holds_alternative<std::string>(v);
      const std::string& bytes = text ? std::get<std::string>(v) : std::get<Blob>(v).bytes;
      if (bytes.size() > static_cast<size_t>(std::numeric_limits<int>::max())) {
        return absl::InvalidArgumentError(absl::StrCat("store: parameter $", i + 1, " too long"));
      }
      p.types.push_back(text ? kTextOid : kByteaOid);
      // data() is never null, even when empty: a null pointer would mean NULL.
      p.values.push_back(bytes.data());
      p.lengths.push_back(static_cast<int>(bytes.size()));
      p.type_key += text ? 't' : 'b';
    } else {
      // Unknown type: PostgreSQL infers it from the context, as for a literal NULL.
      p.types.push_back(0);
      p.values.push_back(nullptr);
      p.lengths.push_back(0);
      p.type_key += 'n';
    }
  }
  return p;
}

// Binary NUMERIC: ndigits, weight, sign, dscale, then base-10000 digits.
// Integral values (dscale 0, e.g. SUM(bigint)) read as int64 like SQLite's
// integers; others, and integers beyond int64, as double.
absl::StatusOr<Value> DecodeNumeric(const char* data, int len) {
  if (len < 8) return absl::InternalError("store: malformed numeric");
  const int ndigits = static_cast<int16_t>(GetBigEndian(data, 2));
  const int weight = static_cast<int16_t>(GetBigEndian(data + 2, 2));
  const auto sign = static_cast<uint16_t>(GetBigEndian(data + 4, 2));
  const int dscale = static_cast<int16_t>(GetBigEndian(data + 6, 2));
  if (ndigits < 0 || len != 8 + 2 * ndigits) return absl::InternalError("store: malformed numeric");
  if (sign == 0xC000) return std::nan("");
  if (sign == 0xD000) return std::numeric_limits<double>::infinity();
  if (sign == 0xF000) return -std::numeric_limits<double>::infinity();
  auto digit = [&](int idx) -> int {
    return idx >= 0 && idx < ndigits ? static_cast<int>(GetBigEndian(data + 8 + 2 * idx, 2)) : 0;
  };
  std::string text = sign == 0x4000 ? "-" : "";
  if (weight < 0) text += "0";
  for (int idx = 0; idx <= weight; ++idx) {
    absl::StrAppend(&text, idx == 0 ? absl::StrCat(digit(idx))
                                    : absl::StrCat(absl::Dec(digit(idx), absl::kZeroPad4)));
  }
  std::string fraction;
  for (int idx = weight + 1; idx < ndigits; ++idx) {
    absl::StrAppend(&fraction, absl::Dec(digit(idx), absl::kZeroPad4));
  }
  int64_t integer = 0;
  if (dscale == 0 && fraction.find_first_not_of('0') == std::string::npos &&
      absl::SimpleAtoi(text, &integer)) {
    return integer;
  }
  double d = 0;
  if (!absl::SimpleAtod(fraction.empty() ? text : absl::StrCat(text, ".", fraction), &d)) {
    return absl::InternalError("store: malformed numeric");
  }
  return d;
}

absl::StatusOr<Value> DecodeColumn(Oid type, const char* data, int len) {
  auto need = [&](int n) -> absl::Status {
    return len == n ? absl::OkStatus()
                    : absl::InternalError(absl::StrCat("store: column of type ", type, " has ", len,
                                                       " bytes, expected ", n));
  };
  switch (type) {
    case kBoolOid:
      if (absl::Status s = need(1); !s.ok()) return s;
      return int64_t{data[0] != 0};
    case kInt2Oid:
      if (absl::Status s = need(2); !s.ok()) return s;
      return int64_t{static_cast<int16_t>(GetBigEndian(data, 2))};
    case kInt4Oid:
      if (absl::Status s = need(4); !s.ok()) return s;
      return int64_t{static_cast<int32_t>(GetBigEndian(data, 4))};
    case kOidOid:
      if (absl::Status s = need(4); !s.ok()) return s;
      return static_cast<int64_t>(GetBigEndian(data, 4));
    case kInt8Oid:
      if (absl::Status s = need(8); !s.ok()) return s;
      return static_cast<int64_t>(GetBigEndian(data, 8));
    case kFloat4Oid: {
      if (absl::Status s = need(4); !s.ok()) return s;
      const auto bits = static_cast<uint32_t>(GetBigEndian(data, 4));
      float f = 0;
      std::memcpy(&f, &bits, sizeof f);
      return static_cast<double>(f);
    }
    case kFloat8Oid: {
      if (absl::Status s = need(8); !s.ok()) return s;
      const uint64_t bits = GetBigEndian(data, 8);
      double d = 0;
      std::memcpy(&d, &bits, sizeof d);
      return d;
    }
    case kNumericOid:
      return DecodeNumeric(data, len);
    case kVoidOid:  // e.g. SELECT pg_sleep(1)
      return Null{};
    case kByteaOid:
      return Blob{std::string(data, static_cast<size_t>(len))};
    case kTextOid:
    case kVarcharOid:
    case kBpcharOid:
    case kNameOid:
    case kCharOid:
    case kUnknownOid:
    case kJsonOid:
      // The binary form of these is the text itself.
      return std::string(data, static_cast<size_t>(len));
    default:
      return absl::InvalidArgumentError(absl::StrCat(
          "store: result column of PostgreSQL type OID ", type,
          " has no Value mapping; CAST it to BIGINT, DOUBLE PRECISION, TEXT or BYTEA"));
  }
}

// ---------------------------------------------------------------------------
// One libpq connection. Not thread-safe: the pool hands it to one thread at a
// time, which also guards the statement cache.
class Connection {
 public:
  static absl::StatusOr<std::unique_ptr<Connection>> Open(const std::string& url,
                                                          const DatabaseOptions& options) {
    // libpq's own connect_timeout bounds one attempt against a silent host;
    // it counts whole seconds and treats values below 2 as 2.
    const std::string attempt_timeout = absl::StrCat(std::max<int64_t>(
        2, absl::ToInt64Seconds(absl::Ceil(options.connect_timeout, absl::Seconds(1)))));
    // Keywords after "dbname" override the URI's: the binary protocol needs
    // UTF-8 text, whatever the server or the URI default to.
    const char* const keywords[] = {"dbname", "client_encoding", "connect_timeout",
                                    "fallback_application_name", nullptr};
    const std::string application = absl::StrCat("microreach-", options.store_name);
    const char* const values[] = {url.c_str(), "UTF8", attempt_timeout.c_str(), application.c_str(),
                                  nullptr};
    ConnHandle conn(PQconnectdbParams(keywords, values, /*expand_dbname=*/1));
    if (conn == nullptr) return absl::ResourceExhaustedError("store: libpq out of memory");
    if (PQstatus(conn.get()) != CONNECTION_OK) {
      return absl::UnavailableError(absl::StrCat("store: cannot connect to PostgreSQL: ",
                                                 OneLine(PQerrorMessage(conn.get()))));
    }
    // Server NOTICEs (e.g. "relation already exists, skipping" from every
    // start-up's CREATE TABLE IF NOT EXISTS) would otherwise go to stderr.
    PQsetNoticeProcessor(
        conn.get(), [](void*, const char*) {}, nullptr);
    auto c = std::unique_ptr<Connection>(new Connection(
        std::move(conn), static_cast<size_t>(std::max(0, options.statement_cache_size))));
    // lock_timeout = 0 means "wait forever" in PostgreSQL, the opposite of
    // SQLite's busy_timeout = 0; 1ms is the closest to "do not wait".
    const int64_t lock_ms = std::max<int64_t>(1, absl::ToInt64Milliseconds(options.busy_timeout));
    bool ignored = false;
    if (absl::Status s = c->Simple(absl::StrCat("SET lock_timeout = ", lock_ms), &ignored);
        !s.ok()) {
      return s;
    }
    return c;
  }

  // A statement saw the connection fail; it must be dropped, never reused.
  bool broken() const { return broken_; }
  // Usable for the next transaction.
  bool Reusable() const {
    return !broken_ && !discard_ && PQstatus(conn_.get()) == CONNECTION_OK &&
           PQtransactionStatus(conn_.get()) == PQTRANS_IDLE;
  }
  bool in_failed_transaction() const { return PQtransactionStatus(conn_.get()) == PQTRANS_INERROR; }
  // Whether a transaction ran on it before (a stale pooled connection).
  bool used() const { return used_; }
  void set_used() { used_ = true; }

  // Runs parameterless SQL over the simple protocol (BEGIN, COMMIT, scripts,
  // which may hold several statements). Sets *command_tag to the last
  // statement's tag.
  absl::Status Simple(absl::string_view sql, bool* contended, std::string* command_tag = nullptr) {
    const std::string z(sql);
    ResultHandle result(PQexec(conn_.get(), z.c_str()));
    if (absl::Status s = Check(result.get(), sql, contended); !s.ok()) return s;
    if (command_tag != nullptr) *command_tag = PQcmdStatus(result.get());
    return absl::OkStatus();
  }

  // Runs one checked statement with binary parameters and results. Collects
  // rows into *rows and the changed-row count into *changes when non-null.
  absl::Status Run(absl::string_view sql, absl::Span<const Value> params, Rows* rows,
                   int64_t* changes, bool* contended) {
    absl::StatusOr<EncodedParams> p = EncodeParams(params);
    if (!p.ok()) return p.status();
    const std::string z(sql);
    const int n = static_cast<int>(params.size());
    ResultHandle result;
    const std::string* name = nullptr;
    if (cache_capacity_ > 0) {
      std::string key = absl::StrCat(p->type_key, "|", sql);
      auto it = statements_.find(key);
      if (it == statements_.end() && statements_.size() < cache_capacity_) {
        // Named statements outlive the transaction (PREPARE is not
        // transactional), so later transactions skip parsing and planning.
        std::string new_name = absl::StrCat("mr_", next_statement_++);
        ResultHandle prepared(
            PQprepare(conn_.get(), new_name.c_str(), z.c_str(), n, p->types.data()));
        if (absl::Status s = Check(prepared.get(), sql, contended); !s.ok()) return s;
        it = statements_.emplace(std::move(key), std::move(new_name)).first;
      }
      if (it != statements_.end()) name = &it->second;
    }
    if (name != nullptr) {
      result.reset(PQexecPrepared(conn_.get(), name->c_str(), n, p->values.data(),
                                  p->lengths.data(), p->formats.data(), kBinary));
    } else {
      result.reset(PQexecParams(conn_.get(), z.c_str(), n, p->types.data(), p->values.data(),
                                p->lengths.data(), p->formats.data(), kBinary));
    }
    if (absl::Status s = Check(result.get(), sql, contended); !s.ok()) {
      if (name != nullptr && s.code() == absl::StatusCode::kInternal &&
          absl::StrContains(s.message(), "(SQLSTATE 0A000)")) {
        // "cached plan must not change result type": DDL changed a table
        // under a cached `SELECT *`. Start over on a fresh connection.
        discard_ = true;
        *contended = true;
      }
      return s;
    }
    if (rows != nullptr) {
      const int columns = PQnfields(result.get());
      const int tuples = PQntuples(result.get());
      rows->reserve(static_cast<size_t>(tuples));
      for (int r = 0; r < tuples; ++r) {
        Row row;
        row.reserve(static_cast<size_t>(columns));
        for (int c = 0; c < columns; ++c) {
          if (PQgetisnull(result.get(), r, c)) {
            row.emplace_back(Null{});
            continue;
          }
          absl::StatusOr<Value> v =
              DecodeColumn(PQftype(result.get(), c), PQgetvalue(result.get(), r, c),
                           PQgetlength(result.get(), r, c));
          if (!v.ok()) {
            return absl::Status(v.status().code(),
                                absl::StrCat(v.status().message(), " (column \"",
                                             PQfname(result.get(), c), "\") in: ", ShownSql(sql)));
          }
          row.push_back(*std::move(v));
        }
        rows->push_back(std::move(row));
      }
    }
    if (changes != nullptr) {
      // Like SQLite, a plain SELECT changed nothing (libpq would report the
      // number of rows it returned).
      int64_t n_changed = 0;
      if (!absl::StartsWith(PQcmdStatus(result.get()), "SELECT")) {
        (void)absl::SimpleAtoi(PQcmdTuples(result.get()), &n_changed);
      }
      *changes = n_changed;
    }
    return absl::OkStatus();
  }

 private:
  Connection(ConnHandle conn, size_t cache_capacity)
      : conn_(std::move(conn)), cache_capacity_(cache_capacity) {}

  // Maps a result to a status; marks the connection broken when the session
  // is gone, and sets *contended on a lost concurrency race.
  absl::Status Check(const PGresult* result, absl::string_view sql, bool* contended) {
    const ExecStatusType status = result != nullptr ? PQresultStatus(result) : PGRES_FATAL_ERROR;
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return absl::OkStatus();
    const char* field = result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
    const absl::string_view sqlstate = field != nullptr ? field : "";
    if (result == nullptr || PQstatus(conn_.get()) != CONNECTION_OK || IsConnectionLoss(sqlstate)) {
      broken_ = true;
      return absl::UnavailableError(absl::StrCat(
          "store: connection to PostgreSQL lost: ", OneLine(PQerrorMessage(conn_.get())),
          sqlstate.empty() ? "" : " (SQLSTATE ", sqlstate, sqlstate.empty() ? "" : ")",
          " in: ", ShownSql(sql)));
    }
    const absl::StatusCode code = CodeForSqlstate(sqlstate);
    if (code == absl::StatusCode::kAborted && sqlstate != "25P02") *contended = true;
    std::string message =
        OneLine(result != nullptr ? PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY)
                                  : PQerrorMessage(conn_.get()));
    // Data exceptions quote the offending value after a colon ("invalid input
    // syntax for type bigint: "alice@..."); values may be personal data.
    if (absl::StartsWith(sqlstate, "22")) message = message.substr(0, message.find(':'));
    return absl::Status(code, absl::StrCat("store: postgresql: ", message, " (SQLSTATE ", sqlstate,
                                           ") in: ", ShownSql(sql)));
  }

  ConnHandle conn_;
  const size_t cache_capacity_;
  absl::flat_hash_map<std::string, std::string> statements_;  // type key|sql -> name
  uint64_t next_statement_ = 0;
  bool broken_ = false;
  bool discard_ = false;
  bool used_ = false;
};

class PostgresTransaction final : public Transaction {
 public:
  PostgresTransaction(Connection& conn, bool read_only) : conn_(conn), read_only_(read_only) {}

  absl::StatusOr<int64_t> Execute(std::string_view sql, absl::Span<const Value> params) override {
    if (absl::Status s = CheckUsable(ToAbsl(sql), params.size()); !s.ok()) return s;
    int64_t changes = 0;
    absl::Status s = conn_.Run(ToAbsl(sql), params, nullptr, &changes, &contended_);
    if (!s.ok()) return s;
    return changes;
  }

  absl::StatusOr<Rows> Query(std::string_view sql, absl::Span<const Value> params) override {
    if (absl::Status s = CheckUsable(ToAbsl(sql), params.size()); !s.ok()) return s;
    Rows rows;
    absl::Status s = conn_.Run(ToAbsl(sql), params, &rows, nullptr, &contended_);
    if (!s.ok()) return s;
    return rows;
  }

  absl::Status ExecuteScript(std::string_view script) override {
    if (read_only_) {
      return absl::FailedPreconditionError("store: ExecuteScript in a read-only transaction");
    }
    if (absl::Status s = CheckConnection(); !s.ok()) return s;
    if (absl::Status s = CheckScript(ToAbsl(script)); !s.ok()) return s;
    // One simple-protocol round trip; PostgreSQL stops at the first failing
    // statement, and the open transaction makes the script all-or-nothing.
    return conn_.Simple(ToAbsl(script), &contended_);
  }

  bool contended() const { return contended_; }

 private:
  absl::Status CheckConnection() const {
    if (conn_.broken()) {
      return absl::UnavailableError(
          "store: the connection to PostgreSQL was lost earlier in this transaction");
    }
    return absl::OkStatus();
  }
  absl::Status CheckUsable(absl::string_view sql, size_t param_count) const {
    if (absl::Status s = CheckConnection(); !s.ok()) return s;
    return CheckStatement(sql, param_count);
  }

  Connection& conn_;
  const bool read_only_;
  bool contended_ = false;
};

class PostgresDatabase final : public Database {
 public:
  static absl::StatusOr<std::unique_ptr<Database>> Open(const std::string& url,
                                                        const DatabaseOptions& options) {
    if (PQisthreadsafe() == 0) {
      return absl::FailedPreconditionError("store: libpq was built without thread support");
    }
    char* raw_error = nullptr;
    std::unique_ptr<PQconninfoOption, ConninfoDeleter> parsed(
        PQconninfoParse(url.c_str(), &raw_error));
    std::unique_ptr<char, LibpqFree> error(raw_error);
    if (parsed == nullptr) {
      // libpq's message may quote part of the URI, password included.
      return absl::InvalidArgumentError(
          "store: malformed PostgreSQL URL; expected "
          "postgresql://[user[:password]@]host[:port]/dbname[?param=value&...] with libpq "
          "parameters");
    }
    if (options.pool_connections < 1) {
      return absl::InvalidArgumentError("store: pool_connections must be at least 1");
    }
    auto db = std::unique_ptr<PostgresDatabase>(new PostgresDatabase(url, options));
    // Connect once now: a wrong host, database or password should stop
    // start-up, not the first request.
    absl::StatusOr<std::unique_ptr<Connection>> first = db->Connect();
    if (!first.ok()) return first.status();
    db->Release(*std::move(first));
    return std::unique_ptr<Database>(std::move(db));
  }

  std::string_view backend() const override { return "postgresql"; }

 protected:
  absl::Status RunOnce(bool read_only, TransactionFn fn, bool* contended) override {
    absl::StatusOr<std::unique_ptr<Connection>> acquired = Acquire();
    if (!acquired.ok()) return acquired.status();
    std::unique_ptr<Connection> conn = *std::move(acquired);
    absl::Status status = RunOn(conn, read_only, fn, contended);
    Release(std::move(conn));
    return status;
  }

 private:
  PostgresDatabase(std::string url, const DatabaseOptions& options)
      : Database(options),
        url_(std::move(url)),
        options_(options),
        begin_write_(options.write_isolation == IsolationLevel::kRepeatableRead
                         ? "BEGIN ISOLATION LEVEL REPEATABLE READ READ WRITE"
                         : "BEGIN ISOLATION LEVEL SERIALIZABLE READ WRITE"),
        free_slots_(options.pool_connections) {}

  // May replace *conn (a stale pooled connection is reopened once).
  absl::Status RunOn(std::unique_ptr<Connection>& conn, bool read_only, TransactionFn fn,
                     bool* contended) {
    // One snapshot for the whole read function, like SQLite's deferred read
    // transaction in WAL mode.
    const char* begin =
        read_only ? "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY" : begin_write_;
    absl::Status begun = conn->Simple(begin, contended);
    if (!begun.ok() && conn->broken() && conn->used()) {
      // The pooled connection died while idle (the server restarted, or an
      // idle timeout cut it). BEGIN cannot have changed anything, so reopen
      // and begin again without using up one of fn's attempts.
      absl::StatusOr<std::unique_ptr<Connection>> fresh = Connect();
      if (!fresh.ok()) return fresh.status();
      conn = *std::move(fresh);
      begun = conn->Simple(begin, contended);
    }
    conn->set_used();
    if (!begun.ok()) {
      // A connection that failed on BEGIN again is a server in trouble: let
      // the retry loop back off and reconnect.
      if (conn->broken()) *contended = true;
      return begun;
    }

    PostgresTransaction txn(*conn, read_only);
    const absl::Status result = fn(txn);
    *contended = txn.contended();
    if (conn->broken()) {
      // COMMIT was never sent, so nothing of this attempt committed and
      // running fn again is safe.
      *contended = true;
      return result.ok() ? absl::UnavailableError(
                               "store: connection to PostgreSQL lost before COMMIT; the "
                               "transaction did not commit")
                         : result;
    }
    bool ignored = false;
    if (conn->in_failed_transaction()) {
      (void)conn->Simple("ROLLBACK", &ignored);
      if (!result.ok()) return result;
      return absl::AbortedError(
          "store: PostgreSQL aborted the transaction after a failed statement; return that "
          "statement's error instead of continuing");
    }
    if (!result.ok()) {
      (void)conn->Simple("ROLLBACK", &ignored);
      return result;
    }
    std::string tag;
    bool commit_contended = false;
    absl::Status committed = conn->Simple("COMMIT", &commit_contended, &tag);
    if (!committed.ok()) {
      if (conn->broken()) {
        // The server may have committed before the connection dropped:
        // retrying could apply the change twice, so report, never guess.
        *contended = false;
        return absl::UnavailableError(absl::StrCat(
            "store: connection to PostgreSQL lost while COMMIT was in flight; the transaction "
            "may or may not have committed: ",
            committed.message()));
      }
      // A serialization failure detected at commit (SERIALIZABLE) rolled
      // the transaction back cleanly: retryable.
      *contended = commit_contended;
      return committed;
    }
    if (tag != "COMMIT") {
      return absl::AbortedError(absl::StrCat("store: PostgreSQL answered COMMIT with ", tag));
    }
    return absl::OkStatus();
  }

  // Opens a connection, retrying with bounded exponential backoff until
  // connect_timeout: a restarting server refuses connections for a moment.
  absl::StatusOr<std::unique_ptr<Connection>> Connect() {
    const absl::Time deadline = absl::Now() + options_.connect_timeout;
    absl::Duration backoff = absl::Milliseconds(20);
    while (true) {
      absl::StatusOr<std::unique_ptr<Connection>> conn = Connection::Open(url_, options_);
      if (conn.ok() || absl::Now() + backoff > deadline) return conn;
      absl::SleepFor(backoff);
      backoff = std::min(backoff * 2, absl::Seconds(1));
    }
  }

  bool HasFreeSlot() const ABSL_SHARED_LOCKS_REQUIRED(mu_) { return free_slots_ > 0; }

  absl::StatusOr<std::unique_ptr<Connection>> Acquire() {
    std::unique_ptr<Connection> conn;
    {
      absl::MutexLock lock(&mu_);
      if (!mu_.AwaitWithTimeout(absl::Condition(this, &PostgresDatabase::HasFreeSlot),
                                options_.reader_wait_timeout)) {
        return absl::UnavailableError(
            absl::StrCat("store: no PostgreSQL connection free within ",
                         absl::FormatDuration(options_.reader_wait_timeout)));
      }
      --free_slots_;
      if (!idle_.empty()) {
        conn = std::move(idle_.back());
        idle_.pop_back();
      }
    }
    if (conn != nullptr) return conn;
    absl::StatusOr<std::unique_ptr<Connection>> opened = Connect();
    if (!opened.ok()) Release(nullptr);
    return opened;
  }

  // Returns a slot to the pool, and the connection with it if it can serve
  // another transaction; a broken one is closed, and the slot reconnects on
  // its next use.
  void Release(std::unique_ptr<Connection> conn) {
    if (conn != nullptr && !conn->Reusable()) conn.reset();  // close outside the lock
    absl::MutexLock lock(&mu_);
    ++free_slots_;
    if (conn != nullptr) idle_.push_back(std::move(conn));
  }

  const std::string url_;  // may hold a password: never put it in a message
  const DatabaseOptions options_;
  const char* const begin_write_;
  absl::Mutex mu_;
  // Slots not checked out; idle_ holds open connections for some of them.
  int free_slots_ ABSL_GUARDED_BY(mu_);
  std::vector<std::unique_ptr<Connection>> idle_ ABSL_GUARDED_BY(mu_);
};

}  // namespace

absl::StatusOr<std::unique_ptr<Database>> OpenPostgresDatabase(const std::string& url,
                                                               const DatabaseOptions& options) {
  return PostgresDatabase::Open(url, options);
}

}  // namespace microreach::store
