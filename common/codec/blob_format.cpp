#include "common/codec/blob_format.hpp"

#include <cstring>

#include "common/codec/blob_layout.hpp"
#include "common/codec/byte_io.hpp"
#include "common/codec/crc32c.hpp"
#include "common/codec/sparsify.hpp"
#include "common/codec/value_codec.hpp"
#include "common/codec/zstd_stage.hpp"

namespace fedq::codec {

std::size_t HeaderSize(const std::string& spec_text) {
  return layout::kFixedHeaderSize + spec_text.size();
}

void WriteHeader(const BlobHeader& h, uint8_t* out) {
  std::memcpy(out + layout::kMagicOffset, layout::kMagic, 4);
  PutU16(out + layout::kVersionOffset, layout::kVersion);
  PutU16(out + layout::kSpecLenOffset, static_cast<uint16_t>(h.spec_text.size()));
  PutU64(out + layout::kCountOffset, h.count);
  PutU64(out + layout::kSeedOffset, h.seed);
  PutU64(out + layout::kStoredLenOffset, h.stored_len);
  PutU64(out + layout::kRawLenOffset, h.raw_len);
  std::memcpy(out + layout::kFixedHeaderSize, h.spec_text.data(), h.spec_text.size());
}

void SealChecksum(std::span<uint8_t> blob) {
  std::size_t body = blob.size() - layout::kChecksumSize;
  PutU32(blob.data() + body, Crc32c(blob.first(body)));
}

std::size_t RawPayloadSize(const PipelineSpec& spec, std::size_t n, std::size_t index_bytes) {
  std::size_t values = GetValueCodec(spec.quantizer).section_size(spec, ValueCount(spec, n));
  if (spec.sparsifier == SparsifierKind::kTopK) return layout::kIndexLenSize + index_bytes + values;
  return values;
}

std::size_t MaxRawPayloadSize(const PipelineSpec& spec, std::size_t n) {
  std::size_t idx =
      spec.sparsifier == SparsifierKind::kTopK ? MaxIndexBytes(n, ValueCount(spec, n)) : 0;
  return RawPayloadSize(spec, n, idx);
}

namespace {

Status CheckFixedHeader(std::span<const uint8_t> blob) {
  if (blob.size() < layout::kFixedHeaderSize + layout::kChecksumSize) {
    return Corrupt("blob: " + std::to_string(blob.size()) + " bytes, shorter than any header");
  }
  if (std::memcmp(blob.data(), layout::kMagic, 4) != 0) return Corrupt("blob: bad magic");
  uint16_t version = GetU16(blob.data() + layout::kVersionOffset);
  if (version != layout::kVersion) {
    return Corrupt("blob: version " + std::to_string(version) + " (this reader knows " +
                   std::to_string(layout::kVersion) + ")");
  }
  return Status::Ok();
}

Status CheckLengths(const BlobHeader& h, std::size_t header_size, std::size_t blob_size) {
  if (h.count > layout::kMaxElements) {
    return Corrupt("blob: element count " + std::to_string(h.count) + " above the limit");
  }
  std::size_t room = blob_size - header_size - layout::kChecksumSize;
  if (h.stored_len != room) {
    return Corrupt("blob: header says " + std::to_string(h.stored_len) +
                   " payload bytes, the blob holds " + std::to_string(room));
  }
  std::size_t max_raw = MaxRawPayloadSize(h.spec, h.count);
  if (h.raw_len > max_raw) {
    return Corrupt("blob: raw payload of " + std::to_string(h.raw_len) + " bytes, at most " +
                   std::to_string(max_raw) + " possible for this spec and count");
  }
  if (!h.spec.zstd && h.stored_len != h.raw_len) {
    return Corrupt("blob: stored and raw payload lengths differ without a lossless stage");
  }
  return Status::Ok();
}

}  // namespace

Result<ParsedBlob> ParseBlob(std::span<const uint8_t> blob) {
  FEDQ_RETURN_IF_ERROR(CheckFixedHeader(blob));
  std::size_t spec_len = GetU16(blob.data() + layout::kSpecLenOffset);
  if (spec_len == 0 || spec_len > layout::kMaxSpecLen ||
      spec_len > blob.size() - layout::kFixedHeaderSize - layout::kChecksumSize) {
    return Corrupt("blob: spec length " + std::to_string(spec_len) + " does not fit");
  }
  std::size_t body = blob.size() - layout::kChecksumSize;
  if (Crc32c(blob.first(body)) != GetU32(blob.data() + body)) {
    return Corrupt("blob: checksum mismatch");
  }
  ParsedBlob out;
  BlobHeader& h = out.header;
  h.spec_text.assign(reinterpret_cast<const char*>(blob.data()) + layout::kFixedHeaderSize,
                     spec_len);
  Result<PipelineSpec> spec = ParseSpec(h.spec_text);
  if (!spec.ok()) return Corrupt("blob: " + spec.status().message());
  h.spec = *spec;
  h.count = GetU64(blob.data() + layout::kCountOffset);
  h.seed = GetU64(blob.data() + layout::kSeedOffset);
  h.stored_len = GetU64(blob.data() + layout::kStoredLenOffset);
  h.raw_len = GetU64(blob.data() + layout::kRawLenOffset);
  std::size_t header_size = layout::kFixedHeaderSize + spec_len;
  FEDQ_RETURN_IF_ERROR(CheckLengths(h, header_size, blob.size()));
  out.payload = blob.subspan(header_size, h.stored_len);
  return out;
}

}  // namespace fedq::codec
