// Reading and writing .q8 files (docs/quantized-model.md): a QuantizedMlp
// coded field by field, little-endian, closed by a CRC-32. The decoder is a
// pure function that checks every length against the byte count before it
// allocates. Stateless; safe from any thread.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "common/quant/quantized_mlp.hpp"
#include "common/status.hpp"

namespace fedq::quant {

std::vector<uint8_t> EncodeQuantizedModel(const QuantizedMlp& model);
// kCorrupt for bad magic, version, sizes, checksum or values.
Result<QuantizedMlp> DecodeQuantizedModel(std::span<const uint8_t> bytes);

// Writes to path + ".tmp" then renames, so a crash never leaves half a file.
Status SaveQuantizedModel(const QuantizedMlp& model, const std::string& path);
Result<QuantizedMlp> LoadQuantizedModel(const std::string& path);
// True when the file starts with the .q8 magic (false if it cannot be read).
bool IsQuantizedModelFile(const std::string& path);

}  // namespace fedq::quant
