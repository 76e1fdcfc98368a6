// Codec throughput, one thread: int8 block-256 encode, decode-and-accumulate,
// and topk:0.01+int8 encode, on n float32 elements (GB/s of float32 input,
// median of several samples). Driven by bench/codec_vs_numpy/run, which puts
// the numpy peer beside it. Usage: codec_bench [n ...]
// codec_bench --ratios N prints each codec's blob size and ratio vs float32
// for an N-element update (a seeded normal vector, sigma 0.01).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "common/codec/codec.hpp"

namespace {

using Clock = std::chrono::steady_clock;

struct Timing {
  double median = 0;  // seconds per call, the reported figure
  double best = 0;    // fastest sample: what the code does when the machine is quiet
};

// Per-call seconds over samples; each sample runs enough calls to last
// ~20 ms so timer noise stays small.
template <typename F>
Timing MedianSeconds(F&& call, int samples = 15) {
  auto t0 = Clock::now();
  call();
  double once = std::chrono::duration<double>(Clock::now() - t0).count();
  int reps = std::max(1, static_cast<int>(0.02 / std::max(once, 1e-7)));
  std::vector<double> per_call;
  for (int s = 0; s < samples; ++s) {
    auto start = Clock::now();
    for (int r = 0; r < reps; ++r) call();
    per_call.push_back(std::chrono::duration<double>(Clock::now() - start).count() / reps);
  }
  std::sort(per_call.begin(), per_call.end());
  return {per_call[per_call.size() / 2], per_call.front()};
}

void Check(bool ok, const std::string& what) {
  if (!ok) {
    std::fprintf(stderr, "codec_bench: %s failed\n", what.c_str());
    std::exit(1);
  }
}

void Run(std::size_t n) {
  std::mt19937_64 gen(42);
  std::normal_distribution<float> dist(0.0f, 0.01f);
  std::vector<float> x(n);
  for (float& v : x) v = dist(gen);
  const double gb = 4.0 * static_cast<double>(n) / 1e9;
  auto int8 = *fedq::codec::ParseSpec("int8:block=256");
  auto topk = *fedq::codec::ParseSpec("topk:0.01+int8");
  std::size_t sink = 0;

  Timing enc = MedianSeconds([&] {
    auto blob = fedq::codec::Encode(int8, x, nullptr, 1);
    Check(blob.ok(), "int8 encode");
    sink += blob->size();
  });
  auto blob = fedq::codec::Encode(int8, x, nullptr, 1);
  std::vector<float> acc(n, 0.0f);
  Timing accu =
      MedianSeconds([&] { Check(fedq::codec::Accumulate(*blob, 0.5f, acc).ok(), "accumulate"); });
  Timing tk = MedianSeconds(
      [&] {
        auto b = fedq::codec::Encode(topk, x, nullptr, 1);
        Check(b.ok(), "topk encode");
        sink += b->size();
      },
      7);
  std::printf(
      "n=%zu int8_encode_gbps=%.2f accumulate_gbps=%.2f topk_int8_encode_gbps=%.3f "
      "best_encode_gbps=%.2f best_accumulate_gbps=%.2f int8_ratio=%.3f (sink %zu)\n",
      n, gb / enc.median, gb / accu.median, gb / tk.median, gb / enc.best, gb / accu.best,
      4.0 * n / blob->size(), sink % 10);
}

void Ratios(std::size_t n) {
  std::mt19937_64 gen(7);
  std::normal_distribution<float> dist(0.0f, 0.01f);
  std::vector<float> x(n);
  for (float& v : x) v = dist(gen);
  const char* specs[] = {"fp32",
                         "fp16",
                         "int8",
                         "int8:stochastic",
                         "int4",
                         "qsgd:levels=16",
                         "qsgd:levels=4",
                         "sign",
                         "topk:0.01",
                         "topk:0.01+int8",
                         "topk:0.01+int4",
                         "randk:0.05+int8",
                         "topk:0.01+int8+zstd",
                         "int8+zstd",
                         "int4+zstd",
                         "sign+zstd"};
  std::printf("| spec (canonical) | blob bytes | predicted | exact? | ratio vs fp32 |\n");
  std::printf("| --- | ---: | ---: | --- | ---: |\n");
  for (const char* text : specs) {
    auto spec = *fedq::codec::ParseSpec(text);
    auto blob = fedq::codec::Encode(spec, x, nullptr, 1);
    Check(blob.ok(), text);
    std::printf("| `%s` | %zu | %zu | %s | %.1f |\n", spec.ToString().c_str(), blob->size(),
                fedq::codec::PredictedBlobSize(spec, n),
                fedq::codec::PredictedSizeIsExact(spec) ? "exact" : "bound",
                4.0 * static_cast<double>(n) / static_cast<double>(blob->size()));
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 3 && std::string(argv[1]) == "--ratios") {
    Ratios(std::strtoull(argv[2], nullptr, 10));
    return 0;
  }
  std::vector<std::size_t> sizes;
  for (int i = 1; i < argc; ++i) sizes.push_back(std::strtoull(argv[i], nullptr, 10));
  if (sizes.empty()) sizes = {200000, 10000000};
  for (std::size_t n : sizes) Run(n);
  return 0;
}
