#include "sim/temp_dir.hpp"

#include <stdlib.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace fedq::sim {

Result<TempDir> TempDir::Create(const std::string& prefix) {
  std::string pattern = (std::filesystem::temp_directory_path() / (prefix + "XXXXXX")).string();
  std::vector<char> buf(pattern.begin(), pattern.end());
  buf.push_back('\0');
  // mkdtemp makes the directory with mode 0700.
  if (::mkdtemp(buf.data()) == nullptr) {
    return IoError("cannot create a temporary directory: " + std::string(std::strerror(errno)));
  }
  return TempDir(std::filesystem::path(buf.data()));
}

TempDir::~TempDir() {
  if (path_.empty()) return;
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

}  // namespace fedq::sim
