#include "client/predict_command.hpp"

#include <chrono>

#include "common/csv_loader.hpp"
#include "common/idx_reader.hpp"
#include "common/quant/predict.hpp"
#include "common/quant/q8_file.hpp"

namespace fedq::client {
namespace {

Result<Dataset> LoadSamples(const PredictOptions& o) {
  if (!o.csv.empty()) {
    CsvOptions csv;
    csv.has_header = o.csv_header;
    csv.feature_scale = o.csv_scale;
    return LoadCsv(o.csv, csv);
  }
  if (!o.labels.empty()) return LoadIdxPair(o.images, o.labels);
  return LoadIdxImages(o.images);
}

Status Validate(const PredictOptions& o) {
  if (o.model.empty()) return InvalidArgument("predict: --model is required");
  if (o.out.empty()) return InvalidArgument("predict: --out is required");
  if (o.csv.empty() == o.images.empty()) {
    return InvalidArgument("predict: give exactly one of --images or --csv");
  }
  if (!o.labels.empty() && o.images.empty()) {
    return InvalidArgument("predict: --labels goes with --images");
  }
  return Status::Ok();
}

}  // namespace

CLI::App* AddPredictCommand(CLI::App& app, PredictOptions& o) {
  CLI::App* cmd = app.add_subcommand(
      "predict", "label local samples with a quantized model (.q8), on this device");
  cmd->add_option("--model", o.model, "quantized model from `fedq-model quantize`");
  cmd->add_option("--images", o.images, "IDX images file (gzip or plain)");
  cmd->add_option("--labels", o.labels, "IDX labels of --images, to report accuracy");
  cmd->add_option("--csv", o.csv, "CSV file: label, then features");
  cmd->add_flag("--csv-header", o.csv_header, "the CSV's first line is a header");
  cmd->add_option("--csv-scale", o.csv_scale, "CSV features are multiplied by it")
      ->capture_default_str();
  cmd->add_option("--out", o.out, "where to write the labels, one per line");
  cmd->add_flag("--json", o.json, "print a JSON summary as the last line of stdout");
  return cmd;
}

Status RunPredict(const PredictOptions& o, nlohmann::json& summary) {
  FEDQ_RETURN_IF_ERROR(Validate(o));
  if (!quant::IsQuantizedModelFile(o.model)) {
    return InvalidArgument("predict: " + o.model +
                           " is not a .q8 model (make one with `fedq-model quantize`)");
  }
  FEDQ_ASSIGN_OR_RETURN(quant::QuantizedMlp model, quant::LoadQuantizedModel(o.model));
  FEDQ_ASSIGN_OR_RETURN(Dataset data, LoadSamples(o));
  const auto start = std::chrono::steady_clock::now();
  FEDQ_ASSIGN_OR_RETURN(std::vector<int32_t> labels, quant::PredictLabels(model, data));
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  FEDQ_RETURN_IF_ERROR(quant::WriteLabels(labels, o.out));
  summary = {{"samples", labels.size()},
             {"seconds", seconds},
             {"samples_per_second", seconds > 0 ? labels.size() / seconds : 0.0},
             {"int8_kernel", std::string(quant::KernelName(quant::BestKernel()))},
             {"out", o.out}};
  if (data.labels.size() == labels.size()) summary["accuracy"] = quant::Accuracy(labels, data);
  return Status::Ok();
}

}  // namespace fedq::client
