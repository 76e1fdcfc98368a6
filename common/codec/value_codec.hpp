// Internal interface of the value codecs (the quantizer stage): each codec is
// a table of pure functions over a "value section" (per-block f32 scales,
// then packed codes). Used by pipeline.cpp only; stateless, thread-safe.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>

#include "common/codec/pipeline_spec.hpp"
#include "common/status.hpp"

namespace fedq::codec {

struct ValueCodec {
  // Bytes of the value section holding nv values.
  std::size_t (*section_size)(const PipelineSpec& spec, std::size_t nv);
  // Writes exactly section_size(nv) bytes. Rejects non-finite input.
  Status (*encode)(const PipelineSpec& spec, std::span<const float> in, uint64_t seed,
                   std::span<uint8_t> out);
  // Checks a section of section_size(nv) bytes: scales finite and >= 0,
  // codes in range. After it passes, decode_range cannot yield a non-finite.
  Status (*validate)(const PipelineSpec& spec, std::span<const uint8_t> section, std::size_t nv);
  // Decodes values [begin, begin + out.size()). REQUIRES: validated section.
  void (*decode_range)(const PipelineSpec& spec, std::span<const uint8_t> section, std::size_t nv,
                       std::size_t begin, std::span<float> out);
};

const ValueCodec& GetValueCodec(QuantizerKind q);

// Codec tables, one per file.
extern const ValueCodec kFp32Codec;
extern const ValueCodec kFp16Codec;
extern const ValueCodec kInt8Codec;
extern const ValueCodec kInt4Codec;
extern const ValueCodec kQsgdCodec;
extern const ValueCodec kSignCodec;

// Block helpers shared by the scaled codecs.
inline std::size_t NumBlocks(std::size_t nv, uint32_t block) { return (nv + block - 1) / block; }
inline std::size_t PackedBytes(std::size_t nv, uint32_t bits) { return (nv * bits + 7) / 8; }

// Blocks whose absmax is below this are sent as all-zero codes with scale 0:
// their reciprocal would overflow, and such deltas carry no information.
inline constexpr float kMinBlockAbsmax = 1e-30f;

inline uint32_t FloatBits(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  return u;
}
inline float BitsFloat(uint32_t u) {
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}

// Checks nb f32 scales: >= 0 and scale * max_code finite, so no decoded
// value can be infinite.
Status ValidateScales(std::span<const uint8_t> scales, std::size_t nb, float max_code);

// The scale to store: one ulp lower when scale * max_code would round to
// infinity (blocks whose absmax is within a hair of FLT_MAX).
inline float FitScale(float scale, float max_code) {
  return std::isfinite(scale * max_code) ? scale : std::nextafter(scale, 0.0f);
}
Status NonFiniteInput(std::size_t index);
// Index of the first non-finite value, or in.size().
std::size_t FindNonFinite(std::span<const float> in);

}  // namespace fedq::codec
