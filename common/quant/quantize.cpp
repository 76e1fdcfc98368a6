#include "common/quant/quantize.hpp"

#include <algorithm>
#include <cmath>
#include <string>

namespace fedq::quant {
namespace {

std::size_t ParamCount(const std::vector<int>& sizes) {
  std::size_t count = 0;
  for (std::size_t l = 0; l + 1 < sizes.size(); ++l) {
    count += static_cast<std::size_t>(sizes[l] + 1) * static_cast<std::size_t>(sizes[l + 1]);
  }
  return count;
}

Status CheckShape(const std::vector<int>& sizes, std::span<const float> params) {
  if (sizes.size() < 2) return InvalidArgument("an MLP needs at least input and output sizes");
  for (int s : sizes) {
    if (s <= 0 || s > kMaxInputs) {
      return InvalidArgument("layer size " + std::to_string(s) + " outside [1, " +
                             std::to_string(kMaxInputs) + "]");
    }
  }
  if (params.size() != ParamCount(sizes)) {
    return InvalidArgument("expected " + std::to_string(ParamCount(sizes)) + " parameters, got " +
                           std::to_string(params.size()));
  }
  if (!std::all_of(params.begin(), params.end(), [](float v) { return std::isfinite(v); })) {
    return InvalidArgument("the float model has a non-finite parameter");
  }
  return Status::Ok();
}

using ConstMatrixMap = Eigen::Map<const Eigen::MatrixXf>;
using ConstVectorMap = Eigen::Map<const Eigen::VectorXf>;

}  // namespace

void QuantizePerChannel(std::span<const float> col_major, int out, int in,
                        std::vector<int8_t>& rows, std::vector<float>& scales) {
  const ConstMatrixMap w(col_major.data(), out, in);
  rows.resize(static_cast<std::size_t>(out) * in);
  scales.resize(static_cast<std::size_t>(out));
  for (int j = 0; j < out; ++j) {
    const float max_abs = w.row(j).cwiseAbs().maxCoeff();
    const float scale = max_abs > 0.0f ? max_abs / 127.0f : 1.0f;
    scales[j] = scale;
    for (int k = 0; k < in; ++k) {
      const float q = std::clamp(std::nearbyint(w(j, k) / scale), -127.0f, 127.0f);
      rows[static_cast<std::size_t>(j) * in + k] = static_cast<int8_t>(q);
    }
  }
}

Result<std::vector<float>> CalibrateInputRanges(const std::vector<int>& layer_sizes,
                                                std::span<const float> params,
                                                const RowMajorMatrixXf& samples) {
  FEDQ_RETURN_IF_ERROR(CheckShape(layer_sizes, params));
  if (samples.rows() == 0) return InvalidArgument("calibration needs at least one sample");
  if (samples.cols() != layer_sizes.front()) {
    return InvalidArgument("calibration samples have " + std::to_string(samples.cols()) +
                           " features, the model takes " + std::to_string(layer_sizes.front()));
  }
  // Column-major d x n view of the same memory: one column per sample.
  Eigen::MatrixXf x =
      Eigen::Map<const Eigen::MatrixXf>(samples.data(), samples.cols(), samples.rows());
  std::vector<float> ranges;
  std::size_t offset = 0;
  for (std::size_t l = 0; l + 1 < layer_sizes.size(); ++l) {
    const int in = layer_sizes[l];
    const int out = layer_sizes[l + 1];
    ranges.push_back(x.cwiseAbs().maxCoeff());
    const ConstMatrixMap w(params.data() + offset, out, in);
    const ConstVectorMap b(params.data() + offset + static_cast<std::size_t>(out) * in, out);
    offset += static_cast<std::size_t>(in + 1) * out;
    Eigen::MatrixXf y = (w * x).colwise() + b;
    x = (l + 2 < layer_sizes.size()) ? Eigen::MatrixXf(y.cwiseMax(0.0f)) : y;
  }
  return ranges;
}

Result<QuantizedMlp> QuantizeMlp(const std::vector<int>& layer_sizes, std::span<const float> params,
                                 const QuantizeOptions& options) {
  FEDQ_RETURN_IF_ERROR(CheckShape(layer_sizes, params));
  std::vector<float> ranges;
  if (options.mode == ActivationMode::kStatic) {
    if (options.calibration == nullptr) {
      return InvalidArgument("static activation scales need calibration samples");
    }
    FEDQ_ASSIGN_OR_RETURN(ranges, CalibrateInputRanges(layer_sizes, params, *options.calibration));
  }
  std::vector<QuantizedLayer> layers(layer_sizes.size() - 1);
  std::size_t offset = 0;
  for (std::size_t l = 0; l < layers.size(); ++l) {
    QuantizedLayer& layer = layers[l];
    layer.in = layer_sizes[l];
    layer.out = layer_sizes[l + 1];
    const std::size_t weight_count = static_cast<std::size_t>(layer.out) * layer.in;
    QuantizePerChannel(params.subspan(offset, weight_count), layer.out, layer.in, layer.weights,
                       layer.weight_scales);
    const auto bias = params.subspan(offset + weight_count, static_cast<std::size_t>(layer.out));
    layer.bias.assign(bias.begin(), bias.end());
    offset += weight_count + static_cast<std::size_t>(layer.out);
    if (options.mode == ActivationMode::kStatic) {
      layer.input_scale = ranges[l] > 0.0f ? ranges[l] / 127.0f : 1.0f;
    }
  }
  return QuantizedMlp::Create(options.mode, std::move(layers));
}

}  // namespace fedq::quant
