// Store + strategy together: what a restarted coordinator relies on.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <bit>
#include <cstring>

#include "coordinator/sqlite/database.hpp"
#include "coordinator/store.hpp"
#include "coordinator/strategy.hpp"
#include "temp_dir.hpp"

namespace fedq::coordinator {
namespace {

std::vector<std::uint8_t> ModelBlob(const std::vector<float>& w) {
  std::vector<std::uint8_t> out;
  for (float f : w) {
    auto bits = std::bit_cast<std::uint32_t>(f);
    for (int i = 0; i < 4; ++i) out.push_back(static_cast<std::uint8_t>(bits >> (8 * i)));
  }
  return out;
}

std::vector<float> ModelFromBlob(const std::vector<std::uint8_t>& b) {
  std::vector<float> w(b.size() / 4);
  for (std::size_t i = 0; i < w.size(); ++i) {
    std::uint32_t bits = 0;
    for (int k = 0; k < 4; ++k) bits |= static_cast<std::uint32_t>(b[4 * i + k]) << (8 * k);
    w[i] = std::bit_cast<float>(bits);
  }
  return w;
}

std::unique_ptr<Strategy> Adam() {
  StrategyConfig c;
  c.name = "fedadam";
  return std::move(MakeStrategy(c)).value();
}

// One round of made-up updates, a function of the round number only.
void RunRound(Strategy& s, std::vector<float>& w, int round) {
  s.BeginRound(w.size(), 1);
  for (int c = 0; c < 3; ++c) {
    std::vector<float> delta(w.size());
    for (std::size_t i = 0; i < w.size(); ++i) {
      delta[i] = 0.01f * static_cast<float>((round * 7 + c * 3 + static_cast<int>(i)) % 11 - 5);
    }
    std::string id = std::to_string(c);  // (not "c" + ...: GCC 12 -Wrestrict false positive)
    ASSERT_TRUE(s.AddUpdate({id, static_cast<std::uint64_t>(100 + c), delta, nullptr}).ok());
  }
  ASSERT_TRUE(*s.Finish(w));
}

void CommitRun(Store& store, std::int64_t run, Strategy& s, std::vector<float>& w, int from,
               int to) {
  for (int r = from; r <= to; ++r) {
    RunRound(s, w, r);
    RoundRecord rec;
    rec.run_id = run;
    rec.round = r;
    ASSERT_TRUE(store.CommitRound(rec, {}, ModelBlob(w), s.SaveState()).ok());
  }
}

TEST(ResumeTest, ResumedRunMatchesAnUninterruptedOne) {
  TempDir dir;
  const std::vector<float> w0 = {0.5f, -0.25f, 0.0f, 1.0f};
  std::vector<float> straight = w0;
  auto uninterrupted = Adam();
  for (int r = 1; r <= 6; ++r) RunRound(*uninterrupted, straight, r);

  std::int64_t run = 0;
  {
    Store store = std::move(Store::Open(dir.File("run.db"))).value();
    run = *store.CreateRun({"r", "{}", "4", "fedadam", 0, ModelBlob(w0)});
    auto s = Adam();
    std::vector<float> w = w0;
    CommitRun(store, run, *s, w, 1, 3);
  }  // the coordinator goes away
  Store store = std::move(Store::Open(dir.File("run.db"))).value();
  ResumePoint p = *store.LoadResumePoint(run);
  ASSERT_EQ(p.last_round, 3);
  auto s = Adam();
  ASSERT_TRUE(s->LoadState(p.strategy_state).ok());
  std::vector<float> w = ModelFromBlob(p.model);
  CommitRun(store, run, *s, w, 4, 6);
  EXPECT_EQ(0, std::memcmp(w.data(), straight.data(), w.size() * sizeof(float)));
}

TEST(ResumeTest, ProcessKilledMidTransactionLosesOnlyThatRound) {
  TempDir dir;
  const std::string path = dir.File("crash.db");
  std::int64_t run = 0;
  {
    Store store = std::move(Store::Open(path)).value();
    run = *store.CreateRun({"r", "{}", "4", "fedadam", 0, ModelBlob({1, 2, 3, 4})});
    auto s = Adam();
    std::vector<float> w = {1, 2, 3, 4};
    CommitRun(store, run, *s, w, 1, 2);
  }
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    // Half a round 3 inside an open write transaction, then SIGKILL.
    auto db = sqlite::Database::Open(path);
    if (!db.ok() || !db->Exec("BEGIN IMMEDIATE").ok()) _exit(3);
    if (!db->Exec("INSERT INTO rounds(run_id, round, attempt, status, started_at_ms, "
                  "finished_at_ms, participants, bytes_up, bytes_down) VALUES(" +
                  std::to_string(run) + ", 3, 1, 'committed', 0, 0, 0, 0, 0)")
             .ok()) {
      _exit(4);
    }
    if (!db->Exec("INSERT INTO models(run_id, round, blob) VALUES(" + std::to_string(run) +
                  ", 3, x'00')")
             .ok()) {
      _exit(5);
    }
    raise(SIGKILL);
    _exit(6);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << "child status " << status;

  Store store = std::move(Store::Open(path)).value();
  EXPECT_EQ(*store.IntegrityCheck(), "ok");
  ResumePoint p = *store.LoadResumePoint(run);
  EXPECT_EQ(p.last_round, 2);
  EXPECT_EQ(store.ListRounds(run)->size(), 2u);
  EXPECT_EQ(*store.StoredModelRounds(run), (std::vector<std::int64_t>{0, 1, 2}));
  auto s = Adam();
  EXPECT_TRUE(s->LoadState(p.strategy_state).ok());
  RoundRecord rec;
  rec.run_id = run;
  rec.round = 3;
  EXPECT_TRUE(store.CommitRound(rec, {}, p.model, s->SaveState()).ok());
}

}  // namespace
}  // namespace fedq::coordinator
