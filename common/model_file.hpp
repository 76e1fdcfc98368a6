// The model file (.fdqm): an Mlp's layer sizes and float32 parameters, with a
// CRC-32. docs/model-file.md is the format's prose; the constants are here.
// Encoding is explicit little-endian, field by field. Free functions, no
// shared state: safe from any thread.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "common/mlp.hpp"
#include "common/status.hpp"

namespace fedq {

inline constexpr char kModelFileMagic[4] = {'F', 'D', 'Q', 'M'};
inline constexpr uint32_t kModelFileVersion = 1;

std::vector<uint8_t> SerializeModel(const Mlp& mlp);
// Rejects, with a Corrupt status naming the problem, anything that is not
// exactly one well-formed model: bad magic or version, sizes out of bounds,
// a length that does not match the header, a checksum mismatch.
Result<Mlp> ParseModel(std::span<const uint8_t> bytes);

// Writes to `path`.tmp, then renames over `path`, so that a crash never
// leaves a half-written model under the final name.
Status SaveModel(const Mlp& mlp, const std::string& path);
Result<Mlp> LoadModel(const std::string& path);

}  // namespace fedq
