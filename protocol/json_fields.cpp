#include "protocol/json_fields.hpp"

#include <algorithm>
#include <cmath>

#include "protocol/constants.hpp"

namespace fedq::protocol {
namespace {

const nlohmann::json& NullJson() {
  static const nlohmann::json kNull;
  return kNull;
}

// Nesting depth of [ and { outside strings.
int MaxNesting(std::string_view text) {
  int depth = 0, max_depth = 0;
  bool in_string = false, escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped)
        escaped = false;
      else if (c == '\\')
        escaped = true;
      else if (c == '"')
        in_string = false;
      continue;
    }
    if (c == '"')
      in_string = true;
    else if (c == '[' || c == '{')
      max_depth = std::max(max_depth, ++depth);
    else if (c == ']' || c == '}')
      --depth;
  }
  return max_depth;
}

}  // namespace

FieldReader::FieldReader(const nlohmann::json& object, std::string where)
    : object_(object), where_(std::move(where)) {
  if (!object_.is_object()) Fail("is not a JSON object");
}

void FieldReader::Fail(std::string message) {
  if (status_.ok()) status_ = InvalidArgument(where_ + ": " + message);
}

const nlohmann::json* FieldReader::Find(const char* key,
                                        bool (nlohmann::json::*is)() const noexcept,
                                        std::string_view type_name) {
  if (!status_.ok()) return nullptr;
  const auto it = object_.find(key);
  if (it == object_.end()) {
    Fail(std::string("missing field \"") + key + "\"");
    return nullptr;
  }
  if (!((*it).*is)()) {
    Fail(std::string("field \"") + key + "\" is not " + std::string(type_name));
    return nullptr;
  }
  return &*it;
}

std::string FieldReader::String(const char* key) {
  const auto* v = Find(key, &nlohmann::json::is_string, "a string");
  return v ? v->get_ref<const std::string&>() : std::string();
}

uint64_t FieldReader::Unsigned(const char* key, uint64_t max) {
  const auto* v = Find(key, &nlohmann::json::is_number_unsigned, "an unsigned integer");
  if (!v) return 0;
  const uint64_t value = v->get<uint64_t>();
  if (value > max) {
    Fail(std::string("field \"") + key + "\" is above " + std::to_string(max));
    return 0;
  }
  return value;
}

double FieldReader::Number(const char* key) {
  const auto* v = Find(key, &nlohmann::json::is_number, "a number");
  if (!v) return 0.0;
  const double value = v->get<double>();
  if (!std::isfinite(value)) {
    Fail(std::string("field \"") + key + "\" is not finite");
    return 0.0;
  }
  return value;
}

bool FieldReader::Boolean(const char* key) {
  const auto* v = Find(key, &nlohmann::json::is_boolean, "a boolean");
  return v ? v->get<bool>() : false;
}

std::vector<uint16_t> FieldReader::U16Array(const char* key) {
  std::vector<uint16_t> out;
  const auto* v = Find(key, &nlohmann::json::is_array, "an array");
  if (!v) return out;
  for (const auto& e : *v) {
    if (!e.is_number_unsigned() || e.get<uint64_t>() > 0xFFFF) {
      Fail(std::string("field \"") + key + "\" holds a non-u16 element");
      return {};
    }
    out.push_back(static_cast<uint16_t>(e.get<uint64_t>()));
  }
  return out;
}

std::vector<std::string> FieldReader::StringArray(const char* key) {
  std::vector<std::string> out;
  const auto* v = Find(key, &nlohmann::json::is_array, "an array");
  if (!v) return out;
  for (const auto& e : *v) {
    if (!e.is_string()) {
      Fail(std::string("field \"") + key + "\" holds a non-string element");
      return {};
    }
    out.push_back(e.get<std::string>());
  }
  return out;
}

std::map<std::string, double> FieldReader::OtherNumbers(const std::vector<std::string>& skip) {
  std::map<std::string, double> out;
  if (!status_.ok()) return out;
  for (const auto& [key, value] : object_.items()) {
    if (std::find(skip.begin(), skip.end(), key) != skip.end() || !value.is_number()) continue;
    const double d = value.get<double>();
    if (!std::isfinite(d)) {
      Fail("field \"" + key + "\" is not finite");
      return {};
    }
    out.emplace(key, d);
  }
  return out;
}

const nlohmann::json& FieldReader::Object(const char* key) {
  const auto* v = Find(key, &nlohmann::json::is_object, "an object");
  return v ? *v : NullJson();
}

Result<nlohmann::json> ParseJsonObject(std::string_view text) {
  if (MaxNesting(text) > kMaxJsonDepth) return InvalidArgument("JSON nested too deeply");
  nlohmann::json j = nlohmann::json::parse(text.begin(), text.end(), nullptr,
                                           /*allow_exceptions=*/false);
  if (j.is_discarded()) return InvalidArgument("JSON metadata does not parse");
  if (!j.is_object()) return InvalidArgument("JSON metadata is not an object");
  return j;
}

}  // namespace fedq::protocol
