// The real coordinator (in-process) and real client agents over loopback
// mutual TLS: rounds are committed to the database; a client killed in the
// middle of a round costs only its own update.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <future>
#include <mutex>
#include <thread>

#include "client/agent.hpp"
#include "coordinator/store.hpp"
#include "sim/coordinator_host.hpp"
#include "sim/sim_pki.hpp"
#include "support/tiny_data.hpp"

namespace fedq::sim {
namespace {

namespace asio = protocol::asio;
using namespace std::chrono_literals;

const std::vector<int> kLayers = {4, 8, 3};

std::shared_ptr<const Dataset> TinyData() { return testing::TinySeparableData(60, 0.05); }

// Blocks in Train until released, after telling the test it started: the
// test kills the agent while it "trains".
class BlockingTrainer : public client::LocalTrainer {
 public:
  explicit BlockingTrainer(client::LocalData data) : real_(std::move(data)) {}
  Result<client::LocalResult> Train(const std::vector<int>& layers, std::span<const float> global,
                                    const protocol::TrainingConfig& config,
                                    uint64_t seed) override {
    std::unique_lock<std::mutex> lock(mutex_);
    started_ = true;
    cv_.notify_all();
    cv_.wait(lock, [this] { return released_; });
    lock.unlock();
    return real_.Train(layers, global, config, seed);
  }
  void WaitStarted() {
    std::unique_lock<std::mutex> lock(mutex_);
    cv_.wait(lock, [this] { return started_; });
  }
  void Release() {
    std::lock_guard<std::mutex> lock(mutex_);
    released_ = true;
    cv_.notify_all();
  }

 private:
  client::MlpLocalTrainer real_;
  std::mutex mutex_;
  std::condition_variable cv_;
  bool started_ = false;
  bool released_ = false;
};

class CoordinatorClientsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto pki = MakeSimPki(3);
    ASSERT_TRUE(pki.ok()) << pki.status().ToString();
    pki_.emplace(std::move(pki).value());
    db_ = pki_->dir.path() / "run.db";
  }

  CoordinatorHost::Options HostOptions(int rounds, int per_round, int min_clients) {
    CoordinatorHost::Options o;
    auto& c = o.config;
    c.listen_address = "127.0.0.1";
    c.listen_port = 0;
    c.ca_cert = pki_->ca_cert.string();
    c.server_cert = pki_->server_cert.string();
    c.server_key = pki_->server_key.string();
    c.layers = kLayers;
    c.clients_per_round = per_round;
    c.min_clients = min_clients;
    c.rounds = rounds;
    c.round_deadline_ms = 60000;
    c.uplink_codec = "int8";
    c.training.lr = 0.1;
    c.training.batch_size = 8;
    c.eval_data_dir = "";
    c.db_path = db_.string();
    c.http = "";
    c.log_level = "warn";
    o.wait_for_clients = 3;
    return o;
  }

  client::AgentOptions ClientOptions(int i, uint16_t port) {
    client::AgentOptions o;
    o.name = pki_->client_names[static_cast<std::size_t>(i)];
    o.port = port;
    o.connector.tls.ca_file = pki_->ca_cert;
    o.connector.tls.cert_file = pki_->client_certs[static_cast<std::size_t>(i)];
    o.connector.tls.key_file = pki_->client_keys[static_cast<std::size_t>(i)];
    o.connector.tls.server_name = "127.0.0.1";
    o.backoff = {20ms, 200ms, 2.0, 0.1, 0};
    o.layers = kLayers;
    return o;
  }

  std::optional<SimPki> pki_;
  std::filesystem::path db_;
};

