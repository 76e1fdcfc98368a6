// OperationDeadline: the timeout of one network operation. Boost 1.74 has no
// cancel_after, so a steady_timer runs beside the operation and, if it fires
// first, calls on_expire (which cancels or closes the socket). Destroying the
// deadline disarms it. Use on the operation's executor (one strand); not
// thread-safe.
#pragma once

#include <chrono>
#include <functional>
#include <memory>

#include "protocol/asio.hpp"

namespace fedq::protocol {

class OperationDeadline {
 public:
  OperationDeadline(const asio::any_io_executor& executor, std::chrono::milliseconds timeout,
                    std::function<void()> on_expire);
  ~OperationDeadline();
  OperationDeadline(const OperationDeadline&) = delete;
  OperationDeadline& operator=(const OperationDeadline&) = delete;

  bool expired() const { return state_->expired; }

 private:
  struct State {
    bool expired = false;
    bool disarmed = false;
  };
  asio::steady_timer timer_;
  std::shared_ptr<State> state_;
};

}  // namespace fedq::protocol
