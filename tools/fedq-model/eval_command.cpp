// `fedq-model eval`: accuracy, file size and inference throughput of a saved
// model on a data split, for either format: float .fdqm or int8 .q8 (told
// apart by the file's magic, not its name).
#include <spdlog/spdlog.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "common/mlp_workspace.hpp"
#include "common/model_file.hpp"
#include "common/quant/int8_inference.hpp"
#include "common/quant/predict.hpp"
#include "common/quant/q8_file.hpp"
#include "common/trainer.hpp"
#include "tools/fedq-model/command.hpp"
#include "tools/fedq-model/command_util.hpp"
#include "tools/fedq-model/inference_throughput.hpp"

namespace fedq::tools {
namespace {

struct EvalOptions {
  std::string model_path;
  std::string data_dir;
  std::string split = "test";
  ThroughputOptions timing;
  bool json = false;
};

// What both formats report; `json` starts with the format's own fields.
struct EvalReport {
  double accuracy = 0.0;
  double seconds = 0.0;
  Throughput throughput;
  nlohmann::json json;
};

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

Result<EvalReport> EvalFloat(const EvalOptions& o, const Mlp& mlp, const Dataset& data) {
  EvalReport report;
  const auto start = std::chrono::steady_clock::now();
  Result<EvalMetrics> eval = Evaluate(mlp, data);
  report.seconds = SecondsSince(start);
  if (!eval.ok()) return eval.status().WithContext("model does not fit the data");
  report.accuracy = eval->accuracy;
  report.json = {{"format", "fdqm"}, {"layers", mlp.layer_sizes()}, {"loss", eval->loss}};
  MlpWorkspace workspace;
  workspace.Reserve(mlp.layer_sizes(), 256);
  const int in = mlp.layer_sizes().front();
  std::vector<Eigen::Index> labels(256);
  // Forward pass and arg-max, as the int8 path's Predict does.
  report.throughput = MeasureThroughput(
      data,
      [&](const float* x, int n) {
        workspace.Forward(mlp, ConstMatrixView(x, in, n));
        const ConstMatrixView logits = workspace.logits();
        for (int i = 0; i < n; ++i) logits.col(i).maxCoeff(&labels[i]);
      },
      o.timing);
  return report;
}

Result<EvalReport> EvalQuantized(const EvalOptions& o, const quant::QuantizedMlp& model,
                                 const Dataset& data) {
  EvalReport report;
  const auto start = std::chrono::steady_clock::now();
  FEDQ_ASSIGN_OR_RETURN(std::vector<int32_t> predicted, quant::PredictLabels(model, data));
  report.seconds = SecondsSince(start);
  report.accuracy = quant::Accuracy(predicted, data);
  const quant::Int8Kernel kernel = quant::BestKernel();
  report.json = {
      {"format", "q8"},
      {"layers", model.layer_sizes()},
      {"int8_kernel", quant::KernelName(kernel)},
      {"activations",
       model.activation_mode() == quant::ActivationMode::kStatic ? "static" : "dynamic"}};
  quant::Int8Inference inference(model, kernel);
  const int in = model.layer_sizes().front();
  std::vector<int32_t> labels(256);
  report.throughput = MeasureThroughput(
      data, [&](const float* x, int n) { inference.Predict(x, n, in, labels.data()); }, o.timing);
  return report;
}

int RunEval(const EvalOptions& o) {
  // The model first: a damaged file fails before the data set is loaded.
  const bool quantized = quant::IsQuantizedModelFile(o.model_path);
  std::optional<Mlp> mlp;
  std::optional<quant::QuantizedMlp> q8;
  if (quantized) {
    Result<quant::QuantizedMlp> loaded = quant::LoadQuantizedModel(o.model_path);
    if (!loaded.ok()) return ReportFailure(loaded.status());
    q8 = std::move(loaded).value();
  } else {
    Result<Mlp> loaded = LoadModel(o.model_path);
    if (!loaded.ok()) return ReportFailure(loaded.status());
    mlp = std::move(loaded).value();
  }
  Result<Dataset> data = LoadSplit(o.data_dir, o.split == "train" ? Split::kTrain : Split::kTest);
  if (!data.ok()) return ReportFailure(data.status());
  Result<EvalReport> report = quantized ? EvalQuantized(o, *q8, *data) : EvalFloat(o, *mlp, *data);
  if (!report.ok()) return ReportFailure(report.status());
  std::error_code ec;
  const auto bytes = std::filesystem::file_size(o.model_path, ec);
  const Throughput& t = report->throughput;
  if (o.json) {
    nlohmann::json j = {{"command", "eval"},
                        {"model", o.model_path},
                        {"split", o.split},
                        {"samples", data->size()},
                        {"accuracy", report->accuracy},
                        {"eval_seconds", report->seconds},
                        {"model_bytes", ec ? 0 : bytes},
                        {"samples_per_second_batch1", t.batch1.wall},
                        {"samples_per_second_batch256", t.batch256.wall},
                        {"cpu_samples_per_second_batch1", t.batch1.cpu},
                        {"cpu_samples_per_second_batch256", t.batch256.cpu}};
    j.update(report->json);
    if (o.split == "test") j["test_accuracy"] = report->accuracy;
    if (o.split == "test" && j.contains("loss")) j["test_loss"] = j["loss"];
    PrintJsonLine(j);
  } else {
    std::printf(
        "%s split: accuracy %.4f (%zu samples); %s model of %llu bytes; %.0f samples/s "
        "at batch 1, %.0f at batch 256\n",
        o.split.c_str(), report->accuracy, data->size(), quantized ? "int8" : "float",
        static_cast<unsigned long long>(ec ? 0 : bytes), t.batch1.wall, t.batch256.wall);
  }
  return kExitOk;
}

}  // namespace

void AddEvalCommand(CLI::App& app, CommandRunner& selected) {
  auto o = std::make_shared<EvalOptions>();
  CLI::App* sub = app.add_subcommand("eval", "evaluate a saved model (.fdqm or .q8)");
  sub->add_option("--model", o->model_path, "the model file: float .fdqm or int8 .q8")->required();
  sub->add_option("--data", o->data_dir, "Fashion-MNIST directory (IDX files)")->required();
  sub->add_option("--split", o->split, "which split to evaluate on")
      ->check(CLI::IsMember({"test", "train"}))
      ->capture_default_str();
  sub->add_option("--repeats", o->timing.repeats,
                  "timed passes per batch size; the fastest is reported")
      ->check(CLI::Range(1, 100))
      ->capture_default_str();
  sub->add_option("--batch1-samples", o->timing.batch1_rows,
                  "samples timed at batch 1 (0: the whole split)")
      ->capture_default_str();
  sub->add_flag("--json", o->json, "print a JSON summary as the last line of stdout");
  sub->callback([o, &selected] { selected = [o] { return RunEval(*o); }; });
}

}  // namespace fedq::tools
