// Lets a CLI11 program read its config file as JSON: one flat object whose
// keys are the long flag names with '_' for '-' ("per_round" is
// --per-round), so every key is also a flag and a flag given on the command
// line wins over the file. Used by fedq-client and fedq-sim. Stateless.
#pragma once

#include <CLI/CLI.hpp>
#include <istream>
#include <string>
#include <vector>

namespace fedq::client {

class JsonConfig : public CLI::Config {
 public:
  // Writes every configurable option's current value as a JSON object.
  std::string to_config(const CLI::App* app, bool default_also, bool write_description,
                        std::string prefix) const override;
  // Throws CLI::ConfigError (CLI11's channel, caught by the program's main)
  // on text that is not one JSON object of scalars and arrays of scalars.
  std::vector<CLI::ConfigItem> from_config(std::istream& input) const override;
};

// Installs JsonConfig and a --config option on `app`; an unknown key in the
// file is refused with its name.
void UseJsonConfig(CLI::App& app, const std::string& default_path = "");

}  // namespace fedq::client
