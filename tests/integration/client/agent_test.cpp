// The Agent against a scripted coordinator built on the real Listener, over
// loopback mutual TLS: Hello/Welcome, a Task, the Update that comes back;
// refusal of a certificate from another CA; reconnection once the
// coordinator comes up; Stop says Bye; the residual survives a restart.
#include "client/agent.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <future>
#include <thread>

#include "client/state_file.hpp"
#include "common/codec/codec.hpp"
#include "common/mlp.hpp"
#include "protocol/pki.hpp"
#include "protocol/server.hpp"
#include "support/tiny_data.hpp"

namespace fedq::client {
namespace {

namespace asio = protocol::asio;
using namespace std::chrono_literals;

const std::vector<int> kLayers = {4, 8, 3};

std::shared_ptr<const Dataset> TinyData() { return testing::TinySeparableData(30, 0.1); }

class AgentTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("fedq_agent_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    protocol::PkiDirectory pki(dir_ / "pki");
    ASSERT_TRUE(pki.InitCa().ok());
    ASSERT_TRUE(pki.IssueServer("localhost", {"127.0.0.1"}).ok());
    ASSERT_TRUE(pki.IssueClient("dev-1").ok());
    protocol::PkiDirectory other(dir_ / "other");
    ASSERT_TRUE(other.InitCa().ok());
    ASSERT_TRUE(other.IssueClient("dev-1").ok());
    auto mlp = Mlp::Create(kLayers, 3);
    ASSERT_TRUE(mlp.ok());
    global_.assign(mlp->params().begin(), mlp->params().end());
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  protocol::ListenerOptions ServerOptions(uint16_t port = 0) {
    protocol::ListenerOptions o;
    o.port = port;
    o.tls.ca_file = dir_ / "pki" / "ca.crt";
    o.tls.cert_file = dir_ / "pki" / "servers" / "localhost.crt";
    o.tls.key_file = dir_ / "pki" / "servers" / "localhost.key";
    o.handshake_timeout = 5s;
    return o;
  }

  AgentOptions ClientOptions(uint16_t port, const std::string& pki = "pki") {
    AgentOptions o;
    o.name = "dev-1";
    o.port = port;
    o.connector.tls.ca_file = dir_ / "pki" / "ca.crt";
    o.connector.tls.cert_file = dir_ / pki / "clients" / "dev-1.crt";
    o.connector.tls.key_file = dir_ / pki / "clients" / "dev-1.key";
    o.connector.tls.server_name = "127.0.0.1";
    o.connector.connect_timeout = 2s;
    o.connector.handshake_timeout = 2s;
    o.backoff = {20ms, 100ms, 2.0, 0.1, 0};
    o.io_timeout = 10s;
    o.layers = kLayers;
    return o;
  }

  protocol::Task MakeTask(uint64_t round, const std::string& codec) {
    protocol::Task t;
    t.run_id = "run-1";
    t.round = round;
    auto blob = codec::Encode(*codec::ParseSpec("fp32"), global_, nullptr, 0);
    t.model = *blob;
    t.config.epochs = 1;
    t.config.batch_size = 8;
    t.config.learning_rate = 0.1;
    t.config.seed = 5;
    t.uplink_codec = codec;
    return t;
  }

  // A coordinator that welcomes, sends `tasks`, collects the Updates, then
  // waits for the client's Bye (or the end of the connection).
  static protocol::Listener::SessionHandler Script(std::vector<protocol::Task> tasks,
                                                   std::vector<protocol::Update>* updates,
                                                   std::atomic<bool>* got_bye) {
    // Not a coroutine lambda: its captures would die with the lambda object.
    return [tasks, updates, got_bye](std::shared_ptr<protocol::Channel> ch) {
      return ScriptSession(tasks, updates, got_bye, std::move(ch));
    };
  }

  static protocol::awaitable<void> ScriptSession(std::vector<protocol::Task> tasks,
                                                 std::vector<protocol::Update>* updates,
                                                 std::atomic<bool>* got_bye,
                                                 std::shared_ptr<protocol::Channel> ch) {
    auto hello = co_await ch->Receive();
    if (!hello.ok() || !std::holds_alternative<protocol::Hello>(*hello)) co_return;
    protocol::Welcome w;
    w.run_id = "run-1";
    const Status welcomed = co_await ch->Send(w);
    if (!welcomed.ok()) co_return;
    for (const auto& t : tasks) {
      const Status sent = co_await ch->Send(t);
      if (!sent.ok()) co_return;
      auto m = co_await ch->Receive();
      if (!m.ok()) co_return;
      if (auto* u = std::get_if<protocol::Update>(&*m)) {
        updates->push_back(*u);
        const protocol::Ack ack{u->run_id, u->round};
        const Status acked = co_await ch->Send(ack);
        if (!acked.ok()) co_return;
      }
    }
    for (;;) {
      auto m = co_await ch->Receive();
      if (!m.ok()) co_return;
      if (std::holds_alternative<protocol::Bye>(*m)) {
        *got_bye = true;
        co_return;
      }
    }
  }

  std::filesystem::path dir_;
  std::vector<float> global_;
};

// Runs the agent on `io` in a thread; returns the future of Run's status.
std::future<Status> Launch(asio::io_context& io, Agent& agent) {
  auto promise = std::make_shared<std::promise<Status>>();
  auto future = promise->get_future();
  asio::co_spawn(io, agent.Run(), [promise](std::exception_ptr e, Status s) {
    promise->set_value(e ? Internal("threw") : s);
  });
  return future;
}

template <typename Pred>
bool WaitFor(Pred pred) {
  for (int i = 0; i < 3000 && !pred(); ++i) std::this_thread::sleep_for(10ms);
  return pred();
}

TEST_F(AgentTest, TrainsAndUploadsAnUpdateThatDecodesToTheModelSize) {
  asio::io_context io;
  asio::thread_pool pool(1);
  std::vector<protocol::Update> updates;
  std::atomic<bool> bye{false};
  auto listener = protocol::Listener::Create(
      io.get_executor(), ServerOptions(),
      Script({MakeTask(1, "int8"), MakeTask(2, "topk:0.1+int8")}, &updates, &bye));
  ASSERT_TRUE(listener.ok()) << listener.status().ToString();
  (*listener)->Start();
  Agent agent(ClientOptions((*listener)->port()),
              std::make_shared<MlpLocalTrainer>(LocalData{TinyData(), {0, 1, 2, 3, 4, 5, 6, 7, 8}}),
              pool.get_executor());
  auto done = Launch(io, agent);
  std::thread runner([&] { io.run(); });
  ASSERT_TRUE(WaitFor([&] { return agent.stats().updates_sent.load() == 2; }));
  agent.Stop();
  ASSERT_TRUE(WaitFor([&] { return bye.load(); }));
  EXPECT_TRUE(done.get().ok());
  (*listener)->Stop();
  runner.join();
  ASSERT_EQ(updates.size(), 2u);
  EXPECT_EQ(updates[0].round, 1u);
  EXPECT_EQ(updates[0].num_samples, 9u);
  auto delta = codec::Decode(updates[0].blob);
  ASSERT_TRUE(delta.ok()) << delta.status().ToString();
  EXPECT_EQ(delta->size(), global_.size());
  auto info = codec::Inspect(updates[1].blob);
  ASSERT_TRUE(info.ok());
  EXPECT_LT(info->values, global_.size());  // top-k is sparse
  EXPECT_EQ(agent.stats().uplink_bytes.load(), updates[0].blob.size() + updates[1].blob.size());
}

TEST_F(AgentTest, CertificateFromAnotherCaIsRefusedWithAClearMessage) {
  asio::io_context io;
  asio::thread_pool pool(1);
  std::vector<protocol::Update> updates;
  std::atomic<bool> bye{false};
  auto listener =
      protocol::Listener::Create(io.get_executor(), ServerOptions(), Script({}, &updates, &bye));
  ASSERT_TRUE(listener.ok());
  (*listener)->Start();
  Agent agent(ClientOptions((*listener)->port(), "other"),
              std::make_shared<MlpLocalTrainer>(LocalData{TinyData(), {}}), pool.get_executor());
  auto done = Launch(io, agent);
  std::thread runner([&] { io.run(); });
  Status s = done.get();
  (*listener)->Stop();
  runner.join();
  EXPECT_EQ(s.code(), ErrorCode::kPermissionDenied) << s.ToString();
  EXPECT_NE(s.message().find("refused this client's certificate"), std::string::npos)
      << s.ToString();
  EXPECT_EQ((*listener)->stats().sessions_started, 0u);
}

TEST_F(AgentTest, StartsBeforeTheCoordinatorAndConnectsOnceItIsUp) {
  // Find a free port, then leave it closed: the coordinator is "down".
  uint16_t port = 0;
  {
    asio::io_context probe;
    protocol::tcp::acceptor a(probe, {asio::ip::make_address("127.0.0.1"), 0});
    port = a.local_endpoint().port();
  }
  asio::io_context io;
  asio::thread_pool pool(1);
  Agent agent(ClientOptions(port), std::make_shared<MlpLocalTrainer>(LocalData{TinyData(), {}}),
              pool.get_executor());
  auto done = Launch(io, agent);
  std::thread runner([&] { io.run(); });
  ASSERT_TRUE(WaitFor([&] { return agent.stats().failed_attempts.load() >= 2; }));
  EXPECT_EQ(agent.stats().connections.load(), 0u);
  std::vector<protocol::Update> updates;
  std::atomic<bool> bye{false};
  auto listener = protocol::Listener::Create(io.get_executor(), ServerOptions(port),
                                             Script({MakeTask(1, "int8")}, &updates, &bye));
  ASSERT_TRUE(listener.ok()) << listener.status().ToString();
  (*listener)->Start();
  ASSERT_TRUE(WaitFor([&] { return agent.stats().updates_sent.load() == 1; }));
  EXPECT_EQ(agent.stats().connections.load(), 1u);
  agent.Stop();
  EXPECT_TRUE(done.get().ok());
  (*listener)->Stop();
  runner.join();
}

TEST_F(AgentTest, GivesUpAfterMaxReconnectsWhenNobodyListens) {
  uint16_t port = 0;
  {
    asio::io_context probe;
    protocol::tcp::acceptor a(probe, {asio::ip::make_address("127.0.0.1"), 0});
    port = a.local_endpoint().port();
  }
  asio::io_context io;
  asio::thread_pool pool(1);
  AgentOptions options = ClientOptions(port);
  options.backoff.max_attempts = 3;
  Agent agent(options, std::make_shared<MlpLocalTrainer>(LocalData{TinyData(), {}}),
              pool.get_executor());
  auto done = Launch(io, agent);
  io.run();
  Status s = done.get();
  EXPECT_EQ(s.code(), ErrorCode::kUnavailable);
  EXPECT_NE(s.message().find("giving up after 3"), std::string::npos) << s.ToString();
}

TEST_F(AgentTest, ResidualIsPersistedAndReloadedAcrossRestarts) {
  const auto state = dir_ / "client.state";
  for (uint64_t round = 1; round <= 2; ++round) {
    asio::io_context io;
    asio::thread_pool pool(1);
    std::vector<protocol::Update> updates;
    std::atomic<bool> bye{false};
    auto listener =
        protocol::Listener::Create(io.get_executor(), ServerOptions(),
                                   Script({MakeTask(round, "topk:0.05+int8")}, &updates, &bye));
    ASSERT_TRUE(listener.ok());
    (*listener)->Start();
    AgentOptions options = ClientOptions((*listener)->port());
    options.state_file = state;
    Agent agent(options, std::make_shared<MlpLocalTrainer>(LocalData{TinyData(), {}}),
                pool.get_executor());
    auto done = Launch(io, agent);
    std::thread runner([&] { io.run(); });
    ASSERT_TRUE(WaitFor([&] { return agent.stats().updates_sent.load() == 1; }));
    agent.Stop();
    EXPECT_TRUE(done.get().ok());
    (*listener)->Stop();
    runner.join();
    auto saved = LoadState(state);
    ASSERT_TRUE(saved.ok() && saved->has_value());
    EXPECT_EQ((*saved)->run_id, "run-1");
    EXPECT_EQ((*saved)->last_round, static_cast<int64_t>(round));
    auto ef = codec::ErrorFeedback::Parse((*saved)->residual);
    ASSERT_TRUE(ef.ok());
    EXPECT_EQ(ef->size(), global_.size());
    float norm = 0;
    for (float v : ef->residual()) norm += v * v;
    EXPECT_GT(norm, 0.0f);  // top-5% left most of the delta behind
  }
}

}  // namespace
}  // namespace fedq::client
