// `fedq-model bench-train` (hidden): one-thread training throughput on the
// real data, for bench/train_vs_torch. Each repeat trains a fresh model for
// the given epochs; the figures are samples/s of Trainer::Train's own timing.
#include <spdlog/spdlog.h>
#include <time.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "common/trainer.hpp"
#include "tools/fedq-model/command.hpp"
#include "tools/fedq-model/command_util.hpp"

namespace fedq::tools {
namespace {

// Process CPU time: on a shared machine, wall time also counts the time
// other processes held the core.
double CpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

struct BenchOptions {
  std::string data_dir;
  std::string layers = "784,200,200,10";
  TrainConfig config;
  int repeat = 3;
};

// Multiply-adds of one training step per sample, counted as 2 FLOPs each:
// forward W x, the weight gradient, and the error for every layer but the first.
double FlopsPerSample(const std::vector<int>& sizes) {
  double flops = 0.0;
  for (std::size_t l = 0; l + 1 < sizes.size(); ++l) {
    const double mac = static_cast<double>(sizes[l]) * sizes[l + 1];
    flops += 2.0 * mac * (l == 0 ? 2.0 : 3.0);
  }
  return flops;
}

int RunBench(const BenchOptions& o) {
  Result<std::vector<int>> sizes = ParseLayerList(o.layers, "--layers");
  if (!sizes.ok()) return ReportFailure(sizes.status());
  Result<Dataset> train = LoadSplit(o.data_dir, Split::kTrain);
  if (!train.ok()) return ReportFailure(train.status());
  Result<Dataset> test = LoadSplit(o.data_dir, Split::kTest);
  if (!test.ok()) return ReportFailure(test.status());
  std::vector<double> rates;
  std::vector<double> cpu_rates;
  double accuracy = 0.0;
  for (int r = 0; r < o.repeat; ++r) {
    Result<Mlp> mlp = Mlp::Create(*sizes, o.config.seed + static_cast<uint64_t>(r));
    if (!mlp.ok()) return ReportFailure(mlp.status());
    Trainer trainer(o.config);
    const double cpu_start = CpuSeconds();
    Result<TrainStats> stats = trainer.Train(*mlp, *train);
    const double cpu = CpuSeconds() - cpu_start;
    if (!stats.ok()) return ReportFailure(stats.status());
    Result<EvalMetrics> eval = Evaluate(*mlp, *test);
    if (!eval.ok()) return ReportFailure(eval.status());
    accuracy = eval->accuracy;
    rates.push_back(stats->samples_per_second());
    cpu_rates.push_back(static_cast<double>(stats->samples) / cpu);
    spdlog::info("repeat {}: {:.0f} samples/s, train loss {:.4f}, test accuracy {:.4f}", r + 1,
                 rates.back(), stats->mean_loss, eval->accuracy);
  }
  const double median = Median(rates);
  PrintJsonLine({{"command", "bench-train"},
                 {"batch", o.config.batch_size},
                 {"samples_per_second", rates},
                 {"median", median},
                 {"min", *std::min_element(rates.begin(), rates.end())},
                 {"max", *std::max_element(rates.begin(), rates.end())},
                 {"cpu_samples_per_second", cpu_rates},
                 {"cpu_median", Median(cpu_rates)},
                 {"gflops_at_median", median * FlopsPerSample(*sizes) * 1e-9},
                 {"last_test_accuracy", accuracy}});
  return kExitOk;
}

}  // namespace

void AddBenchTrainCommand(CLI::App& app, CommandRunner& selected) {
  auto o = std::make_shared<BenchOptions>();
  o->config.momentum = 0.9f;
  CLI::App* sub = app.add_subcommand("bench-train", "training throughput (benchmark)");
  sub->group("");  // hidden from --help: a benchmark tool, not a user command
  sub->add_option("--data", o->data_dir, "Fashion-MNIST directory")->required();
  sub->add_option("--layers", o->layers, "layer sizes");
  sub->add_option("--epochs", o->config.epochs)->check(CLI::PositiveNumber);
  sub->add_option("--batch", o->config.batch_size)->check(CLI::PositiveNumber);
  sub->add_option("--lr", o->config.learning_rate);
  sub->add_option("--momentum", o->config.momentum);
  sub->add_option("--seed", o->config.seed);
  sub->add_option("--repeat", o->repeat)->check(CLI::PositiveNumber);
  sub->callback([o, &selected] { selected = [o] { return RunBench(*o); }; });
}

}  // namespace fedq::tools
