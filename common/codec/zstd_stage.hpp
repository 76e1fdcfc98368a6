// The lossless last stage: one zstd frame over the whole payload. Pure
// functions (each call makes its own zstd context); thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "common/status.hpp"

namespace fedq::codec {

// Worst-case frame size for raw bytes of input (ZSTD_compressBound).
std::size_t ZstdBound(std::size_t raw);

Result<std::vector<uint8_t>> ZstdCompress(std::span<const uint8_t> raw, int level);

// Decompresses a frame that must yield exactly expected bytes. The output
// grows only as data is actually produced, so a frame that lies about its
// size cannot make this allocate more than it decodes (plus one step).
Result<std::vector<uint8_t>> ZstdDecompress(std::span<const uint8_t> frame, std::size_t expected);

}  // namespace fedq::codec
