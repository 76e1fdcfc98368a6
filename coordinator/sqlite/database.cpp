#include "coordinator/sqlite/database.hpp"

#include <sqlite3.h>

namespace fedq::coordinator::sqlite {
namespace {

Status SqliteError(sqlite3* db, int rc, std::string_view what) {
  std::string msg =
      "sqlite " + std::string(what) + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
  if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) return Unavailable(msg);
  return IoError(msg);
}

}  // namespace

void Database::Closer::operator()(sqlite3* db) const { sqlite3_close_v2(db); }

Database::Database(sqlite3* db) : db_(db) {}
Database::Database(Database&&) noexcept = default;
Database::~Database() { cache_.clear(); }

Database& Database::operator=(Database&& other) noexcept {
  cache_.clear();
  db_ = std::move(other.db_);
  cache_ = std::move(other.cache_);
  return *this;
}

Result<Database> Database::Open(const std::string& path, const OpenOptions& options) {
  sqlite3* raw = nullptr;
  int flags = options.read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
  int rc = sqlite3_open_v2(path.c_str(), &raw, flags | SQLITE_OPEN_NOMUTEX, nullptr);
  Database db(raw);  // closes `raw` on every path below
  if (rc != SQLITE_OK) return SqliteError(raw, rc, "open " + path);
  sqlite3_extended_result_codes(raw, 1);
  sqlite3_busy_timeout(raw, options.busy_timeout_ms);
  FEDQ_RETURN_IF_ERROR(db.Exec("PRAGMA foreign_keys = ON"));
  if (!options.read_only) {
    FEDQ_ASSIGN_OR_RETURN(Statement wal, db.Prepare("PRAGMA journal_mode = WAL"));
    FEDQ_ASSIGN_OR_RETURN(bool row, wal.Step());
    if (!row || wal.Text(0) != "wal") return IoError("sqlite: cannot switch " + path + " to WAL");
    // NORMAL is durable for committed transactions in WAL mode except
    // across a power loss; FULL keeps those too at one fsync per commit.
    FEDQ_RETURN_IF_ERROR(db.Exec("PRAGMA synchronous = FULL"));
  }
  return db;
}

Status Database::Exec(std::string_view sql) {
  std::string s(sql);
  char* err = nullptr;
  int rc = sqlite3_exec(db_.get(), s.c_str(), nullptr, nullptr, &err);
  if (rc == SQLITE_OK) return Status::Ok();
  std::string msg = err ? err : sqlite3_errstr(rc);
  sqlite3_free(err);
  if ((rc & 0xff) == SQLITE_BUSY) return Unavailable("sqlite exec: " + msg);
  return IoError("sqlite exec: " + msg);
}

Result<Statement> Database::Prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v3(db_.get(), sql.data(), static_cast<int>(sql.size()),
                              SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) return SqliteError(db_.get(), rc, "prepare '" + std::string(sql) + "'");
  return Statement(db_.get(), stmt);
}

Result<StatementLease> Database::Cached(const std::string& sql) {
  auto it = cache_.find(sql);
  if (it == cache_.end()) {
    FEDQ_ASSIGN_OR_RETURN(Statement stmt, Prepare(sql));
    it = cache_.emplace(sql, std::make_unique<Statement>(std::move(stmt))).first;
  }
  it->second->Reset();
  return StatementLease(it->second.get());
}

Result<std::int64_t> Database::QueryInt(std::string_view sql) {
  FEDQ_ASSIGN_OR_RETURN(Statement stmt, Prepare(sql));
  FEDQ_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return NotFound("sqlite: no row for '" + std::string(sql) + "'");
  return stmt.Int(0);
}

std::int64_t Database::LastInsertRowId() const { return sqlite3_last_insert_rowid(db_.get()); }

int Database::Changes() const { return sqlite3_changes(db_.get()); }

}  // namespace fedq::coordinator::sqlite
