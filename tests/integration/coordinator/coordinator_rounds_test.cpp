// The coordinator service in-process, driven over loopback mTLS by small
// in-test clients that send synthetic deltas.
#include <gtest/gtest.h>

#include "common/mlp.hpp"
#include "common/model_file.hpp"
#include "coordinator/coordinator_service.hpp"
#include "coordinator/store.hpp"
#include "support/http_get.hpp"
#include "test_clients.hpp"
#include "unit/coordinator/temp_dir.hpp"

namespace fedq::coordinator {
namespace {

using testing::Act;
using testing::Honest;
using testing::Reply;
using testing::TestClients;
using testing::TestPki;

class CoordinatorRounds : public ::testing::Test {
 protected:
  CoordinatorRounds() : pki_(dir_.File("pki")) {}

  CoordinatorConfig Config(int k, int min_clients, int rounds) {
    CoordinatorConfig c =
        pki_.RunConfig(dir_.File("run-" + std::to_string(++dbs_) + ".db"), k, rounds);
    c.min_clients = min_clients;
    c.round_deadline_ms = 20000;
    c.io_timeout_ms = 10000;
    c.log_level = "warn";
    return c;
  }

  // Runs the service to the end of its rounds with `n` clients.
  Status RunService(const CoordinatorConfig& config, int n, testing::Script script) {
    EXPECT_TRUE(ValidateConfig(config).ok()) << ValidateConfig(config).ToString();
    CoordinatorService service(config);
    FEDQ_RETURN_IF_ERROR(service.Start());
    clients_ = std::make_unique<TestClients>(pki_);
    for (int i = 0; i < n; ++i) clients_->Start(i, service.port(), script);
    return service.Wait();
  }

  Store OpenStore(const CoordinatorConfig& config) { return Store::Open(config.db_path).value(); }

  std::vector<float> Model(Store& store, int64_t round) {
    Mlp mlp = ParseModel(store.LoadModel(1, round).value()).value();
    return {mlp.params().begin(), mlp.params().end()};
  }

  static std::map<std::string, int> Outcomes(Store& store, int64_t round) {
    std::map<std::string, int> out;
    const std::vector<UpdateRecord> updates = store.ListUpdates(1, round).value();
    for (const UpdateRecord& u : updates) {
      ++out[u.outcome == "rejected" ? u.reason.substr(0, u.reason.find(':')) : u.outcome];
    }
    return out;
  }

