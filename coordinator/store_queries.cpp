// Store's read side: runs, rounds, updates, clients and models as records.
#include "coordinator/store.hpp"

namespace fedq::coordinator {
namespace {

constexpr const char* kRunColumns =
    "SELECT id, name, config_json, model_arch, strategy, created_at_ms FROM runs ";

RunInfo ReadRun(const sqlite::Statement& q) {
  return {q.Int(0), q.Text(1), q.Text(2), q.Text(3), q.Text(4), q.Int(5)};
}

Result<std::vector<RunInfo>> RunsWhere(sqlite::Database& db, const std::string& tail,
                                       std::optional<std::int64_t> id) {
  FEDQ_ASSIGN_OR_RETURN(auto q, db.Cached(kRunColumns + tail));
  if (id) FEDQ_RETURN_IF_ERROR(q->Bind(1, *id));
  std::vector<RunInfo> runs;
  for (;;) {
    FEDQ_ASSIGN_OR_RETURN(bool row, q->Step());
    if (!row) break;
    runs.push_back(ReadRun(*q));
  }
  return runs;
}

}  // namespace

Result<RunInfo> Store::LoadRun(std::int64_t run_id) {
  FEDQ_ASSIGN_OR_RETURN(auto runs, RunsWhere(db_, "WHERE id = ?", run_id));
  if (runs.empty()) return NotFound("no run " + std::to_string(run_id) + " in the database");
  return runs.front();
}

Result<RunInfo> Store::LatestRun() {
  FEDQ_ASSIGN_OR_RETURN(auto runs, RunsWhere(db_, "ORDER BY id DESC LIMIT 1", std::nullopt));
  if (runs.empty()) return NotFound("the database holds no run");
  return runs.front();
}

Result<std::vector<RunInfo>> Store::ListRuns() {
  return RunsWhere(db_, "ORDER BY id", std::nullopt);
}

Result<std::vector<ClientRecord>> Store::ListClients() {
  FEDQ_ASSIGN_OR_RETURN(auto q, db_.Cached("SELECT id, fingerprint, name, first_seen_ms, "
                                           "last_seen_ms, rounds_participated FROM clients "
                                           "ORDER BY id"));
  std::vector<ClientRecord> clients;
  for (;;) {
    FEDQ_ASSIGN_OR_RETURN(bool row, q->Step());
    if (!row) break;
    clients.push_back({q->Int(0), q->Text(1), q->Text(2), q->Int(3), q->Int(4), q->Int(5)});
  }
  return clients;
}

Result<std::vector<RoundRow>> Store::ListRounds(std::int64_t run_id) {
  FEDQ_ASSIGN_OR_RETURN(
      auto q, db_.Cached("SELECT r.round, r.attempt, r.status, r.started_at_ms, "
                         "r.finished_at_ms, r.participants, r.test_accuracy, r.test_loss, "
                         "r.bytes_up, r.bytes_down, r.failure_reason, (SELECT COUNT(*) FROM "
                         "updates u WHERE u.round_id = r.id AND u.outcome = 'accepted') "
                         "FROM rounds r WHERE r.run_id = ? ORDER BY r.round, r.attempt"));
  FEDQ_RETURN_IF_ERROR(q->Bind(1, run_id));
  std::vector<RoundRow> rounds;
  for (;;) {
    FEDQ_ASSIGN_OR_RETURN(bool row, q->Step());
    if (!row) break;
    RoundRow r;
    r.record = {run_id,          q->Int(0),       q->Int(3), q->Int(4), q->Int(5),
                q->OptDouble(6), q->OptDouble(7), q->Int(8), q->Int(9), q->Text(10)};
    r.attempt = q->Int(1);
    r.status = q->Text(2);
    r.updates_accepted = q->Int(11);
    rounds.push_back(std::move(r));
  }
  return rounds;
}

Result<std::vector<UpdateRecord>> Store::ListUpdates(std::int64_t run_id, std::int64_t round) {
  FEDQ_ASSIGN_OR_RETURN(
      auto q, db_.Cached("SELECT u.client_id, u.num_samples, u.bytes, u.codec, u.train_loss, "
                         "u.duration_ms, u.outcome, u.reason FROM updates u JOIN rounds r ON "
                         "r.id = u.round_id WHERE r.run_id = ? AND r.round = ? "
                         "ORDER BY r.attempt, u.client_id"));
  FEDQ_RETURN_IF_ERROR(q->BindAll(run_id, round));
  std::vector<UpdateRecord> updates;
  for (;;) {
    FEDQ_ASSIGN_OR_RETURN(bool row, q->Step());
    if (!row) break;
    updates.push_back({q->Int(0), q->Int(1), q->Int(2), q->Text(3), q->OptDouble(4), q->Int(5),
                       q->Text(6), q->Text(7)});
  }
  return updates;
}

Result<std::vector<std::uint8_t>> Store::LoadModel(std::int64_t run_id, std::int64_t round) {
  FEDQ_ASSIGN_OR_RETURN(auto q,
                        db_.Cached("SELECT blob FROM models WHERE run_id = ? AND round = ?"));
  FEDQ_RETURN_IF_ERROR(q->BindAll(run_id, round));
  FEDQ_ASSIGN_OR_RETURN(bool row, q->Step());
  if (!row) {
    return NotFound("no model of round " + std::to_string(round) + " of run " +
                    std::to_string(run_id) + " (never stored, or dropped by retention)");
  }
  return q->Blob(0);
}

Result<std::vector<std::int64_t>> Store::StoredModelRounds(std::int64_t run_id) {
  FEDQ_ASSIGN_OR_RETURN(auto q,
                        db_.Cached("SELECT round FROM models WHERE run_id = ? ORDER BY round"));
  FEDQ_RETURN_IF_ERROR(q->Bind(1, run_id));
  std::vector<std::int64_t> rounds;
  for (;;) {
    FEDQ_ASSIGN_OR_RETURN(bool row, q->Step());
    if (!row) break;
    rounds.push_back(q->Int(0));
  }
  return rounds;
}

}  // namespace fedq::coordinator
