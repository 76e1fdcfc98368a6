// `fedq-model quantize`: post-training int8 quantization of a float .fdqm
// model into a .q8 file (docs/quantized-model.md). Activation scales are
// dynamic (per sample, at inference) unless calibration data is given.
#include <spdlog/spdlog.h>

#include <filesystem>
#include <memory>
#include <string>

#include "common/csv_loader.hpp"
#include "common/model_file.hpp"
#include "common/quant/q8_file.hpp"
#include "common/quant/quantize.hpp"
#include "tools/fedq-model/command.hpp"
#include "tools/fedq-model/command_util.hpp"

namespace fedq::tools {
namespace {

struct QuantizeCommandOptions {
  std::string model_path;
  std::string out_path;
  std::string calibration;  // Fashion-MNIST directory (train split) or a .csv file
  int samples = 256;
  bool json = false;
};

// `samples` rows evenly spaced over the calibration set: deterministic, and
// they cover every part of a set stored in any order.
Result<RowMajorMatrixXf> LoadCalibration(const std::string& source, int samples) {
  Result<Dataset> data = std::filesystem::is_directory(source) ? LoadSplit(source, Split::kTrain)
                                                               : LoadCsv(source, CsvOptions{});
  if (!data.ok()) return data.status().WithContext("loading calibration data");
  const auto n = static_cast<Eigen::Index>(data->size());
  const Eigen::Index count = std::min<Eigen::Index>(samples, n);
  RowMajorMatrixXf rows(count, data->features.cols());
  for (Eigen::Index i = 0; i < count; ++i) rows.row(i) = data->features.row(i * n / count);
  return rows;
}

int RunQuantize(const QuantizeCommandOptions& o) {
  Result<Mlp> mlp = LoadModel(o.model_path);
  if (!mlp.ok()) return ReportFailure(mlp.status());
  quant::QuantizeOptions options;
  RowMajorMatrixXf calibration;
  if (!o.calibration.empty()) {
    Result<RowMajorMatrixXf> rows = LoadCalibration(o.calibration, o.samples);
    if (!rows.ok()) return ReportFailure(rows.status());
    calibration = std::move(rows).value();
    options.mode = quant::ActivationMode::kStatic;
    options.calibration = &calibration;
  }
  Result<quant::QuantizedMlp> model =
      quant::QuantizeMlp(mlp->layer_sizes(), mlp->params(), options);
  if (!model.ok()) return ReportFailure(model.status().WithContext("quantizing"));
  if (Status s = quant::SaveQuantizedModel(*model, o.out_path); !s.ok()) return ReportFailure(s);
  const auto float_bytes = std::filesystem::file_size(o.model_path);
  const auto q8_bytes = std::filesystem::file_size(o.out_path);
  const char* mode = options.mode == quant::ActivationMode::kStatic ? "static" : "dynamic";
  spdlog::info(
      "wrote {}: {} bytes ({:.2f}x smaller than {}), {} activation scales{}", o.out_path, q8_bytes,
      double(float_bytes) / double(q8_bytes), o.model_path, mode,
      calibration.rows() ? " from " + std::to_string(calibration.rows()) + " samples" : "");
  if (o.json) {
    PrintJsonLine({{"command", "quantize"},
                   {"model", o.model_path},
                   {"out", o.out_path},
                   {"layers", model->layer_sizes()},
                   {"activations", mode},
                   {"calibration_samples", calibration.rows()},
                   {"float_bytes", float_bytes},
                   {"q8_bytes", q8_bytes},
                   {"size_ratio", double(float_bytes) / double(q8_bytes)}});
  }
  return kExitOk;
}

}  // namespace

void AddQuantizeCommand(CLI::App& app, CommandRunner& selected) {
  auto o = std::make_shared<QuantizeCommandOptions>();
  CLI::App* sub = app.add_subcommand("quantize", "post-training int8 quantization to a .q8 file");
  sub->add_option("--model", o->model_path, "the float .fdqm model")->required();
  sub->add_option("--out", o->out_path, "the .q8 file to write")->required();
  sub->add_option("--calibration", o->calibration,
                  "calibrate static activation scales on this data: a Fashion-MNIST directory "
                  "(train split) or a CSV file (label, features); without it scales are dynamic");
  sub->add_option("--samples", o->samples, "calibration samples, evenly spaced over the data")
      ->check(CLI::Range(1, 1000000))
      ->capture_default_str();
  sub->add_flag("--json", o->json, "print a JSON summary as the last line of stdout");
  sub->callback([o, &selected] { selected = [o] { return RunQuantize(*o); }; });
}

}  // namespace fedq::tools
