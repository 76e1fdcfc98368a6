#include "coordinator/store.hpp"

#include <gtest/gtest.h>

#include "coordinator/sqlite/database.hpp"
#include "coordinator/store_schema.hpp"
#include "temp_dir.hpp"

namespace fedq::coordinator {
namespace {

std::vector<std::uint8_t> Bytes(std::initializer_list<int> v) { return {v.begin(), v.end()}; }

Store OpenStore(const std::string& path, ModelRetention retention = {}) {
  StoreOptions options;
  options.retention = retention;
  auto s = Store::Open(path, options);
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return std::move(s).value();
}

std::int64_t MakeRun(Store& store) {
  NewRun run{"fmnist", R"({"rounds":10})", "784-200-10", "fedadam", 1000, Bytes({0, 0})};
  auto id = store.CreateRun(run);
  EXPECT_TRUE(id.ok()) << id.status().ToString();
  return *id;
}

RoundRecord Round(std::int64_t run, std::int64_t round) {
  RoundRecord r;
  r.run_id = run;
  r.round = round;
  r.started_at_ms = 1000 * round;
  r.finished_at_ms = 1000 * round + 400;
  r.participants = 2;
  r.test_accuracy = 0.5 + 0.01 * static_cast<double>(round);
  r.test_loss = 1.0;
  r.bytes_up = 100;
  r.bytes_down = 200;
  return r;
}

UpdateRecord Accepted(std::int64_t client) {
  return {client, 600, 50, "int8", 0.7, 120, "accepted", ""};
}

TEST(StoreTest, CreatesSchemaAtCurrentVersionInWalMode) {
  TempDir dir;
  { Store store = OpenStore(dir.File("a.db")); }
  auto db = sqlite::Database::Open(dir.File("a.db"));
  ASSERT_TRUE(db.ok());
  EXPECT_EQ(*db->QueryInt("PRAGMA user_version"), kSchemaVersion);
  auto mode = db->Prepare("PRAGMA journal_mode");
  ASSERT_TRUE(mode.ok() && *mode->Step());
  EXPECT_EQ(mode->Text(0), "wal");
  EXPECT_EQ(*db->QueryInt("SELECT COUNT(*) FROM sqlite_master WHERE name IN ('runs', 'rounds', "
                          "'updates', 'models', 'clients', 'server_state')"),
            6);
}

TEST(StoreTest, CommitsRoundAndResumesFromIt) {
  TempDir dir;
  Store store = OpenStore(dir.File("a.db"));
  std::int64_t run = MakeRun(store);
  auto resume0 = store.LoadResumePoint(run);
  ASSERT_TRUE(resume0.ok());
  EXPECT_EQ(resume0->last_round, 0);
  EXPECT_EQ(resume0->model, Bytes({0, 0}));
  EXPECT_TRUE(resume0->strategy_state.empty());

  std::int64_t a = *store.UpsertClient("fp-a", "edge-a", 10);
  std::int64_t b = *store.UpsertClient("fp-b", "edge-b", 10);
  UpdateRecord rejected{b, 0, 30, "int8", std::nullopt, 5, "rejected", "non-finite value"};
  ASSERT_TRUE(
      store.CommitRound(Round(run, 1), {Accepted(a), rejected}, Bytes({1, 1}), Bytes({9, 9})).ok());
  auto resume = store.LoadResumePoint(run);
  ASSERT_TRUE(resume.ok());
  EXPECT_EQ(resume->last_round, 1);
  EXPECT_EQ(resume->model, Bytes({1, 1}));
  EXPECT_EQ(resume->strategy_state, Bytes({9, 9}));

  auto rounds = *store.ListRounds(run);
  ASSERT_EQ(rounds.size(), 1u);
  EXPECT_EQ(rounds[0].status, "committed");
  EXPECT_EQ(rounds[0].updates_accepted, 1);
  EXPECT_DOUBLE_EQ(*rounds[0].record.test_accuracy, 0.51);
  auto updates = *store.ListUpdates(run, 1);
  ASSERT_EQ(updates.size(), 2u);
  EXPECT_EQ(updates[1].reason, "non-finite value");
  auto clients = *store.ListClients();
  EXPECT_EQ(clients[0].rounds_participated, 1);
  EXPECT_EQ(clients[1].rounds_participated, 0);
}

TEST(StoreTest, FailedCommitLeavesNothingOfTheRound) {
  TempDir dir;
  Store store = OpenStore(dir.File("a.db"));
  std::int64_t run = MakeRun(store);
  std::int64_t a = *store.UpsertClient("fp-a", "edge-a", 10);
  // The second update names a client the registry does not hold: the
  // foreign key fails after the round row and first update went in.
  Status s =
      store.CommitRound(Round(run, 1), {Accepted(a), Accepted(a + 100)}, Bytes({1}), Bytes({2}));
  EXPECT_FALSE(s.ok());
  EXPECT_TRUE(store.ListRounds(run)->empty());
  EXPECT_EQ(*store.StoredModelRounds(run), (std::vector<std::int64_t>{0}));
  EXPECT_EQ(store.LoadResumePoint(run)->last_round, 0);
  EXPECT_EQ(store.ListClients()->at(0).rounds_participated, 0);
  EXPECT_EQ(*store.IntegrityCheck(), "ok");
  // The same round commits afterwards; skipping a round is refused.
  EXPECT_EQ(store.CommitRound(Round(run, 2), {}, Bytes({1}), {}).code(),
            ErrorCode::kFailedPrecondition);
  EXPECT_TRUE(store.CommitRound(Round(run, 1), {Accepted(a)}, Bytes({1}), {}).ok());
  EXPECT_EQ(store.CommitRound(Round(run, 1), {}, Bytes({1}), {}).code(),
            ErrorCode::kFailedPrecondition);
}

TEST(StoreTest, FailedRoundIsRecordedThenRetried) {
  TempDir dir;
  Store store = OpenStore(dir.File("a.db"));
  std::int64_t run = MakeRun(store);
  std::int64_t a = *store.UpsertClient("fp-a", "edge-a", 10);
  RoundRecord failed = Round(run, 1);
  failed.failure_reason = "quorum not met: 1 of 3";
  ASSERT_TRUE(store.RecordFailedRound(failed, {Accepted(a)}).ok());
  EXPECT_EQ(store.LoadResumePoint(run)->last_round, 0);
  ASSERT_TRUE(store.CommitRound(Round(run, 1), {Accepted(a)}, Bytes({5}), {}).ok());
  auto rounds = *store.ListRounds(run);
  ASSERT_EQ(rounds.size(), 2u);
  EXPECT_EQ(rounds[0].status, "failed");
  EXPECT_EQ(rounds[0].attempt, 1);
  EXPECT_EQ(rounds[0].record.failure_reason, "quorum not met: 1 of 3");
  EXPECT_EQ(rounds[1].status, "committed");
  EXPECT_EQ(rounds[1].attempt, 2);
  EXPECT_EQ(store.ListClients()->at(0).rounds_participated, 1);  // the failed one does not count
}

TEST(StoreTest, KeepsLastNAndEveryKthModel) {
  TempDir dir;
  Store store = OpenStore(dir.File("a.db"), {.keep_last = 2, .keep_every = 3});
  std::int64_t run = MakeRun(store);
  for (int r = 1; r <= 8; ++r) {
    ASSERT_TRUE(store.CommitRound(Round(run, r), {}, Bytes({r}), {}).ok());
  }
  EXPECT_EQ(*store.StoredModelRounds(run), (std::vector<std::int64_t>{0, 3, 6, 7, 8}));
  EXPECT_EQ(*store.LoadModel(run, 6), Bytes({6}));
  EXPECT_EQ(store.LoadModel(run, 5).status().code(), ErrorCode::kNotFound);
}

TEST(StoreTest, ReopenedDatabaseResumesAndRegistryKeepsFirstSeen) {
  TempDir dir;
  std::int64_t run = 0;
  {
    Store store = OpenStore(dir.File("a.db"));
    run = MakeRun(store);
    std::int64_t a = *store.UpsertClient("fp-a", "edge-a", 10);
    ASSERT_TRUE(store.CommitRound(Round(run, 1), {Accepted(a)}, Bytes({7}), Bytes({3})).ok());
  }
  Store store = OpenStore(dir.File("a.db"));
  EXPECT_EQ(store.LatestRun()->id, run);
  EXPECT_EQ(store.LatestRun()->strategy, "fedadam");
  auto resume = *store.LoadResumePoint(run);
  EXPECT_EQ(resume.last_round, 1);
  EXPECT_EQ(resume.model, Bytes({7}));
  EXPECT_EQ(resume.strategy_state, Bytes({3}));
  EXPECT_EQ(*store.UpsertClient("fp-a", "edge-a2", 99), 1);
  auto c = store.ListClients()->at(0);
  EXPECT_EQ(c.name, "edge-a2");
  EXPECT_EQ(c.first_seen_ms, 10);
  EXPECT_EQ(c.last_seen_ms, 99);
  EXPECT_EQ(store.LoadResumePoint(run + 1).status().code(), ErrorCode::kNotFound);
}

// The v1 schema written out by hand, as a v1 build left it.
constexpr const char* kHandMadeV1 = R"sql(
CREATE TABLE runs(id INTEGER PRIMARY KEY, name TEXT NOT NULL, created_at_ms INTEGER NOT NULL,
  config_json TEXT NOT NULL, model_arch TEXT NOT NULL, strategy TEXT NOT NULL);
CREATE TABLE clients(id INTEGER PRIMARY KEY, fingerprint TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL, first_seen_ms INTEGER NOT NULL, last_seen_ms INTEGER NOT NULL);
CREATE TABLE rounds(id INTEGER PRIMARY KEY, run_id INTEGER NOT NULL REFERENCES runs(id),
  round INTEGER NOT NULL CHECK(round >= 1), attempt INTEGER NOT NULL,
  status TEXT NOT NULL CHECK(status IN ('committed', 'failed')),
  started_at_ms INTEGER NOT NULL, finished_at_ms INTEGER NOT NULL,
  participants INTEGER NOT NULL, test_accuracy REAL, test_loss REAL,
  bytes_up INTEGER NOT NULL, bytes_down INTEGER NOT NULL,
  failure_reason TEXT NOT NULL DEFAULT '', strategy_state BLOB,
  UNIQUE(run_id, round, attempt));
CREATE UNIQUE INDEX rounds_one_commit ON rounds(run_id, round) WHERE status = 'committed';
CREATE TABLE updates(id INTEGER PRIMARY KEY,
  round_id INTEGER NOT NULL REFERENCES rounds(id) ON DELETE CASCADE,
  client_id INTEGER NOT NULL REFERENCES clients(id), num_samples INTEGER NOT NULL,
  bytes INTEGER NOT NULL, codec TEXT NOT NULL, train_loss REAL, duration_ms INTEGER NOT NULL,
  outcome TEXT NOT NULL CHECK(outcome IN ('accepted', 'rejected', 'late', 'disconnected')),
  reason TEXT NOT NULL DEFAULT '', UNIQUE(round_id, client_id));
CREATE TABLE models(run_id INTEGER NOT NULL REFERENCES runs(id), round INTEGER NOT NULL,
  blob BLOB NOT NULL, PRIMARY KEY(run_id, round));
INSERT INTO runs VALUES(1, 'old', 5, '{}', '784-10', 'fedyogi');
INSERT INTO clients VALUES(1, 'fp-a', 'a', 5, 6), (2, 'fp-b', 'b', 5, 6);
INSERT INTO models VALUES(1, 0, x'00'), (1, 1, x'01'), (1, 2, x'02');
INSERT INTO rounds VALUES
  (1, 1, 1, 1, 'committed', 10, 20, 2, 0.5, 1.0, 10, 20, '', x'AA'),
  (2, 1, 2, 1, 'failed', 30, 40, 2, NULL, NULL, 5, 20, 'quorum', NULL),
  (3, 1, 2, 2, 'committed', 50, 60, 2, 0.6, 0.9, 10, 20, '', x'BB');
INSERT INTO updates VALUES
  (1, 1, 1, 60, 10, 'int8', 0.8, 7, 'accepted', ''),
  (2, 1, 2, 60, 10, 'int8', 0.8, 7, 'accepted', ''),
  (3, 2, 1, 60, 10, 'int8', 0.8, 7, 'accepted', ''),
  (4, 3, 1, 60, 10, 'int8', 0.8, 7, 'accepted', ''),
  (5, 3, 2, 60, 10, 'int8', NULL, 7, 'rejected', 'dimension mismatch');
PRAGMA user_version = 1;
)sql";

TEST(StoreTest, MigratesVersion1DatabaseKeepingItsData) {
  TempDir dir;
  {
    auto db = sqlite::Database::Open(dir.File("old.db"));
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(db->Exec(kHandMadeV1).ok());
  }
  Store store = OpenStore(dir.File("old.db"));
  auto resume = store.LoadResumePoint(1);
  ASSERT_TRUE(resume.ok()) << resume.status().ToString();
  EXPECT_EQ(resume->last_round, 2);
  EXPECT_EQ(resume->model, Bytes({2}));
  EXPECT_EQ(resume->strategy_state, Bytes({0xBB}));  // the latest committed round's
  auto clients = *store.ListClients();
  EXPECT_EQ(clients[0].rounds_participated, 2);  // rounds 1 and 2; not the failed attempt
  EXPECT_EQ(clients[1].rounds_participated, 1);  // rejected in round 2
  EXPECT_EQ(store.ListRounds(1)->size(), 3u);
  EXPECT_EQ(*store.IntegrityCheck(), "ok");
  ASSERT_TRUE(store.CommitRound(Round(1, 3), {Accepted(1)}, Bytes({3}), Bytes({0xCC})).ok());
  EXPECT_EQ(store.LoadResumePoint(1)->strategy_state, Bytes({0xCC}));

  auto db = sqlite::Database::Open(dir.File("old.db"));
  EXPECT_EQ(*db->QueryInt("PRAGMA user_version"), 2);
  EXPECT_EQ(*db->QueryInt("SELECT COUNT(*) FROM pragma_table_info('rounds') "
                          "WHERE name = 'strategy_state'"),
            0);
}

TEST(StoreTest, RefusesDatabaseFromNewerBuild) {
  TempDir dir;
  {
    auto db = sqlite::Database::Open(dir.File("new.db"));
    ASSERT_TRUE(db->Exec("PRAGMA user_version = 99").ok());
  }
  auto store = Store::Open(dir.File("new.db"));
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(store.status().message().find("v99"), std::string::npos);
}

}  // namespace
}  // namespace fedq::coordinator
