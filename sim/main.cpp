// fedq-sim: the real coordinator and N real clients in one process over
// loopback mutual TLS, on a partitioned Fashion-MNIST. Parses flags and the
// config file, then hands over to RunSimulation. Exit codes: 0 success (also
// after SIGINT/SIGTERM), 1 runtime failure, 2 bad usage or config.
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "client/json_config.hpp"
#include "sim/sim_config.hpp"
#include "sim/simulation.hpp"

namespace {

nlohmann::json Num(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(); }

void PrintOutcome(const fedq::sim::SimConfig& config, const fedq::sim::SimOutcome& out) {
  const auto& s = out.summary;
  std::fprintf(stderr,
               "fedq-sim: %lld rounds, final test accuracy %.4f, uplink %llu bytes (fp32 would be "
               "%llu, %.1fx less), downlink %llu bytes, %.1f s%s\n",
               static_cast<long long>(s.rounds), s.final_test_accuracy,
               static_cast<unsigned long long>(s.uplink_bytes),
               static_cast<unsigned long long>(s.uplink_bytes_fp32),
               s.uplink_bytes ? static_cast<double>(s.uplink_bytes_fp32) / s.uplink_bytes : 0.0,
               static_cast<unsigned long long>(s.downlink_bytes), s.wall_seconds,
               out.interrupted ? " (interrupted: run again with the same --db to resume)" : "");
  if (!config.report.empty()) {
    std::fprintf(stderr, "fedq-sim: report written to %s/index.html\n", config.report.c_str());
  }
  if (config.json) {
    nlohmann::json j = {{"final_test_accuracy", Num(s.final_test_accuracy)},
                        {"final_test_loss", Num(s.final_test_loss)},
                        {"rounds", s.rounds},
                        {"uplink_bytes", s.uplink_bytes},
                        {"uplink_bytes_fp32", s.uplink_bytes_fp32},
                        {"downlink_bytes", s.downlink_bytes},
                        {"wall_seconds", s.wall_seconds},
                        {"interrupted", out.interrupted},
                        {"report", config.report},
                        {"db", config.db}};
    std::printf("%s\n", j.dump().c_str());
  }
}

}  // namespace

int main(int argc, char** argv) {
  fedq::sim::SimConfig config;
  CLI::App app("fedq-sim: a coordinator and N clients in one process, on Fashion-MNIST");
  app.set_version_flag("--version", "fedq-sim 0.1.0");
  fedq::client::UseJsonConfig(app);
  fedq::sim::AddSimFlags(app, config);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  spdlog::set_default_logger(spdlog::stderr_color_mt("fedq-sim"));
  spdlog::set_level(spdlog::level::from_str(config.log_level));
  if (fedq::Status s = fedq::sim::ValidateSimConfig(config); !s.ok()) {
    spdlog::error("bad config: {}", s.message());
    return 2;
  }
  fedq::Result<fedq::sim::SimOutcome> out = fedq::sim::RunSimulation(config);
  if (!out.ok()) {
    spdlog::error("{}", out.status().ToString());
    return 1;
  }
  PrintOutcome(config, *out);
  return 0;
}
