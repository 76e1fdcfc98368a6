#include "common/codec/zstd_stage.hpp"

#include <zstd.h>

#include <algorithm>
#include <memory>
#include <string>

namespace fedq::codec {

std::size_t ZstdBound(std::size_t raw) { return ZSTD_compressBound(raw); }

Result<std::vector<uint8_t>> ZstdCompress(std::span<const uint8_t> raw, int level) {
  std::vector<uint8_t> out(ZSTD_compressBound(raw.size()));
  std::size_t n = ZSTD_compress(out.data(), out.size(), raw.data(), raw.size(), level);
  if (ZSTD_isError(n)) return Internal(std::string("zstd compress: ") + ZSTD_getErrorName(n));
  out.resize(n);
  return out;
}

Result<std::vector<uint8_t>> ZstdDecompress(std::span<const uint8_t> frame, std::size_t expected) {
  std::unique_ptr<ZSTD_DCtx, decltype(&ZSTD_freeDCtx)> ctx(ZSTD_createDCtx(), ZSTD_freeDCtx);
  if (!ctx) return Internal("zstd: cannot make a context");
  ZSTD_DCtx_setParameter(ctx.get(), ZSTD_d_windowLogMax, 27);
  std::vector<uint8_t> out;
  std::size_t step =
      std::min<std::size_t>(expected + 1, std::max<std::size_t>(frame.size() * 8, 4096));
  ZSTD_inBuffer in{frame.data(), frame.size(), 0};
  std::size_t ret = 1;
  while (ret != 0) {
    if (out.size() > expected) break;
    std::size_t have = out.size();
    std::size_t in_before = in.pos;
    out.resize(have + step);
    ZSTD_outBuffer o{out.data() + have, step, 0};
    ret = ZSTD_decompressStream(ctx.get(), &o, &in);
    if (ZSTD_isError(ret)) return Corrupt(std::string("blob: zstd: ") + ZSTD_getErrorName(ret));
    out.resize(have + o.pos);
    if (o.pos == 0 && in.pos == in_before) return Corrupt("blob: zstd frame truncated");
    step = std::min<std::size_t>(step * 2, expected + 1);
  }
  if (in.pos != in.size) return Corrupt("blob: bytes after the zstd frame");
  if (out.size() != expected) {
    return Corrupt("blob: zstd frame yields " + std::to_string(out.size()) +
                   " bytes, header says " + std::to_string(expected));
  }
  return out;
}

}  // namespace fedq::codec
