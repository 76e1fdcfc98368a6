// Fixed-width bit fields packed LSB-first: field i occupies stream bits
// [i*w, i*w + w), stream bit j is bit (j % 8) of byte j / 8. Used by the
// int4, qsgd and sign codecs. Inline, stateless; callers size the buffers
// with PackedBytes(n, w).
#pragma once

#include <cstddef>
#include <cstdint>

namespace fedq::codec {

// REQUIRES: w <= 16, v < 2^w, the buffer zeroed beforehand and long enough.
inline void PutBits(uint8_t* buf, std::size_t i, uint32_t w, uint32_t v) {
  std::size_t bit = i * w;
  for (uint32_t done = 0; done < w;) {
    std::size_t byte = (bit + done) / 8;
    uint32_t off = (bit + done) % 8;
    uint32_t take = 8 - off < w - done ? 8 - off : w - done;
    buf[byte] |= static_cast<uint8_t>(((v >> done) & ((1u << take) - 1)) << off);
    done += take;
  }
}

inline uint32_t GetBits(const uint8_t* buf, std::size_t i, uint32_t w) {
  std::size_t bit = i * w;
  uint32_t v = 0;
  for (uint32_t done = 0; done < w;) {
    std::size_t byte = (bit + done) / 8;
    uint32_t off = (bit + done) % 8;
    uint32_t take = 8 - off < w - done ? 8 - off : w - done;
    v |= ((uint32_t{buf[byte]} >> off) & ((1u << take) - 1)) << done;
    done += take;
  }
  return v;
}

}  // namespace fedq::codec
