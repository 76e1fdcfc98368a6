// Deadlines on the handshake and on writes, and the connection cap: each
// misbehaving peer is dropped, and a good client still gets through.
#include "loopback_fixture.hpp"

namespace fedq::protocol::testing {
namespace {

using namespace std::chrono_literals;

ChannelOptions FastDeadlines() {
  ChannelOptions o;
  o.read_timeout = 2000ms;
  o.write_timeout = 200ms;
  return o;
}

Status GoodExchange(LoopbackServer& server) {
  return server.Run(FullExchange(MakeConnector(SharedPki().good_client), server.port()));
}

// Opens TCP, says nothing, and waits for the server to hang up.
awaitable<boost::system::error_code> SilentTcpPeer(uint16_t port) {
  tcp::socket socket(co_await asio::this_coro::executor);
  boost::system::error_code ec;
  co_await socket.async_connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port),
                                asio::redirect_error(asio::use_awaitable, ec));
  if (ec) co_return ec;
  char byte;
  co_await socket.async_read_some(asio::buffer(&byte, 1),
                                  asio::redirect_error(asio::use_awaitable, ec));
  co_return ec;
}

TEST(ListenerLimitsTest, DropsPeerThatNeverHandshakes) {
  LoopbackServer server(FastDeadlines(), 64, 200ms);
  const boost::system::error_code ec = server.Run(SilentTcpPeer(server.port()));
  EXPECT_EQ(ec, asio::error::eof) << ec.message();
  EXPECT_EQ(server.listener().stats().handshake_failures, 1u);
  EXPECT_TRUE(GoodExchange(server).ok());
}

// Hello, then asks for a 15 MiB Task and never reads it.
awaitable<Status> AskForFloodAndStopReading(ClientConnector connector, uint16_t port,
                                            LoopbackServer* server) {
  auto channel = co_await connector.Connect("127.0.0.1", port);
  if (!channel.ok()) co_return channel.status();
  const Message hello = GoodHello();
  FEDQ_CO_RETURN_IF_ERROR(co_await (*channel)->Send(hello));
  Result<Message> welcome = co_await (*channel)->Receive();
  if (!welcome.ok()) co_return welcome.status();
  const Message flood = Heartbeat{kFloodSequence};
  FEDQ_CO_RETURN_IF_ERROR(co_await (*channel)->Send(flood));
  // Hold the connection open, unread, until the server's session has ended.
  asio::steady_timer timer(co_await asio::this_coro::executor);
  for (int i = 0; i < 2000 && server->listener().stats().active > 0; ++i) {
    timer.expires_after(5ms);
    co_await timer.async_wait(asio::use_awaitable);
  }
  (*channel)->Close("test done");
  co_return Status::Ok();
}

TEST(ListenerLimitsTest, WriteDeadlineDropsPeerThatDoesNotRead) {
  LoopbackServer server(FastDeadlines());
  const Status client = server.Run(
      AskForFloodAndStopReading(MakeConnector(SharedPki().good_client), server.port(), &server));
  EXPECT_TRUE(client.ok()) << client.ToString();
  const auto sessions = server.WaitForSessions(1);
  EXPECT_EQ(sessions.at(0).end.code(), ErrorCode::kTimeout) << sessions[0].end.ToString();
  EXPECT_TRUE(GoodExchange(server).ok());
}

// Connects and says Hello, then keeps the session open until told to go.
awaitable<Result<std::shared_ptr<Channel>>> OpenSession(ClientConnector connector, uint16_t port) {
  auto channel = co_await connector.Connect("127.0.0.1", port);
  if (!channel.ok()) co_return channel.status();
  const Message hello = GoodHello();
  FEDQ_CO_RETURN_IF_ERROR(co_await (*channel)->Send(hello));
  Result<Message> welcome = co_await (*channel)->Receive();
  if (!welcome.ok()) co_return welcome.status();
  co_return *channel;
}

awaitable<Status> SayBye(std::shared_ptr<Channel> channel) {
  const Message bye = Bye{"leaving"};
  const Status sent = co_await channel->Send(bye);
  channel->Close("test done");
  co_return sent;
}

TEST(ListenerLimitsTest, RefusesConnectionsBeyondTheCap) {
  LoopbackServer server(FastDeadlines(), /*max_connections=*/1);
  auto first = server.Run(OpenSession(MakeConnector(SharedPki().good_client), server.port()));
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  auto second = server.Run(OpenSession(MakeConnector(SharedPki().good_client), server.port()));
  EXPECT_FALSE(second.ok());
  EXPECT_EQ(server.listener().stats().refused_over_cap, 1u);
  EXPECT_TRUE(server.Run(SayBye(*first)).ok());
  server.WaitForSessions(1);
  EXPECT_TRUE(server.WaitUntil([&] { return server.listener().stats().active == 0; }));
  EXPECT_TRUE(GoodExchange(server).ok());
}

}  // namespace
}  // namespace fedq::protocol::testing
