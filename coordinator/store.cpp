#include "coordinator/store.hpp"

#include "coordinator/sqlite/transaction.hpp"
#include "coordinator/store_schema.hpp"

namespace fedq::coordinator {

using sqlite::Statement;

Result<Store> Store::Open(const std::string& path, const StoreOptions& options) {
  if (options.retention.keep_last < 1 || options.retention.keep_every < 0) {
    return InvalidArgument("model retention: keep_last must be >= 1 and keep_every >= 0");
  }
  sqlite::OpenOptions open;
  open.busy_timeout_ms = options.busy_timeout_ms;
  FEDQ_ASSIGN_OR_RETURN(sqlite::Database db, sqlite::Database::Open(path, open));
  Status s = MigrateSchema(db);
  if (!s.ok()) return s.WithContext(path);
  return Store(std::move(db), options);
}

Result<std::int64_t> Store::CreateRun(const NewRun& run) {
  FEDQ_ASSIGN_OR_RETURN(sqlite::Transaction tx, sqlite::Transaction::Begin(db_));
  FEDQ_ASSIGN_OR_RETURN(auto ins,
                        db_.Cached("INSERT INTO runs(name, created_at_ms, config_json, model_arch, "
                                   "strategy) VALUES(?, ?, ?, ?, ?)"));
  FEDQ_RETURN_IF_ERROR(
      ins->BindAll(run.name, run.created_at_ms, run.config_json, run.model_arch, run.strategy));
  FEDQ_RETURN_IF_ERROR(ins->Run());
  const std::int64_t id = db_.LastInsertRowId();
  FEDQ_ASSIGN_OR_RETURN(auto model,
                        db_.Cached("INSERT INTO models(run_id, round, blob) VALUES(?, 0, ?)"));
  FEDQ_RETURN_IF_ERROR(model->Bind(1, id));
  FEDQ_RETURN_IF_ERROR(model->BindBlob(2, run.initial_model));
  FEDQ_RETURN_IF_ERROR(model->Run());
  FEDQ_RETURN_IF_ERROR(tx.Commit());
  return id;
}

Result<std::int64_t> Store::UpsertClient(std::string_view fingerprint, std::string_view name,
                                         std::int64_t seen_at_ms) {
  FEDQ_ASSIGN_OR_RETURN(
      auto up,
      db_.Cached("INSERT INTO clients(fingerprint, name, first_seen_ms, last_seen_ms) "
                 "VALUES(?1, ?2, ?3, ?3) ON CONFLICT(fingerprint) DO UPDATE SET "
                 "name = excluded.name, last_seen_ms = MAX(last_seen_ms, excluded.last_seen_ms) "
                 "RETURNING id"));
  FEDQ_RETURN_IF_ERROR(up->BindAll(fingerprint, name, seen_at_ms));
  FEDQ_ASSIGN_OR_RETURN(bool row, up->Step());
  if (!row) return Internal("client upsert returned no id");
  return up->Int(0);
}

Result<std::int64_t> Store::LastCommittedRound(std::int64_t run_id) {
  FEDQ_ASSIGN_OR_RETURN(auto q, db_.Cached("SELECT COALESCE(MAX(round), 0) FROM rounds "
                                           "WHERE run_id = ? AND status = 'committed'"));
  FEDQ_RETURN_IF_ERROR(q->Bind(1, run_id));
  FEDQ_ASSIGN_OR_RETURN(bool row, q->Step());
  if (!row) return Internal("MAX() returned no row");
  return q->Int(0);
}

Result<std::int64_t> Store::InsertRound(const RoundRecord& r, std::string_view status) {
  FEDQ_ASSIGN_OR_RETURN(
      auto ins,
      db_.Cached("INSERT INTO rounds(run_id, round, attempt, status, started_at_ms, "
                 "finished_at_ms, participants, test_accuracy, test_loss, bytes_up, bytes_down, "
                 "failure_reason) VALUES(?1, ?2, (SELECT COUNT(*) + 1 FROM rounds WHERE "
                 "run_id = ?1 AND round = ?2), ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"));
  FEDQ_RETURN_IF_ERROR(ins->BindAll(r.run_id, r.round, status, r.started_at_ms, r.finished_at_ms,
                                    r.participants, r.test_accuracy, r.test_loss, r.bytes_up,
                                    r.bytes_down, r.failure_reason));
  FEDQ_RETURN_IF_ERROR(ins->Run());
  return db_.LastInsertRowId();
}

Status Store::InsertUpdates(std::int64_t round_row_id, const std::vector<UpdateRecord>& updates) {
  FEDQ_ASSIGN_OR_RETURN(
      auto ins,
      db_.Cached("INSERT INTO updates(round_id, client_id, num_samples, bytes, codec, "
                 "train_loss, duration_ms, outcome, reason) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?)"));
  for (const UpdateRecord& u : updates) {
    ins->Reset();
    FEDQ_RETURN_IF_ERROR(ins->BindAll(round_row_id, u.client_id, u.num_samples, u.bytes, u.codec,
                                      u.train_loss, u.duration_ms, u.outcome, u.reason));
    Status s = ins->Run();
    if (!s.ok()) return s.WithContext("update of client " + std::to_string(u.client_id));
  }
  return Status::Ok();
}

Status Store::SaveModelAndState(const RoundRecord& r, std::span<const std::uint8_t> model,
                                std::span<const std::uint8_t> strategy_state) {
  FEDQ_ASSIGN_OR_RETURN(auto m,
                        db_.Cached("INSERT INTO models(run_id, round, blob) VALUES(?, ?, ?)"));
  FEDQ_RETURN_IF_ERROR(m->BindAll(r.run_id, r.round));
  FEDQ_RETURN_IF_ERROR(m->BindBlob(3, model));
  FEDQ_RETURN_IF_ERROR(m->Run());
  FEDQ_ASSIGN_OR_RETURN(
      auto st,
      db_.Cached(
          "INSERT INTO server_state(run_id, round, strategy, state) "
          "SELECT id, ?2, strategy, ?3 FROM runs WHERE id = ?1 "
          "ON CONFLICT(run_id) DO UPDATE SET round = excluded.round, state = excluded.state"));
  FEDQ_RETURN_IF_ERROR(st->BindAll(r.run_id, r.round));
  FEDQ_RETURN_IF_ERROR(st->BindBlob(3, strategy_state));
  FEDQ_RETURN_IF_ERROR(st->Run());
  FEDQ_ASSIGN_OR_RETURN(
      auto part,
      db_.Cached("UPDATE clients SET rounds_participated = rounds_participated + 1 WHERE id IN "
                 "(SELECT u.client_id FROM updates u JOIN rounds r ON r.id = u.round_id WHERE "
                 "r.run_id = ? AND r.round = ? AND r.status = 'committed' AND "
                 "u.outcome = 'accepted')"));
  FEDQ_RETURN_IF_ERROR(part->BindAll(r.run_id, r.round));
  return part->Run();
}

Status Store::ApplyRetention(std::int64_t run_id, std::int64_t round) {
  const ModelRetention& keep = options_.retention;
  FEDQ_ASSIGN_OR_RETURN(
      auto del,
      db_.Cached("DELETE FROM models WHERE run_id = ?1 AND round > 0 AND round <= ?2 - ?3 "
                 "AND (?4 = 0 OR round % ?4 != 0)"));
  FEDQ_RETURN_IF_ERROR(del->BindAll(run_id, round, static_cast<std::int64_t>(keep.keep_last),
                                    static_cast<std::int64_t>(keep.keep_every)));
  return del->Run();
}

Status Store::CommitRound(const RoundRecord& record, const std::vector<UpdateRecord>& updates,
                          std::span<const std::uint8_t> model,
                          std::span<const std::uint8_t> strategy_state) {
  FEDQ_ASSIGN_OR_RETURN(sqlite::Transaction tx, sqlite::Transaction::Begin(db_));
  FEDQ_ASSIGN_OR_RETURN(std::int64_t last, LastCommittedRound(record.run_id));
  if (record.round != last + 1) {
    return FailedPrecondition("run " + std::to_string(record.run_id) + ": cannot commit round " +
                              std::to_string(record.round) + " after round " +
                              std::to_string(last));
  }
  FEDQ_ASSIGN_OR_RETURN(std::int64_t row_id, InsertRound(record, "committed"));
  FEDQ_RETURN_IF_ERROR(InsertUpdates(row_id, updates));
  FEDQ_RETURN_IF_ERROR(SaveModelAndState(record, model, strategy_state));
  FEDQ_RETURN_IF_ERROR(ApplyRetention(record.run_id, record.round));
  return tx.Commit();
}

Status Store::RecordFailedRound(const RoundRecord& record,
                                const std::vector<UpdateRecord>& updates) {
  FEDQ_ASSIGN_OR_RETURN(sqlite::Transaction tx, sqlite::Transaction::Begin(db_));
  FEDQ_ASSIGN_OR_RETURN(std::int64_t last, LastCommittedRound(record.run_id));
  if (record.round != last + 1) {
    return FailedPrecondition("run " + std::to_string(record.run_id) + ": round " +
                              std::to_string(record.round) + " is not the one in progress");
  }
  FEDQ_ASSIGN_OR_RETURN(std::int64_t row_id, InsertRound(record, "failed"));
  FEDQ_RETURN_IF_ERROR(InsertUpdates(row_id, updates));
  return tx.Commit();
}

Result<ResumePoint> Store::LoadResumePoint(std::int64_t run_id) {
  FEDQ_ASSIGN_OR_RETURN(RunInfo run, LoadRun(run_id));
  (void)run;  // NotFound for an unknown run
  ResumePoint point;
  FEDQ_ASSIGN_OR_RETURN(point.last_round, LastCommittedRound(run_id));
  FEDQ_ASSIGN_OR_RETURN(point.model, LoadModel(run_id, point.last_round));
  FEDQ_ASSIGN_OR_RETURN(
      auto st, db_.Cached("SELECT state FROM server_state WHERE run_id = ? AND round = ?"));
  FEDQ_RETURN_IF_ERROR(st->BindAll(run_id, point.last_round));
  FEDQ_ASSIGN_OR_RETURN(bool row, st->Step());
  if (row) point.strategy_state = st->Blob(0);
  return point;
}

Result<std::string> Store::IntegrityCheck() {
  FEDQ_ASSIGN_OR_RETURN(Statement q, db_.Prepare("PRAGMA integrity_check"));
  std::string report;
  for (;;) {
    FEDQ_ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) break;
    if (!report.empty()) report += "\n";
    report += q.Text(0);
  }
  return report;
}

}  // namespace fedq::coordinator
