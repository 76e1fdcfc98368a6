#include "protocol/byte_budget.hpp"

#include <gtest/gtest.h>

#include <optional>

namespace fedq::protocol {
namespace {

// One Acquire run as a coroutine on a single-threaded io_context; the test
// steps the context with poll() and looks at what was granted.
class Request {
 public:
  Request(asio::io_context& io, std::shared_ptr<ByteBudget> budget, std::size_t bytes)
      : strand_(asio::make_strand(io)), wait_(std::make_shared<ByteBudget::Wait>(strand_)) {
    asio::co_spawn(
        strand_,
        [this, budget, bytes]() -> awaitable<void> {
          lease_ = co_await budget->Acquire(bytes, wait_);
          done_ = true;
        },
        asio::detached);
  }
  bool done() const { return done_; }
  bool granted() const { return done_ && lease_ != nullptr; }
  void Cancel() {
    asio::post(strand_, [wait = wait_] { wait->Cancel(); });
  }
  void Drop() { lease_.reset(); }

 private:
  asio::strand<asio::io_context::executor_type> strand_;
  std::shared_ptr<ByteBudget::Wait> wait_;
  ByteBudget::Lease lease_;
  bool done_ = false;
};

TEST(ByteBudget, GrantsAtOnceWhatFitsAndTakesItBackWithTheLastCopy) {
  asio::io_context io;
  auto keep_running = asio::make_work_guard(io);  // poll() stops an idle context
  auto budget = ByteBudget::Create(100);
  std::optional<Request> a(std::in_place, io, budget, 60);
  io.poll();
  ASSERT_TRUE(a->granted());
  EXPECT_EQ(budget->in_use(), 60u);
  a->Drop();
  EXPECT_EQ(budget->in_use(), 0u);
  EXPECT_EQ(budget->peak(), 60u);
}

TEST(ByteBudget, WaitsUntilEnoughIsGivenBackInArrivalOrder) {
  asio::io_context io;
  auto keep_running = asio::make_work_guard(io);  // poll() stops an idle context
  auto budget = ByteBudget::Create(100);
  Request a(io, budget, 60), big(io, budget, 70), small(io, budget, 10);
  io.poll();
  EXPECT_TRUE(a.granted());
  EXPECT_FALSE(big.done());
  EXPECT_FALSE(small.done()) << "10 would fit, but it came after a waiter: no overtaking";
  a.Drop();
  io.poll();
  EXPECT_TRUE(big.granted());
  EXPECT_TRUE(small.granted());
  EXPECT_EQ(budget->in_use(), 80u);
  EXPECT_LE(budget->peak(), 100u);
}

TEST(ByteBudget, AFrameLargerThanTheBudgetPassesAlone) {
  asio::io_context io;
  auto keep_running = asio::make_work_guard(io);  // poll() stops an idle context
  auto budget = ByteBudget::Create(100);
  Request a(io, budget, 10);
  io.poll();
  Request huge(io, budget, 500);
  io.poll();
  EXPECT_FALSE(huge.done());
  a.Drop();
  io.poll();
  EXPECT_TRUE(huge.granted());
  EXPECT_EQ(budget->in_use(), 500u);
  Request next(io, budget, 1);
  io.poll();
  EXPECT_FALSE(next.done());
  huge.Drop();
  io.poll();
  EXPECT_TRUE(next.granted());
}

TEST(ByteBudget, ACancelledWaitGetsNothingAndHoldsNothing) {
  asio::io_context io;
  auto keep_running = asio::make_work_guard(io);  // poll() stops an idle context
  auto budget = ByteBudget::Create(100);
  Request a(io, budget, 90), b(io, budget, 50), c(io, budget, 20);
  io.poll();
  b.Cancel();
  io.poll();
  EXPECT_TRUE(b.done());
  EXPECT_FALSE(b.granted());
  EXPECT_FALSE(c.done());
  a.Drop();
  io.poll();
  EXPECT_TRUE(c.granted());
  EXPECT_EQ(budget->in_use(), 20u);
}

}  // namespace
}  // namespace fedq::protocol
