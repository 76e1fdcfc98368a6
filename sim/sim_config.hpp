// SimConfig: every setting of fedq-sim, a plain value with documented
// defaults (configs/sim-fmnist.json shows every key, configs/README.md
// explains them). Read from JSON and flags by AddSimFlags, checked once by
// ValidateSimConfig. Plain value type.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/status.hpp"

namespace fedq::sim {

struct SimConfig {
  // Population and rounds.
  int clients = 20;     // N simulated devices
  int per_round = 5;    // K selected per round
  int min_clients = 0;  // quorum; 0 = per_round
  int rounds = 15;
  int64_t round_deadline_ms = 600000;
  std::string partition = "iid";  // iid | dirichlet:ALPHA | shards:K

  // Model, training, compression, aggregation.
  std::vector<int> layers = {784, 200, 200, 10};
  std::string codec = "topk:0.01+int8";  // uplink pipeline
  std::string downlink_codec = "fp32";
  std::string strategy = "fedavg";
  double server_lr = 0;        // server optimizers' step; 0 = the strategy's default
  double server_momentum = 0;  // fedavgm; 0 = the strategy's default
  int epochs = 1;
  int batch = 32;
  double lr = 0.05;
  double momentum = 0.0;
  double weight_decay = 0.0;
  double prox_mu = 0.0;
  uint64_t seed = 1;  // partition, initialization, selection, client training

  // Data.
  std::string data_dir = "/usr/share/datasets/fashion-mnist";
  int train_limit = 0;  // use only the first M training samples; 0 = all
  int test_limit = 0;   // evaluate on the first M test samples; 0 = all

  // Outputs and machinery.
  std::string db;      // SQLite database; "" = a temporary one, removed at exit
  std::string report;  // report folder; "" = none
  std::string http;    // coordinator status server host:port; "" = off
  int threads = 0;     // training threads; 0 = the machine's cores
  bool json = false;   // last stdout line: one JSON object
  std::string log_level = "warn";
};

void AddSimFlags(CLI::App& app, SimConfig& config);
Status ValidateSimConfig(const SimConfig& config);
// The settings as JSON, for the report and the run's record.
nlohmann::json SimConfigToJson(const SimConfig& config);

}  // namespace fedq::sim
