// Implementation of loopback_fixture.hpp (the test glob only takes *_test.cpp),
// plus a check that the shared PKI is what the other tests assume.
#include "loopback_fixture.hpp"

#include <unistd.h>

#include <cstdlib>

#include "protocol/pki.hpp"
#include "protocol/version_negotiation.hpp"

namespace fedq::protocol::testing {
namespace {

namespace fs = std::filesystem;
constexpr auto kSafetyCap = std::chrono::seconds(20);

TlsConfig ClientConfig(const fs::path& ca, const IssuedCertificate& cert) {
  TlsConfig c;
  c.ca_file = ca;
  c.cert_file = cert.cert_file;
  c.key_file = cert.key_file;
  c.server_name = "localhost";
  return c;
}

void Check(const Status& s) {
  if (!s.ok()) {
    std::fprintf(stderr, "test PKI: %s\n", s.ToString().c_str());
    std::abort();
  }
}

template <typename T>
T Must(Result<T> r) {
  Check(r.status());
  return std::move(r).value();
}

TestPki MakePki() {
  TestPki pki;
  pki.root = fs::path(::testing::TempDir()) / ("fedq-protocol-pki-" + std::to_string(::getpid()));
  fs::remove_all(pki.root);
  PkiDirectory dir(pki.root / "main");
  Must(dir.InitCa("test CA"));
  const auto server = Must(dir.IssueServer("localhost", {"127.0.0.1"}));
  pki.server = {dir.ca_cert_file(), server.cert_file, server.key_file, dir.revocation_file(), ""};
  pki.good_client = ClientConfig(dir.ca_cert_file(), Must(dir.IssueClient("good")));
  pki.revoked_client = ClientConfig(dir.ca_cert_file(), Must(dir.IssueClient("revoked")));
  Must(dir.RevokeClient("revoked"));
  const Validity expired{-2 * 24 * 3600, 24 * 3600};
  pki.expired_client = ClientConfig(dir.ca_cert_file(), Must(dir.IssueClient("expired", expired)));
  PkiDirectory other(pki.root / "other");
  Must(other.InitCa("another CA"));
  pki.stranger_client = ClientConfig(dir.ca_cert_file(), Must(other.IssueClient("stranger")));
  pki.no_cert_client = pki.good_client;
  pki.no_cert_client.cert_file.clear();
  pki.no_cert_client.key_file.clear();
  return pki;
}

}  // namespace

const TestPki& SharedPki() {
  static const TestPki pki = MakePki();
  return pki;
}

LoopbackServer::LoopbackServer(ChannelOptions channel, size_t max_connections,
                               std::chrono::milliseconds handshake_timeout,
                               std::optional<TlsConfig> tls)
    : work_(asio::make_work_guard(io_)) {
  ListenerOptions options;
  options.tls = tls ? *tls : SharedPki().server;
  options.channel = channel;
  options.max_connections = max_connections;
  options.handshake_timeout = handshake_timeout;
  auto listener = Listener::Create(io_.get_executor(), options,
                                   [this](std::shared_ptr<Channel> c) { return Session(c); });
  Check(listener.status());
  listener_ = *listener;
  listener_->Start();
  thread_ = std::thread([this] { io_.run(); });
}

LoopbackServer::~LoopbackServer() {
  listener_->Stop();
  work_.reset();
  thread_.join();
}

void LoopbackServer::Record(SessionRecord record) {
  std::lock_guard lock(mutex_);
  sessions_.push_back(std::move(record));
  cv_.notify_all();
}

std::vector<SessionRecord> LoopbackServer::WaitForSessions(size_t n) {
  std::unique_lock lock(mutex_);
  const bool done = cv_.wait_for(lock, kSafetyCap, [&] { return sessions_.size() >= n; });
  EXPECT_TRUE(done) << "only " << sessions_.size() << " of " << n << " sessions ended";
  return sessions_;
}

bool LoopbackServer::WaitUntil(const std::function<bool()>& predicate) {
  const auto cap = std::chrono::steady_clock::now() + kSafetyCap;
  while (!predicate()) {
    if (std::chrono::steady_clock::now() > cap) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return true;
}

awaitable<void> LoopbackServer::Session(std::shared_ptr<Channel> channel) {
  SessionRecord record{Status::Ok(), channel->peer(), false};
  for (;;) {
    Result<Message> in = co_await channel->Receive();
    if (!in.ok()) {
      record.end = in.status();
      break;
    }
    if (const auto* hello = std::get_if<Hello>(&*in)) {
      const auto version = ChooseVersion(hello->protocol_versions);
      if (!version) {
        Error refusal = UnsupportedVersionError(hello->protocol_versions);
        co_await channel->Reject(std::move(refusal));
        record.end = FailedPrecondition("unsupported version");
        break;
      }
      channel->set_version(*version);
      const Message welcome = Welcome{"run-1", *version, {}, 0};
      const Status sent = co_await channel->Send(welcome);
      record.welcomed = sent.ok();
    } else if (const auto* update = std::get_if<Update>(&*in)) {
      const Message ack = Ack{update->run_id, update->round};
      const Status sent = co_await channel->Send(ack);
      (void)sent;
    } else if (const auto* flood = std::get_if<Heartbeat>(&*in);
               flood && flood->sequence == kFloodSequence) {
      Task task;
      task.model.assign(kFloodBytes, 0x5A);
      const Message big = std::move(task);
      const Status sent = co_await channel->Send(big);
      if (!sent.ok()) {
        record.end = sent;
        break;
      }
    } else if (const auto* beat = std::get_if<Heartbeat>(&*in)) {
      const Message echo = Heartbeat{beat->sequence + 1};
      const Status sent = co_await channel->Send(echo);
      (void)sent;
    } else if (std::holds_alternative<Bye>(*in)) {
      break;
    }
  }
  Record(std::move(record));
}

ClientConnector MakeConnector(const TlsConfig& tls, ChannelOptions channel) {
  ConnectorOptions options;
  options.tls = tls;
  options.channel = channel;
  options.connect_timeout = std::chrono::milliseconds(5000);
  options.handshake_timeout = std::chrono::milliseconds(5000);
  auto connector = ClientConnector::Create(options);
  Check(connector.status());
  return std::move(connector).value();
}

Hello GoodHello() { return Hello{"0.1.0", {1}, {"fp32", "int8"}, 16u << 20}; }

awaitable<Result<Message>> ConnectAndHello(ClientConnector connector, uint16_t port) {
  auto channel = co_await connector.Connect("127.0.0.1", port);
  if (!channel.ok()) co_return channel.status();
  const Message hello = GoodHello();
  if (Status s = co_await (*channel)->Send(hello); !s.ok()) co_return s;
  Result<Message> answer = co_await (*channel)->Receive();
  co_return answer;
}

awaitable<Status> FullExchange(ClientConnector connector, uint16_t port) {
  auto channel = co_await connector.Connect("127.0.0.1", port);
  if (!channel.ok()) co_return channel.status();
  auto& ch = **channel;
  const Message hello = GoodHello();
  FEDQ_CO_RETURN_IF_ERROR(co_await ch.Send(hello));
  Result<Message> welcome = co_await ch.Receive();
  if (!welcome.ok()) co_return welcome.status();
  if (!std::holds_alternative<Welcome>(*welcome)) co_return Internal("no Welcome");
  const Message update = Update{"run-1", 3, 600, {0.5, 1.25, {}}, Blob{1, 2, 3, 4}};
  FEDQ_CO_RETURN_IF_ERROR(co_await ch.Send(update));
  Result<Message> ack = co_await ch.Receive();
  if (!ack.ok()) co_return ack.status();
  if (!(std::get_if<Ack>(&*ack) && std::get<Ack>(*ack).round == 3)) co_return Internal("no Ack");
  const Message bye = Bye{"done"};
  FEDQ_CO_RETURN_IF_ERROR(co_await ch.Send(bye));
  ch.Close("test done");
  co_return Status::Ok();
}

awaitable<Result<Message>> SendRawAndReceive(ClientConnector connector, uint16_t port,
                                             std::vector<uint8_t> bytes) {
  auto channel = co_await connector.Connect("127.0.0.1", port);
  if (!channel.ok()) co_return channel.status();
  auto frame = std::make_shared<const OutgoingFrame>(RawOutgoingFrame(std::move(bytes)));
  if (Status s = co_await (*channel)->SendEncoded(frame); !s.ok()) co_return s;
  Result<Message> answer = co_await (*channel)->Receive();
  co_return answer;
}

TEST(LoopbackFixtureTest, PkiWritesKeysWithMode0600) {
  const TestPki& pki = SharedPki();
  const auto perms = fs::status(pki.good_client.key_file).permissions();
  EXPECT_EQ(perms & fs::perms::all, fs::perms::owner_read | fs::perms::owner_write);
  EXPECT_TRUE(fs::exists(pki.server.revocation_file));
}

}  // namespace fedq::protocol::testing
