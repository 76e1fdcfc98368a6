#include "tools/fedq-model/inference_throughput.hpp"

#include <algorithm>
#include <chrono>
#include <ctime>

namespace fedq::tools {
namespace {

Rate Pass(const Dataset& data, const BatchPredictor& predict, int batch, std::size_t rows) {
  const int n = static_cast<int>(std::min<std::size_t>(rows, data.size()));
  const auto dim = static_cast<std::ptrdiff_t>(data.dim());
  const std::clock_t cpu_start = std::clock();
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < n; i += batch) {
    predict(data.features.data() + i * dim, std::min(batch, n - i));
  }
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double cpu = static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC;
  return {wall > 0.0 ? n / wall : 0.0, cpu > 0.0 ? n / cpu : 0.0};
}

void KeepFastest(Rate& best, const Rate& r) {
  best.wall = std::max(best.wall, r.wall);
  best.cpu = std::max(best.cpu, r.cpu);
}

}  // namespace

Throughput MeasureThroughput(const Dataset& data, const BatchPredictor& predict,
                             const ThroughputOptions& options) {
  const std::size_t batch1_rows = options.batch1_rows ? options.batch1_rows : data.size();
  Throughput t;
  for (int r = 0; r < std::max(options.repeats, 1); ++r) {
    KeepFastest(t.batch1, Pass(data, predict, 1, batch1_rows));
    KeepFastest(t.batch256, Pass(data, predict, 256, data.size()));
  }
  return t;
}

}  // namespace fedq::tools
