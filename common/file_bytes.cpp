#include "common/file_bytes.hpp"

#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>

namespace fedq {
namespace {

// zlib counts in uInt; feed and drain it in chunks no larger than that.
constexpr std::size_t kZlibChunk = std::size_t{1} << 30;

// The gzip trailer's ISIZE (uncompressed size mod 2^32) is only a hint for
// the first allocation: a lying file can claim anything, so it is capped.
std::size_t InitialReserve(std::span<const uint8_t> compressed, std::size_t max_output) {
  std::size_t hint = compressed.size() * 4;
  if (compressed.size() >= 18) {
    const uint8_t* t = compressed.data() + compressed.size() - 4;
    hint = std::size_t{t[0]} | std::size_t{t[1]} << 8 | std::size_t{t[2]} << 16 |
           std::size_t{t[3]} << 24;
  }
  // Deflate cannot expand more than ~1032:1, which bounds a lying ISIZE.
  const std::size_t ratio_bound = compressed.size() * 1032;
  return std::min({hint, ratio_bound, max_output, std::size_t{64} << 20});
}

struct InflateStream {
  z_stream z{};
  bool live = false;
  ~InflateStream() {
    if (live) inflateEnd(&z);
  }
};

}  // namespace

bool LooksLikeGzip(std::span<const uint8_t> bytes) {
  return bytes.size() >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b;
}

Result<std::vector<uint8_t>> InflateGzip(std::span<const uint8_t> compressed,
                                         std::size_t max_output) {
  max_output = std::min(max_output, SIZE_MAX - 1);  // room for the +1 headroom below
  if (!LooksLikeGzip(compressed)) return Corrupt("gzip: missing magic 1f 8b");
  InflateStream s;
  // 16 + MAX_WBITS: gzip wrapper only (no raw deflate, no zlib header).
  if (inflateInit2(&s.z, 16 + MAX_WBITS) != Z_OK) return Internal("gzip: inflateInit2 failed");
  s.live = true;

  std::vector<uint8_t> out;
  out.resize(std::max<std::size_t>(InitialReserve(compressed, max_output), 1));
  std::size_t produced = 0;
  std::size_t consumed = 0;
  for (;;) {
    if (produced > max_output) {
      return OutOfRange("gzip: inflated data exceeds the limit of " + std::to_string(max_output) +
                        " bytes");
    }
    // One byte of headroom past the cap tells "exactly at the limit" from "over it".
    if (produced == out.size()) out.resize(std::min(max_output + 1, out.size() * 2));
    const std::size_t in_left = compressed.size() - consumed;
    s.z.next_in = const_cast<Bytef*>(compressed.data() + consumed);
    s.z.avail_in = static_cast<uInt>(std::min(in_left, kZlibChunk));
    s.z.next_out = out.data() + produced;
    s.z.avail_out = static_cast<uInt>(std::min(out.size() - produced, kZlibChunk));
    const uInt in_before = s.z.avail_in;
    const uInt out_before = s.z.avail_out;
    const int rc = inflate(&s.z, Z_NO_FLUSH);
    consumed += in_before - s.z.avail_in;
    produced += out_before - s.z.avail_out;
    if (rc == Z_STREAM_END) {
      if (consumed == compressed.size()) break;
      // Another member follows (gzip allows concatenation); anything else is garbage.
      if (!LooksLikeGzip(compressed.subspan(consumed))) {
        return Corrupt("gzip: " + std::to_string(compressed.size() - consumed) +
                       " trailing bytes after the stream");
      }
      inflateReset(&s.z);
      continue;
    }
    if (rc == Z_BUF_ERROR && s.z.avail_in == 0 && consumed == compressed.size()) {
      return Corrupt("gzip: truncated stream");
    }
    if (rc != Z_OK && rc != Z_BUF_ERROR) {
      return Corrupt(std::string("gzip: ") + (s.z.msg ? s.z.msg : "inflate failed"));
    }
  }
  if (produced > max_output) {
    return OutOfRange("gzip: inflated data exceeds the limit of " + std::to_string(max_output) +
                      " bytes");
  }
  out.resize(produced);
  return out;
}

Result<std::vector<uint8_t>> ReadFileMaybeGzip(const std::string& path, std::size_t max_bytes) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!f) return IoError("cannot open " + path + ": " + std::strerror(errno));
  std::vector<uint8_t> bytes;
  // Read in blocks rather than trusting a size from stat: the file may change
  // under us, and a pipe has no size.
  constexpr std::size_t kBlock = std::size_t{1} << 20;
  for (;;) {
    if (bytes.size() > max_bytes) {
      return OutOfRange(path + ": file exceeds the limit of " + std::to_string(max_bytes) +
                        " bytes");
    }
    const std::size_t old = bytes.size();
    bytes.resize(old + kBlock);
    const std::size_t got = std::fread(bytes.data() + old, 1, kBlock, f.get());
    bytes.resize(old + got);
    if (got < kBlock) break;
  }
  if (std::ferror(f.get())) return IoError("cannot read " + path);
  if (bytes.size() > max_bytes) {
    return OutOfRange(path + ": file exceeds the limit of " + std::to_string(max_bytes) + " bytes");
  }
  if (!LooksLikeGzip(bytes)) return bytes;
  auto inflated = InflateGzip(bytes, max_bytes);
  if (!inflated.ok()) return inflated.status().WithContext(path);
  return inflated;
}

}  // namespace fedq
