// StrategyConfig <-> the "strategy" object of the coordinator's JSON config:
//   {"name": "fedadam", "server_lr": 0.1, "beta1": 0.9, "beta2": 0.99, "tau": 0.001}
// Unknown keys and wrong types are refused with the key named; the values
// themselves are checked by MakeStrategy. Pure functions; thread-safe.
#pragma once

#include <nlohmann/json.hpp>

#include "common/status.hpp"
#include "coordinator/strategy.hpp"

namespace fedq::coordinator {

Result<StrategyConfig> StrategyConfigFromJson(const nlohmann::json& j);
nlohmann::json StrategyConfigToJson(const StrategyConfig& c);

}  // namespace fedq::coordinator
