// Micro-benchmark of the int8 GEMM kernels on the 784-200-200-10 MLP's
// layers, batch 1 and 256. Reports int8 multiply-accumulates per second.
#include <benchmark/benchmark.h>

#include <random>
#include <vector>

#include "common/idx_reader.hpp"
#include "common/quant/int8_gemm.hpp"
#include "common/quant/int8_inference.hpp"
#include "common/quant/quantize.hpp"

namespace {

using fedq::quant::Int8Kernel;

void BM_Int8Gemm(benchmark::State& state) {
  const auto kernel = static_cast<Int8Kernel>(state.range(0));
  const int n = static_cast<int>(state.range(1));
  const int out = static_cast<int>(state.range(2));
  const int in = static_cast<int>(state.range(3));
  if (!fedq::quant::KernelSupported(kernel)) {
    state.SkipWithError("kernel not supported on this CPU");
    return;
  }
  std::mt19937 rng(1);
  std::uniform_int_distribution<int> dist(-127, 127);
  std::vector<int8_t> wrows(static_cast<std::size_t>(out) * in);
  for (auto& v : wrows) v = static_cast<int8_t>(dist(rng));
  const fedq::quant::PackedWeights w(wrows, out, in);
  std::vector<int8_t> a(static_cast<std::size_t>(n) * w.padded_in(), 0);
  for (int i = 0; i < n; ++i) {
    for (int k = 0; k < in; ++k) a[i * w.padded_in() + k] = static_cast<int8_t>(dist(rng));
  }
  std::vector<int32_t> c(static_cast<std::size_t>(n) * w.padded_out());
  for (auto _ : state) {
    fedq::quant::Int8Gemm(kernel, a.data(), n, w.padded_in(), w, c.data(), w.padded_out());
    benchmark::DoNotOptimize(c.data());
  }
  state.SetLabel(std::string(fedq::quant::KernelName(kernel)));
  state.counters["MAC/s"] = benchmark::Counter(static_cast<double>(n) * out * in,
                                               benchmark::Counter::kIsIterationInvariantRate);
}

void Shapes(benchmark::internal::Benchmark* b) {
  for (int k = 0; k < 3; ++k) {
    for (int n : {1, 256}) {
      b->Args({k, n, 200, 784});
      b->Args({k, n, 200, 200});
      b->Args({k, n, 10, 200});
    }
  }
}

BENCHMARK(BM_Int8Gemm)->Apply(Shapes);

// The whole 784-200-200-10 forward pass (quantize, GEMM, rescale per layer).
void BM_Int8Forward(benchmark::State& state) {
  const auto kernel = static_cast<Int8Kernel>(state.range(0));
  const int n = static_cast<int>(state.range(1));
  const std::vector<int> sizes = {784, 200, 200, 10};
  std::mt19937 rng(2);
  std::normal_distribution<float> normal(0.0f, 0.05f);
  std::vector<float> params;
  for (std::size_t l = 0; l + 1 < sizes.size(); ++l) {
    for (int i = 0; i < (sizes[l] + 1) * sizes[l + 1]; ++i) params.push_back(normal(rng));
  }
  auto model = fedq::quant::QuantizeMlp(sizes, params, {});
  // Fashion-MNIST test images when present (their zero borders matter to
  // the kernels), uniform noise otherwise.
  std::vector<float> x(static_cast<std::size_t>(n) * 784);
  static const auto images =
      fedq::LoadFashionMnist("/usr/share/datasets/fashion-mnist", fedq::Split::kTest);
  if (images.ok()) {
    std::copy_n(images->features.data(), x.size(), x.data());
  } else {
    std::uniform_real_distribution<float> unit(0.0f, 1.0f);
    for (auto& v : x) v = unit(rng);
  }
  fedq::quant::Int8Inference inference(*model, kernel);
  std::vector<int32_t> labels(n);
  for (auto _ : state) {
    inference.Predict(x.data(), n, 784, labels.data());
    benchmark::DoNotOptimize(labels.data());
  }
  state.SetLabel(std::string(fedq::quant::KernelName(kernel)));
  state.counters["samples/s"] =
      benchmark::Counter(n, benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_Int8Forward)->ArgsProduct({{0, 1, 2}, {1, 256}});

}  // namespace

BENCHMARK_MAIN();
