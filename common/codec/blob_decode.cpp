// Inspect, Decode, Accumulate, AccumulateFixedPoint: open a blob fully
// validated, then stream its values into a sink in small chunks, so a sparse
// blob costs O(k) and a dense one never becomes a float copy.
#include <algorithm>
#include <cmath>
#include <string>

#include "common/codec/blob_format.hpp"
#include "common/codec/codec.hpp"
#include "common/codec/fixed_point_fold.hpp"
#include "common/codec/open_blob.hpp"
#include "common/codec/quantize_int8.hpp"
#include "common/codec/value_codec.hpp"

namespace fedq::codec {
namespace {

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
  return FoldFixedPoint(b, std::ldexp(weight, frac_bits), AbsBound(b), acc);
}

void FixedPointToFloat(std::span<const int64_t> acc, int frac_bits, double divisor,
                       std::span<float> out) {
  const double scale = std::ldexp(1.0, -frac_bits) / divisor;
  for (std::size_t i = 0; i < acc.size() && i < out.size(); ++i) {
    out[i] = static_cast<float>(static_cast<double>(acc[i]) * scale);
  }
}

}  // namespace fedq::codec
