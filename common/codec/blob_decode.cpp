// Inspect, Decode, Accumulate, AccumulateFixedPoint: open a blob fully
// validated, then stream its values into a sink in small chunks, so a sparse
// blob costs O(k) and a dense one never becomes a float copy.
#include <algorithm>
#include <cmath>
#include <string>

#include "common/codec/blob_format.hpp"
#include "common/codec/blob_layout.hpp"
#include "common/codec/byte_io.hpp"
#include "common/codec/codec.hpp"
#include "common/codec/quantize_int8.hpp"
#include "common/codec/sparsify.hpp"
#include "common/codec/value_codec.hpp"
#include "common/codec/zstd_stage.hpp"

namespace fedq::codec {
namespace {

// A blob whose every byte has been checked: values may be streamed out.
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

Result<OpenBlob> Open(std::span<const uint8_t> blob) {
  FEDQ_ASSIGN_OR_RETURN(ParsedBlob parsed, ParseBlob(blob));
  OpenBlob b;
  b.header = std::move(parsed.header);
  if (b.header.spec.zstd) {
    FEDQ_ASSIGN_OR_RETURN(b.decompressed, ZstdDecompress(parsed.payload, b.header.raw_len));
    b.payload = b.decompressed;
  } else {
    b.payload = parsed.payload;
  }
  b.nv = ValueCount(b.header.spec, b.header.count);
  FEDQ_RETURN_IF_ERROR(OpenIndices(b));
  FEDQ_RETURN_IF_ERROR(
      GetValueCodec(b.header.spec.quantizer).validate(b.header.spec, b.section(), b.nv));
  return b;
}

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

Status CheckAccSize(const OpenBlob& b, std::size_t acc_size) {
  if (b.header.count != acc_size) {
    return InvalidArgument("accumulate: blob has " + std::to_string(b.header.count) +
                           " elements, accumulator " + std::to_string(acc_size));
  }
  return Status::Ok();
}

}  // namespace

Result<BlobInfo> Inspect(std::span<const uint8_t> blob) {
  FEDQ_ASSIGN_OR_RETURN(ParsedBlob parsed, ParseBlob(blob));
  BlobInfo info;
  info.spec = parsed.header.spec;
  info.spec_text = parsed.header.spec_text;
  info.count = parsed.header.count;
  info.seed = parsed.header.seed;
  info.values = ValueCount(info.spec, info.count);
  info.blob_bytes = blob.size();
  info.ratio_vs_fp32 = 4.0 * static_cast<double>(info.count) / static_cast<double>(blob.size());
  return info;
}

Result<std::vector<float>> Decode(std::span<const uint8_t> blob) {
  FEDQ_ASSIGN_OR_RETURN(OpenBlob b, Open(blob));
  std::vector<float> out(b.header.count, 0.0f);
  ForEachValue(b, [&](std::size_t i, float v) { out[i] = v; });
  return out;
}

Status Accumulate(std::span<const uint8_t> blob, float weight, std::span<float> acc) {
  if (!std::isfinite(weight)) return InvalidArgument("accumulate: weight is not finite");
  FEDQ_ASSIGN_OR_RETURN(OpenBlob b, Open(blob));
  FEDQ_RETURN_IF_ERROR(CheckAccSize(b, acc.size()));
  const PipelineSpec& spec = b.header.spec;
  if (spec.quantizer == QuantizerKind::kInt8 && !b.sparse()) {
    std::span<const uint8_t> s = b.section();
    const auto* codes = reinterpret_cast<const int8_t*>(s.data() + NumBlocks(b.nv, spec.block) * 4);
    int8::AccumulateFast(s.data(), codes, spec.block, weight, acc);
    return Status::Ok();
  }
  ForEachValue(b, [&](std::size_t i, float v) { acc[i] += weight * v; });
  return Status::Ok();
}

Status AccumulateFixedPoint(std::span<const uint8_t> blob, double weight, std::span<int64_t> acc,
                            int frac_bits) {
  if (frac_bits < 0 || frac_bits > 62)
    return InvalidArgument("accumulate: frac_bits not in [0, 62]");
  if (!std::isfinite(weight)) return InvalidArgument("accumulate: weight is not finite");
  FEDQ_ASSIGN_OR_RETURN(OpenBlob b, Open(blob));
  FEDQ_RETURN_IF_ERROR(CheckAccSize(b, acc.size()));
  const double unit = std::ldexp(weight, frac_bits);
  const double limit = std::ldexp(1.0, 62);
  bool fits = true;  // checked over every term first: acc stays untouched on error
  ForEachValue(b, [&](std::size_t, float v) { fits = fits && std::fabs(unit * v) < limit; });
  if (!fits) return OutOfRange("accumulate: a fixed-point term exceeds 2^62; lower frac_bits");
  ForEachValue(b, [&](std::size_t i, float v) { acc[i] += std::llround(unit * v); });
  return Status::Ok();
}

void FixedPointToFloat(std::span<const int64_t> acc, int frac_bits, double divisor,
                       std::span<float> out) {
  const double scale = std::ldexp(1.0, -frac_bits) / divisor;
  for (std::size_t i = 0; i < acc.size() && i < out.size(); ++i) {
    out[i] = static_cast<float>(static_cast<double>(acc[i]) * scale);
  }
}

}  // namespace fedq::codec