  TempDir dir_;
  TestPki pki_;
  std::unique_ptr<TestClients> clients_;
  int dbs_ = 0;
};

TEST_F(CoordinatorRounds, ThreeClientsCompleteRoundsStoredInTheDatabase) {
  const CoordinatorConfig config = Config(3, 3, 2);
  ASSERT_TRUE(
      RunService(config, 3, [](int c, const protocol::Task& t, int) { return Honest(c, t); }).ok());
  Store store = OpenStore(config);
  auto rounds = store.ListRounds(1).value();
  ASSERT_EQ(rounds.size(), 2u);
  for (const RoundRow& r : rounds) {
    EXPECT_EQ(r.status, "committed");
    EXPECT_EQ(r.updates_accepted, 3);
    EXPECT_GT(r.record.bytes_up, 0);
  }
  EXPECT_EQ(store.ListClients().value().size(), 3u);
  EXPECT_NE(Model(store, 2), Model(store, 0));
  EXPECT_EQ(store.IntegrityCheck().value(), "ok");
  std::lock_guard lock(clients_->mu);
  for (auto& [i, log] : clients_->logs) {
    EXPECT_EQ(log.tasks, 2) << i;
    EXPECT_EQ(log.acks, 2) << i;
    EXPECT_TRUE(log.bye) << i;  // the run finished: told Bye
  }
}

// The status API shows the clients with an open session as connected, and
// /metrics counts them.
TEST_F(CoordinatorRounds, ClientsWithOpenSessionsShowAsConnected) {
  CoordinatorConfig config = Config(3, 3, 2);
  config.http = "127.0.0.1:0";
  CoordinatorService service(config);
  ASSERT_TRUE(service.Start().ok());
  clients_ = std::make_unique<TestClients>(pki_);
  const testing::Script hold_round_2 = [](int c, const protocol::Task& t, int) {
    Reply r = Honest(c, t);
    if (t.round == 2) r.act = Act::kSilent;  // keeps the sessions open in round 2
    return r;
  };
  for (int i = 0; i < 3; ++i) clients_->Start(i, service.port(), hold_round_2);
  ASSERT_TRUE(clients_->WaitFor([&] {
    int in_round_2 = 0;
    for (auto& [i, log] : clients_->logs) in_round_2 += log.tasks >= 2 ? 1 : 0;
    return in_round_2 == 3;
  }));

  const fedq::testing::HttpReply reply =
      fedq::testing::HttpGet(service.http_port(), "/api/clients");
  ASSERT_EQ(reply.status, 200) << reply.body;
  const nlohmann::json clients = nlohmann::json::parse(reply.body);
  ASSERT_EQ(clients.size(), 3u) << reply.body;
  for (const nlohmann::json& c : clients) EXPECT_TRUE(c["connected"].get<bool>()) << c.dump();
  const fedq::testing::HttpReply metrics = fedq::testing::HttpGet(service.http_port(), "/metrics");
  EXPECT_NE(metrics.body.find("\nfedq_clients_connected 3\n"), std::string::npos) << metrics.body;
}

TEST_F(CoordinatorRounds, ClientVanishingMidUploadDoesNotStopTheRound) {
  const CoordinatorConfig config = Config(3, 2, 1);
  ASSERT_TRUE(RunService(config, 3, [](int c, const protocol::Task& t, int) {
                Reply r = Honest(c, t);
                if (c == 2) r.act = Act::kHalfAndVanish;
                return r;
              }).ok());
  Store store = OpenStore(config);
  auto outcomes = Outcomes(store, 1);
  EXPECT_EQ(outcomes["accepted"], 2);
  EXPECT_EQ(outcomes["disconnected"], 1);
  EXPECT_EQ(store.ListRounds(1).value().at(0).status, "committed");
}

TEST_F(CoordinatorRounds, MissedQuorumIsRecordedAndTheRoundRetried) {
  CoordinatorConfig config = Config(3, 3, 1);
  config.round_deadline_ms = 300;
  ASSERT_TRUE(RunService(config, 3, [](int c, const protocol::Task& t, int nth) {
                Reply r = Honest(c, t);
                if (c == 1 && nth == 0) r.act = Act::kSilent;  // misses the first attempt
                return r;
              }).ok());
  Store store = OpenStore(config);
  auto rounds = store.ListRounds(1).value();
  ASSERT_EQ(rounds.size(), 2u);
  EXPECT_EQ(rounds[0].status, "failed");
  EXPECT_NE(rounds[0].record.failure_reason.find("quorum"), std::string::npos);
  EXPECT_EQ(rounds[1].status, "committed");
  EXPECT_EQ(rounds[1].attempt, rounds[0].attempt + 1);
  // The failed attempt left the model alone: round 1 = initial + the
  // retry's mean delta.
  const std::vector<float> m0 = Model(store, 0), m1 = Model(store, 1);
  for (std::size_t i = 0; i < m0.size(); ++i) {
    float mean = 0;
    for (int c = 0; c < 3; ++c) mean += testing::SyntheticDelta(m0.size(), c, 1)[i] / 3;
    EXPECT_NEAR(m1[i], m0[i] + mean, 1e-6);
  }
}

TEST_F(CoordinatorRounds, BadUpdatesAreRejectedWithReasonsAndTheOthersServed) {
  const CoordinatorConfig config = Config(7, 2, 1);
  ASSERT_TRUE(RunService(config, 7, [](int c, const protocol::Task& t, int) {
                Reply r = Honest(c, t);
                const std::size_t n = testing::ModelSize(t);
                if (c == 2) r.update.round = t.round + 5;
                if (c == 3) r.update.blob = testing::Fp32(std::vector<float>(n + 3, 0.1f));
                if (c == 4) r.update.blob = testing::NanBlob(testing::SyntheticDelta(n, c, 1), 2);
                if (c == 5) r.update.blob = protocol::Blob(256, 0xC3);
                if (c == 6) r.act = Act::kGarbageFrame;
                return r;
              }).ok());
  Store store = OpenStore(config);
  auto outcomes = Outcomes(store, 1);
  EXPECT_EQ(outcomes["accepted"], 2);
  EXPECT_EQ(outcomes["wrong_round"], 1);
  EXPECT_EQ(outcomes["wrong_size"], 1);
  EXPECT_EQ(outcomes["not_finite"], 1);
  EXPECT_EQ(outcomes["bad_blob"], 1);
  EXPECT_EQ(outcomes["disconnected"], 1);  // the garbage frame closed its session
  std::lock_guard lock(clients_->mu);
  EXPECT_EQ(clients_->logs[2].errors, 1);  // told why
  EXPECT_EQ(clients_->logs[0].acks, 1);
}

TEST_F(CoordinatorRounds, SameSeedSameAggregateWhateverTheArrivalOrder) {
  std::vector<std::vector<float>> models;
  for (int order = 0; order < 2; ++order) {
    const CoordinatorConfig config = Config(3, 3, 2);
    ASSERT_TRUE(RunService(config, 3, [order](int c, const protocol::Task& t, int) {
                  Reply r = Honest(c, t);
                  r.update.num_samples = 5 + c;
                  r.delay = std::chrono::milliseconds(40 * (order == 0 ? c : 2 - c));
                  return r;
                }).ok());
    Store store = OpenStore(config);
    models.push_back(Model(store, 2));
  }
  EXPECT_EQ(models[0], models[1]);  // bit for bit
}

}  // namespace
}  // namespace fedq::coordinator
