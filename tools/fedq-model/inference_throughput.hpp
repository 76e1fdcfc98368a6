// Inference throughput of either model format, for `fedq-model eval`: a
// predictor runs a batch of rows (forward pass and arg-max), and the timer
// runs it over a data set at a given batch size, on wall-clock and on
// process CPU time (steadier on a loaded shared machine). Single-threaded.
#pragma once

#include <functional>

#include "common/dataset.hpp"

namespace fedq::tools {

// Predicts rows [x, x + n * dim) of a row-major data set.
using BatchPredictor = std::function<void(const float* x, int n)>;

struct Rate {
  double wall = 0.0;  // samples per wall-clock second
  double cpu = 0.0;   // samples per CPU second of this process
};

struct Throughput {
  Rate batch1;    // one sample per call
  Rate batch256;  // 256 per call
};

struct ThroughputOptions {
  int repeats = 1;              // passes per batch size; the fastest of each clock is kept
  std::size_t batch1_rows = 0;  // rows timed at batch 1 (0: all); batch 1 can be slow
};

Throughput MeasureThroughput(const Dataset& data, const BatchPredictor& predict,
                             const ThroughputOptions& options);

}  // namespace fedq::tools
