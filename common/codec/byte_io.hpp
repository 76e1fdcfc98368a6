// Explicit little-endian coding helpers and LEB128 varints for the blob
// format. Stateless inline functions; callers own the buffers and check
// bounds before calling (REQUIRES lines below).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace fedq::codec {

// REQUIRES: p has room for the value.
inline void PutU16(uint8_t* p, uint16_t v) {
  p[0] = static_cast<uint8_t>(v);
  p[1] = static_cast<uint8_t>(v >> 8);
}
inline void PutU32(uint8_t* p, uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<uint8_t>(v >> (8 * i));
}
inline void PutU64(uint8_t* p, uint64_t v) {
  for (int i = 0; i < 8; ++i) p[i] = static_cast<uint8_t>(v >> (8 * i));
}
inline void PutF32(uint8_t* p, float f) {
  uint32_t v;
  std::memcpy(&v, &f, 4);
  PutU32(p, v);
}

inline uint16_t GetU16(const uint8_t* p) { return static_cast<uint16_t>(p[0] | (p[1] << 8)); }
inline uint32_t GetU32(const uint8_t* p) {
  return uint32_t{p[0]} | (uint32_t{p[1]} << 8) | (uint32_t{p[2]} << 16) | (uint32_t{p[3]} << 24);
}
inline uint64_t GetU64(const uint8_t* p) {
  return uint64_t{GetU32(p)} | (uint64_t{GetU32(p + 4)} << 32);
}
inline float GetF32(const uint8_t* p) {
  uint32_t v = GetU32(p);
  float f;
  std::memcpy(&f, &v, 4);
  return f;
}

// Writes v as LEB128; returns bytes written (1..5). REQUIRES: 5 bytes of room.
inline std::size_t PutVarint32(uint8_t* p, uint32_t v) {
  std::size_t i = 0;
  while (v >= 0x80) {
    p[i++] = static_cast<uint8_t>(v | 0x80);
    v >>= 7;
  }
  p[i++] = static_cast<uint8_t>(v);
  return i;
}

inline std::size_t Varint32Size(uint32_t v) {
  std::size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}

// Reads a LEB128 u32 from [p, end). Returns false on truncation, on more
// than 5 bytes, or on bits beyond 32.
inline bool GetVarint32(const uint8_t*& p, const uint8_t* end, uint32_t& out) {
  uint32_t v = 0;
  for (int shift = 0; shift <= 28; shift += 7) {
    if (p >= end) return false;
    uint8_t b = *p++;
    if (shift == 28 && (b & 0xf0) != 0) return false;
    v |= uint32_t{b & 0x7fu} << shift;
    if ((b & 0x80) == 0) {
      out = v;
      return true;
    }
  }
  return false;
}

}  // namespace fedq::codec
