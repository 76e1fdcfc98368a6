#include "sim/simulation.hpp"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <optional>
#include <thread>

#include "client/agent.hpp"
#include "common/codec/codec.hpp"
#include "common/idx_reader.hpp"
#include "common/mlp.hpp"
#include "common/partition.hpp"
#include "sim/coordinator_host.hpp"
#include "sim/sim_observer.hpp"
#include "sim/sim_pki.hpp"
#include "sim/store_report.hpp"
#include "sim/temp_dir.hpp"

namespace fedq::sim {
namespace {

namespace asio = protocol::asio;
using namespace std::chrono_literals;

Result<std::shared_ptr<const Dataset>> LoadTrainSet(const SimConfig& c) {
  FEDQ_ASSIGN_OR_RETURN(Dataset train, LoadFashionMnist(c.data_dir, Split::kTrain));
  if (c.train_limit > 0 && static_cast<std::size_t>(c.train_limit) < train.size()) {
    std::vector<std::size_t> rows(static_cast<std::size_t>(c.train_limit));
    for (std::size_t i = 0; i < rows.size(); ++i) rows[i] = i;
    train = TakeRows(train, rows);
  }
  return std::make_shared<const Dataset>(std::move(train));
}

coordinator::CoordinatorConfig MakeCoordinatorConfig(const SimConfig& c, const SimPki& pki,
                                                     const std::string& db) {
  coordinator::CoordinatorConfig cc;
  cc.listen_address = "127.0.0.1";
  cc.listen_port = 0;
  cc.ca_cert = pki.ca_cert.string();
  cc.server_cert = pki.server_cert.string();
  cc.server_key = pki.server_key.string();
  cc.layers = c.layers;
  cc.init_seed = c.seed;
  cc.strategy.name = c.strategy;
  // Unset parameters take the strategy's defaults (and one it does not use is refused).
  if (c.server_lr > 0) cc.strategy.server_lr = c.server_lr;
  if (c.server_momentum > 0) cc.strategy.momentum = c.server_momentum;
  cc.clients_per_round = c.per_round;
  cc.min_clients = c.min_clients > 0 ? c.min_clients : c.per_round;
  cc.round_deadline_ms = c.round_deadline_ms;
  cc.rounds = c.rounds;
  cc.select_seed = static_cast<int64_t>(c.seed);
  cc.uplink_codec = c.codec;
  cc.downlink_codec = c.downlink_codec;
  cc.training.epochs = c.epochs;
  cc.training.batch_size = c.batch;
  cc.training.lr = c.lr;
  cc.training.momentum = c.momentum;
  cc.training.weight_decay = c.weight_decay;
  cc.training.prox_mu = c.prox_mu;
  cc.eval_data_dir = c.data_dir;
  cc.db_path = db;
  cc.http = c.http;
  cc.log_level = c.log_level;
  return cc;
}

client::AgentOptions MakeAgentOptions(const SimConfig& c, const SimPki& pki, int i, uint16_t port,
                                      const std::filesystem::path& state_dir) {
  client::AgentOptions o;
  o.name = pki.client_names[static_cast<std::size_t>(i)];
  o.host = "127.0.0.1";
  o.port = port;
  o.connector.tls.ca_file = pki.ca_cert;
  o.connector.tls.cert_file = pki.client_certs[static_cast<std::size_t>(i)];
  o.connector.tls.key_file = pki.client_keys[static_cast<std::size_t>(i)];
  o.connector.tls.server_name = "127.0.0.1";
  // Loopback: a lost connection is retried quickly, and for at most a minute.
  o.backoff = {50ms, 2000ms, 2.0, 0.2, 30};
  o.seed = c.seed * 1000003u + static_cast<uint64_t>(i);
  o.io_timeout = std::chrono::milliseconds(std::max<int64_t>(c.round_deadline_ms, 60000));
  o.connector.channel.read_timeout = o.io_timeout;
  o.connector.channel.write_timeout = o.io_timeout;
  o.layers = c.layers;
  // Beside a kept database, each client keeps its error-feedback residual in
  // a state file, as a device would, so a resumed run continues it.
  if (!state_dir.empty()) o.state_file = state_dir / (o.name + ".state");
  return o;
}

uint64_t Fp32UpdateBytes(const std::vector<int>& layers) {
  auto spec = codec::ParseSpec("fp32");
  return spec.ok() ? codec::PredictedBlobSize(*spec, Mlp::ParamCount(layers)) : 0;
}

}  // namespace

Result<SimOutcome> RunSimulation(const SimConfig& c) {
  const auto started = std::chrono::steady_clock::now();
  FEDQ_RETURN_IF_ERROR(ValidateSimConfig(c));
  FEDQ_ASSIGN_OR_RETURN(PartitionSpec spec, ParsePartitionSpec(c.partition));
  FEDQ_ASSIGN_OR_RETURN(std::shared_ptr<const Dataset> train, LoadTrainSet(c));
  FEDQ_ASSIGN_OR_RETURN(Partition parts,
                        MakePartition(spec, train->labels, train->num_classes,
                                      static_cast<std::size_t>(c.clients), c.seed));
  spdlog::info("training set: {} samples, partitioned {} among {} clients", train->size(),
               c.partition, c.clients);
  FEDQ_ASSIGN_OR_RETURN(SimPki pki, MakeSimPki(c.clients));
  spdlog::info("ephemeral PKI: CA, coordinator and {} client certificates in {}", c.clients,
               pki.dir.path().string());
  std::optional<TempDir> db_dir;
  std::string db = c.db;
  if (db.empty()) {
    FEDQ_ASSIGN_OR_RETURN(TempDir d, TempDir::Create("fedq-sim-db-"));
    db_dir.emplace(std::move(d));
    db = (db_dir->path() / "fedq.db").string();
  } else if (auto parent = std::filesystem::path(db).parent_path(); !parent.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(parent, ec);
    if (ec) return IoError("cannot create " + parent.string() + ": " + ec.message());
  }
  std::filesystem::path state_dir;
  if (!c.db.empty()) {
    state_dir = c.db + ".clients";
    std::error_code ec;
    std::filesystem::create_directories(state_dir, ec);
    if (ec) return IoError("cannot create " + state_dir.string() + ": " + ec.message());
  }
  SimObserver observer(1, c.rounds, ::isatty(STDOUT_FILENO) != 0);
  CoordinatorHost::Options host_options;
  host_options.config = MakeCoordinatorConfig(c, pki, db);
  host_options.wait_for_clients = c.clients;
  host_options.observer = &observer;
  host_options.eval_limit = static_cast<std::size_t>(c.test_limit);
  FEDQ_ASSIGN_OR_RETURN(std::unique_ptr<CoordinatorHost> host,
                        CoordinatorHost::Start(std::move(host_options)));

  const int threads = c.threads > 0
                          ? c.threads
                          : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  asio::io_context io(1);
  asio::thread_pool pool(static_cast<std::size_t>(threads));
  std::vector<std::unique_ptr<client::Agent>> agents;
  for (int i = 0; i < c.clients; ++i) {
    client::LocalData local{train, std::move(parts[static_cast<std::size_t>(i)])};
    agents.push_back(std::make_unique<client::Agent>(
        MakeAgentOptions(c, pki, i, host->port(), state_dir),
        std::make_shared<client::MlpLocalTrainer>(std::move(local)), pool.get_executor()));
    asio::co_spawn(io, agents.back()->Run(),
                   [name = agents.back()->name()](std::exception_ptr e, Status s) {
                     if (e) spdlog::error("{}: agent threw", name);
                     if (!s.ok()) spdlog::error("{}: {}", name, s.ToString());
                   });
  }
  bool interrupted = false;
  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& ec, int signo) {
    if (ec) return;
    spdlog::warn("signal {}: stopping; committed rounds are kept (run again to resume)", signo);
    interrupted = true;
    host->Stop();
  });
  std::thread network([&io] { io.run(); });
  Status run = host->Wait();
  observer.Finish();
  asio::post(io, [&signals] { signals.cancel(); });
  for (auto& agent : agents) agent->Stop();
  network.join();
  pool.join();
  host->Stop();
  (void)host->Wait();
  host.reset();
  if (!run.ok() && !interrupted) return run.WithContext("simulation");

  FEDQ_ASSIGN_OR_RETURN(StoredRun stored, LoadStoredRun(db));
  SimOutcome out;
  out.interrupted = interrupted;
  out.rounds = std::move(stored.rounds);
  out.summary = Summarize(out.rounds, Fp32UpdateBytes(c.layers));
  out.summary.run_name = stored.name;
  out.summary.config = SimConfigToJson(c);
  out.summary.wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (!c.report.empty()) FEDQ_RETURN_IF_ERROR(WriteReport(c.report, out.summary, out.rounds));
  return out;
}

}  // namespace fedq::sim
