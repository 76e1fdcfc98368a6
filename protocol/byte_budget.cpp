#include "protocol/byte_budget.hpp"

#include <algorithm>

namespace fedq::protocol {

std::shared_ptr<ByteBudget> ByteBudget::Create(std::size_t limit) {
  return std::make_shared<ByteBudget>(limit);
}

bool ByteBudget::FitsLocked(std::size_t bytes) const {
  return in_use_ == 0 || in_use_ + bytes <= limit_;
}

ByteBudget::Lease ByteBudget::MakeLease(std::size_t bytes) {
  // Points at the budget (never null, so a grant tests true); the deleter
  // gives the bytes back when the last copy goes.
  return Lease(this, [budget = shared_from_this(), bytes](const void*) { budget->Release(bytes); });
}

awaitable<ByteBudget::Lease> ByteBudget::Acquire(std::size_t bytes, std::shared_ptr<Wait> wait) {
  {
    std::lock_guard lock(mu_);
    if (waiters_.empty() && FitsLocked(bytes)) {
      in_use_ += bytes;
      peak_ = std::max(peak_, in_use_);
      co_return MakeLease(bytes);
    }
    wait->timer_.expires_at(asio::steady_timer::time_point::max());
    waiters_.push_back({bytes, wait});
  }
  // Woken by Release (granted) or by the owner's Cancel.
  boost::system::error_code ignored;
  co_await wait->timer_.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
  std::lock_guard lock(mu_);
  if (wait->granted_) co_return MakeLease(bytes);
  std::erase_if(waiters_, [&](const Waiter& w) { return w.wait == wait; });
  co_return nullptr;
}

void ByteBudget::Release(std::size_t bytes) {
  std::lock_guard lock(mu_);
  in_use_ -= bytes;
  while (!waiters_.empty() && FitsLocked(waiters_.front().bytes)) {
    Waiter next = std::move(waiters_.front());
    waiters_.pop_front();
    in_use_ += next.bytes;
    peak_ = std::max(peak_, in_use_);
    next.wait->granted_ = true;
    // The timer belongs to the waiter's strand: cancel it there.
    asio::post(next.wait->timer_.get_executor(), [wait = next.wait] { wait->timer_.cancel(); });
  }
}

std::size_t ByteBudget::in_use() const {
  std::lock_guard lock(mu_);
  return in_use_;
}

std::size_t ByteBudget::waiting() const {
  std::lock_guard lock(mu_);
  return waiters_.size();
}

std::size_t ByteBudget::peak() const {
  std::lock_guard lock(mu_);
  return peak_;
}

}  // namespace fedq::protocol
