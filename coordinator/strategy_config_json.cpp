#include "coordinator/strategy_config_json.hpp"

namespace fedq::coordinator {
namespace {

Status ReadDouble(const nlohmann::json& v, const std::string& key, std::optional<double>& out) {
  if (!v.is_number()) return InvalidArgument("strategy." + key + " must be a number");
  out = v.get<double>();
  return Status::Ok();
}

Status ReadInt(const nlohmann::json& v, const std::string& key, std::optional<int>& out) {
  if (!v.is_number_integer() || v.get<std::int64_t>() < -1'000'000 ||
      v.get<std::int64_t>() > 1'000'000) {
    return InvalidArgument("strategy." + key + " must be an integer");
  }
  out = static_cast<int>(v.get<std::int64_t>());
  return Status::Ok();
}

Status ReadKey(const std::string& key, const nlohmann::json& v, StrategyConfig& c) {
  if (key == "name") {
    if (!v.is_string()) return InvalidArgument("strategy.name must be a string");
    c.name = v.get<std::string>();
    return Status::Ok();
  }
  if (key == "server_lr") return ReadDouble(v, key, c.server_lr);
  if (key == "momentum") return ReadDouble(v, key, c.momentum);
  if (key == "beta1") return ReadDouble(v, key, c.beta1);
  if (key == "beta2") return ReadDouble(v, key, c.beta2);
  if (key == "tau") return ReadDouble(v, key, c.tau);
  if (key == "trim_beta") return ReadDouble(v, key, c.trim_beta);
  if (key == "krum_f") return ReadInt(v, key, c.krum_f);
  if (key == "krum_m") return ReadInt(v, key, c.krum_m);
  return InvalidArgument("strategy: unknown key '" + key + "'");
}

}  // namespace

Result<StrategyConfig> StrategyConfigFromJson(const nlohmann::json& j) {
  if (!j.is_object()) return InvalidArgument("strategy must be an object");
  StrategyConfig c;
  for (const auto& [key, value] : j.items()) FEDQ_RETURN_IF_ERROR(ReadKey(key, value, c));
  return c;
}

nlohmann::json StrategyConfigToJson(const StrategyConfig& c) {
  nlohmann::json j = {{"name", c.name}};
  auto put = [&j](const char* key, const auto& v) {
    if (v) j[key] = *v;
  };
  put("server_lr", c.server_lr);
  put("momentum", c.momentum);
  put("beta1", c.beta1);
  put("beta2", c.beta2);
  put("tau", c.tau);
  put("trim_beta", c.trim_beta);
  put("krum_f", c.krum_f);
  put("krum_m", c.krum_m);
  return j;
}

}  // namespace fedq::coordinator
