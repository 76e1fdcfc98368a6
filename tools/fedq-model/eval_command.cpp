// `fedq-model eval`: accuracy and loss of a saved model on a data split.
#include <spdlog/spdlog.h>

#include <chrono>
#include <memory>
#include <string>

#include "common/model_file.hpp"
#include "common/trainer.hpp"
#include "tools/fedq-model/command.hpp"
#include "tools/fedq-model/command_util.hpp"

namespace fedq::tools {
namespace {

struct EvalOptions {
  std::string model_path;
  std::string data_dir;
  std::string split = "test";
  bool json = false;
};

int RunEval(const EvalOptions& o) {
  Result<Mlp> mlp = LoadModel(o.model_path);
  if (!mlp.ok()) return ReportFailure(mlp.status());
  Result<Dataset> data = LoadSplit(o.data_dir, o.split == "train" ? Split::kTrain : Split::kTest);
  if (!data.ok()) return ReportFailure(data.status());
  const auto start = std::chrono::steady_clock::now();
  Result<EvalMetrics> eval = Evaluate(*mlp, *data);
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!eval.ok()) return ReportFailure(eval.status().WithContext("model does not fit the data"));
  if (o.json) {
    nlohmann::json j = {{"command", "eval"},       {"model", o.model_path},
                        {"split", o.split},        {"layers", mlp->layer_sizes()},
                        {"samples", data->size()}, {"accuracy", eval->accuracy},
                        {"loss", eval->loss},      {"eval_seconds", s}};
    if (o.split == "test") {
      j["test_accuracy"] = eval->accuracy;
      j["test_loss"] = eval->loss;
    }
    PrintJsonLine(j);
  } else {
    std::printf("%s split: accuracy %.4f, loss %.4f (%zu samples, %.3f s)\n", o.split.c_str(),
                eval->accuracy, eval->loss, data->size(), s);
  }
  return kExitOk;
}

}  // namespace

void AddEvalCommand(CLI::App& app, CommandRunner& selected) {
  auto o = std::make_shared<EvalOptions>();
  CLI::App* sub = app.add_subcommand("eval", "evaluate a saved model");
  sub->add_option("--model", o->model_path, "the .fdqm model file")->required();
  sub->add_option("--data", o->data_dir, "Fashion-MNIST directory (IDX files)")->required();
  sub->add_option("--split", o->split, "which split to evaluate on")
      ->check(CLI::IsMember({"test", "train"}))
      ->capture_default_str();
  sub->add_flag("--json", o->json, "print a JSON summary as the last line of stdout");
  sub->callback([o, &selected] { selected = [o] { return RunEval(*o); }; });
}

}  // namespace fedq::tools
