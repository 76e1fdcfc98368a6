#include "coordinator/config.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/codec/codec.hpp"
#include "coordinator/config_keys.hpp"

namespace fedq::coordinator {
namespace {

using nlohmann::json;

const ConfigKey* FindKey(const std::string& name) {
  for (const ConfigKey& key : ConfigKeyTable()) {
    if (key.name == name) return &key;
  }
  return nullptr;
}

Status Bad(const std::string& key, const std::string& what) {
  return InvalidArgument("key '" + key + "': " + what);
}

Status CheckFile(const std::string& key, const std::string& path, bool required) {
  if (path.empty()) {
    return required ? Bad(key, "is required") : Status::Ok();
  }
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return Bad(key, "no such file: " + path);
  return Status::Ok();
}

Status ValidateHostPort(const std::string& key, const std::string& value) {
  if (value.empty()) return Status::Ok();
  const auto colon = value.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == value.size()) {
    return Bad(key, "expected host:port, got '" + value + "'");
  }
  const std::string port = value.substr(colon + 1);
  if (!std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; }) ||
      port.size() > 5 || std::stoi(port) > 65535) {
    return Bad(key, "bad port in '" + value + "'");
  }
  return Status::Ok();
}

Status ValidateNetwork(const CoordinatorConfig& c) {
  if (c.listen_address.empty()) return Bad("listen_address", "is empty");
  if (c.listen_port < 0 || c.listen_port > 65535) return Bad("listen_port", "must be 0..65535");
  FEDQ_RETURN_IF_ERROR(CheckFile("ca_cert", c.ca_cert, true));
  FEDQ_RETURN_IF_ERROR(CheckFile("server_cert", c.server_cert, true));
  FEDQ_RETURN_IF_ERROR(CheckFile("server_key", c.server_key, true));
  FEDQ_RETURN_IF_ERROR(CheckFile("revocation_list", c.revocation_list, false));
  FEDQ_RETURN_IF_ERROR(ValidateHostPort("http", c.http));
  if (c.max_frame_bytes < 4096 || c.max_frame_bytes > (int64_t{1} << 31)) {
    return Bad("max_frame_bytes", "must be in 4096..2147483648");
  }
  if (c.max_connections < 1) return Bad("max_connections", "must be at least 1");
  if (c.io_timeout_ms < 1) return Bad("io_timeout_ms", "must be positive");
  if (c.receive_budget_bytes < (1 << 20)) {
    return Bad("receive_budget_bytes", "must be at least 1048576 (1 MiB)");
  }
  if (c.io_threads < 0 || c.io_threads > 256) return Bad("io_threads", "must be 0 to 256");
  if (c.worker_threads < 0 || c.worker_threads > 256) {
    return Bad("worker_threads", "must be 0 to 256");
  }
  if (c.idle_timeout_ms < 1) return Bad("idle_timeout_ms", "must be positive");
  return Status::Ok();
}

Status ValidateStrategy(const StrategyConfig& s) {
  Result<std::unique_ptr<Strategy>> made = MakeStrategy(s);
  if (made.ok()) return Status::Ok();
  std::string message = made.status().message();
  // The strategy speaks of its own 'momentum'; the config key is another.
  const std::string theirs = "'momentum'";
  if (auto at = message.find(theirs); at != std::string::npos) {
    message.replace(at, theirs.size(), "'server_momentum'");
  }
  return InvalidArgument("key 'strategy': " + message);
}

