// Database: one SQLite connection (RAII), opened in WAL mode with foreign
// keys on and a busy timeout. Owns a cache of prepared statements so that
// hot queries are prepared once and then bound/stepped/reset. <sqlite3.h>
// stays out of this header. Not thread-safe: one owner thread (the
// StoreWorker's) uses a Database and its statements.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/status.hpp"
#include "coordinator/sqlite/statement.hpp"

struct sqlite3;

namespace fedq::coordinator::sqlite {

struct OpenOptions {
  int busy_timeout_ms = 5000;
  bool read_only = false;
};

class Database {
 public:
  static Result<Database> Open(const std::string& path, const OpenOptions& options = {});

  Database(Database&&) noexcept;
  Database& operator=(Database&&) noexcept;
  ~Database();

  // Runs one or more statements without results (DDL, PRAGMA).
  Status Exec(std::string_view sql);
  // A fresh statement, owned by the caller.
  Result<Statement> Prepare(std::string_view sql);
  // A cached statement with cleared bindings, reset again when the lease
  // ends. REQUIRES: the lease ends before the same SQL is leased again and
  // before the Database is destroyed.
  Result<StatementLease> Cached(const std::string& sql);

  // Single integer result of a query such as "PRAGMA user_version".
  Result<std::int64_t> QueryInt(std::string_view sql);
  std::int64_t LastInsertRowId() const;
  int Changes() const;

 private:
  explicit Database(sqlite3* db);
  struct Closer {
    void operator()(sqlite3* db) const;
  };
  std::unique_ptr<sqlite3, Closer> db_;
  // Declared after db_ so statements finalize before the connection closes.
  std::unordered_map<std::string, std::unique_ptr<Statement>> cache_;
};

}  // namespace fedq::coordinator::sqlite
