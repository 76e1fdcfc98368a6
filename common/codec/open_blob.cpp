#include "common/codec/open_blob.hpp"

#include <string>

#include "common/codec/blob_layout.hpp"
#include "common/codec/byte_io.hpp"
#include "common/codec/sparsify.hpp"
#include "common/codec/zstd_stage.hpp"

namespace fedq::codec {
namespace {

Status OpenIndices(OpenBlob& b) {
  const PipelineSpec& spec = b.header.spec;
  std::size_t n = b.header.count;
  std::size_t value_bytes = GetValueCodec(spec.quantizer).section_size(spec, b.nv);
  if (spec.sparsifier == SparsifierKind::kTopK) {
    if (b.payload.size() < layout::kIndexLenSize) return Corrupt("blob: no index section length");
    uint64_t idx_bytes = GetU32(b.payload.data());
    if (idx_bytes > b.payload.size() - layout::kIndexLenSize ||
        RawPayloadSize(spec, n, idx_bytes) != b.payload.size()) {
      return Corrupt("blob: index section length does not match the payload");
    }
    FEDQ_ASSIGN_OR_RETURN(
        b.indices, ReadIndices(b.payload.subspan(layout::kIndexLenSize, idx_bytes), b.nv, n));
    b.values_at = layout::kIndexLenSize + idx_bytes;
    return Status::Ok();
  }
  if (b.payload.size() != value_bytes) {
    return Corrupt("blob: payload of " + std::to_string(b.payload.size()) + " bytes, expected " +
                   std::to_string(value_bytes));
  }
  if (spec.sparsifier == SparsifierKind::kRandK) b.indices = RandomKIndices(n, b.nv, b.header.seed);
  return Status::Ok();
}

}  // namespace

Result<OpenBlob> OpenEnvelope(std::span<const uint8_t> blob,
                              std::optional<uint64_t> expected_count) {
  FEDQ_ASSIGN_OR_RETURN(ParsedBlob parsed, ParseBlob(blob));
  OpenBlob b;
  b.header = std::move(parsed.header);
  if (expected_count && b.header.count != *expected_count) {
    return InvalidArgument(std::to_string(b.header.count) + " elements, model has " +
                           std::to_string(*expected_count));
  }
  if (b.header.spec.zstd) {
    FEDQ_ASSIGN_OR_RETURN(b.decompressed, ZstdDecompress(parsed.payload, b.header.raw_len));
    b.payload = b.decompressed;
  } else {
    b.payload = parsed.payload;
  }
  b.nv = ValueCount(b.header.spec, b.header.count);
  FEDQ_RETURN_IF_ERROR(OpenIndices(b));
  return b;
}

Result<OpenBlob> Open(std::span<const uint8_t> blob, std::optional<uint64_t> expected_count) {
  FEDQ_ASSIGN_OR_RETURN(OpenBlob b, OpenEnvelope(blob, expected_count));
  FEDQ_RETURN_IF_ERROR(
      GetValueCodec(b.header.spec.quantizer).validate(b.header.spec, b.section(), b.nv));
  return b;
}

}  // namespace fedq::codec
