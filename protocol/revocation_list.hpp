// RevocationList: the SHA-256 fingerprints of certificates the coordinator
// refuses at the handshake. File format: one fingerprint per line (64 hex
// digits, colons and case ignored), '#' starts a comment. Immutable once
// loaded: share it between threads freely.
#pragma once

#include <filesystem>
#include <set>
#include <string>
#include <string_view>

#include "common/status.hpp"

namespace fedq::protocol {

class RevocationList {
 public:
  RevocationList() = default;

  // A missing file is an empty list; a malformed line is an error naming it.
  static Result<RevocationList> Load(const std::filesystem::path& path);
  // Appends one fingerprint (with a comment) to the file, creating it.
  static Status Append(const std::filesystem::path& path, std::string_view fingerprint,
                       std::string_view comment);

  bool Contains(std::string_view fingerprint_hex) const;
  size_t size() const { return fingerprints_.size(); }

 private:
  std::set<std::string, std::less<>> fingerprints_;
};

}  // namespace fedq::protocol
