// Typed SQL values and result rows shared by every store backend, so repository
// code never touches a backend's C API.
#ifndef MICROREACH_COMMON_STORE_VALUE_H_
#define MICROREACH_COMMON_STORE_VALUE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace microreach::store {

// Binary data. A distinct type (not std::string) so that overload resolution and
// the backends can tell BLOB from TEXT: PostgreSQL rejects invalid UTF-8 in text.
struct Blob {
  std::string bytes;

  friend bool operator==(const Blob&, const Blob&) = default;
};

// SQL NULL.
using Null = std::monostate;

// One bound parameter or one result column. Integers are always 64-bit, so an
// `int` literal converts to int64_t, never to double.
//
// Example:
//   txn.Execute("INSERT INTO offers(id, amount, note) VALUES ($1, $2, $3)",
//               {"o-1", 500, Null{}});
using Value = std::variant<Null, int64_t, double, std::string, Blob>;

using Row = std::vector<Value>;
using Rows = std::vector<Row>;

// Accessors that return nullopt when the value holds another type (including
// NULL), so callers can distinguish "absent" from "zero" without exceptions.
inline std::optional<int64_t> AsInt64(const Value& v) {
  if (const auto* p = std::get_if<int64_t>(&v)) return *p;
  return std::nullopt;
}
inline std::optional<double> AsDouble(const Value& v) {
  if (const auto* p = std::get_if<double>(&v)) return *p;
  return std::nullopt;
}
inline std::optional<std::string_view> AsText(const Value& v) {
  if (const auto* p = std::get_if<std::string>(&v)) return std::string_view(*p);
  return std::nullopt;
}
inline std::optional<std::string_view> AsBlob(const Value& v) {
  if (const auto* p = std::get_if<Blob>(&v)) return std::string_view(p->bytes);
  return std::nullopt;
}
inline bool IsNull(const Value& v) { return std::holds_alternative<Null>(v); }

}  // namespace microreach::store

#endif  // MICROREACH_COMMON_STORE_VALUE_H_
