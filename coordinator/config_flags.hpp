// Command-line flags for every coordinator config key: --listen-port 0
// overrides "listen_port" of the config file. ConfigFlags registers the flags
// on a CLI11 app and, after parsing, applies those that were given. Owned by
// main(); not thread-safe.
#pragma once

#include <CLI/App.hpp>
#include <map>
#include <memory>
#include <string>

#include "common/status.hpp"
#include "coordinator/config.hpp"

namespace fedq::coordinator {

class ConfigFlags {
 public:
  // Adds one flag per config key to `app`; `app` must outlive this object.
  explicit ConfigFlags(CLI::App& app);

  // Applies the flags given on the command line onto `config`. A value that
  // does not parse as the key's type is an InvalidArgument naming the flag.
  Status ApplyTo(CoordinatorConfig& config) const;

  static std::string FlagName(const std::string& key);

 private:
  struct Flag {
    CLI::Option* option = nullptr;
    std::string value;
  };
  // unique_ptr: CLI11 keeps a pointer to each value string.
  std::map<std::string, std::unique_ptr<Flag>> flags_;
};

}  // namespace fedq::coordinator
