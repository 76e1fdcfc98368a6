#include "coordinator/sqlite/transaction.hpp"

namespace fedq::coordinator::sqlite {

Result<Transaction> Transaction::Begin(Database& db) {
  FEDQ_RETURN_IF_ERROR(db.Exec("BEGIN IMMEDIATE"));
  return Transaction(&db);
}

Transaction::Transaction(Transaction&& other) noexcept : db_(other.db_) { other.db_ = nullptr; }

Transaction::~Transaction() {
  if (db_ != nullptr) {
    // Nothing useful to do if the rollback itself fails: SQLite rolls back
    // an open transaction when the connection closes.
    (void)db_->Exec("ROLLBACK");
  }
}

Status Transaction::Commit() {
  if (db_ == nullptr) return FailedPrecondition("transaction already finished");
  Status s = db_->Exec("COMMIT");
  if (s.ok()) db_ = nullptr;
  return s;
}

}  // namespace fedq::coordinator::sqlite
