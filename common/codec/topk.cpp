// Top-k selection by magnitude, and the varint index section it sends.
#include <algorithm>
#include <array>
#include <cmath>
#include <functional>
#include <numeric>

#include "common/codec/byte_io.hpp"
#include "common/codec/sparsify.hpp"
#include "common/codec/value_codec.hpp"

namespace fedq::codec {
namespace {

// |x| as bits: for finite floats integer order is magnitude order.
inline uint32_t Mag(float f) { return FloatBits(f) & 0x7fffffffu; }

// Smallest key value t such that at least k elements have key >= t, found
// from the top of a histogram; returns the bin and how many lie above it.
struct Cut {
  uint32_t bin;
  std::size_t above;
};

Cut FindCut(const std::vector<uint32_t>& hist, std::size_t k) {
  std::size_t above = 0;
  for (std::size_t b = hist.size(); b-- > 0;) {
    if (above + hist[b] >= k) return {static_cast<uint32_t>(b), above};
    above += hist[b];
  }
  return {0, above};
}

// The exact k-th largest magnitude, in two 16-bit radix passes.
uint32_t Threshold(std::span<const float> in, std::size_t k) {
  std::vector<uint32_t> hist(1u << 15, 0);
  for (float f : in) ++hist[Mag(f) >> 16];
  Cut hi = FindCut(hist, k);
  hist.assign(1u << 16, 0);
  for (float f : in) {
    uint32_t m = Mag(f);
    if ((m >> 16) == hi.bin) ++hist[m & 0xffffu];
  }
  Cut lo = FindCut(hist, k - hi.above);
  return (hi.bin << 16) | lo.bin;
}

// Picks, in index order, every element above t and the first ties at t,
// k in all. REQUIRES: t is the k-th largest magnitude among `from`.
template <typename Indices>
std::vector<uint32_t> PickAtThreshold(std::span<const float> in, const Indices& from, uint32_t t,
                                      std::size_t k) {
  std::size_t greater = 0;
  for (uint32_t i : from) greater += Mag(in[i]) > t;
  std::size_t ties_left = k - greater;
  std::vector<uint32_t> out;
  out.reserve(k);
  for (uint32_t i : from) {
    uint32_t m = Mag(in[i]);
    if (m > t || (m == t && ties_left > 0)) {
      ties_left -= m == t;
      out.push_back(i);
    }
  }
  return out;
}

// Every index 0..n-1, as a range PickAtThreshold can walk.
struct AllIndices {
  uint32_t n;
  struct It {
    uint32_t i;
    uint32_t operator*() const { return i; }
    It& operator++() {
      ++i;
      return *this;
    }
    bool operator!=(const It& o) const { return i != o.i; }
  };
  It begin() const { return {0}; }
  It end() const { return {n}; }
};

// A magnitude that at least k elements reach, and likely not many more than
// k: read off an evenly spaced sample with a safety margin.
uint32_t SampledLowerBound(std::span<const float> in, std::size_t k) {
  constexpr std::size_t kSample = 8192;
  std::vector<uint32_t> sample(kSample);
  for (std::size_t j = 0; j < kSample; ++j) sample[j] = Mag(in[j * in.size() / kSample]);
  double expected = static_cast<double>(k) * kSample / static_cast<double>(in.size());
  auto rank = static_cast<std::size_t>(expected + 4 * std::sqrt(expected) + 32);
  if (rank >= kSample) return 0;
  std::nth_element(sample.begin(), sample.begin() + static_cast<std::ptrdiff_t>(rank), sample.end(),
                   std::greater<>());
  return sample[rank];
}

}  // namespace

std::vector<uint32_t> TopKIndices(std::span<const float> in, std::size_t k) {
  if (k == 0) return {};
  // Fast path: one pass keeps the few candidates at or above a sampled bound,
  // and the exact k-th magnitude is selected among them only.
  if (in.size() >= 65536 && k <= in.size() / 8) {
    uint32_t bound = SampledLowerBound(in, k);
    std::vector<uint32_t> cand;
    cand.reserve(2 * k + 64);
    for (std::size_t i = 0; i < in.size(); ++i) {
      if (Mag(in[i]) >= bound) cand.push_back(static_cast<uint32_t>(i));
    }
    if (cand.size() >= k) {
      std::vector<uint32_t> mags(cand.size());
      for (std::size_t j = 0; j < cand.size(); ++j) mags[j] = Mag(in[cand[j]]);
      std::nth_element(mags.begin(), mags.begin() + static_cast<std::ptrdiff_t>(k - 1), mags.end(),
                       std::greater<>());
      return PickAtThreshold(in, cand, mags[k - 1], k);
    }
  }
  return PickAtThreshold(in, AllIndices{static_cast<uint32_t>(in.size())}, Threshold(in, k), k);
}

std::vector<uint32_t> TopKIndicesReference(std::span<const float> in, std::size_t k) {
  std::vector<uint32_t> order(in.size());
  std::iota(order.begin(), order.end(), 0u);
  std::stable_sort(order.begin(), order.end(),
                   [&](uint32_t a, uint32_t b) { return Mag(in[a]) > Mag(in[b]); });
  order.resize(k);
  std::sort(order.begin(), order.end());
  return order;
}

std::size_t IndexBytes(std::span<const uint32_t> idx) {
  std::size_t bytes = 0;
  for (std::size_t i = 0; i < idx.size(); ++i) {
    bytes += Varint32Size(i == 0 ? idx[0] : idx[i] - idx[i - 1] - 1);
  }
  return bytes;
}

void WriteIndices(std::span<const uint32_t> idx, uint8_t* out) {
  for (std::size_t i = 0; i < idx.size(); ++i) {
    out += PutVarint32(out, i == 0 ? idx[0] : idx[i] - idx[i - 1] - 1);
  }
}

std::size_t MaxIndexBytes(std::size_t n, std::size_t k) {
  // k varints whose values sum to at most n - k: greedily lengthen as many as
  // the budget allows, cheapest length step first (2 bytes costs 128, ...).
  std::size_t bytes = k;
  std::size_t budget = n - k;
  std::size_t longer = k;  // varints that reached the current length
  uint64_t prev_min = 0;
  for (uint64_t min = 128; min <= 0xffffffffull && longer > 0; min <<= 7) {
    std::size_t can = static_cast<std::size_t>(budget / (min - prev_min));
    longer = std::min(longer, can);
    bytes += longer;
    budget -= longer * (min - prev_min);
    prev_min = min;
  }
  return bytes;
}

Result<std::vector<uint32_t>> ReadIndices(std::span<const uint8_t> body, std::size_t k,
                                          std::size_t n) {
  std::vector<uint32_t> idx;
  idx.reserve(std::min(k, body.size()));
  const uint8_t* p = body.data();
  const uint8_t* end = p + body.size();
  uint64_t next = 0;  // smallest index allowed next
  for (std::size_t i = 0; i < k; ++i) {
    uint32_t v;
    if (!GetVarint32(p, end, v)) return Corrupt("blob: index section: bad or truncated varint");
    uint64_t at = next + v;
    if (at >= n) return Corrupt("blob: index section: index beyond the element count");
    idx.push_back(static_cast<uint32_t>(at));
    next = at + 1;
  }
  if (p != end) return Corrupt("blob: index section: bytes left after the last index");
  return idx;
}

}  // namespace fedq::codec
