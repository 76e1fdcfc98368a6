#include "coordinator/client_selector.hpp"

#include <algorithm>
#include <cmath>

namespace fedq::coordinator {
namespace {

// SplitMix64: a tiny generator whose output is fixed by its definition, so
// selections do not change with the standard library's distributions.
uint64_t SplitMix64(uint64_t& state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

}  // namespace

int SelectionSize(int available, int count, double fraction, int min_clients) {
  int k = count;
  if (fraction > 0) k = static_cast<int>(std::ceil(fraction * available));
  k = std::max(k, min_clients);
  return std::min(k, available);
}

std::vector<std::string> SelectClients(std::vector<std::string> candidates, int k, uint64_t seed,
                                       int64_t round, int attempt) {
  std::sort(candidates.begin(), candidates.end());
  candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
  const std::size_t n = candidates.size();
  const std::size_t take = std::min<std::size_t>(static_cast<std::size_t>(std::max(k, 0)), n);
  uint64_t state = seed ^ (static_cast<uint64_t>(round) * 0x100000001B3ull) ^
                   (static_cast<uint64_t>(attempt) << 48);
  // Partial Fisher-Yates: the first `take` slots are a uniform sample.
  for (std::size_t i = 0; i < take; ++i) {
    const std::size_t j = i + SplitMix64(state) % (n - i);
    std::swap(candidates[i], candidates[j]);
  }
  candidates.resize(take);
  std::sort(candidates.begin(), candidates.end());
  return candidates;
}

}  // namespace fedq::coordinator
