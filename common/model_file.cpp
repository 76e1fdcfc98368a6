#include "common/model_file.hpp"

#include <zlib.h>

#include <bit>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <limits>

namespace fedq {
namespace {

constexpr std::size_t kFixedHeader = 12;  // magic, version, size count
constexpr std::size_t kChecksumBytes = 4;

void PutU32(std::vector<uint8_t>& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<uint8_t>(v >> (8 * i)));
}

void PutU64(std::vector<uint8_t>& out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<uint8_t>(v >> (8 * i)));
}

uint32_t GetU32(const uint8_t* p) {
  return uint32_t{p[0]} | uint32_t{p[1]} << 8 | uint32_t{p[2]} << 16 | uint32_t{p[3]} << 24;
}

uint64_t GetU64(const uint8_t* p) { return uint64_t{GetU32(p)} | uint64_t{GetU32(p + 4)} << 32; }

uint32_t Crc32(std::span<const uint8_t> bytes) {
  uLong crc = crc32(0L, Z_NULL, 0);
  std::size_t done = 0;
  while (done < bytes.size()) {
    // zlib takes a uInt length: feed huge buffers in pieces.
    const std::size_t n = std::min<std::size_t>(bytes.size() - done, 1u << 30);
    crc = crc32(crc, bytes.data() + done, static_cast<uInt>(n));
    done += n;
  }
  return static_cast<uint32_t>(crc);
}

// Reads the layer sizes, checking each step against the bytes available.
Result<std::vector<int>> ParseLayerSizes(std::span<const uint8_t> bytes) {
  const uint32_t count = GetU32(bytes.data() + 8);
  if (count < 2 || count > Mlp::kMaxLayers) {
    return Corrupt("model file: layer size count " + std::to_string(count) + " is not in [2, " +
                   std::to_string(Mlp::kMaxLayers) + "]");
  }
  if (bytes.size() < kFixedHeader + 4 * count + 8) {
    return Corrupt("model file: truncated in the header (" + std::to_string(bytes.size()) +
                   " bytes)");
  }
  std::vector<int> sizes(count);
  for (uint32_t i = 0; i < count; ++i) {
    const uint32_t w = GetU32(bytes.data() + kFixedHeader + 4 * i);
    if (w < 1 || w > static_cast<uint32_t>(Mlp::kMaxLayerWidth)) {
      return Corrupt("model file: layer size " + std::to_string(i) + " is " + std::to_string(w));
    }
    sizes[i] = static_cast<int>(w);
  }
  Status valid = Mlp::ValidateLayerSizes(sizes);
  if (!valid.ok()) return Corrupt("model file: " + valid.message());
  return sizes;
}

}  // namespace

std::vector<uint8_t> SerializeModel(const Mlp& mlp) {
  const auto& sizes = mlp.layer_sizes();
  const auto params = mlp.params();
  std::vector<uint8_t> out;
  out.reserve(kFixedHeader + 4 * sizes.size() + 8 + 4 * params.size() + kChecksumBytes);
  for (char c : kModelFileMagic) out.push_back(static_cast<uint8_t>(c));
  PutU32(out, kModelFileVersion);
  PutU32(out, static_cast<uint32_t>(sizes.size()));
  for (int w : sizes) PutU32(out, static_cast<uint32_t>(w));
  PutU64(out, params.size());
  for (float p : params) PutU32(out, std::bit_cast<uint32_t>(p));
  PutU32(out, Crc32(out));
  return out;
}

Result<Mlp> ParseModel(std::span<const uint8_t> bytes) {
  if (bytes.size() < kFixedHeader) {
    return Corrupt("model file: truncated (" + std::to_string(bytes.size()) + " bytes)");
  }
  if (std::memcmp(bytes.data(), kModelFileMagic, 4) != 0) {
    return Corrupt("model file: bad magic (not an FDQM model)");
  }
  const uint32_t version = GetU32(bytes.data() + 4);
  if (version != kModelFileVersion) {
    return Corrupt("model file: unsupported version " + std::to_string(version));
  }
  FEDQ_ASSIGN_OR_RETURN(std::vector<int> sizes, ParseLayerSizes(bytes));
  const std::size_t params_at = kFixedHeader + 4 * sizes.size() + 8;
  const uint64_t count = GetU64(bytes.data() + params_at - 8);
  const std::size_t expected_count = Mlp::ParamCount(sizes);
  if (count != expected_count) {
    return Corrupt("model file: parameter count " + std::to_string(count) +
                   " does not match the layer sizes (" + std::to_string(expected_count) + ")");
  }
  const std::size_t expected_size = params_at + 4 * expected_count + kChecksumBytes;
  if (bytes.size() != expected_size) {
    return Corrupt("model file: " +
                   std::string(bytes.size() < expected_size ? "truncated" : "trailing bytes") +
                   ": " + std::to_string(bytes.size()) + " bytes, the header needs " +
                   std::to_string(expected_size));
  }
  const std::size_t body = expected_size - kChecksumBytes;
  if (Crc32(bytes.first(body)) != GetU32(bytes.data() + body)) {
    return Corrupt("model file: checksum mismatch (the file is corrupted)");
  }
  std::vector<float> params(expected_count);
  for (std::size_t i = 0; i < expected_count; ++i) {
    params[i] = std::bit_cast<float>(GetU32(bytes.data() + params_at + 4 * i));
  }
  return Mlp::FromParams(sizes, params);
}

Status SaveModel(const Mlp& mlp, const std::string& path) {
  const std::vector<uint8_t> bytes = SerializeModel(mlp);
  const std::string tmp = path + ".tmp";
  std::FILE* f = std::fopen(tmp.c_str(), "wb");
  if (f == nullptr) return IoError("cannot create " + tmp + ": " + std::strerror(errno));
  const bool written = std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size();
  const int err = errno;
  const bool closed = std::fclose(f) == 0;
  if (!written || !closed) {
    std::remove(tmp.c_str());
    return IoError("cannot write " + tmp + ": " + std::strerror(written ? errno : err));
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    const int rename_err = errno;
    std::remove(tmp.c_str());
    return IoError("cannot rename " + tmp + " to " + path + ": " + std::strerror(rename_err));
  }
  return Status::Ok();
}

Result<Mlp> LoadModel(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) {
    const int err = errno;
    if (err == ENOENT) return NotFound("model file " + path + " does not exist");
    return IoError("cannot open " + path + ": " + std::strerror(err));
  }
  // The largest well-formed file; a bigger one is refused before reading.
  constexpr std::size_t kMaxFileBytes = 24 + 4 * Mlp::kMaxLayers + 4 * Mlp::kMaxParams;
  if (std::fseek(f, 0, SEEK_END) == 0) {
    const long size = std::ftell(f);
    if (size > 0 && static_cast<std::size_t>(size) > kMaxFileBytes) {
      std::fclose(f);
      return Corrupt(path + ": model file: " + std::to_string(size) +
                     " bytes, more than any model");
    }
    std::rewind(f);
  }
  std::vector<uint8_t> bytes;
  uint8_t chunk[1 << 16];
  std::size_t n = 0;
  while ((n = std::fread(chunk, 1, sizeof chunk, f)) > 0) {
    bytes.insert(bytes.end(), chunk, chunk + n);
  }
  const bool failed = std::ferror(f) != 0;
  std::fclose(f);
  if (failed) return IoError("cannot read " + path);
  Result<Mlp> mlp = ParseModel(bytes);
  if (!mlp.ok()) return mlp.status().WithContext(path);
  return mlp;
}

}  // namespace fedq
