// The traits table: one row per codec stage, what the spec parser, the size
// predictor and the docs need to know about it. Immutable static data, safe
// from any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "common/codec/pipeline_spec.hpp"

namespace fedq::codec {

enum class StageKind : uint8_t { kSparsifier, kQuantizer, kLossless };

struct StageTraits {
  std::string_view name;
  StageKind kind;
  SparsifierKind sparsifier;  // kNone unless kind == kSparsifier
  QuantizerKind quantizer;    // meaningful when kind == kQuantizer
  bool has_block;             // per-block f32 scale
  uint32_t default_block;
  bool has_stochastic;  // accepts the "stochastic" flag
  uint32_t pack_bits;   // bits per value code; 0 = depends on parameters (qsgd)
  std::string_view summary;
};

std::span<const StageTraits> AllStages();
const StageTraits* FindStage(std::string_view name);
const StageTraits& QuantizerTraits(QuantizerKind q);
const StageTraits& SparsifierTraits(SparsifierKind s);

// Bits of one packed value code for this spec's quantizer.
uint32_t CodeBits(const PipelineSpec& spec);

}  // namespace fedq::codec
