// Random-k: Floyd's algorithm over a counter-based generator, so the decoder
// regenerates the same indices from (n, k, seed) and none are sent.
#include <vector>

#include "common/codec/rng.hpp"
#include "common/codec/sparsify.hpp"

namespace fedq::codec {

std::vector<uint32_t> RandomKIndices(std::size_t n, std::size_t k, uint64_t seed) {
  std::vector<uint64_t> taken((n + 63) / 64, 0);
  auto test_and_set = [&](uint64_t i) {
    bool was = (taken[i / 64] >> (i % 64)) & 1u;
    taken[i / 64] |= uint64_t{1} << (i % 64);
    return was;
  };
  CounterRng rng(seed);
  for (uint64_t j = n - k; j < n; ++j) {
    if (test_and_set(rng.Below(j + 1))) test_and_set(j);
  }
  std::vector<uint32_t> out;
  out.reserve(k);
  for (std::size_t w = 0; w < taken.size(); ++w) {
    for (uint64_t bits = taken[w]; bits != 0; bits &= bits - 1) {
      out.push_back(static_cast<uint32_t>(w * 64 + static_cast<unsigned>(__builtin_ctzll(bits))));
    }
  }
  return out;
}

}  // namespace fedq::codec