Status ValidateRounds(const CoordinatorConfig& c) {
  if (c.layers.size() < 2) return Bad("layers", "needs an input and an output size");
  for (int n : c.layers) {
    if (n < 1 || n > (1 << 20)) return Bad("layers", "sizes must be in 1..1048576");
  }
  if (c.clients_per_round < 1) return Bad("clients_per_round", "must be at least 1");
  if (c.clients_fraction < 0 || c.clients_fraction > 1) {
    return Bad("clients_fraction", "must be in [0, 1]");
  }
  if (c.min_clients < 1) return Bad("min_clients", "must be at least 1");
  if (c.clients_fraction == 0 && c.min_clients > c.clients_per_round) {
    return Bad("min_clients", "exceeds clients_per_round");
  }
  if (c.min_available_clients < 0) return Bad("min_available_clients", "must be >= 0");
  if (c.round_deadline_ms < 1) return Bad("round_deadline_ms", "must be positive");
  if (c.rounds < 1) return Bad("rounds", "must be at least 1");
  for (const auto& [key, spec] : {std::pair{"uplink_codec", &c.uplink_codec},
                                  std::pair{"downlink_codec", &c.downlink_codec}}) {
    Result<codec::PipelineSpec> parsed = codec::ParseSpec(*spec);
    if (!parsed.ok()) return Bad(key, parsed.status().message());
  }
  const TrainingParams& t = c.training;
  if (t.epochs < 1) return Bad("epochs", "must be at least 1");
  if (t.batch_size < 1) return Bad("batch_size", "must be at least 1");
  if (!(t.lr > 0)) return Bad("lr", "must be positive");
  if (t.momentum < 0 || t.momentum >= 1) return Bad("momentum", "must be in [0, 1)");
  if (t.weight_decay < 0) return Bad("weight_decay", "must be >= 0");
  if (t.prox_mu < 0) return Bad("prox_mu", "must be >= 0");
  return ValidateStrategy(c.strategy);
}

Status ValidateStorage(const CoordinatorConfig& c) {
  if (c.db_path.empty()) return Bad("db_path", "is empty");
  if (c.keep_last < 1) return Bad("keep_last", "must be at least 1");
  if (c.keep_every < 0) return Bad("keep_every", "must be >= 0");
  if (!c.eval_data_dir.empty()) {
    std::error_code ec;
    if (!std::filesystem::is_directory(c.eval_data_dir, ec)) {
      return Bad("eval_data_dir", "no such folder: " + c.eval_data_dir);
    }
  }
  static const std::vector<std::string> kLevels = {"trace", "debug",    "info", "warn",
                                                   "error", "critical", "off"};
  if (std::find(kLevels.begin(), kLevels.end(), c.log_level) == kLevels.end()) {
    return Bad("log_level", "unknown level '" + c.log_level + "'");
  }
  return Status::Ok();
}

}  // namespace

Status ApplyJson(const json& object, CoordinatorConfig& config) {
  if (!object.is_object()) return InvalidArgument("config: expected a JSON object");
  for (const auto& [name, value] : object.items()) {
    const ConfigKey* key = FindKey(name);
    if (key == nullptr) return InvalidArgument("unknown key '" + name + "'");
    FEDQ_RETURN_IF_ERROR(CheckKind(*key, value));
    key->set(value, config);
  }
  return Status::Ok();
}

Result<CoordinatorConfig> LoadConfigFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return InvalidArgument("config file '" + path + "': cannot open");
  std::stringstream text;
  text << in.rdbuf();
  const json parsed = json::parse(text.str(), nullptr, /*allow_exceptions=*/false,
                                  /*ignore_comments=*/true);
  if (parsed.is_discarded()) return InvalidArgument("config file '" + path + "': not valid JSON");
  CoordinatorConfig config;
  Status status = ApplyJson(parsed, config);
  if (!status.ok()) return status.WithContext("config file '" + path + "'");
  return config;
}

json ConfigToJson(const CoordinatorConfig& config) {
  json out = json::object();
  for (const ConfigKey& key : ConfigKeyTable()) out[key.name] = key.get(config);
  return out;
}

Status ValidateConfig(const CoordinatorConfig& config) {
  FEDQ_RETURN_IF_ERROR(ValidateNetwork(config));
  FEDQ_RETURN_IF_ERROR(ValidateRounds(config));
  return ValidateStorage(config);
}

std::vector<ConfigKeyInfo> ConfigKeys() {
  std::vector<ConfigKeyInfo> out;
  for (const ConfigKey& key : ConfigKeyTable()) out.push_back({key.name, key.help});
  return out;
}

}  // namespace fedq::coordinator
