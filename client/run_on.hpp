// RunOn: runs a blocking function on another executor (the training pool)
// and resumes the awaiting coroutine on its own executor with the result,
// so that training never blocks the network thread. Header-only; the
// function and what it references must outlive the call (the awaiting
// coroutine keeps them alive while it is suspended).
#pragma once

#include <type_traits>
#include <utility>

#include "protocol/asio.hpp"

namespace fedq::client {

template <typename Fn>
auto RunOn(protocol::asio::any_io_executor pool, Fn fn)
    -> protocol::awaitable<std::invoke_result_t<Fn&>> {
  namespace asio = protocol::asio;
  using R = std::invoke_result_t<Fn&>;
  auto initiate = [pool, fn = std::move(fn)](auto handler) mutable {
    // The guard keeps the awaiting side's io_context running until the
    // result is delivered.
    auto work = asio::make_work_guard(asio::get_associated_executor(handler));
    asio::post(
        pool, [fn = std::move(fn), handler = std::move(handler), work = std::move(work)]() mutable {
          R result = fn();
          auto home = work.get_executor();
          asio::post(home, [handler = std::move(handler), result = std::move(result)]() mutable {
            handler(std::move(result));
          });
        });
  };
  co_return co_await asio::async_initiate<decltype(asio::use_awaitable), void(R)>(
      std::move(initiate), asio::use_awaitable);
}

}  // namespace fedq::client
