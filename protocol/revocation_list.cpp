#include "protocol/revocation_list.hpp"

#include <fstream>

#include "protocol/openssl_util.hpp"

namespace fedq::protocol {

Result<RevocationList> RevocationList::Load(const std::filesystem::path& path) {
  RevocationList list;
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return list;
  std::ifstream in(path);
  if (!in) return IoError("cannot read revocation list " + path.string());
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    const size_t hash = line.find('#');
    if (hash != std::string::npos) line.resize(hash);
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    std::string fp = NormalizeFingerprint(line);
    if (fp.empty()) {
      return Corrupt(path.string() + ":" + std::to_string(number) +
                     ": not a SHA-256 fingerprint (64 hex digits)");
    }
    list.fingerprints_.insert(std::move(fp));
  }
  return list;
}

Status RevocationList::Append(const std::filesystem::path& path, std::string_view fingerprint,
                              std::string_view comment) {
  const std::string fp = NormalizeFingerprint(fingerprint);
  if (fp.empty()) return InvalidArgument("not a SHA-256 fingerprint: " + std::string(fingerprint));
  std::ofstream out(path, std::ios::app);
  if (!out) return IoError("cannot append to " + path.string());
  out << fp;
  if (!comment.empty()) out << "  # " << comment;
  out << '\n';
  out.flush();
  if (!out) return IoError("write failed: " + path.string());
  return Status::Ok();
}

bool RevocationList::Contains(std::string_view fingerprint_hex) const {
  return fingerprints_.find(fingerprint_hex) != fingerprints_.end();
}

LiveRevocationList::LiveRevocationList(RevocationList initial)
    : list_(std::make_shared<const RevocationList>(std::move(initial))) {}

std::shared_ptr<const RevocationList> LiveRevocationList::current() const {
  std::lock_guard lock(mu_);
  return list_;
}

std::shared_ptr<const RevocationList> LiveRevocationList::Replace(RevocationList list) {
  auto fresh = std::make_shared<const RevocationList>(std::move(list));
  std::lock_guard lock(mu_);
  list_ = fresh;
  return fresh;
}

}  // namespace fedq::protocol
