#include "coordinator/round_state.hpp"

#include <gtest/gtest.h>

namespace fedq::coordinator {
namespace {

RoundState ThreeClients() {
  std::vector<ParticipantRecord> selected(3);
  for (int i = 0; i < 3; ++i) selected[i].key = std::to_string(10 + i);
  return RoundState(/*run_id=*/"r1", /*round=*/4, /*attempt=*/0, selected);
}

TEST(RoundState, AdmitsOnlyTheTaskItIssued) {
  RoundState s = ThreeClients();
  EXPECT_EQ(s.Admit("99", "r1", 4), RejectReason::kNoTask);
  EXPECT_EQ(s.Admit("10", "r2", 4), RejectReason::kWrongRun);
  EXPECT_EQ(s.Admit("10", "r1", 3), RejectReason::kWrongRound);
  EXPECT_EQ(s.Admit("10", "r1", 4), RejectReason::kNone);
  EXPECT_EQ(s.Admit("10", "r1", 4), RejectReason::kDuplicate);
}

TEST(RoundState, CompleteWhenEveryParticipantAnsweredOrLeft) {
  RoundState s = ThreeClients();
  EXPECT_FALSE(s.AllAnswered());
  ASSERT_EQ(s.Admit("10", "r1", 4), RejectReason::kNone);
  s.Disconnected("11");
  EXPECT_FALSE(s.AllAnswered());
  ASSERT_EQ(s.Admit("12", "r1", 4), RejectReason::kNone);
  EXPECT_TRUE(s.AllAnswered());
  EXPECT_FALSE(s.ChecksDone());
  s.Accept("10", 100, 1000, 0.5, 1.0);
  s.Reject("12", RejectReason::kNotFinite, "NaN at 3", 1000);
  EXPECT_TRUE(s.ChecksDone());
  EXPECT_EQ(s.accepted(), 1);
  EXPECT_EQ(s.accepted_samples(), 100u);
  EXPECT_EQ(s.bytes_up(), 2000u);
}

TEST(RoundState, DisconnectAfterUpdateStillCounts) {
  RoundState s = ThreeClients();
  ASSERT_EQ(s.Admit("10", "r1", 4), RejectReason::kNone);
  s.Disconnected("10");
  s.Accept("10", 5, 10, 0, 0);
  EXPECT_EQ(s.accepted(), 1);
}

TEST(RoundState, DeadlineTimesOutTheSilentAndRefusesLateUpdates) {
  RoundState s = ThreeClients();
  ASSERT_EQ(s.Admit("10", "r1", 4), RejectReason::kNone);
  s.CloseAtDeadline();
  EXPECT_TRUE(s.AllAnswered());
  EXPECT_EQ(s.Admit("11", "r1", 4), RejectReason::kLate);
  const auto records = s.records();
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[1].state, ParticipantState::kTimedOut);
}

}  // namespace
}  // namespace fedq::coordinator
