#include "coordinator/config_flags.hpp"

#include <CLI/CLI.hpp>
#include <charconv>
#include <cstdlib>

#include "coordinator/config_keys.hpp"

namespace fedq::coordinator {
namespace {

using nlohmann::json;

bool ParseInt(const std::string& text, int64_t& out) {
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, out);
  return ec == std::errc() && ptr == end && !text.empty();
}

bool ParseDouble(const std::string& text, double& out) {
  if (text.empty()) return false;
  char* end = nullptr;
  out = std::strtod(text.c_str(), &end);
  return end == text.c_str() + text.size();
}

// The flag's text as the JSON value its key expects, or discarded.
json FlagValue(KeyKind kind, const std::string& text) {
  int64_t i = 0;
  double d = 0;
  switch (kind) {
    case KeyKind::kString:
      return json(text);
    case KeyKind::kInt:
      return ParseInt(text, i) ? json(i) : json(json::value_t::discarded);
    case KeyKind::kDouble:
      return ParseDouble(text, d) ? json(d) : json(json::value_t::discarded);
    case KeyKind::kIntList: {
      json list = json::array();
      std::size_t start = 0;
      while (start <= text.size()) {
        const std::size_t comma = std::min(text.find(',', start), text.size());
        if (!ParseInt(text.substr(start, comma - start), i)) {
          return json(json::value_t::discarded);
        }
        list.push_back(i);
        start = comma + 1;
      }
      return list;
    }
  }
  return json(json::value_t::discarded);
}

}  // namespace

std::string ConfigFlags::FlagName(const std::string& key) {
  std::string flag = "--" + key;
  for (char& c : flag) {
    if (c == '_') c = '-';
  }
  return flag;
}

ConfigFlags::ConfigFlags(CLI::App& app) {
  for (const ConfigKey& key : ConfigKeyTable()) {
    auto flag = std::make_unique<Flag>();
    std::string help = key.help + " [config key " + key.name + "]";
    flag->option = app.add_option(FlagName(key.name), flag->value, help)->group("Config keys");
    flags_.emplace(key.name, std::move(flag));
  }
}

Status ConfigFlags::ApplyTo(CoordinatorConfig& config) const {
  for (const ConfigKey& key : ConfigKeyTable()) {
    const Flag& flag = *flags_.at(key.name);
    if (flag.option->count() == 0) continue;
    const json value = FlagValue(key.kind, flag.value);
    if (value.is_discarded()) {
      return InvalidArgument("flag " + FlagName(key.name) + ": cannot parse '" + flag.value + "'");
    }
    json object = json::object();
    object[key.name] = value;
    FEDQ_RETURN_IF_ERROR(ApplyJson(object, config));
  }
  return Status::Ok();
}

}  // namespace fedq::coordinator
