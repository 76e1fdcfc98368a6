// RevocationList: the SHA-256 fingerprints of certificates the coordinator
// refuses at the handshake. File format: one fingerprint per line (64 hex
// digits, colons and case ignored), '#' starts a comment. Immutable once
// loaded: share it between threads freely.
#pragma once

#include <filesystem>
#include <memory>
#include <mutex>
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

// The list in force on a server, read by handshakes on any thread and
// replaced whole when the operator reloads the file (SIGHUP): a handshake
// sees the old list or the new one, never half of each. Thread-safe.
class LiveRevocationList {
 public:
  explicit LiveRevocationList(RevocationList initial = {});

  std::shared_ptr<const RevocationList> current() const;
  // Returns the list now in force.
  std::shared_ptr<const RevocationList> Replace(RevocationList list);

 private:
  mutable std::mutex mu_;
  std::shared_ptr<const RevocationList> list_;
};

}  // namespace fedq::protocol
