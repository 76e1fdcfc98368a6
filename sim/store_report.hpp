// Reads a run's committed rounds back from the coordinator's database as the
// report's RoundRecords, so a resumed simulation reports every round of the
// run, not only those of the last process. Opens its own Store connection;
// call it when the coordinator is stopped (or accept WAL's snapshot view).
#pragma once

#include <string>
#include <vector>

#include "common/status.hpp"
#include "sim/report.hpp"

namespace fedq::sim {

struct StoredRun {
  std::string name;
  std::vector<RoundRecord> rounds;  // committed rounds, in order
};

// The latest run of the database at `db_path`.
Result<StoredRun> LoadStoredRun(const std::string& db_path);

}  // namespace fedq::sim
