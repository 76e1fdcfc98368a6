// The run report of fedq-sim: rounds.csv (one row per round), summary.json
// and index.html (a self-contained page, inline SVG and JS, no external URL)
// written into one directory. Pure functions over plain values; thread-safe.
#pragma once

#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/status.hpp"

namespace fedq::sim {

// One committed round as the report shows it. Accuracy and loss are NaN when
// the round was not evaluated.
struct RoundRecord {
  int64_t round = 0;
  double test_accuracy = 0;
  double test_loss = 0;
  double train_loss = 0;
  uint64_t uplink_bytes = 0;
  uint64_t downlink_bytes = 0;
  int participants = 0;
  double duration_seconds = 0;
};

struct RunSummary {
  std::string run_name;
  nlohmann::json config;  // the simulation's settings, shown on the page
  double final_test_accuracy = 0;
  double final_test_loss = 0;
  int64_t rounds = 0;
  uint64_t uplink_bytes = 0;
  uint64_t uplink_bytes_fp32 = 0;  // what fp32 updates would have cost
  uint64_t downlink_bytes = 0;
  double wall_seconds = 0;
};

// Totals of `rounds` plus the fields the caller knows (config, wall time,
// fp32 size of one update) folded into a summary.
RunSummary Summarize(const std::vector<RoundRecord>& rounds, uint64_t fp32_update_bytes);

std::string RoundsCsv(const std::vector<RoundRecord>& rounds);
nlohmann::json SummaryJson(const RunSummary& summary);
std::string ReportHtml(const RunSummary& summary, const std::vector<RoundRecord>& rounds);

// Writes the three files into `dir` (created if missing), each atomically
// (temporary file, then rename).
Status WriteReport(const std::filesystem::path& dir, const RunSummary& summary,
                   const std::vector<RoundRecord>& rounds);

}  // namespace fedq::sim
