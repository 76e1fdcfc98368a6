// int8 block quantizer kernels: per-block absmax scale (absmax / 127), codes
// in [-127, 127]. A plain reference beside the fast loops (written so the
// compiler vectorizes them); tests hold them to the same output. Pure
// functions; callers own every buffer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace fedq::codec::int8 {

// Writes NumBlocks(n, block) scales (f32 LE) to scales and n codes to codes.
// Returns the index of the first NaN/Inf input, or in.size() when all finite
// (on a non-finite input the outputs are unspecified).
std::size_t EncodeReference(std::span<const float> in, uint32_t block, bool stochastic,
                            uint64_t seed, uint8_t* scales, int8_t* codes);
std::size_t EncodeFast(std::span<const float> in, uint32_t block, bool stochastic, uint64_t seed,
                       uint8_t* scales, int8_t* codes);

// acc[i] += (weight * scale[i / block]) * code[i] for i < acc.size().
void AccumulateReference(const uint8_t* scales, const int8_t* codes, uint32_t block, float weight,
                         std::span<float> acc);
void AccumulateFast(const uint8_t* scales, const int8_t* codes, uint32_t block, float weight,
                    std::span<float> acc);

}  // namespace fedq::codec::int8
