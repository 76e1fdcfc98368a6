// The receive budget on real channels: a channel whose frame does not fit
// waits, reading nothing, until bytes are given back; closing the channel
// ends the wait.
#include <future>

#include "loopback_fixture.hpp"

namespace fedq::protocol::testing {
namespace {

constexpr std::size_t kBudget = 1 << 20;

awaitable<ByteBudget::Lease> TakeAll(std::shared_ptr<ByteBudget> budget) {
  auto wait = std::make_shared<ByteBudget::Wait>(co_await asio::this_coro::executor);
  co_return co_await budget->Acquire(kBudget, wait);
}

class ReceiveBudgetTest : public ::testing::Test {
 protected:
  ReceiveBudgetTest() : budget_(ByteBudget::Create(kBudget)), server_(Options(budget_)) {}
  static ChannelOptions Options(std::shared_ptr<ByteBudget> budget) {
    ChannelOptions o;
    o.receive_budget = std::move(budget);
    return o;
  }
  // A client's Hello, sent while the whole budget is held elsewhere.
  std::future<Result<Message>> HelloWhileBudgetIsHeld() {
    held_ = server_.Run(TakeAll(budget_));
    EXPECT_TRUE(held_ != nullptr);
    auto answer = std::make_shared<std::promise<Result<Message>>>();
    auto future = answer->get_future();
    asio::co_spawn(
        server_.io(),
        [](ClientConnector c, uint16_t port, auto answer) -> awaitable<void> {
          answer->set_value(co_await ConnectAndHello(std::move(c), port));
        }(MakeConnector(SharedPki().good_client), server_.port(), answer),
        asio::detached);
    EXPECT_TRUE(server_.WaitUntil([&] { return budget_->waiting() == 1; }));
    return future;
  }

  std::shared_ptr<ByteBudget> budget_;
  LoopbackServer server_;
  ByteBudget::Lease held_;
};

TEST_F(ReceiveBudgetTest, FrameWaitsUntilTheBudgetHasRoomThenIsServed) {
  std::future<Result<Message>> answer = HelloWhileBudgetIsHeld();
  EXPECT_EQ(answer.wait_for(std::chrono::milliseconds(0)), std::future_status::timeout);
  held_.reset();  // gives the bytes back: the waiting Hello is read and answered
  Result<Message> welcome = answer.get();
  ASSERT_TRUE(welcome.ok()) << welcome.status().ToString();
  EXPECT_TRUE(std::holds_alternative<Welcome>(*welcome));
  EXPECT_TRUE(server_.WaitUntil([&] { return budget_->waiting() == 0; }));
  EXPECT_LE(budget_->peak(), kBudget);
}

TEST_F(ReceiveBudgetTest, ClosingTheChannelEndsTheWaitAndHoldsNothing) {
  std::future<Result<Message>> answer = HelloWhileBudgetIsHeld();
  server_.listener().Stop();  // closes every channel, the waiting one too
  const std::vector<SessionRecord> sessions = server_.WaitForSessions(1);
  ASSERT_EQ(sessions.size(), 1u);
  EXPECT_EQ(sessions[0].end.code(), ErrorCode::kUnavailable) << sessions[0].end.ToString();
  EXPECT_FALSE(answer.get().ok());
  EXPECT_EQ(budget_->waiting(), 0u);
  held_.reset();
  EXPECT_EQ(budget_->in_use(), 0u);
}

}  // namespace
}  // namespace fedq::protocol::testing
