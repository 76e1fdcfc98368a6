// The table of every coordinator config key: name, help line, value kind and
// how to read/write it in a CoordinatorConfig. One table feeds the JSON
// loader, the flags (config_flags.cpp) and the docs, so they cannot drift.
// Immutable after construction; safe to share.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/status.hpp"
#include "coordinator/config.hpp"

namespace fedq::coordinator {

enum class KeyKind { kString, kInt, kDouble, kIntList };

struct ConfigKey {
  std::string name;  // JSON key; the flag is --name with '_' -> '-'
  std::string help;
  KeyKind kind;
  // Sets the field from a JSON value already checked to be of `kind`.
  std::function<void(const nlohmann::json&, CoordinatorConfig&)> set;
  std::function<nlohmann::json(const CoordinatorConfig&)> get;
  bool nullable = false;  // std::optional field: JSON null = unset
};

const std::vector<ConfigKey>& ConfigKeyTable();

// Checks that `value` has the JSON type `kind` wants; the error names `key`.
Status CheckKind(const ConfigKey& key, const nlohmann::json& value);

}  // namespace fedq::coordinator
