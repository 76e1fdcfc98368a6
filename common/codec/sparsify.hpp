// The sparsifiers: top-k by magnitude (indices travel as delta varints) and
// random-k (indices regenerated from the blob's seed, never sent). Pure
// functions; results are owned by the caller.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "common/status.hpp"

namespace fedq::codec {

// Indices of the k largest |in[i]|, ascending. Ties at the threshold go to the
// lower indices. O(n): two histogram passes over the float bits, one pick
// pass; no sort. REQUIRES: k <= in.size(), in finite, in.size() < 2^32.
std::vector<uint32_t> TopKIndices(std::span<const float> in, std::size_t k);

// The same by a full sort, for tests.
std::vector<uint32_t> TopKIndicesReference(std::span<const float> in, std::size_t k);

// k distinct indices in [0, n), ascending, a function of (n, k, seed) only
// (Floyd's sampling over a counter-based generator). REQUIRES: k <= n < 2^32.
std::vector<uint32_t> RandomKIndices(std::size_t n, std::size_t k, uint64_t seed);

// Index section body (without its u32 length): varint of the first index,
// then of each gap minus one.
std::size_t IndexBytes(std::span<const uint32_t> idx);
void WriteIndices(std::span<const uint32_t> idx, uint8_t* out);
// The largest IndexBytes of any k ascending indices below n.
std::size_t MaxIndexBytes(std::size_t n, std::size_t k);
// Parses exactly k indices from body, strictly ascending and < n, using every
// byte. Corrupt otherwise.
Result<std::vector<uint32_t>> ReadIndices(std::span<const uint8_t> body, std::size_t k,
                                          std::size_t n);

}  // namespace fedq::codec
