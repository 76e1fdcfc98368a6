// Post-training quantization of a float MLP to a QuantizedMlp. Works on the
// Mlp's flat parameter layout (per layer: W out x in column-major, then b),
// so it needs only layer sizes and a span of floats. Pure functions.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "common/dataset.hpp"
#include "common/quant/quantized_mlp.hpp"
#include "common/status.hpp"

namespace fedq::quant {

struct QuantizeOptions {
  ActivationMode mode = ActivationMode::kDynamic;
  // Static mode: samples whose activations fix each layer's input scale
  // (the max |x| seen). Not owned; must be set in static mode.
  const RowMajorMatrixXf* calibration = nullptr;
};

// Per-output-channel symmetric quantization of one weight matrix given
// column-major (out x in): scale_j = max_k |W[j][k]| / 127 (1 for an all-zero
// row), q = round(W / scale). Writes rows (out x in, row-major) and scales.
void QuantizePerChannel(std::span<const float> col_major, int out, int in,
                        std::vector<int8_t>& rows, std::vector<float>& scales);

// The max |x| of each layer's input over the calibration rows, running the
// float model (ReLU hidden layers). Entry l is for layer l's input.
Result<std::vector<float>> CalibrateInputRanges(const std::vector<int>& layer_sizes,
                                                std::span<const float> params,
                                                const RowMajorMatrixXf& samples);

Result<QuantizedMlp> QuantizeMlp(const std::vector<int>& layer_sizes, std::span<const float> params,
                                 const QuantizeOptions& options);

}  // namespace fedq::quant
