// FieldReader: typed, non-throwing access to the fields of one JSON object of
// a message. The first missing or mistyped field is remembered and every later
// read returns a default, so a decoder reads all fields and checks once.
// Not thread-safe; one per decode.
#pragma once

#include <cstdint>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.hpp"

namespace fedq::protocol {

class FieldReader {
 public:
  // `where` names the object in error messages ("Task", "Task.config").
  FieldReader(const nlohmann::json& object, std::string where);

  std::string String(const char* key);
  uint64_t Unsigned(const char* key, uint64_t max = std::numeric_limits<uint64_t>::max());
  double Number(const char* key);  // finite
  bool Boolean(const char* key);
  std::vector<uint16_t> U16Array(const char* key);
  std::vector<std::string> StringArray(const char* key);
  // Every member of the object that is a number, except the `skip` keys.
  std::map<std::string, double> OtherNumbers(const std::vector<std::string>& skip);
  // A nested object (a null json when missing; the error is recorded).
  const nlohmann::json& Object(const char* key);

  const Status& status() const { return status_; }

 private:
  const nlohmann::json* Find(const char* key, bool (nlohmann::json::*is)() const noexcept,
                             std::string_view type_name);
  void Fail(std::string message);

  const nlohmann::json& object_;
  std::string where_;
  Status status_;
};

// Parses `text` without exceptions; refuses non-objects and nesting deeper
// than kMaxJsonDepth (checked before parsing, so a deep input cannot recurse).
Result<nlohmann::json> ParseJsonObject(std::string_view text);

}  // namespace fedq::protocol
