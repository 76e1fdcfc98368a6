// Constants of the .q8 quantized-model file, mirrored from
// docs/quantized-model.md (the prose spec; change both together).
#pragma once

#include <cstddef>
#include <cstdint>

namespace fedq::quant::q8 {

inline constexpr char kMagic[4] = {'F', 'D', 'Q', '8'};
inline constexpr uint32_t kVersion = 1;
// Layer sizes entries: input width + one per layer, so 2..kMaxSizes.
inline constexpr uint32_t kMaxSizes = 65;
// magic, version, activation mode, number of sizes.
inline constexpr std::size_t kHeaderBytes = 16;
inline constexpr std::size_t kChecksumBytes = 4;
// Refuse to read anything larger (the biggest legal model is far smaller
// than this only for sane sizes, so it also bounds the allocation).
inline constexpr uint64_t kMaxFileBytes = uint64_t{1} << 31;

}  // namespace fedq::quant::q8
