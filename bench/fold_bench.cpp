// Coordinator CPU per update after its frame has arrived: check + fold of
// one 784-200-200-10 MLP update (199,210 params) into the int64 fixed-point
// sum of the mean-based strategies, one thread. "Old" is the path before the
// blob fold: RoundAggregator::Check (Inspect, Decode into a fresh vector, an
// isfinite pass) then FoldFixedPoint on the dense values. "New" is
// RoundAggregator::Verify (VerifiedBlob::Make) then folding from the blob.
// Check runs on the worker pool in parallel; Fold runs serialized on the
// strand, so both parts are reported as well as their sum.
// Usage: fold_bench [--benchmark_filter=...]
#include <benchmark/benchmark.h>

#include <optional>
#include <random>
#include <vector>

#include "common/codec/codec.hpp"
#include "coordinator/round_aggregator.hpp"

namespace {

using fedq::coordinator::FoldFixedPoint;
using fedq::coordinator::RejectReason;
using fedq::coordinator::RoundAggregator;

constexpr std::size_t kParams = 199210;  // 784-200-200-10
constexpr double kSamples = 600;         // one client's share of Fashion-MNIST
constexpr int kFracBits = 24;            // FixedPointAccumulator's default
const char* const kSpecs[] = {"fp32", "int8", "fp16"};

std::vector<uint8_t> UpdateBlob(const benchmark::State& state) {
  std::mt19937_64 gen(42);
  std::normal_distribution<float> dist(0.0f, 0.01f);
  std::vector<float> delta(kParams);
  for (float& v : delta) v = dist(gen);
  auto spec = fedq::codec::ParseSpec(kSpecs[state.range(0)]);
  return fedq::codec::Encode(*spec, delta, nullptr, 7).value();
}

void Finish(benchmark::State& state) {
  state.SetLabel(kSpecs[state.range(0)]);
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * kParams * 4));
}

void BM_OldCheck(benchmark::State& state) {
  const std::vector<uint8_t> blob = UpdateBlob(state);
  for (auto _ : state) {
    std::vector<float> dense;
    if (RoundAggregator::Check(blob, kParams, dense).reason != RejectReason::kNone) {
      return state.SkipWithError("check failed");
    }
    benchmark::DoNotOptimize(dense.data());
  }
  Finish(state);
}

void BM_OldFold(benchmark::State& state) {
  const std::vector<uint8_t> blob = UpdateBlob(state);
  std::vector<float> dense;
  (void)RoundAggregator::Check(blob, kParams, dense);
  std::vector<int64_t> acc(kParams, 0);
  for (auto _ : state) {
    if (!FoldFixedPoint(dense, kSamples, acc, kFracBits).ok()) return state.SkipWithError("fold");
    benchmark::DoNotOptimize(acc.data());
  }
  Finish(state);
}

void BM_OldCheckFold(benchmark::State& state) {
  const std::vector<uint8_t> blob = UpdateBlob(state);
  std::vector<int64_t> acc(kParams, 0);
  for (auto _ : state) {
    std::vector<float> dense;
    if (RoundAggregator::Check(blob, kParams, dense).reason != RejectReason::kNone ||
        !FoldFixedPoint(dense, kSamples, acc, kFracBits).ok()) {
      return state.SkipWithError("check or fold failed");
    }
    benchmark::DoNotOptimize(acc.data());
  }
  Finish(state);
}

// The coordinator moves the received bytes in; the bench copies them first,
// outside the timed region.
void BM_NewCheck(benchmark::State& state) {
  const std::vector<uint8_t> blob = UpdateBlob(state);
  for (auto _ : state) {
    state.PauseTiming();
    std::vector<uint8_t> received = blob;
    std::optional<fedq::codec::VerifiedBlob> verified;
    state.ResumeTiming();
    if (RoundAggregator::Verify(std::move(received), kParams, verified).reason !=
        RejectReason::kNone) {
      return state.SkipWithError("verify failed");
    }
    benchmark::DoNotOptimize(&verified);
  }
  Finish(state);
}

void BM_NewFold(benchmark::State& state) {
  std::optional<fedq::codec::VerifiedBlob> verified;
  (void)RoundAggregator::Verify(UpdateBlob(state), kParams, verified);
  std::vector<int64_t> acc(kParams, 0);
  for (auto _ : state) {
    if (!verified->AccumulateFixedPoint(kSamples, acc, kFracBits).ok()) {
      return state.SkipWithError("fold");
    }
    benchmark::DoNotOptimize(acc.data());
  }
  Finish(state);
}

void BM_NewCheckFold(benchmark::State& state) {
  const std::vector<uint8_t> blob = UpdateBlob(state);
  std::vector<int64_t> acc(kParams, 0);
  for (auto _ : state) {
    state.PauseTiming();
    std::vector<uint8_t> received = blob;
    std::optional<fedq::codec::VerifiedBlob> verified;
    state.ResumeTiming();
    if (RoundAggregator::Verify(std::move(received), kParams, verified).reason !=
            RejectReason::kNone ||
        !verified->AccumulateFixedPoint(kSamples, acc, kFracBits).ok()) {
      return state.SkipWithError("verify or fold failed");
    }
    benchmark::DoNotOptimize(acc.data());
  }
  Finish(state);
}

}  // namespace

BENCHMARK(BM_OldCheck)->DenseRange(0, 2)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_OldFold)->DenseRange(0, 2)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_OldCheckFold)->DenseRange(0, 2)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_NewCheck)->DenseRange(0, 2)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_NewFold)->DenseRange(0, 2)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_NewCheckFold)->DenseRange(0, 2)->Unit(benchmark::kMicrosecond);

BENCHMARK_MAIN();
