// How fedq-model's subcommands plug into main: each Add*Command registers its
// flags on the app and, when the subcommand is the one parsed, stores in
// `selected` the function that runs it and returns the exit code
// (0 success, 1 runtime failure, 2 bad usage). Single-threaded.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>

namespace fedq::tools {

using CommandRunner = std::function<int()>;

void AddTrainCommand(CLI::App& app, CommandRunner& selected);
void AddEvalCommand(CLI::App& app, CommandRunner& selected);
// Hidden: one-thread training throughput, for bench/train_vs_torch.
void AddBenchTrainCommand(CLI::App& app, CommandRunner& selected);

}  // namespace fedq::tools
