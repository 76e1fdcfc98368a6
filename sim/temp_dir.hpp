// TempDir: a private (0700) temporary directory removed with everything in it
// when the object dies, so the simulation's ephemeral keys never outlive it.
// Move-only; not thread-safe.
#pragma once

#include <filesystem>
#include <string>

#include "common/status.hpp"

namespace fedq::sim {

class TempDir {
 public:
  static Result<TempDir> Create(const std::string& prefix);
  TempDir(TempDir&& other) noexcept : path_(std::move(other.path_)) { other.path_.clear(); }
  TempDir& operator=(TempDir&&) = delete;
  TempDir(const TempDir&) = delete;
  ~TempDir();

  const std::filesystem::path& path() const { return path_; }

 private:
  explicit TempDir(std::filesystem::path path) : path_(std::move(path)) {}
  std::filesystem::path path_;
};

}  // namespace fedq::sim
