// fedq-model: train, evaluate (and later quantize) fedq's MLP. main only sets
// up logging, parses flags and runs the chosen subcommand.
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>

#include "tools/fedq-model/command.hpp"
#include "tools/fedq-model/command_util.hpp"

int main(int argc, char** argv) {
  CLI::App app{"fedq-model: train, evaluate and inspect fedq models"};
  app.set_version_flag("--version", std::string("fedq-model ") + FEDQ_VERSION);
  app.require_subcommand(1);
  std::string log_level = "info";
  app.add_option("--log-level", log_level, "log level on stderr")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}))
      ->capture_default_str();

  fedq::tools::CommandRunner selected;
  fedq::tools::AddTrainCommand(app, selected);
  fedq::tools::AddEvalCommand(app, selected);
  fedq::tools::AddBenchTrainCommand(app, selected);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);  // prints help, version, or the error
    return code == 0 ? fedq::tools::kExitOk : fedq::tools::kExitUsage;
  }
  auto logger = spdlog::stderr_color_mt("fedq-model");
  spdlog::set_default_logger(logger);
  spdlog::set_level(spdlog::level::from_str(log_level));
  if (!selected) return fedq::tools::kExitUsage;
  return selected();
}
