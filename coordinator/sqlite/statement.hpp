// Statement: one prepared SQLite statement (RAII, finalized on destruction).
// Bind parameters by 1-based index, Step() through rows, read columns by
// 0-based index, Reset() to reuse. <sqlite3.h> stays out of this header.
// Not thread-safe: used by the thread that owns its Database.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace fedq::coordinator::sqlite {

class Statement {
 public:
  Statement(sqlite3* db, sqlite3_stmt* stmt);
  Statement(Statement&&) noexcept = default;
  Statement& operator=(Statement&&) noexcept = default;
  ~Statement() = default;

  Status Bind(int index, std::int64_t value);
  Status Bind(int index, double value);
  Status Bind(int index, std::string_view text);
  Status BindBlob(int index, std::span<const std::uint8_t> blob);
  Status BindNull(int index);
  Status Bind(int index, const std::optional<double>& value);
  // Binds `values` to ?1, ?2, ... in order; stops at the first failure.
  template <typename... Values>
  Status BindAll(const Values&... values) {
    int index = 0;
    Status status = Status::Ok();
    ((status = status.ok() ? Bind(++index, values) : status), ...);
    return status;
  }

  // true: a row is ready to read; false: the statement is done.
  Result<bool> Step();
  // Step() for statements that return no row (INSERT, UPDATE, DELETE).
  Status Run();
  void Reset();

  bool IsNull(int col) const;
  std::int64_t Int(int col) const;
  double Double(int col) const;
  std::optional<double> OptDouble(int col) const;
  std::string Text(int col) const;
  std::vector<std::uint8_t> Blob(int col) const;

 private:
  Status Check(int rc, std::string_view what) const;
  struct Finalizer {
    void operator()(sqlite3_stmt* s) const;
  };
  sqlite3* db_;
  std::unique_ptr<sqlite3_stmt, Finalizer> stmt_;
};

// A borrowed cached statement that is reset when the lease ends, so that no
// half-stepped statement keeps a read snapshot open between calls.
class StatementLease {
 public:
  explicit StatementLease(Statement* stmt) : stmt_(stmt) {}
  StatementLease(StatementLease&& o) noexcept : stmt_(o.stmt_) { o.stmt_ = nullptr; }
  StatementLease& operator=(StatementLease&&) = delete;
  ~StatementLease() {
    if (stmt_ != nullptr) stmt_->Reset();
  }
  Statement* operator->() const { return stmt_; }
  Statement& operator*() const { return *stmt_; }

 private:
  Statement* stmt_;
};

}  // namespace fedq::coordinator::sqlite
