// On-device inference with a quantized model: predicted labels for a whole
// Dataset, and a writer of labels to a file, so that a client's `predict`
// subcommand is load model, load data, PredictLabels, WriteLabels.
// Pure functions; each call uses its own scratch, so calls may run in parallel.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "common/dataset.hpp"
#include "common/quant/int8_gemm.hpp"
#include "common/quant/quantized_mlp.hpp"
#include "common/status.hpp"

namespace fedq::quant {

inline constexpr int kDefaultBatch = 256;

// One label per sample of `data`, in order. kInvalidArgument when the data
// set's feature width differs from the model's input width.
Result<std::vector<int32_t>> PredictLabels(const QuantizedMlp& model, const Dataset& data,
                                           int batch_size = kDefaultBatch,
                                           Int8Kernel kernel = BestKernel());

// Fraction of labels equal to data.labels (REQUIRES: same length).
double Accuracy(std::span<const int32_t> predicted, const Dataset& data);

// One decimal label per line, written to path + ".tmp" then renamed.
Status WriteLabels(std::span<const int32_t> labels, const std::string& path);

}  // namespace fedq::quant
