// RunSimulation: fedq-sim's whole run. Loads Fashion-MNIST once (clients
// hold index lists into the one shared, read-only copy), partitions it,
// makes an ephemeral PKI, starts the real coordinator in-process and N real
// client agents that connect to it over loopback mutual TLS, trains the
// selected clients on a pool of T threads, then reads the committed rounds
// back from the database for the summary and the report. Called once from
// main; SIGINT/SIGTERM stop it cleanly (committed rounds are kept).
#pragma once

#include <vector>

#include "common/status.hpp"
#include "sim/report.hpp"
#include "sim/sim_config.hpp"

namespace fedq::sim {

struct SimOutcome {
  RunSummary summary;
  std::vector<RoundRecord> rounds;
  bool interrupted = false;  // a signal stopped it before the last round
};

Result<SimOutcome> RunSimulation(const SimConfig& config);

}  // namespace fedq::sim
