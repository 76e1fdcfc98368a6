// `fedq-model train`: centralized training of the float baseline MLP.
#include <spdlog/spdlog.h>

#include <atomic>
#include <csignal>
#include <memory>
#include <string>

#include "common/model_file.hpp"
#include "common/progress_bar.hpp"
#include "common/trainer.hpp"
#include "tools/fedq-model/command.hpp"
#include "tools/fedq-model/command_util.hpp"

namespace fedq::tools {
namespace {

// SIGINT/SIGTERM stop training after the current batch (lock-free atomic:
// safe to store from a signal handler).
std::atomic<bool> g_stop{false};
extern "C" void OnStopSignal(int) { g_stop.store(true); }

struct TrainOptions {
  std::string data_dir;
  std::string layers = "784,200,200,10";
  TrainConfig config;
  std::string out;
  bool json = false;
};

nlohmann::json Summary(const TrainOptions& o, const Mlp& mlp, const TrainStats& stats,
                       const EvalMetrics& test) {
  return {{"command", "train"},
          {"layers", mlp.layer_sizes()},
          {"params", mlp.params().size()},
          {"epochs", o.config.epochs},
          {"batch", o.config.batch_size},
          {"seed", o.config.seed},
          {"train_loss", stats.mean_loss},
          {"test_accuracy", test.accuracy},
          {"test_loss", test.loss},
          {"train_seconds", stats.seconds},
          {"samples_per_second", stats.samples_per_second()},
          {"model", o.out}};
}

Result<TrainStats> TrainWithProgress(const TrainOptions& o, Mlp& mlp, const Dataset& train,
                                     const Dataset& test) {
  Trainer trainer(o.config);
  trainer.set_stop_flag(&g_stop);
  std::signal(SIGINT, OnStopSignal);
  std::signal(SIGTERM, OnStopSignal);
  ProgressBar bar("training", train.size() * static_cast<std::size_t>(o.config.epochs));
  int epoch = 1;
  const std::string epochs = std::to_string(o.config.epochs);
  trainer.set_batch_callback([&](std::size_t done, std::size_t) {
    bar.Update(done, "epoch " + std::to_string(epoch) + "/" + epochs);
  });
  trainer.set_epoch_callback([&](int e, double loss) {
    epoch = e + 1;
    Result<EvalMetrics> m = Evaluate(mlp, test);
    if (m.ok()) {
      spdlog::info("epoch {}/{}: train loss {:.4f}, test accuracy {:.4f}, test loss {:.4f}", e,
                   epochs, loss, m->accuracy, m->loss);
    }
  });
  Result<TrainStats> stats = trainer.Train(mlp, train);
  bar.Finish();
  return stats;
}

int RunTrain(const TrainOptions& o) {
  Result<std::vector<int>> sizes = ParseLayerList(o.layers, "--layers");
  if (!sizes.ok()) return ReportFailure(sizes.status());
  if (Status s = ValidateTrainConfig(o.config); !s.ok()) return ReportFailure(s);
  Result<Mlp> mlp = Mlp::Create(*sizes, o.config.seed);
  if (!mlp.ok()) return ReportFailure(mlp.status().WithContext("--layers"));
  Result<Dataset> train = LoadSplit(o.data_dir, Split::kTrain);
  if (!train.ok()) return ReportFailure(train.status());
  Result<Dataset> test = LoadSplit(o.data_dir, Split::kTest);
  if (!test.ok()) return ReportFailure(test.status());
  if (Status s = CheckDatasetFits(*sizes, *train); !s.ok()) {
    return ReportFailure(s.WithContext("--layers does not fit the data"));
  }
  spdlog::info("training {} ({} parameters) for {} epochs, batch {}", o.layers,
               mlp->params().size(), o.config.epochs, o.config.batch_size);
  Result<TrainStats> stats = TrainWithProgress(o, *mlp, *train, *test);
  if (!stats.ok() && stats.status().code() == ErrorCode::kCancelled) {
    spdlog::warn("interrupted: {}; no model written", stats.status().message());
    return kExitOk;
  }
  if (!stats.ok()) return ReportFailure(stats.status());
  Result<EvalMetrics> eval = Evaluate(*mlp, *test);
  if (!eval.ok()) return ReportFailure(eval.status());
  if (!o.out.empty()) {
    if (Status s = SaveModel(*mlp, o.out); !s.ok()) return ReportFailure(s);
    spdlog::info("model written to {}", o.out);
  }
  if (o.json) {
    PrintJsonLine(Summary(o, *mlp, *stats, *eval));
  } else {
    std::printf("test accuracy %.4f, test loss %.4f; %.1f s of training, %.0f samples/s\n",
                eval->accuracy, eval->loss, stats->seconds, stats->samples_per_second());
  }
  return kExitOk;
}

}  // namespace

void AddTrainCommand(CLI::App& app, CommandRunner& selected) {
  auto o = std::make_shared<TrainOptions>();
  CLI::App* sub = app.add_subcommand("train", "train an MLP on Fashion-MNIST (float baseline)");
  sub->add_option("--data", o->data_dir, "Fashion-MNIST directory (IDX files)")->required();
  sub->add_option("--layers", o->layers, "layer sizes, input to classes")->capture_default_str();
  sub->add_option("--epochs", o->config.epochs, "passes over the training set")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  sub->add_option("--batch", o->config.batch_size, "minibatch size")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  sub->add_option("--lr", o->config.learning_rate, "learning rate")->capture_default_str();
  sub->add_option("--momentum", o->config.momentum, "SGD momentum")->capture_default_str();
  sub->add_option("--weight-decay", o->config.weight_decay, "L2 weight decay")
      ->capture_default_str();
  sub->add_option("--seed", o->config.seed, "initialization and shuffling seed")
      ->capture_default_str();
  sub->add_option("--out", o->out, "write the trained model to this .fdqm file");
  sub->add_flag("--json", o->json, "print a JSON summary as the last line of stdout");
  sub->callback([o, &selected] { selected = [o] { return RunTrain(*o); }; });
}

}  // namespace fedq::tools
