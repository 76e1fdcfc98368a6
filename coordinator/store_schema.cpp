#include "coordinator/store_schema.hpp"

#include <string>

#include "coordinator/sqlite/transaction.hpp"

namespace fedq::coordinator {
namespace {

// v1: the first schema. The strategy state rode along on every round row.
constexpr const char* kSchemaV1 = R"sql(
CREATE TABLE runs(
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  created_at_ms INTEGER NOT NULL,
  config_json TEXT NOT NULL,
  model_arch TEXT NOT NULL,
  strategy TEXT NOT NULL);
CREATE TABLE clients(
  id INTEGER PRIMARY KEY,
  fingerprint TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  first_seen_ms INTEGER NOT NULL,
  last_seen_ms INTEGER NOT NULL);
CREATE TABLE rounds(
  id INTEGER PRIMARY KEY,
  run_id INTEGER NOT NULL REFERENCES runs(id),
  round INTEGER NOT NULL CHECK(round >= 1),
  attempt INTEGER NOT NULL,
  status TEXT NOT NULL CHECK(status IN ('committed', 'failed')),
  started_at_ms INTEGER NOT NULL,
  finished_at_ms INTEGER NOT NULL,
  participants INTEGER NOT NULL,
  test_accuracy REAL,
  test_loss REAL,
  bytes_up INTEGER NOT NULL,
  bytes_down INTEGER NOT NULL,
  failure_reason TEXT NOT NULL DEFAULT '',
  strategy_state BLOB,
  UNIQUE(run_id, round, attempt));
CREATE UNIQUE INDEX rounds_one_commit ON rounds(run_id, round) WHERE status = 'committed';
CREATE TABLE updates(
  id INTEGER PRIMARY KEY,
  round_id INTEGER NOT NULL REFERENCES rounds(id) ON DELETE CASCADE,
  client_id INTEGER NOT NULL REFERENCES clients(id),
  num_samples INTEGER NOT NULL,
  bytes INTEGER NOT NULL,
  codec TEXT NOT NULL,
  train_loss REAL,
  duration_ms INTEGER NOT NULL,
  outcome TEXT NOT NULL CHECK(outcome IN ('accepted', 'rejected', 'late', 'disconnected')),
  reason TEXT NOT NULL DEFAULT '',
  UNIQUE(round_id, client_id));
CREATE TABLE models(
  run_id INTEGER NOT NULL REFERENCES runs(id),
  round INTEGER NOT NULL,
  blob BLOB NOT NULL,
  PRIMARY KEY(run_id, round));
)sql";

// v2: the strategy state moves out of the round rows into one row per run
// (the latest is all a resume needs; v1 kept a copy per round), and the
// registry counts the rounds each client took part in, backfilled.
constexpr const char* kMigrateV1ToV2 = R"sql(
CREATE TABLE server_state(
  run_id INTEGER PRIMARY KEY REFERENCES runs(id),
  round INTEGER NOT NULL,
  strategy TEXT NOT NULL,
  state BLOB NOT NULL);
INSERT INTO server_state(run_id, round, strategy, state)
  SELECT r.run_id, r.round, runs.strategy, r.strategy_state
  FROM rounds r JOIN runs ON runs.id = r.run_id
  WHERE r.status = 'committed' AND r.strategy_state IS NOT NULL
    AND r.round = (SELECT MAX(round) FROM rounds
                   WHERE run_id = r.run_id AND status = 'committed');
ALTER TABLE rounds DROP COLUMN strategy_state;
ALTER TABLE clients ADD COLUMN rounds_participated INTEGER NOT NULL DEFAULT 0;
UPDATE clients SET rounds_participated = (
  SELECT COUNT(*) FROM updates u JOIN rounds r ON r.id = u.round_id
  WHERE u.client_id = clients.id AND u.outcome = 'accepted' AND r.status = 'committed');
CREATE INDEX updates_by_client ON updates(client_id);
)sql";

struct Migration {
  int to_version;
  const char* sql;
};

constexpr Migration kMigrations[] = {{1, kSchemaV1}, {2, kMigrateV1ToV2}};

Status Apply(sqlite::Database& db, const Migration& m) {
  FEDQ_ASSIGN_OR_RETURN(sqlite::Transaction tx, sqlite::Transaction::Begin(db));
  // Re-read inside the write lock: another process may have migrated first.
  FEDQ_ASSIGN_OR_RETURN(std::int64_t version, db.QueryInt("PRAGMA user_version"));
  if (version >= m.to_version) return Status::Ok();
  Status s = db.Exec(m.sql);
  if (!s.ok()) return s.WithContext("migrating schema to v" + std::to_string(m.to_version));
  FEDQ_RETURN_IF_ERROR(db.Exec("PRAGMA user_version = " + std::to_string(m.to_version)));
  return tx.Commit();
}

}  // namespace

Status MigrateSchema(sqlite::Database& db) {
  FEDQ_ASSIGN_OR_RETURN(std::int64_t version, db.QueryInt("PRAGMA user_version"));
  if (version > kSchemaVersion) {
    return FailedPrecondition("database schema v" + std::to_string(version) +
                              " is newer than this build's v" + std::to_string(kSchemaVersion));
  }
  for (const Migration& m : kMigrations) {
    if (version < m.to_version) FEDQ_RETURN_IF_ERROR(Apply(db, m));
  }
  return Status::Ok();
}

}  // namespace fedq::coordinator
