#include "common/quant/q8_file.hpp"

#include <zlib.h>

#include <bit>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "common/quant/q8_format.hpp"

namespace fedq::quant {
namespace {

void PutU32(std::vector<uint8_t>& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<uint8_t>(v >> (8 * i)));
}
void PutF32(std::vector<uint8_t>& out, float v) { PutU32(out, std::bit_cast<uint32_t>(v)); }

uint32_t Crc32(std::span<const uint8_t> bytes) {
  uLong crc = crc32(0L, Z_NULL, 0);
  // zlib takes uInt lengths; kMaxFileBytes keeps every call in range.
  crc = crc32(crc, bytes.data(), static_cast<uInt>(bytes.size()));
  return static_cast<uint32_t>(crc);
}

// Sequential little-endian reads over a bounds-checked span.
class Reader {
 public:
  explicit Reader(std::span<const uint8_t> bytes) : bytes_(bytes) {}
  uint32_t U32() {
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v |= static_cast<uint32_t>(bytes_[pos_ + i]) << (8 * i);
    pos_ += 4;
    return v;
  }
  float F32() { return std::bit_cast<float>(U32()); }
  void Bytes(void* dst, std::size_t n) {
    std::memcpy(dst, bytes_.data() + pos_, n);
    pos_ += n;
  }

 private:
  std::span<const uint8_t> bytes_;
  std::size_t pos_ = 0;
};

// The exact file size the sizes imply, or 0 if a size is out of range.
uint64_t ExpectedBytes(const std::vector<uint32_t>& sizes) {
  uint64_t total = q8::kHeaderBytes + 4 * sizes.size() + q8::kChecksumBytes;
  for (std::size_t l = 0; l + 1 < sizes.size(); ++l) {
    const uint64_t in = sizes[l], out = sizes[l + 1];
    total += 4 + 8 * out + in * out;
  }
  return total;
}

}  // namespace

std::vector<uint8_t> EncodeQuantizedModel(const QuantizedMlp& model) {
  std::vector<uint8_t> out(std::begin(q8::kMagic), std::end(q8::kMagic));
  PutU32(out, q8::kVersion);
  PutU32(out, static_cast<uint32_t>(model.activation_mode()));
  PutU32(out, static_cast<uint32_t>(model.layer_sizes().size()));
  for (int s : model.layer_sizes()) PutU32(out, static_cast<uint32_t>(s));
  for (std::size_t l = 0; l < model.num_layers(); ++l) {
    const QuantizedLayer& layer = model.layer(l);
    PutF32(out, layer.input_scale);
    for (float s : layer.weight_scales) PutF32(out, s);
    for (float b : layer.bias) PutF32(out, b);
    for (int8_t w : layer.weights) out.push_back(static_cast<uint8_t>(w));
  }
  PutU32(out, Crc32(out));
  return out;
}

Result<QuantizedMlp> DecodeQuantizedModel(std::span<const uint8_t> bytes) {
  if (bytes.size() < q8::kHeaderBytes + q8::kChecksumBytes) {
    return Corrupt("q8: file of " + std::to_string(bytes.size()) + " bytes is too short");
  }
  if (std::memcmp(bytes.data(), q8::kMagic, 4) != 0)
    return Corrupt("q8: bad magic (not a .q8 file)");
  Reader header(bytes.subspan(4));
  const uint32_t version = header.U32();
  if (version != q8::kVersion) return Corrupt("q8: unsupported version " + std::to_string(version));
  const uint32_t mode = header.U32();
  const uint32_t count = header.U32();
  if (count < 2 || count > q8::kMaxSizes) {
    return Corrupt("q8: layer size count " + std::to_string(count) + " outside [2, 65]");
  }
  if (bytes.size() < q8::kHeaderBytes + 4 * count) return Corrupt("q8: truncated layer sizes");
  std::vector<uint32_t> sizes(count);
  for (auto& s : sizes) {
    s = header.U32();
    if (s == 0 || s > static_cast<uint32_t>(kMaxInputs)) {
      return Corrupt("q8: layer size " + std::to_string(s) + " out of range");
    }
  }
  if (ExpectedBytes(sizes) != bytes.size()) {
    return Corrupt("q8: file has " + std::to_string(bytes.size()) + " bytes, its header implies " +
                   std::to_string(ExpectedBytes(sizes)) + " (truncated or padded)");
  }
  const auto body = bytes.first(bytes.size() - q8::kChecksumBytes);
  Reader tail(bytes.last(q8::kChecksumBytes));
  if (tail.U32() != Crc32(body)) return Corrupt("q8: checksum mismatch (the file is damaged)");

  Reader reader(bytes.subspan(q8::kHeaderBytes + 4 * count));
  std::vector<QuantizedLayer> layers(count - 1);
  for (std::size_t l = 0; l < layers.size(); ++l) {
    QuantizedLayer& layer = layers[l];
    layer.in = static_cast<int>(sizes[l]);
    layer.out = static_cast<int>(sizes[l + 1]);
    layer.input_scale = reader.F32();
    layer.weight_scales.resize(sizes[l + 1]);
    for (float& s : layer.weight_scales) s = reader.F32();
    layer.bias.resize(sizes[l + 1]);
    for (float& b : layer.bias) b = reader.F32();
    layer.weights.resize(static_cast<std::size_t>(layer.in) * layer.out);
    reader.Bytes(layer.weights.data(), layer.weights.size());
  }
  auto model = QuantizedMlp::Create(static_cast<ActivationMode>(mode), std::move(layers));
  if (!model.ok()) return Corrupt("q8: " + model.status().message());
  return model;
}

Status SaveQuantizedModel(const QuantizedMlp& model, const std::string& path) {
  const std::vector<uint8_t> bytes = EncodeQuantizedModel(model);
  const std::string tmp = path + ".tmp";
  {
    std::ofstream file(tmp, std::ios::binary | std::ios::trunc);
    file.write(reinterpret_cast<const char*>(bytes.data()),
               static_cast<std::streamsize>(bytes.size()));
    file.flush();
    if (!file) return IoError("cannot write " + tmp);
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) return IoError("cannot rename " + tmp + " to " + path + ": " + ec.message());
  return Status::Ok();
}

Result<QuantizedMlp> LoadQuantizedModel(const std::string& path) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) return IoError("cannot open " + path + ": " + ec.message());
  if (size > q8::kMaxFileBytes) return Corrupt(path + ": q8 file too large");
  std::vector<uint8_t> bytes(size);
  std::ifstream file(path, std::ios::binary);
  file.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(size));
  if (!file) return IoError("cannot read " + path);
  auto model = DecodeQuantizedModel(bytes);
  if (!model.ok()) return model.status().WithContext(path);
  return model;
}

bool IsQuantizedModelFile(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  char magic[4] = {};
  file.read(magic, 4);
  return file && std::memcmp(magic, q8::kMagic, 4) == 0;
}

}  // namespace fedq::quant