TEST_F(CoordinatorClientsTest, ThreeClientsRunThreeRoundsAndTheDatabaseHoldsThem) {
  auto host = CoordinatorHost::Start(HostOptions(3, 3, 3));
  ASSERT_TRUE(host.ok()) << host.status().ToString();
  asio::io_context io;
  asio::thread_pool pool(2);
  std::vector<std::unique_ptr<client::Agent>> agents;
  auto data = TinyData();
  for (int i = 0; i < 3; ++i) {
    std::vector<std::size_t> rows;
    for (std::size_t r = static_cast<std::size_t>(i); r < 60; r += 3) rows.push_back(r);
    agents.push_back(std::make_unique<client::Agent>(
        ClientOptions(i, (*host)->port()),
        std::make_shared<client::MlpLocalTrainer>(client::LocalData{data, rows}),
        pool.get_executor()));
    asio::co_spawn(io, agents.back()->Run(), asio::detached);
  }
  std::thread network([&] { io.run(); });
  Status run = (*host)->Wait();
  for (auto& a : agents) a->Stop();
  network.join();
  (*host)->Stop();
  host->reset();
  ASSERT_TRUE(run.ok()) << run.ToString();

  auto store = coordinator::Store::Open(db_.string());
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  auto runinfo = store->LatestRun();
  ASSERT_TRUE(runinfo.ok());
  auto last = store->LastCommittedRound(runinfo->id);
  ASSERT_TRUE(last.ok());
  EXPECT_EQ(*last, 3);
  auto rounds = store->ListRounds(runinfo->id);
  ASSERT_TRUE(rounds.ok());
  int committed = 0;
  for (const auto& r : *rounds) {
    if (r.status != "committed") continue;
    ++committed;
    EXPECT_EQ(r.updates_accepted, 3) << "round " << r.record.round;
    EXPECT_GT(r.record.bytes_up, 0);
  }
  EXPECT_EQ(committed, 3);
  for (const auto& a : agents) EXPECT_EQ(a->stats().updates_sent.load(), 3u);
  EXPECT_EQ(store->IntegrityCheck().value(), "ok");
}

TEST_F(CoordinatorClientsTest, ClientKilledMidRoundDoesNotStopTheRound) {
  auto host = CoordinatorHost::Start(HostOptions(1, 3, 2));
  ASSERT_TRUE(host.ok()) << host.status().ToString();
  asio::io_context io;
  asio::thread_pool pool(3);
  auto data = TinyData();
  auto blocking = std::make_shared<BlockingTrainer>(client::LocalData{data, {0, 1, 2, 3, 4, 5}});
  std::vector<std::unique_ptr<client::Agent>> agents;
  for (int i = 0; i < 3; ++i) {
    std::shared_ptr<client::LocalTrainer> trainer =
        i == 0 ? std::static_pointer_cast<client::LocalTrainer>(blocking)
               : std::make_shared<client::MlpLocalTrainer>(client::LocalData{data, {}});
    agents.push_back(std::make_unique<client::Agent>(ClientOptions(i, (*host)->port()), trainer,
                                                     pool.get_executor()));
    asio::co_spawn(io, agents.back()->Run(), asio::detached);
  }
  std::thread network([&] { io.run(); });
  blocking->WaitStarted();
  agents[0]->Abort();  // as if the device died while training
  Status run = (*host)->Wait();
  blocking->Release();
  for (auto& a : agents) a->Stop();
  network.join();
  pool.join();
  (*host)->Stop();
  host->reset();
  ASSERT_TRUE(run.ok()) << run.ToString();

  auto store = coordinator::Store::Open(db_.string());
  ASSERT_TRUE(store.ok());
  auto runinfo = store->LatestRun();
  ASSERT_TRUE(runinfo.ok());
  auto rounds = store->ListRounds(runinfo->id);
  ASSERT_TRUE(rounds.ok());
  ASSERT_FALSE(rounds->empty());
  EXPECT_EQ(rounds->back().status, "committed");
  EXPECT_EQ(rounds->back().updates_accepted, 2);
  EXPECT_EQ(agents[0]->stats().updates_sent.load(), 0u);
}

}  // namespace
}  // namespace fedq::sim
