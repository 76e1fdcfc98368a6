#include "common/codec/codec_traits.hpp"

#include <array>
#include <cassert>

namespace fedq::codec {
namespace {

using SK = SparsifierKind;
using QK = QuantizerKind;
using K = StageKind;

constexpr std::array<StageTraits, 9> kStages = {{
    {"topk", K::kSparsifier, SK::kTopK, QK::kFp32, false, 0, false, 0,
     "keeps the k largest magnitudes; indices sent as delta varints"},
    {"randk", K::kSparsifier, SK::kRandK, QK::kFp32, false, 0, false, 0,
     "keeps k indices drawn from the seed; indices not sent"},
    {"fp32", K::kQuantizer, SK::kNone, QK::kFp32, false, 0, false, 32, "IEEE binary32, lossless"},
    {"fp16", K::kQuantizer, SK::kNone, QK::kFp16, false, 0, false, 16,
     "IEEE binary16, round to nearest even; |x| > 65504 rejected"},
    {"int8", K::kQuantizer, SK::kNone, QK::kInt8, true, 256, true, 8,
     "per-block absmax scale, codes in [-127, 127]"},
    {"int4", K::kQuantizer, SK::kNone, QK::kInt4, true, 64, true, 4,
     "per-block absmax scale, codes in [-7, 7], two per byte, low nibble first"},
    {"qsgd", K::kQuantizer, SK::kNone, QK::kQsgd, true, 256, false, 0,
     "per-block L2 norm, stochastic levels 0..s, sign + level bit-packed"},
    {"sign", K::kQuantizer, SK::kNone, QK::kSign, true, 256, false, 1,
     "1 bit (set = negative) and a per-block scale = mean |x|"},
    {"zstd", K::kLossless, SK::kNone, QK::kFp32, false, 0, false, 0,
     "zstd frame over the whole payload"},
}};

}  // namespace

std::span<const StageTraits> AllStages() { return kStages; }

const StageTraits* FindStage(std::string_view name) {
  for (const StageTraits& t : kStages) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

const StageTraits& QuantizerTraits(QuantizerKind q) {
  for (const StageTraits& t : kStages) {
    if (t.kind == K::kQuantizer && t.quantizer == q) return t;
  }
  assert(false && "every quantizer has a traits row");
  return kStages[2];
}

const StageTraits& SparsifierTraits(SparsifierKind s) {
  for (const StageTraits& t : kStages) {
    if (t.kind == K::kSparsifier && t.sparsifier == s) return t;
  }
  assert(false && "every sparsifier has a traits row");
  return kStages[0];
}

uint32_t CodeBits(const PipelineSpec& spec) {
  if (spec.quantizer == QK::kQsgd) {
    uint32_t bits = 1;  // sign
    while ((1u << (bits - 1)) <= spec.levels) ++bits;
    return bits;  // 1 sign bit + enough bits for 0..levels
  }
  return QuantizerTraits(spec.quantizer).pack_bits;
}

}  // namespace fedq::codec
