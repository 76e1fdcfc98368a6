// Mutual TLS over loopback: who gets in and who is refused at the handshake.
#include <openssl/ssl.h>

#include "loopback_fixture.hpp"

namespace fedq::protocol::testing {
namespace {

class HandshakeTest : public ::testing::Test {
 protected:
  // A client that must not get a session: no Welcome, a handshake failure
  // counted by the listener, and afterwards a good client still works.
  void ExpectRefused(const TlsConfig& tls) {
    const uint64_t failures = server_.listener().stats().handshake_failures;
    Result<Message> answer = server_.Run(ConnectAndHello(MakeConnector(tls), server_.port()));
    EXPECT_FALSE(answer.ok() && std::holds_alternative<Welcome>(*answer));
    EXPECT_TRUE(server_.WaitUntil(
        [&] { return server_.listener().stats().handshake_failures == failures + 1; }));
    EXPECT_EQ(server_.listener().stats().sessions_started, 0u);
    ExpectGoodClientWorks();
  }

  void ExpectGoodClientWorks() {
    const Status s =
        server_.Run(FullExchange(MakeConnector(SharedPki().good_client), server_.port()));
    EXPECT_TRUE(s.ok()) << s.ToString();
  }

  LoopbackServer server_;
};

TEST_F(HandshakeTest, GoodClientCompletesHelloWelcomeAndExchange) {
  ExpectGoodClientWorks();
  const auto sessions = server_.WaitForSessions(1);
  ASSERT_EQ(sessions.size(), 1u);
  EXPECT_TRUE(sessions[0].welcomed);
  EXPECT_TRUE(sessions[0].end.ok()) << sessions[0].end.ToString();
  EXPECT_EQ(sessions[0].peer.common_name, "good");
  EXPECT_EQ(sessions[0].peer.sha256_fingerprint_hex.size(), 64u);
  EXPECT_EQ(sessions[0].peer.tls_cipher, "TLS_AES_128_GCM_SHA256");
}

TEST_F(HandshakeTest, RefusesClientWithoutCertificate) {
  ExpectRefused(SharedPki().no_cert_client);
}
TEST_F(HandshakeTest, RefusesCertificateFromAnotherCa) {
  ExpectRefused(SharedPki().stranger_client);
}
TEST_F(HandshakeTest, RefusesExpiredCertificate) { ExpectRefused(SharedPki().expired_client); }
TEST_F(HandshakeTest, RefusesRevokedCertificate) { ExpectRefused(SharedPki().revoked_client); }

TEST_F(HandshakeTest, ClientRefusesCoordinatorWithWrongHostName) {
  TlsConfig tls = SharedPki().good_client;
  tls.server_name = "coordinator.example.org";
  Result<Message> answer = server_.Run(ConnectAndHello(MakeConnector(tls), server_.port()));
  ASSERT_FALSE(answer.ok());
  EXPECT_EQ(answer.status().code(), ErrorCode::kPermissionDenied) << answer.status().ToString();
  ExpectGoodClientWorks();
}

TEST_F(HandshakeTest, ClientVerifiesCoordinatorByIpAddress) {
  TlsConfig tls = SharedPki().good_client;
  tls.server_name = "127.0.0.1";  // the server certificate carries IP:127.0.0.1
  const Status s = server_.Run(FullExchange(MakeConnector(tls), server_.port()));
  EXPECT_TRUE(s.ok()) << s.ToString();
}

awaitable<boost::system::error_code> Tls12Handshake(uint16_t port) {
  const TlsConfig& tls = SharedPki().good_client;
  asio::ssl::context ctx(asio::ssl::context::tls_client);
  SSL_CTX_set_max_proto_version(ctx.native_handle(), TLS1_2_VERSION);
  ctx.load_verify_file(tls.ca_file.string());
  ctx.use_certificate_chain_file(tls.cert_file.string());
  ctx.use_private_key_file(tls.key_file.string(), asio::ssl::context::pem);
  asio::ssl::stream<tcp::socket> stream(co_await asio::this_coro::executor, ctx);
  boost::system::error_code ec;
  co_await stream.lowest_layer().async_connect(
      tcp::endpoint(asio::ip::make_address("127.0.0.1"), port),
      asio::redirect_error(asio::use_awaitable, ec));
  if (ec) co_return ec;
  co_await stream.async_handshake(asio::ssl::stream_base::client,
                                  asio::redirect_error(asio::use_awaitable, ec));
  co_return ec;
}

TEST_F(HandshakeTest, RefusesTls12EvenWithAGoodCertificate) {
  const boost::system::error_code ec = server_.Run(Tls12Handshake(server_.port()));
  EXPECT_TRUE(ec) << "a TLS 1.2 handshake succeeded";
  EXPECT_TRUE(
      server_.WaitUntil([&] { return server_.listener().stats().handshake_failures == 1; }));
  ExpectGoodClientWorks();
}

TEST_F(HandshakeTest, RefusesUnsupportedProtocolVersionWithTheSupportedList) {
  auto client = [](ClientConnector connector, uint16_t port) -> awaitable<Result<Message>> {
    auto channel = co_await connector.Connect("127.0.0.1", port);
    if (!channel.ok()) co_return channel.status();
    Hello hello = GoodHello();
    hello.protocol_versions = {7, 9};
    const Message message = hello;
    if (Status s = co_await (*channel)->Send(message); !s.ok()) co_return s;
    Result<Message> answer = co_await (*channel)->Receive();
    co_return answer;
  };
  Result<Message> answer =
      server_.Run(client(MakeConnector(SharedPki().good_client), server_.port()));
  ASSERT_TRUE(answer.ok()) << answer.status().ToString();
  const auto* error = std::get_if<Error>(&*answer);
  ASSERT_NE(error, nullptr);
  EXPECT_EQ(error->code, WireError::kUnsupportedVersion);
  EXPECT_EQ(error->supported_versions, std::vector<uint16_t>({1}));
  EXPECT_NE(error->message.find("supports [1]"), std::string::npos) << error->message;
  ExpectGoodClientWorks();
}

}  // namespace
}  // namespace fedq::protocol::testing
