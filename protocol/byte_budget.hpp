// ByteBudget: bounds the memory of frames being received or waiting to be
// used, across every channel that shares it. A channel acquires its frame's
// bytes after the header and before allocating the body; while it waits it
// reads nothing, so TCP pushes back on the sender instead of the process
// growing with the number of clients. The grant is a Lease that travels with
// the message and gives the bytes back when its last copy is destroyed.
// Waiters are served in arrival order; a frame larger than the whole budget
// is let in when nothing else holds any. Thread-safe; lives in a shared_ptr.
#pragma once

#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>

#include "protocol/asio.hpp"

namespace fedq::protocol {

class ByteBudget : public std::enable_shared_from_this<ByteBudget> {
 public:
  using Lease = std::shared_ptr<const void>;  // null: not granted

  // One pending Acquire; its owner may cancel the wait (on the waiter's
  // executor), which makes Acquire return a null Lease.
  class Wait {
   public:
    explicit Wait(const asio::any_io_executor& executor) : timer_(executor) {}
    void Cancel() { timer_.cancel(); }

   private:
    friend class ByteBudget;
    asio::steady_timer timer_;
    bool granted_ = false;  // guarded by the budget's mutex
  };

  static std::shared_ptr<ByteBudget> Create(std::size_t limit);
  explicit ByteBudget(std::size_t limit) : limit_(limit) {}

  // Resolves once `bytes` fit. `wait` must be made on the calling
  // coroutine's executor (a strand) and outlive the call.
  awaitable<Lease> Acquire(std::size_t bytes, std::shared_ptr<Wait> wait);

  std::size_t limit() const { return limit_; }
  std::size_t in_use() const;
  std::size_t peak() const;  // most bytes ever held at once
  std::size_t waiting() const;

 private:
  struct Waiter {
    std::size_t bytes;
    std::shared_ptr<Wait> wait;
  };
  bool FitsLocked(std::size_t bytes) const;
  Lease MakeLease(std::size_t bytes);
  void Release(std::size_t bytes);

  const std::size_t limit_;
  mutable std::mutex mu_;
  std::size_t in_use_ = 0;
  std::size_t peak_ = 0;
  std::deque<Waiter> waiters_;
};

}  // namespace fedq::protocol
