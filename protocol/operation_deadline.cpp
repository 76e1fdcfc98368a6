#include "protocol/operation_deadline.hpp"

namespace fedq::protocol {

OperationDeadline::OperationDeadline(const asio::any_io_executor& executor,
                                     std::chrono::milliseconds timeout,
                                     std::function<void()> on_expire)
    : timer_(executor, timeout), state_(std::make_shared<State>()) {
  // The handler may already be queued when the operation completes; the
  // disarmed flag, not the cancel, is what keeps it from firing late.
  timer_.async_wait([state = state_, fn = std::move(on_expire)](boost::system::error_code ec) {
    if (ec || state->disarmed) return;
    state->expired = true;
    fn();
  });
}

OperationDeadline::~OperationDeadline() {
  state_->disarmed = true;
  timer_.cancel();
}

}  // namespace fedq::protocol
