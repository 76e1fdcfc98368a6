// Inference throughput of either model format, for `fedq-model eval`: a
// predictor runs a batch of rows (forward pass and arg-max), and the timer
// runs it over a whole data set at a given batch size. Single-threaded.
#pragma once

#include <functional>

#include "common/dataset.hpp"

namespace fedq::tools {

// Predicts rows [x, x + n * dim) of a row-major data set.
using BatchPredictor = std::function<void(const float* x, int n)>;

struct Throughput {
  double batch1 = 0.0;    // samples/s, one sample per call
  double batch256 = 0.0;  // samples/s, 256 per call
};

// Times full passes over `data` at batch 1 and at batch 256, each the best
// (fastest) of `repeats` passes: the machines are shared and noisy.
Throughput MeasureThroughput(const Dataset& data, const BatchPredictor& predict, int repeats);

}  // namespace fedq::tools
