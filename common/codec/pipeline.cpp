// Encode: error feedback -> sparsify -> quantize -> zstd -> blob; and the
// size predictions that go with it.
#include <cmath>
#include <cstring>
#include <string>

#include "common/codec/blob_format.hpp"
#include "common/codec/blob_layout.hpp"
#include "common/codec/byte_io.hpp"
#include "common/codec/codec.hpp"
#include "common/codec/codec_traits.hpp"
#include "common/codec/sparsify.hpp"
#include "common/codec/value_codec.hpp"
#include "common/codec/zstd_stage.hpp"

namespace fedq::codec {

Status ValidateSpec(const PipelineSpec& spec) {
  Result<PipelineSpec> reparsed = ParseSpec(spec.ToString());
  if (!reparsed.ok()) return reparsed.status();
  if (!(*reparsed == spec)) {
    return InvalidArgument("codec spec: fields not expressible as a spec: " + spec.ToString());
  }
  return Status::Ok();
}

bool PredictedSizeIsExact(const PipelineSpec& spec) {
  return !spec.zstd && spec.sparsifier != SparsifierKind::kTopK;
}

std::size_t PredictedBlobSize(const PipelineSpec& spec, std::size_t n) {
  std::size_t raw = MaxRawPayloadSize(spec, n);
  std::size_t stored = spec.zstd ? ZstdBound(raw) : raw;
  return HeaderSize(spec.ToString()) + stored + layout::kChecksumSize;
}

double PredictedRatio(const PipelineSpec& spec, std::size_t n) {
  return 4.0 * static_cast<double>(n) / static_cast<double>(PredictedBlobSize(spec, n));
}

namespace {

// What the quantizer sees: the dense vector, or the k picked values.
struct Selection {
  std::vector<uint32_t> indices;  // empty when dense
  std::vector<float> gathered;
  std::span<const float> values;
};

Selection Select(const PipelineSpec& spec, std::span<const float> x, uint64_t seed) {
  Selection s;
  if (spec.sparsifier == SparsifierKind::kNone) {
    s.values = x;
    return s;
  }
  std::size_t k = ValueCount(spec, x.size());
  s.indices = spec.sparsifier == SparsifierKind::kTopK ? TopKIndices(x, k)
                                                       : RandomKIndices(x.size(), k, seed);
  s.gathered.resize(s.indices.size());
  for (std::size_t j = 0; j < s.indices.size(); ++j) s.gathered[j] = x[s.indices[j]];
  s.values = s.gathered;
  return s;
}

// Writes the raw payload (raw_len bytes) for the selection.
Status WritePayload(const PipelineSpec& spec, const Selection& sel, uint64_t seed, uint8_t* out,
                    std::size_t raw_len) {
  std::size_t off = 0;
  if (spec.sparsifier == SparsifierKind::kTopK) {
    std::size_t idx_bytes = IndexBytes(sel.indices);
    PutU32(out, static_cast<uint32_t>(idx_bytes));
    WriteIndices(sel.indices, out + layout::kIndexLenSize);
    off = layout::kIndexLenSize + idx_bytes;
  }
  return GetValueCodec(spec.quantizer)
      .encode(spec, sel.values, seed, std::span<uint8_t>(out + off, raw_len - off));
}

// residual = x - sent, where sent is what the value section decodes to.
void UpdateResidual(const PipelineSpec& spec, const Selection& sel, std::span<const float> x,
                    std::span<const uint8_t> section, ErrorFeedback& ef) {
  std::vector<float> sent(sel.values.size());
  GetValueCodec(spec.quantizer).decode_range(spec, section, sent.size(), 0, sent);
  std::span<float> r = ef.mutable_residual();
  if (sel.indices.empty()) {
    for (std::size_t i = 0; i < x.size(); ++i) r[i] = x[i] - sent[i];
    return;
  }
  for (std::size_t i = 0; i < x.size(); ++i) r[i] = x[i];
  for (std::size_t j = 0; j < sel.indices.size(); ++j) r[sel.indices[j]] = sel.values[j] - sent[j];
}

// input + residual, checked finite (a sum of finite floats can overflow).
Result<std::vector<float>> AddResidual(std::span<const float> input, const ErrorFeedback& ef) {
  std::vector<float> work(input.size());
  std::span<const float> r = ef.residual();
  for (std::size_t i = 0; i < input.size(); ++i) work[i] = input[i] + r[i];
  std::size_t bad = FindNonFinite(work);
  if (bad != work.size()) {
    return InvalidArgument("encode: input plus residual overflows at element " +
                           std::to_string(bad));
  }
  return work;
}

Status CheckEncodeArgs(const PipelineSpec& spec, std::span<const float> input,
                       const ErrorFeedback* ef) {
  FEDQ_RETURN_IF_ERROR(ValidateSpec(spec));
  if (input.size() > layout::kMaxElements) {
    return OutOfRange("encode: " + std::to_string(input.size()) + " elements, limit " +
                      std::to_string(layout::kMaxElements));
  }
  if (ef != nullptr && ef->size() != 0 && ef->size() != input.size()) {
    return InvalidArgument("encode: residual has " + std::to_string(ef->size()) +
                           " elements, input " + std::to_string(input.size()));
  }
  if (ef != nullptr || spec.sparsifier != SparsifierKind::kNone) {
    std::size_t bad = FindNonFinite(input);
    if (bad != input.size()) return NonFiniteInput(bad);
  }
  return Status::Ok();
}

}  // namespace

namespace {

// A finished blob, and where its raw (pre-zstd) payload can be read back.
struct Built {
  std::vector<uint8_t> blob;
  std::vector<uint8_t> raw;  // the raw payload when zstd compressed it
  std::span<const uint8_t> RawView(std::size_t head, std::size_t raw_len, bool zstd) const {
    return zstd ? std::span<const uint8_t>(raw)
                : std::span<const uint8_t>(blob).subspan(head, raw_len);
  }
};

// Payload, header, checksum. Writes straight into the blob unless zstd.
Status BuildBlob(const PipelineSpec& spec, const Selection& sel, BlobHeader& h, Built& out) {
  std::size_t idx_bytes = spec.sparsifier == SparsifierKind::kTopK ? IndexBytes(sel.indices) : 0;
  h.raw_len = RawPayloadSize(spec, h.count, idx_bytes);
  std::size_t head = HeaderSize(h.spec_text);
  if (spec.zstd) {
    out.raw.resize(h.raw_len);
    FEDQ_RETURN_IF_ERROR(WritePayload(spec, sel, h.seed, out.raw.data(), out.raw.size()));
    FEDQ_ASSIGN_OR_RETURN(std::vector<uint8_t> frame, ZstdCompress(out.raw, spec.zstd_level));
    h.stored_len = frame.size();
    out.blob.resize(head + frame.size() + layout::kChecksumSize);
    std::memcpy(out.blob.data() + head, frame.data(), frame.size());
  } else {
    h.stored_len = h.raw_len;
    out.blob.resize(head + h.raw_len + layout::kChecksumSize);
    FEDQ_RETURN_IF_ERROR(WritePayload(spec, sel, h.seed, out.blob.data() + head, h.raw_len));
  }
  WriteHeader(h, out.blob.data());
  SealChecksum(out.blob);
  return Status::Ok();
}

}  // namespace

Result<std::vector<uint8_t>> Encode(const PipelineSpec& spec, std::span<const float> input,
                                    ErrorFeedback* ef, uint64_t seed) {
  FEDQ_RETURN_IF_ERROR(CheckEncodeArgs(spec, input, ef));
  std::vector<float> work;
  std::span<const float> x = input;
  if (ef != nullptr && ef->size() != 0) {
    FEDQ_ASSIGN_OR_RETURN(work, AddResidual(input, *ef));
    x = work;
  }
  Selection sel = Select(spec, x, seed);
  BlobHeader h{spec, spec.ToString(), input.size(), seed, 0, 0};
  Built built;
  FEDQ_RETURN_IF_ERROR(BuildBlob(spec, sel, h, built));
  if (ef != nullptr) {  // only after every fallible step: ef changes on success alone
    if (ef->size() == 0) *ef = ErrorFeedback(input.size());
    std::size_t value_bytes = GetValueCodec(spec.quantizer).section_size(spec, sel.values.size());
    std::span<const uint8_t> raw = built.RawView(HeaderSize(h.spec_text), h.raw_len, spec.zstd);
    UpdateResidual(spec, sel, x, raw.subspan(h.raw_len - value_bytes), *ef);
  }
  return std::move(built.blob);
}

}  // namespace fedq::codec
