// OpenBlob: an update blob whose every byte has been checked (envelope,
// checksum, lengths, indices, scales, codes), so its values may be streamed
// out without further failure. Internal to the codec library. The payload
// span points into the caller's bytes or into `decompressed`: an OpenBlob is
// valid while those bytes live. Plain data; const use is thread-safe.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "common/codec/blob_format.hpp"
#include "common/codec/value_codec.hpp"
#include "common/status.hpp"

namespace fedq::codec {

struct OpenBlob {
  BlobHeader header;
  std::vector<uint8_t> decompressed;  // the raw payload when zstd was used
  std::span<const uint8_t> payload;   // raw payload (in the blob or in decompressed)
  std::size_t values_at = 0;          // offset of the value section in payload
  std::vector<uint32_t> indices;      // sparse: where each value goes
  std::size_t nv = 0;

  std::span<const uint8_t> section() const { return payload.subspan(values_at); }
  bool sparse() const { return header.spec.sparsifier != SparsifierKind::kNone; }
};

// Checks everything. With expected_count set, a blob of another element
// count is InvalidArgument before anything is decompressed or allocated.
Result<OpenBlob> Open(std::span<const uint8_t> blob,
                      std::optional<uint64_t> expected_count = std::nullopt);
// Checks everything but the value section's contents (the codec's
// validate), for callers that scan the values anyway and validate them in
// the same pass. Values may not be streamed out before that.
Result<OpenBlob> OpenEnvelope(std::span<const uint8_t> blob,
                              std::optional<uint64_t> expected_count);

// Calls sink(position, value) for every sent value, position in [0, n).
template <typename Sink>
void ForEachValue(const OpenBlob& b, Sink&& sink) {
  constexpr std::size_t kChunk = 512;
  float buf[kChunk];
  const ValueCodec& codec = GetValueCodec(b.header.spec.quantizer);
  for (std::size_t begin = 0; begin < b.nv; begin += kChunk) {
    std::size_t len = std::min(kChunk, b.nv - begin);
    codec.decode_range(b.header.spec, b.section(), b.nv, begin, std::span<float>(buf, len));
    if (b.sparse()) {
      for (std::size_t j = 0; j < len; ++j) sink(b.indices[begin + j], buf[j]);
    } else {
      for (std::size_t j = 0; j < len; ++j) sink(begin + j, buf[j]);
    }
  }
}

}  // namespace fedq::codec
