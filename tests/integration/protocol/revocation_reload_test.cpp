// Reloading the revocation list while the server runs (SIGHUP in
// fedq-coordinator): a certificate revoked since the start is refused from
// the next handshake and its open session is closed; the other clients
// carry on; a file that does not parse changes nothing.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "loopback_fixture.hpp"
#include "protocol/pki.hpp"

namespace fedq::protocol::testing {
namespace {

namespace fs = std::filesystem;

// Connects and is welcomed; the channel stays open for the test.
awaitable<Result<std::shared_ptr<Channel>>> Welcomed(ClientConnector connector, uint16_t port) {
  auto channel = co_await connector.Connect("127.0.0.1", port);
  if (!channel.ok()) co_return channel.status();
  const Message hello = GoodHello();
  if (Status s = co_await (*channel)->Send(hello); !s.ok()) co_return s;
  Result<Message> welcome = co_await (*channel)->Receive();
  if (!welcome.ok()) co_return welcome.status();
  if (!std::holds_alternative<Welcome>(*welcome)) co_return Internal("no Welcome");
  co_return *channel;
}

// A heartbeat and its echo over an open channel.
awaitable<Status> Beat(std::shared_ptr<Channel> channel) {
  const Message beat = Heartbeat{41};
  if (Status s = co_await channel->Send(beat); !s.ok()) co_return s;
  Result<Message> echo = co_await channel->Receive(std::chrono::milliseconds(5000));
  if (!echo.ok()) co_return echo.status();
  if (!std::holds_alternative<Heartbeat>(*echo)) co_return Internal("no Heartbeat echo");
  co_return Status::Ok();
}

class RevocationReloadTest : public ::testing::Test {
 protected:
  RevocationReloadTest()
      : root_(fs::path(::testing::TempDir()) /
              ("fedq-revocation-reload-" + std::to_string(::getpid()))),
        pki_(root_) {
    EXPECT_TRUE(pki_.InitCa("reload CA").ok());
    auto server = pki_.IssueServer("localhost", {"127.0.0.1"});
    EXPECT_TRUE(server.ok());
    server_tls_ = {pki_.ca_cert_file(), server->cert_file, server->key_file, pki_.revocation_file(),
                   ""};
    alice_ = Client("alice");
    bob_ = Client("bob");
  }
  ~RevocationReloadTest() override { fs::remove_all(root_); }

  TlsConfig Client(const std::string& name) {
    auto issued = pki_.IssueClient(name);
    EXPECT_TRUE(issued.ok()) << issued.status().ToString();
    return {pki_.ca_cert_file(), issued->cert_file, issued->key_file, "", "127.0.0.1"};
  }

  fs::path root_;
  PkiDirectory pki_;
  TlsConfig server_tls_, alice_, bob_;
};

TEST_F(RevocationReloadTest, RevokedClientIsDroppedAndRefusedTheOthersStay) {
  LoopbackServer server({}, 64, std::chrono::seconds(5), server_tls_);
  auto alice = server.Run(Welcomed(MakeConnector(alice_), server.port()));
  auto bob = server.Run(Welcomed(MakeConnector(bob_), server.port()));
  ASSERT_TRUE(alice.ok()) << alice.status().ToString();
  ASSERT_TRUE(bob.ok()) << bob.status().ToString();

  ASSERT_TRUE(pki_.RevokeClient("alice").ok());
  Result<Listener::Reloaded> reloaded = server.listener().ReloadRevocations();
  ASSERT_TRUE(reloaded.ok()) << reloaded.status().ToString();
  EXPECT_EQ(reloaded->revoked, 1u);
  EXPECT_EQ(reloaded->channels_closed, 1u);

  const std::vector<SessionRecord> ended = server.WaitForSessions(1);
  ASSERT_EQ(ended.size(), 1u);
  EXPECT_EQ(ended[0].peer.common_name, "alice");
  EXPECT_FALSE(server.Run(Beat(*alice)).ok()) << "alice's connection is closed";
  Result<Message> again = server.Run(ConnectAndHello(MakeConnector(alice_), server.port()));
  EXPECT_FALSE(again.ok() && std::holds_alternative<Welcome>(*again)) << "alice is refused";

  EXPECT_TRUE(server.Run(Beat(*bob)).ok()) << "bob's session is untouched";
  const Status newcomer = server.Run(FullExchange(MakeConnector(bob_), server.port()));
  EXPECT_TRUE(newcomer.ok()) << newcomer.ToString();
  (*bob)->Close("test done");
}

TEST_F(RevocationReloadTest, AFileThatDoesNotParseOrIsGoneKeepsTheOldList) {
  LoopbackServer server({}, 64, std::chrono::seconds(5), server_tls_);
  ASSERT_TRUE(pki_.RevokeClient("alice").ok());
  ASSERT_TRUE(server.listener().ReloadRevocations().ok());
  {
    std::ofstream out(pki_.revocation_file(), std::ios::app);
    out << "not a fingerprint\n";
  }
  Result<Listener::Reloaded> bad = server.listener().ReloadRevocations();
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), ErrorCode::kCorrupt);
  EXPECT_NE(bad.status().message().find(":2:"), std::string::npos) << bad.status().message();

  fs::rename(pki_.revocation_file(), root_ / "moved-away.txt");
  Result<Listener::Reloaded> gone = server.listener().ReloadRevocations();
  EXPECT_EQ(gone.status().code(), ErrorCode::kNotFound) << gone.status().ToString();

  Result<Message> alice = server.Run(ConnectAndHello(MakeConnector(alice_), server.port()));
  EXPECT_FALSE(alice.ok() && std::holds_alternative<Welcome>(*alice)) << "still revoked";
  const Status bob = server.Run(FullExchange(MakeConnector(bob_), server.port()));
  EXPECT_TRUE(bob.ok()) << bob.ToString();
}

}  // namespace
}  // namespace fedq::protocol::testing
