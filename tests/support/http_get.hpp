// A plain HTTP/1.1 client for tests of the coordinator's status server: one
// request over a fresh loopback connection, read to EOF (the server closes
// after replying). Blocking; any thread.
#pragma once

#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <cstdint>
#include <string>

namespace fedq::testing {

struct HttpReply {
  int status = 0;  // 0: no parsable reply
  std::string headers;
  std::string body;
};

inline HttpReply HttpFetch(std::uint16_t port, const std::string& request) {
  namespace asio = boost::asio;
  asio::io_context ioc;
  asio::ip::tcp::socket socket(ioc);
  boost::system::error_code ec;
  socket.connect({asio::ip::make_address("127.0.0.1"), port}, ec);
  EXPECT_FALSE(ec) << ec.message();
  asio::write(socket, asio::buffer(request), ec);
  std::string raw;
  asio::read(socket, asio::dynamic_buffer(raw), ec);  // to EOF
  HttpReply r;
  const std::size_t split = raw.find("\r\n\r\n");
  if (raw.size() < 12 || split == std::string::npos) return r;
  r.status = std::stoi(raw.substr(9, 3));
  r.headers = raw.substr(0, split);
  r.body = raw.substr(split + 4);
  return r;
}

inline HttpReply HttpGet(std::uint16_t port, const std::string& target,
                         const std::string& method = "GET") {
  return HttpFetch(
      port, method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
}

}  // namespace fedq::testing
