// CoordinatorConfig: every setting of fedq-coordinator, a plain value with
// documented defaults. It is read from a JSON file (configs/coordinator.json
// shows every key), then flags override single keys (config_flags.hpp), then
// ValidateConfig checks it once before anything starts. Plain value type.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/status.hpp"
#include "coordinator/strategy.hpp"

namespace fedq::coordinator {

// Sent to clients in every Task.
struct TrainingParams {
  int epochs = 1;
  int batch_size = 32;
  double lr = 0.05;
  double momentum = 0.0;
  double weight_decay = 0.0;
  double prox_mu = 0.0;  // FedProx proximal term; 0 = plain FedAvg training
};

struct CoordinatorConfig {
  // Network and PKI.
  std::string listen_address = "0.0.0.0";
  int listen_port = 7443;  // 0 = any free port (tests)
  std::string ca_cert;     // PEM: the CA that signed every client
  std::string server_cert;
  std::string server_key;
  std::string revocation_list;  // optional: one SHA-256 fingerprint (hex) per line

  // Model.
  std::vector<int> layers = {784, 200, 200, 10};
  uint64_t init_seed = 1;

  // Rounds.
  // Unset (null) parameters take the strategy's own default; one the chosen
  // strategy does not use is refused.
  StrategyConfig strategy;
  int clients_per_round = 10;     // K, used when clients_fraction is 0
  double clients_fraction = 0.0;  // > 0: K = ceil(fraction * connected idle clients)
  int min_clients = 2;            // quorum: fewer answers by the deadline = failed round
  int min_available_clients = 0;  // a round starts with this many connected (0 = min_clients)
  int64_t round_deadline_ms = 60000;
  int rounds = 100;
  int64_t select_seed = 1;
  std::string uplink_codec = "int8";
  std::string downlink_codec = "fp32";
  TrainingParams training;
  std::string eval_data_dir;  // FMNIST test set evaluated after each round; "" = none

  // Storage and status.
  std::string db_path = "fedq.db";
  std::string http = "127.0.0.1:0";  // "host:port" of the status server; "" = off
  int keep_last = 5;                 // models kept: the last N ...
  int keep_every = 10;               // ... and every k-th round (0 = none)

  // Limits.
  int64_t max_frame_bytes = 64ll << 20;
  int max_connections = 1000;
  int64_t io_timeout_ms = 30000;     // one read or write of a frame
  int64_t idle_timeout_ms = 120000;  // a silent session (no heartbeat) is dropped
  // Frames being received or not yet folded in, all clients together; more
  // wait unread (TCP pushes back). A larger frame is taken alone.
  int64_t receive_budget_bytes = 16ll << 20;

  // Threads; 0 = one per core.
  int io_threads = 0;      // TLS and framing of every session
  int worker_threads = 0;  // checking and folding updates, evaluation

  std::string log_level = "info";  // trace debug info warn error critical off
};

// Applies the keys of `json` (an object) onto `config`. An unknown key or a
// value of the wrong type is an InvalidArgument naming the key.
Status ApplyJson(const nlohmann::json& json, CoordinatorConfig& config);

// Defaults, then the JSON file at `path`; parse errors name the file.
Result<CoordinatorConfig> LoadConfigFile(const std::string& path);

// Every key, as ApplyJson reads it (stored with each run).
nlohmann::json ConfigToJson(const CoordinatorConfig& config);

// Checks values and their relations; the message names the key.
Status ValidateConfig(const CoordinatorConfig& config);

// Every key's name and a one-line description, in file order.
struct ConfigKeyInfo {
  std::string name;
  std::string help;
};
std::vector<ConfigKeyInfo> ConfigKeys();

}  // namespace fedq::coordinator
