// PipelineSpec: a parsed codec pipeline such as "topk:0.01+int8:block=256+zstd".
// A plain value (copyable, thread-compatible); ParseSpec is a pure function.
// Grammar: stage ('+' stage)*, stage = name (':' param)*, param = key=value or flag.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.hpp"

namespace fedq::codec {

enum class SparsifierKind : uint8_t { kNone, kTopK, kRandK };
enum class QuantizerKind : uint8_t { kFp32, kFp16, kInt8, kInt4, kQsgd, kSign };

struct PipelineSpec {
  SparsifierKind sparsifier = SparsifierKind::kNone;
  double fraction = 1.0;  // top-k / random-k: k = clamp(round(fraction * n), 1, n)

  QuantizerKind quantizer = QuantizerKind::kFp32;
  uint32_t block = 0;       // elements per scale; 0 for fp32/fp16
  bool stochastic = false;  // int8/int4: unbiased stochastic rounding (qsgd always is)
  uint32_t levels = 0;      // qsgd only

  bool zstd = false;
  int zstd_level = 3;

  // Canonical form, every parameter spelled out: ParseSpec(s.ToString()) == s.
  std::string ToString() const;
  bool operator==(const PipelineSpec&) const = default;
};

// Parses a spec string. A bad spec is InvalidArgument naming the bad part.
Result<PipelineSpec> ParseSpec(std::string_view spec);

// Number of values the quantizer sees for n input elements (k when sparse).
std::size_t ValueCount(const PipelineSpec& spec, std::size_t n);

}  // namespace fedq::codec
