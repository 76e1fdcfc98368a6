#include "client/json_config.hpp"

#include <algorithm>
#include <iterator>
#include <memory>
#include <nlohmann/json.hpp>

namespace fedq::client {
namespace {

std::string Scalar(const nlohmann::json& v, const std::string& key) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  if (v.is_number()) return v.dump();
  throw CLI::ConfigError("config key '" + key + "': expected a string, number or boolean");
}

}  // namespace

std::string JsonConfig::to_config(const CLI::App* app, bool default_also, bool, std::string) const {
  nlohmann::json out = nlohmann::json::object();
  for (const CLI::Option* opt : app->get_options()) {
    if (!opt->get_configurable() || opt->get_lnames().empty()) continue;
    std::string key = opt->get_lnames().front();
    if (key == "help" || key == "version" || key == "config") continue;
    std::replace(key.begin(), key.end(), '-', '_');
    std::vector<std::string> values = opt->reduced_results();
    if (values.empty() && default_also && !opt->get_default_str().empty()) {
      values = {opt->get_default_str()};
    }
    if (values.empty()) continue;
    out[key] = values.size() == 1 ? nlohmann::json(values[0]) : nlohmann::json(values);
  }
  return out.dump(2) + "\n";
}

std::vector<CLI::ConfigItem> JsonConfig::from_config(std::istream& input) const {
  std::string text((std::istreambuf_iterator<char>(input)), std::istreambuf_iterator<char>());
  nlohmann::json doc = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) throw CLI::ConfigError("config file is not valid JSON");
  if (!doc.is_object()) throw CLI::ConfigError("config file must hold one JSON object");
  std::vector<CLI::ConfigItem> items;
  for (const auto& [key, value] : doc.items()) {
    CLI::ConfigItem item;
    item.name = key;
    std::replace(item.name.begin(), item.name.end(), '_', '-');
    if (value.is_array()) {
      for (const auto& v : value) item.inputs.push_back(Scalar(v, key));
    } else if (!value.is_null()) {
      item.inputs.push_back(Scalar(value, key));
    } else {
      continue;  // null: keep the default
    }
    items.push_back(std::move(item));
  }
  return items;
}

void UseJsonConfig(CLI::App& app, const std::string& default_path) {
  app.config_formatter(std::make_shared<JsonConfig>());
  app.allow_config_extras(CLI::config_extras_mode::error);
  app.set_config("--config", default_path, "JSON config file (keys are the flags, '_' for '-')");
}

}  // namespace fedq::client
