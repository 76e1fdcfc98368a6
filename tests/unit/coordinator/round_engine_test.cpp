#include "coordinator/round_engine.hpp"

#include <gtest/gtest.h>

#include "engine_harness.hpp"

namespace fedq::coordinator {
namespace {

using testing::EngineHarness;
using testing::Fp32Blob;
using testing::NanBlob;

EngineOptions Options(int k, int min_clients, int64_t deadline_ms = 20000, int64_t rounds = 3) {
  EngineOptions o;
  o.rounds = rounds;
  o.clients_per_round = k;
  o.min_clients = min_clients;
  o.round_deadline_ms = deadline_ms;
  return o;
}

std::vector<float> Delta(std::size_t n, float base) {
  std::vector<float> d(n);
  for (std::size_t i = 0; i < n; ++i) d[i] = base * 0.01f * static_cast<float>(i % 7 + 1);
  return d;
}

TEST(RoundEngine, RoundWithThreeClientsIsCommittedWithTheWeightedMean) {
  EngineHarness h(Options(3, 3));
  auto a = h.Join("a"), b = h.Join("b"), c = h.Join("c");
  h.engine->Start(1, h.initial);
  ASSERT_TRUE(a->WaitTasks(1) && b->WaitTasks(1) && c->WaitTasks(1));
  const std::size_t n = h.num_params();
  h.Send(a, 1, 1, Fp32Blob(Delta(n, 1)));
  h.Send(b, 1, 2, Fp32Blob(Delta(n, 2)));
  h.Send(c, 1, 3, Fp32Blob(Delta(n, 3)));
  ASSERT_TRUE(h.journal.WaitFor([&] { return h.journal.committed.size() >= 1; }));

  const std::vector<float> model = h.Model(1);
  // (1*1 + 2*2 + 3*3) / 6 = 14/6 times the unit delta.
  const std::vector<float> unit = Delta(n, 1);
  for (std::size_t i = 0; i < n; ++i)
    EXPECT_NEAR(model[i], h.initial[i] + unit[i] * 14 / 6.0f, 1e-5);
  auto rounds = h.Query([&](Store& s) { return s.ListRounds(h.run_id); }).value();
  ASSERT_GE(rounds.size(), 1u);
  EXPECT_EQ(rounds[0].status, "committed");
  EXPECT_EQ(rounds[0].updates_accepted, 3);
  EXPECT_GT(rounds[0].record.bytes_up, 0);
  EXPECT_GT(rounds[0].record.bytes_down, 0);
  ASSERT_TRUE(a->WaitTasks(2));  // and the next round starts
}

// The next round's tasks go out while the previous round is being written;
// stopping then waits for that write, and the round is stored whole.
TEST(RoundEngine, NextRoundStartsWhileTheCommitIsWrittenAndStopWaitsForIt) {
  EngineHarness h(Options(2, 2));
  auto a = h.Join("a"), b = h.Join("b");
  h.gate().Hold();
  h.engine->Start(1, h.initial);
  ASSERT_TRUE(a->WaitTasks(1) && b->WaitTasks(1));
  const std::size_t n = h.num_params();
  h.Send(a, 1, 1, Fp32Blob(Delta(n, 1)));
  h.Send(b, 1, 1, Fp32Blob(Delta(n, 3)));
  ASSERT_TRUE(a->WaitTasks(2) && b->WaitTasks(2));
  {
    std::lock_guard lock(h.journal.mu);
    EXPECT_TRUE(h.journal.committed.empty());  // round 1 is still held back
  }
  std::promise<std::size_t> committed_when_stopped;
  h.engine->Stop([&] {
    std::lock_guard lock(h.journal.mu);
    committed_when_stopped.set_value(h.journal.committed.size());
  });
  h.gate().Release();
  EXPECT_EQ(committed_when_stopped.get_future().get(), 1u);
  auto rounds = h.Query([&](Store& s) { return s.ListRounds(h.run_id); }).value();
  ASSERT_EQ(rounds.size(), 1u);  // round 2 was abandoned, nothing of it stored
  EXPECT_EQ(rounds[0].record.round, 1);
  EXPECT_EQ(rounds[0].status, "committed");
  const std::vector<float> model = h.Model(1);
  const std::vector<float> unit = Delta(n, 1);
  for (std::size_t i = 0; i < n; ++i) EXPECT_NEAR(model[i], h.initial[i] + unit[i] * 2, 1e-5);
}

// A commit that fails while the next round is collecting ends the run with
// the error: clients are let go and nothing of either round is stored.
TEST(RoundEngine, FailedCommitEndsTheRunEvenWithTheNextRoundUnderWay) {
  EngineHarness h(Options(2, 2));
  auto a = h.Join("a"), b = h.Join("b");
  h.gate().FailCommits();
  h.engine->Start(1, h.initial);
  ASSERT_TRUE(a->WaitTasks(1) && b->WaitTasks(1));
  const std::size_t n = h.num_params();
  h.Send(a, 1, 1, Fp32Blob(Delta(n, 1)));
  h.Send(b, 1, 1, Fp32Blob(Delta(n, 3)));
  ASSERT_TRUE(h.journal.WaitFor([&] { return h.journal.ended.has_value(); }));
  {
    std::lock_guard lock(h.journal.mu);
    EXPECT_FALSE(h.journal.ended->ok());
    EXPECT_NE(h.journal.ended->message().find("committing round 1"), std::string::npos)
        << h.journal.ended->ToString();
    EXPECT_TRUE(h.journal.committed.empty());
  }
  EXPECT_TRUE(a->closed() && b->closed());
  auto rounds = h.Query([&](Store& s) { return s.ListRounds(h.run_id); }).value();
  EXPECT_TRUE(rounds.empty());
}

TEST(RoundEngine, ClientThatLeavesMidRoundDoesNotCount) {
  EngineHarness h(Options(3, 2));
  auto a = h.Join("a"), b = h.Join("b"), c = h.Join("c");
  h.engine->Start(1, h.initial);
  ASSERT_TRUE(c->WaitTasks(1));
  const std::size_t n = h.num_params();
  h.Send(a, 1, 10, Fp32Blob(Delta(n, 1)));
  h.engine->ClientLeft(c);
  h.Send(b, 1, 10, Fp32Blob(Delta(n, 1)));
  ASSERT_TRUE(h.journal.WaitFor([&] { return h.journal.committed.size() >= 1; }));
  auto updates = h.Query([&](Store& s) { return s.ListUpdates(h.run_id, 1); }).value();
  ASSERT_EQ(updates.size(), 3u);
  int accepted = 0, disconnected = 0;
  for (const auto& u : updates) {
    accepted += u.outcome == "accepted";
    disconnected += u.outcome == "disconnected";
  }
  EXPECT_EQ(accepted, 2);
  EXPECT_EQ(disconnected, 1);
}

TEST(RoundEngine, MissedQuorumIsRecordedAndRetriedWithTheModelUnchanged) {
  EngineHarness h(Options(3, 3, /*deadline_ms=*/300));
  auto a = h.Join("a"), b = h.Join("b"), c = h.Join("c");
  h.engine->Start(1, h.initial);
  ASSERT_TRUE(c->WaitTasks(1));
  const std::size_t n = h.num_params();
  h.Send(a, 1, 5, Fp32Blob(Delta(n, 1)));
  h.Send(b, 1, 5, Fp32Blob(Delta(n, 1)));
  // c stays silent: the deadline fails the attempt; a retry sends new tasks.
  ASSERT_TRUE(h.journal.WaitFor([&] { return !h.journal.failed.empty(); }));
  ASSERT_TRUE(a->WaitTasks(2) && b->WaitTasks(2) && c->WaitTasks(2));
  for (auto& link : {a, b, c}) h.Send(link, 1, 5, Fp32Blob(Delta(n, 2)));
  ASSERT_TRUE(h.journal.WaitFor([&] { return !h.journal.committed.empty(); }));

  auto rounds = h.Query([&](Store& s) { return s.ListRounds(h.run_id); }).value();
  ASSERT_GE(rounds.size(), 2u);
  EXPECT_EQ(rounds[0].status, "failed");
  EXPECT_NE(rounds[0].record.failure_reason.find("quorum"), std::string::npos);
  EXPECT_EQ(rounds[1].status, "committed");
  EXPECT_EQ(rounds[1].record.round, 1);
  // Only the retry's updates made the model.
  const std::vector<float> model = h.Model(1);
  const std::vector<float> d = Delta(n, 2);
  for (std::size_t i = 0; i < n; ++i) EXPECT_NEAR(model[i], h.initial[i] + d[i], 1e-5);
}

TEST(RoundEngine, BadUpdatesAreRejectedWithReasonsAndOthersUnaffected) {
  EngineHarness h(Options(6, 2));
  std::vector<std::shared_ptr<testing::FakeLink>> l;
  for (const char* name : {"a", "b", "c", "d", "e", "f"}) l.push_back(h.Join(name));
  h.engine->Start(1, h.initial);
  ASSERT_TRUE(l[5]->WaitTasks(1));
  const std::size_t n = h.num_params();
  h.Send(l[0], 1, 4, Fp32Blob(Delta(n, 1)));
  h.Send(l[1], 1, 4, Fp32Blob(Delta(n, 1)));
  h.Send(l[2], 7, 4, Fp32Blob(Delta(n, 1)));      // wrong round
  h.Send(l[3], 1, 4, Fp32Blob(Delta(n + 1, 1)));  // wrong size
  h.Send(l[4], 1, 4, NanBlob(Delta(n, 1), 3));    // NaN
  h.Send(l[5], 1, 4, protocol::Blob(300, 0xAB));  // garbage
  ASSERT_TRUE(h.journal.WaitFor([&] { return !h.journal.committed.empty(); }));

  auto updates = h.Query([&](Store& s) { return s.ListUpdates(h.run_id, 1); }).value();
  std::map<std::string, int> reasons;
  for (const auto& u : updates) {
    if (u.outcome == "accepted") continue;
    EXPECT_EQ(u.outcome, "rejected");
    reasons[u.reason.substr(0, u.reason.find(':'))]++;
  }
  EXPECT_EQ(reasons["wrong_round"], 1);
  EXPECT_EQ(reasons["wrong_size"], 1);
  EXPECT_EQ(reasons["not_finite"], 1);
  EXPECT_EQ(reasons["bad_blob"], 1);
  const std::vector<float> model = h.Model(1);
  const std::vector<float> d = Delta(n, 1);
  for (std::size_t i = 0; i < n; ++i) EXPECT_NEAR(model[i], h.initial[i] + d[i], 1e-5);
  ASSERT_TRUE(l[2]->WaitReplies(1));
  EXPECT_TRUE(std::holds_alternative<protocol::Error>(l[2]->replies()[0]));
}

std::vector<float> RunOneRound(const std::vector<int>& order) {
  EngineHarness h(Options(4, 4, 20000, 1));
  std::vector<std::shared_ptr<testing::FakeLink>> l;
  for (const char* name : {"a", "b", "c", "d"}) l.push_back(h.Join(name));
  h.engine->Start(1, h.initial);
  EXPECT_TRUE(l[3]->WaitTasks(1));
  const std::size_t n = h.num_params();
  for (int i : order) {
    std::vector<float> d(n);
    for (std::size_t j = 0; j < n; ++j) d[j] = 0.1f * std::sin(static_cast<float>(i * 31 + j));
    h.Send(l[i], 1, 3 + i, Fp32Blob(d));
  }
  EXPECT_TRUE(h.journal.WaitFor([&] { return !h.journal.committed.empty(); }));
  return h.Model(1);
}

TEST(RoundEngine, AggregateDoesNotDependOnArrivalOrder) {
  const std::vector<float> forward = RunOneRound({0, 1, 2, 3});
  const std::vector<float> backward = RunOneRound({3, 2, 1, 0});
  const std::vector<float> shuffled = RunOneRound({2, 0, 3, 1});
  EXPECT_EQ(forward, backward);  // bit for bit
  EXPECT_EQ(forward, shuffled);
}

}  // namespace
}  // namespace fedq::coordinator
