// fedq-client: the edge device's program. Parses flags and the config file,
// then hands over to RunClient. Exit codes: 0 success (also after
// SIGINT/SIGTERM), 1 runtime failure, 2 bad usage or config.
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <cstdio>

#include "client/client_config.hpp"
#include "client/client_runner.hpp"
#include "client/json_config.hpp"
#include "client/predict_command.hpp"

namespace {

int RunPredictCommand(const fedq::client::PredictOptions& options) {
  nlohmann::json summary;
  if (fedq::Status s = fedq::client::RunPredict(options, summary); !s.ok()) {
    spdlog::error("{}", s.ToString());
    return s.code() == fedq::ErrorCode::kInvalidArgument ? 2 : 1;
  }
  spdlog::info("predicted {} labels into {}", summary["samples"].get<std::size_t>(), options.out);
  if (options.json) std::printf("%s\n", summary.dump().c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  fedq::client::ClientConfig config;
  CLI::App app("fedq-client: trains on local data for a fedq coordinator, over mutual TLS");
  app.set_version_flag("--version", "fedq-client 0.1.0");
  fedq::client::UseJsonConfig(app);
  fedq::client::AddClientFlags(app, config);
  fedq::client::PredictOptions predict;
  CLI::App* predict_command = fedq::client::AddPredictCommand(app, predict);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  spdlog::set_default_logger(spdlog::stderr_color_mt("fedq-client"));
  spdlog::set_level(spdlog::level::from_str(config.log_level));
  if (predict_command->parsed()) return RunPredictCommand(predict);
  if (fedq::Status s = fedq::client::ValidateClientConfig(config); !s.ok()) {
    spdlog::error("bad config: {}", s.message());
    return 2;
  }
  fedq::Status s = fedq::client::RunClient(config);
  if (!s.ok()) {
    spdlog::error("{}", s.ToString());
    return 1;
  }
  return 0;
}
