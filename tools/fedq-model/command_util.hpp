// Helpers shared by fedq-model's subcommands: flag parsing that names the
// flag on error, data loading, and the --json last line. No state.
#pragma once

#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/dataset.hpp"
#include "common/idx_reader.hpp"
#include "common/status.hpp"

namespace fedq::tools {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;

// "784,200,200,10" -> {784, 200, 200, 10}; the error names `flag`.
Result<std::vector<int>> ParseLayerList(const std::string& text, const std::string& flag);

// Fashion-MNIST split from `dir`, logged with its size and load time.
Result<Dataset> LoadSplit(const std::string& dir, Split split);

// Logs `status` with spdlog and returns the exit code for it: 2 for
// kInvalidArgument (the user's input), 1 otherwise.
int ReportFailure(const Status& status);

// The machine-readable result: one JSON object, the last line of stdout.
void PrintJsonLine(const nlohmann::json& j);

}  // namespace fedq::tools
