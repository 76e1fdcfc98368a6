#include "coordinator/sqlite/statement.hpp"

#include <sqlite3.h>

namespace fedq::coordinator::sqlite {

void Statement::Finalizer::operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }

Statement::Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}

Status Statement::Check(int rc, std::string_view what) const {
  if (rc == SQLITE_OK) return Status::Ok();
  std::string msg = "sqlite " + std::string(what) + ": " + sqlite3_errmsg(db_);
  if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) return Unavailable(msg);
  return IoError(msg);
}

Status Statement::Bind(int index, std::int64_t value) {
  return Check(sqlite3_bind_int64(stmt_.get(), index, value), "bind");
}

Status Statement::Bind(int index, double value) {
  return Check(sqlite3_bind_double(stmt_.get(), index, value), "bind");
}

Status Statement::Bind(int index, std::string_view text) {
  return Check(sqlite3_bind_text64(stmt_.get(), index, text.data(), text.size(), SQLITE_TRANSIENT,
                                   SQLITE_UTF8),
               "bind");
}

Status Statement::BindBlob(int index, std::span<const std::uint8_t> blob) {
  // A zero-length blob with a null pointer would bind NULL; keep it a blob.
  static const std::uint8_t kEmpty = 0;
  const void* data = blob.empty() ? &kEmpty : blob.data();
  return Check(sqlite3_bind_blob64(stmt_.get(), index, data, blob.size(), SQLITE_TRANSIENT),
               "bind");
}

Status Statement::BindNull(int index) {
  return Check(sqlite3_bind_null(stmt_.get(), index), "bind");
}

Status Statement::Bind(int index, const std::optional<double>& value) {
  return value ? Bind(index, *value) : BindNull(index);
}

Result<bool> Statement::Step() {
  int rc = sqlite3_step(stmt_.get());
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return Check(rc, "step");
}

Status Statement::Run() {
  FEDQ_ASSIGN_OR_RETURN(bool row, Step());
  (void)row;  // a statement that returns rows is stepped once only
  return Status::Ok();
}

void Statement::Reset() {
  sqlite3_reset(stmt_.get());
  sqlite3_clear_bindings(stmt_.get());
}

bool Statement::IsNull(int col) const {
  return sqlite3_column_type(stmt_.get(), col) == SQLITE_NULL;
}

std::int64_t Statement::Int(int col) const { return sqlite3_column_int64(stmt_.get(), col); }

double Statement::Double(int col) const { return sqlite3_column_double(stmt_.get(), col); }

std::optional<double> Statement::OptDouble(int col) const {
  if (IsNull(col)) return std::nullopt;
  return Double(col);
}

std::string Statement::Text(int col) const {
  const auto* p = sqlite3_column_text(stmt_.get(), col);
  int n = sqlite3_column_bytes(stmt_.get(), col);
  return p ? std::string(reinterpret_cast<const char*>(p), static_cast<std::size_t>(n)) : "";
}

std::vector<std::uint8_t> Statement::Blob(int col) const {
  const auto* p = static_cast<const std::uint8_t*>(sqlite3_column_blob(stmt_.get(), col));
  int n = sqlite3_column_bytes(stmt_.get(), col);
  if (!p || n <= 0) return {};
  return {p, p + n};
}

}  // namespace fedq::coordinator::sqlite
