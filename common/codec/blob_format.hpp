// Reading and writing the blob envelope: fixed header, spec string, payload,
// CRC32C (layout in blob_layout.hpp, prose in docs/update-blob.md). Pure
// functions over caller-owned buffers; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "common/codec/pipeline_spec.hpp"
#include "common/status.hpp"

namespace fedq::codec {

struct BlobHeader {
  PipelineSpec spec;
  std::string spec_text;  // as written in the blob (canonical when fedq wrote it)
  uint64_t count = 0;     // n, elements of the dense vector
  uint64_t seed = 0;
  uint64_t stored_len = 0;  // payload bytes in the blob
  uint64_t raw_len = 0;     // payload bytes before the lossless stage
};

// A blob whose envelope passed every check, including the checksum.
struct ParsedBlob {
  BlobHeader header;
  std::span<const uint8_t> payload;  // stored_len bytes, inside the caller's blob
};

std::size_t HeaderSize(const std::string& spec_text);
// Writes the header (HeaderSize bytes). REQUIRES: room in out.
void WriteHeader(const BlobHeader& h, uint8_t* out);
// Writes the CRC32C of blob[0, size - 4) into the last 4 bytes.
void SealChecksum(std::span<uint8_t> blob);

// Checks magic, version, spec, count limit, every length against the buffer,
// and the checksum; then the raw length against what the spec allows for n.
Result<ParsedBlob> ParseBlob(std::span<const uint8_t> blob);

// Raw payload bytes for n elements; for top-k with index_bytes of varints.
std::size_t RawPayloadSize(const PipelineSpec& spec, std::size_t n, std::size_t index_bytes);
// The largest raw payload any input of n elements can give.
std::size_t MaxRawPayloadSize(const PipelineSpec& spec, std::size_t n);

}  // namespace fedq::codec
