#include "coordinator/config_keys.hpp"

#include <limits>
#include <optional>

namespace fedq::coordinator {
namespace {

using nlohmann::json;
using Config = CoordinatorConfig;

template <typename T>
ConfigKey Key(std::string name, std::string help, T Config::*field) {
  KeyKind kind = KeyKind::kString;
  if constexpr (std::is_same_v<T, std::vector<int>>) {
    kind = KeyKind::kIntList;
  } else if constexpr (std::is_floating_point_v<T>) {
    kind = KeyKind::kDouble;
  } else if constexpr (std::is_integral_v<T>) {
    kind = KeyKind::kInt;
  }
  return ConfigKey{std::move(name), std::move(help), kind,
                   [field](const json& v, Config& c) { c.*field = v.get<T>(); },
                   [field](const Config& c) { return json(c.*field); }};
}

template <typename T, typename S>
ConfigKey SubKey(std::string name, std::string help, S Config::*group, T S::*field) {
  ConfigKey key = Key<T>(std::move(name), std::move(help), nullptr);
  key.set = [group, field](const json& v, Config& c) { (c.*group).*field = v.get<T>(); };
  key.get = [group, field](const Config& c) { return json((c.*group).*field); };
  return key;
}

// A strategy parameter: null (or absent) leaves the strategy's default.
template <typename T>
ConfigKey StrategyKey(std::string name, std::string help, std::optional<T> StrategyConfig::*field) {
  ConfigKey key = Key<T>(std::move(name), std::move(help), nullptr);
  key.nullable = true;
  key.set = [field](const json& v, Config& c) {
    if (v.is_null()) {
      (c.strategy.*field).reset();
    } else {
      c.strategy.*field = v.get<T>();
    }
  };
  key.get = [field](const Config& c) {
    const std::optional<T>& value = c.strategy.*field;
    return value ? json(*value) : json(nullptr);
  };
  return key;
}

std::vector<ConfigKey> MakeTable() {
  using S = StrategyConfig;
  using T = TrainingParams;
  return {
      Key("listen_address", "address the client listener binds", &Config::listen_address),
      Key("listen_port", "port of the client listener (0 = any free port)", &Config::listen_port),
      Key("ca_cert", "PEM file of the CA that signs client certificates", &Config::ca_cert),
      Key("server_cert", "PEM file of the coordinator's certificate", &Config::server_cert),
      Key("server_key", "PEM file of the coordinator's private key", &Config::server_key),
      Key("revocation_list", "optional file of revoked certificate fingerprints",
          &Config::revocation_list),
      Key("layers", "MLP layer sizes, input to classes, e.g. 784,200,200,10", &Config::layers),
      Key("init_seed", "seed of the initial global model", &Config::init_seed),
      SubKey("strategy", "fedavg fedavgm fedadam fedyogi fedadagrad fedmedian trimmed_mean krum",
             &Config::strategy, &S::name),
      StrategyKey("server_lr", "server learning rate (null = strategy default)", &S::server_lr),
      StrategyKey("server_momentum", "FedAvgM server momentum (null = 0.9)", &S::momentum),
      StrategyKey("beta1", "FedAdam/FedYogi/FedAdagrad first-moment decay", &S::beta1),
      StrategyKey("beta2", "FedAdam/FedYogi second-moment decay", &S::beta2),
      StrategyKey("tau", "adaptivity of FedAdam, FedYogi, FedAdagrad", &S::tau),
      StrategyKey("trim_beta", "trimmed_mean: fraction cut at each end", &S::trim_beta),
      StrategyKey("krum_f", "krum: assumed Byzantine clients", &S::krum_f),
      StrategyKey("krum_m", "krum: updates averaged by multi-Krum (1 = Krum)", &S::krum_m),
      Key("clients_per_round", "clients selected per round (when clients_fraction is 0)",
          &Config::clients_per_round),
      Key("clients_fraction", "fraction of connected idle clients selected (0 = use count)",
          &Config::clients_fraction),
      Key("min_clients", "quorum: answers needed by the deadline", &Config::min_clients),
      Key("min_available_clients", "clients connected before a round starts (0 = min_clients)",
          &Config::min_available_clients),
      Key("round_deadline_ms", "time a round waits for updates", &Config::round_deadline_ms),
      Key("rounds", "rounds in the run", &Config::rounds),
      Key("select_seed", "seed of client selection", &Config::select_seed),
      Key("uplink_codec", "codec spec clients encode updates with", &Config::uplink_codec),
      Key("downlink_codec", "codec spec of the global model sent in tasks",
          &Config::downlink_codec),
      SubKey("epochs", "local epochs per round", &Config::training, &T::epochs),
      SubKey("batch_size", "local minibatch size", &Config::training, &T::batch_size),
      SubKey("lr", "local learning rate", &Config::training, &T::lr),
      SubKey("momentum", "local SGD momentum", &Config::training, &T::momentum),
      SubKey("weight_decay", "local weight decay", &Config::training, &T::weight_decay),
      SubKey("prox_mu", "FedProx proximal term (0 = off)", &Config::training, &T::prox_mu),
      Key("eval_data_dir", "Fashion-MNIST folder; its test set is evaluated each round",
          &Config::eval_data_dir),
      Key("db_path", "SQLite database of the run (resumed if it exists)", &Config::db_path),
      Key("http", "host:port of the status server (\"\" = off)", &Config::http),
      Key("keep_last", "global models kept: the last N", &Config::keep_last),
      Key("keep_every", "... and every k-th round (0 = none)", &Config::keep_every),
      Key("max_frame_bytes", "largest frame accepted", &Config::max_frame_bytes),
      Key("max_connections", "most clients connected at once", &Config::max_connections),
      Key("io_timeout_ms", "deadline of one frame read or write", &Config::io_timeout_ms),
      Key("idle_timeout_ms", "a session silent this long is dropped", &Config::idle_timeout_ms),
      Key("receive_budget_bytes",
          "bytes of updates being received or folded at once, all clients together",
          &Config::receive_budget_bytes),
      Key("io_threads", "threads for TLS and framing (0 = one per core)", &Config::io_threads),
      Key("worker_threads", "threads checking and folding updates (0 = one per core)",
          &Config::worker_threads),
      Key("log_level", "trace, debug, info, warn, error, critical or off", &Config::log_level),
  };
}

}  // namespace

const std::vector<ConfigKey>& ConfigKeyTable() {
  static const std::vector<ConfigKey> table = MakeTable();
  return table;
}

Status CheckKind(const ConfigKey& config_key, const json& value) {
  const std::string& key = config_key.name;
  if (config_key.nullable && value.is_null()) return Status::Ok();
  switch (config_key.kind) {
    case KeyKind::kString:
      if (value.is_string()) return Status::Ok();
      return InvalidArgument("key '" + key + "': expected a string, got " + value.dump());
    case KeyKind::kInt:
      if (value.is_number_integer()) return Status::Ok();
      return InvalidArgument("key '" + key + "': expected an integer, got " + value.dump());
    case KeyKind::kDouble:
      if (value.is_number()) return Status::Ok();
      return InvalidArgument("key '" + key + "': expected a number, got " + value.dump());
    case KeyKind::kIntList:
      if (value.is_array()) {
        bool all_int = true;
        for (const json& e : value) all_int = all_int && e.is_number_integer();
        if (all_int) return Status::Ok();
      }
      return InvalidArgument("key '" + key + "': expected a list of integers, got " + value.dump());
  }
  return Internal("unknown key kind");
}

}  // namespace fedq::coordinator
