// Transaction: BEGIN IMMEDIATE on construction (takes the write lock up
// front, so it cannot fail with SQLITE_BUSY halfway under WAL), ROLLBACK on
// destruction unless Commit() succeeded. Not thread-safe; one per Database
// at a time.
#pragma once

#include "common/status.hpp"
#include "coordinator/sqlite/database.hpp"

namespace fedq::coordinator::sqlite {

class Transaction {
 public:
  static Result<Transaction> Begin(Database& db);

  Transaction(Transaction&& other) noexcept;
  Transaction& operator=(Transaction&&) = delete;
  ~Transaction();

  Status Commit();

 private:
  explicit Transaction(Database* db) : db_(db) {}
  Database* db_;  // null once committed, rolled back or moved from
};

}  // namespace fedq::coordinator::sqlite
