// fedq-coordinator: parses flags, loads the config, calls Run().
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <iostream>

#include "coordinator/allocator_tuning.hpp"
#include "coordinator/config.hpp"
#include "coordinator/config_flags.hpp"
#include "coordinator/coordinator_service.hpp"

namespace {

int Fail(int code, const std::string& message) {
  std::cerr << "fedq-coordinator: " << message << "\n";
  return code;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace fedq::coordinator;
  CLI::App app{"fedq-coordinator: runs federated rounds for fedq clients over mutual TLS"};
  app.set_version_flag("--version", std::string("fedq-coordinator ") + FEDQ_VERSION);
  std::string config_path;
  app.add_option("--config", config_path, "JSON config file (configs/coordinator.json)");
  ConfigFlags flags(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }

  CoordinatorConfig config;
  if (!config_path.empty()) {
    fedq::Result<CoordinatorConfig> loaded = LoadConfigFile(config_path);
    if (!loaded.ok()) return Fail(2, loaded.status().message());
    config = std::move(loaded).value();
  }
  if (fedq::Status s = flags.ApplyTo(config); !s.ok()) return Fail(2, s.message());
  if (fedq::Status s = ValidateConfig(config); !s.ok()) return Fail(2, s.message());

  TuneAllocator();  // as measured by bench/round_overhead
  spdlog::set_default_logger(spdlog::stderr_color_mt("fedq-coordinator"));
  spdlog::set_level(spdlog::level::from_str(config.log_level));
  fedq::Status status = Run(config);
  if (!status.ok()) {
    spdlog::error("{}", status.ToString());
    return 1;
  }
  return 0;
}
