// The one way fedq includes Boost.Asio with C++20 coroutines and SSL.
// Boost 1.74's awaitable.hpp uses std::exchange without including <utility>.
#pragma once

// clang-format off
#include <utility>
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
// clang-format on

namespace fedq::protocol {

namespace asio = boost::asio;
using tcp = boost::asio::ip::tcp;
template <typename T>
using awaitable = boost::asio::awaitable<T>;

}  // namespace fedq::protocol
