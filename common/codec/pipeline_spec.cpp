#include "common/codec/pipeline_spec.hpp"

#include <charconv>
#include <cmath>
#include <vector>

#include "common/codec/blob_layout.hpp"
#include "common/codec/codec_traits.hpp"

namespace fedq::codec {
namespace {

std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    std::size_t pos = s.find(sep, start);
    parts.push_back(s.substr(start, pos == std::string_view::npos ? pos : pos - start));
    if (pos == std::string_view::npos) return parts;
    start = pos + 1;
  }
}

Status Bad(std::string_view stage, std::string_view why) {
  return InvalidArgument("codec spec: stage '" + std::string(stage) + "': " + std::string(why));
}

Result<uint32_t> ParseUint(std::string_view stage, std::string_view text, uint32_t lo,
                           uint32_t hi) {
  uint32_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || v < lo || v > hi) {
    std::string why = "'";
    why.append(text);
    why.append("' is not an integer in [").append(std::to_string(lo));
    why.append(", ").append(std::to_string(hi)).append("]");
    return Bad(stage, why);
  }
  return v;
}

Result<double> ParseFraction(std::string_view stage, std::string_view text) {
  double v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || !(v > 0.0 && v <= 1.0)) {
    return Bad(stage, "fraction '" + std::string(text) + "' is not a number in (0, 1]");
  }
  return v;
}

// Applies one "key=value" or flag parameter of a quantizer or zstd stage.
Status ApplyParam(std::string_view stage, const StageTraits& t, std::string_view param,
                  PipelineSpec& spec) {
  std::size_t eq = param.find('=');
  std::string_view key = param.substr(0, eq);
  std::string_view val = eq == std::string_view::npos ? std::string_view() : param.substr(eq + 1);
  if (key == "block" && t.has_block && eq != std::string_view::npos) {
    FEDQ_ASSIGN_OR_RETURN(spec.block, ParseUint(stage, val, 1, layout::kMaxBlock));
  } else if (key == "stochastic" && t.has_stochastic && eq == std::string_view::npos) {
    spec.stochastic = true;
  } else if (key == "levels" && t.name == "qsgd" && eq != std::string_view::npos) {
    FEDQ_ASSIGN_OR_RETURN(spec.levels, ParseUint(stage, val, 1, layout::kMaxQsgdLevels));
  } else if (key == "level" && t.name == "zstd" && eq != std::string_view::npos) {
    FEDQ_ASSIGN_OR_RETURN(uint32_t level, ParseUint(stage, val, 1, 19));
    spec.zstd_level = static_cast<int>(level);
  } else {
    return Bad(stage, "unknown parameter '" + std::string(param) + "'");
  }
  return Status::Ok();
}

enum Order { kSparsifierSlot = 0, kQuantizerSlot = 1, kLosslessSlot = 2 };

Status ParseStage(std::string_view stage, int& next_slot, PipelineSpec& spec) {
  std::vector<std::string_view> parts = Split(stage, ':');
  const StageTraits* t = FindStage(parts[0]);
  if (t == nullptr) return Bad(stage, "unknown codec '" + std::string(parts[0]) + "'");
  int slot = t->kind == StageKind::kSparsifier  ? kSparsifierSlot
             : t->kind == StageKind::kQuantizer ? kQuantizerSlot
                                                : kLosslessSlot;
  if (slot < next_slot) {
    return Bad(stage, "out of order or repeated (order: sparsifier+quantizer+zstd, one of each)");
  }
  next_slot = slot + 1;
  if (t->kind == StageKind::kSparsifier) {
    if (parts.size() != 2) return Bad(stage, "needs exactly one parameter, the fraction k/n");
    spec.sparsifier = t->sparsifier;
    FEDQ_ASSIGN_OR_RETURN(spec.fraction, ParseFraction(stage, parts[1]));
    return Status::Ok();
  }
  if (t->kind == StageKind::kQuantizer) {
    spec.quantizer = t->quantizer;
    spec.block = t->default_block;
    spec.levels = t->name == "qsgd" ? 16 : 0;
  } else {
    spec.zstd = true;
  }
  for (std::size_t i = 1; i < parts.size(); ++i) {
    FEDQ_RETURN_IF_ERROR(ApplyParam(stage, *t, parts[i], spec));
  }
  return Status::Ok();
}

std::string FormatDouble(double v) {
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), v);
  return std::string(buf, end);
}

}  // namespace

Result<PipelineSpec> ParseSpec(std::string_view text) {
  if (text.empty()) return InvalidArgument("codec spec: empty");
  if (text.size() > layout::kMaxSpecLen) {
    return InvalidArgument("codec spec: longer than " + std::to_string(layout::kMaxSpecLen));
  }
  PipelineSpec spec;
  int next_slot = kSparsifierSlot;
  for (std::string_view stage : Split(text, '+')) {
    if (stage.empty())
      return InvalidArgument("codec spec: empty stage in '" + std::string(text) + "'");
    FEDQ_RETURN_IF_ERROR(ParseStage(stage, next_slot, spec));
  }
  return spec;
}

std::string PipelineSpec::ToString() const {
  std::string s;
  const StageTraits& q = QuantizerTraits(quantizer);
  if (sparsifier != SparsifierKind::kNone) {
    s += std::string(SparsifierTraits(sparsifier).name) + ":" + FormatDouble(fraction) + "+";
  }
  s += q.name;
  if (q.has_block) s += ":block=" + std::to_string(block);
  if (quantizer == QuantizerKind::kQsgd) s += ":levels=" + std::to_string(levels);
  if (stochastic) s += ":stochastic";
  if (zstd) s += "+zstd:level=" + std::to_string(zstd_level);
  return s;
}

std::size_t ValueCount(const PipelineSpec& spec, std::size_t n) {
  if (spec.sparsifier == SparsifierKind::kNone || n == 0) return n;
  double k = std::round(spec.fraction * static_cast<double>(n));
  if (k < 1) return 1;
  if (k > static_cast<double>(n)) return n;
  return static_cast<std::size_t>(k);
}

}  // namespace fedq::codec
