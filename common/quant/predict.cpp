#include "common/quant/predict.hpp"

#include <algorithm>
#include <cassert>
#include <filesystem>
#include <fstream>

#include "common/quant/int8_inference.hpp"

namespace fedq::quant {

Result<std::vector<int32_t>> PredictLabels(const QuantizedMlp& model, const Dataset& data,
                                           int batch_size, Int8Kernel kernel) {
  if (static_cast<int>(data.dim()) != model.layer_sizes().front()) {
    return InvalidArgument("data has " + std::to_string(data.dim()) +
                           " features per sample, the model takes " +
                           std::to_string(model.layer_sizes().front()));
  }
  if (batch_size <= 0) return InvalidArgument("batch size must be positive");
  if (!KernelSupported(kernel)) {
    return InvalidArgument("int8 kernel " + std::string(KernelName(kernel)) +
                           " not supported here");
  }
  const int n = static_cast<int>(data.features.rows());
  const int stride = static_cast<int>(data.features.cols());
  std::vector<int32_t> labels(static_cast<std::size_t>(n));
  Int8Inference inference(model, kernel);
  for (int start = 0; start < n; start += batch_size) {
    const int count = std::min(batch_size, n - start);
    inference.Predict(data.features.data() + static_cast<std::ptrdiff_t>(start) * stride, count,
                      stride, labels.data() + start);
  }
  return labels;
}

double Accuracy(std::span<const int32_t> predicted, const Dataset& data) {
  assert(predicted.size() == data.labels.size());
  if (predicted.empty()) return 0.0;
  std::size_t correct = 0;
  for (std::size_t i = 0; i < predicted.size(); ++i) correct += predicted[i] == data.labels[i];
  return static_cast<double>(correct) / static_cast<double>(predicted.size());
}

Status WriteLabels(std::span<const int32_t> labels, const std::string& path) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream file(tmp, std::ios::trunc);
    for (int32_t label : labels) file << label << '\n';
    file.flush();
    if (!file) return IoError("cannot write labels to " + tmp);
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) return IoError("cannot rename " + tmp + " to " + path + ": " + ec.message());
  return Status::Ok();
}

}  // namespace fedq::quant
