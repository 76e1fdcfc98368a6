#include "tools/fedq-model/inference_throughput.hpp"

#include <algorithm>
#include <chrono>

namespace fedq::tools {
namespace {

double PassSamplesPerSecond(const Dataset& data, const BatchPredictor& predict, int batch) {
  const int n = static_cast<int>(data.features.rows());
  const auto dim = static_cast<std::ptrdiff_t>(data.dim());
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < n; i += batch) {
    predict(data.features.data() + i * dim, std::min(batch, n - i));
  }
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return s > 0.0 ? n / s : 0.0;
}

}  // namespace

Throughput MeasureThroughput(const Dataset& data, const BatchPredictor& predict, int repeats) {
  Throughput t;
  for (int r = 0; r < std::max(repeats, 1); ++r) {
    t.batch1 = std::max(t.batch1, PassSamplesPerSecond(data, predict, 1));
    t.batch256 = std::max(t.batch256, PassSamplesPerSecond(data, predict, 256));
  }
  return t;
}

}  // namespace fedq::tools
