// The AVX-512 VNNI kernel: register tiles of R samples x B blocks of 16
// outputs, one vpdpbusd per (sample, block, 4 inputs). vpdpbusd wants
// unsigned x signed bytes. Non-negative A goes in as is, and a group of 4
// inputs that is zero in all R rows is skipped (image borders are mostly
// 0). Signed A is shifted by +128 on the fly and the excess, 128 * sum(w),
// is subtracted once per output at the end (no skipping: 0 became 128).
#include "common/quant/int8_gemm.hpp"

#if FEDQ_QUANT_X86_KERNELS
#include <immintrin.h>

#include <cstring>

#define FEDQ_AVX512_TARGET __attribute__((target("avx512f,avx512bw,avx512vnni")))

namespace fedq::quant::internal {
namespace {

constexpr int kRows = 4;    // samples per tile
constexpr int kBlocks = 4;  // 16-output blocks per tile: 16 zmm accumulators

template <int R, int B, bool kSigned>
FEDQ_AVX512_TARGET inline void Tile(const int8_t* a, int a_stride, const int8_t* w, int quads,
                                    const int32_t* correction, int32_t* c, int c_stride) {
  __m512i acc[R][B];
  for (int r = 0; r < R; ++r) {
    for (int b = 0; b < B; ++b) acc[r][b] = _mm512_setzero_si512();
  }
  const __m512i flip = _mm512_set1_epi8(static_cast<char>(0x80));
  const std::ptrdiff_t block_stride = static_cast<std::ptrdiff_t>(quads) * 64;
  for (int q = 0; q < quads; ++q) {
    int32_t quad[R];
    int32_t any = 0;
    for (int r = 0; r < R; ++r) {
      std::memcpy(&quad[r], a + r * a_stride + q * 4, 4);
      any |= quad[r];
    }
    if (!kSigned && any == 0) continue;
    __m512i wv[B];
    for (int b = 0; b < B; ++b) wv[b] = _mm512_loadu_si512(w + b * block_stride + q * 64);
    for (int r = 0; r < R; ++r) {
      __m512i x = _mm512_set1_epi32(quad[r]);
      if (kSigned) x = _mm512_xor_si512(x, flip);
      for (int b = 0; b < B; ++b) acc[r][b] = _mm512_dpbusd_epi32(acc[r][b], x, wv[b]);
    }
  }
  for (int b = 0; b < B; ++b) {
    const __m512i corr = kSigned ? _mm512_loadu_si512(correction + b * 16) : _mm512_setzero_si512();
    for (int r = 0; r < R; ++r) {
      _mm512_storeu_si512(c + r * c_stride + b * 16, _mm512_sub_epi32(acc[r][b], corr));
    }
  }
}

template <int R, bool kSigned>
FEDQ_AVX512_TARGET void RowTile(const int8_t* a, int a_stride, const PackedWeights& w, int32_t* c,
                                int c_stride) {
  const int quads = w.quads();
  const std::ptrdiff_t block_bytes = static_cast<std::ptrdiff_t>(quads) * 64;
  int b = 0;
  for (; b + kBlocks <= w.blocks(); b += kBlocks) {
    Tile<R, kBlocks, kSigned>(a, a_stride, w.data() + b * block_bytes, quads,
                              w.offset_correction() + b * 16, c + b * 16, c_stride);
  }
  const int left = w.blocks() - b;
  const int8_t* wb = w.data() + b * block_bytes;
  const int32_t* corr = w.offset_correction() + b * 16;
  if (left == 3) Tile<R, 3, kSigned>(a, a_stride, wb, quads, corr, c + b * 16, c_stride);
  if (left == 2) Tile<R, 2, kSigned>(a, a_stride, wb, quads, corr, c + b * 16, c_stride);
  if (left == 1) Tile<R, 1, kSigned>(a, a_stride, wb, quads, corr, c + b * 16, c_stride);
}

template <bool kSigned>
FEDQ_AVX512_TARGET void Gemm(const int8_t* a, int n, int a_stride, const PackedWeights& w,
                             int32_t* c, int c_stride) {
  int i = 0;
  for (; i + kRows <= n; i += kRows) {
    RowTile<kRows, kSigned>(a + static_cast<std::ptrdiff_t>(i) * a_stride, a_stride, w,
                            c + static_cast<std::ptrdiff_t>(i) * c_stride, c_stride);
  }
  const int8_t* ai = a + static_cast<std::ptrdiff_t>(i) * a_stride;
  int32_t* ci = c + static_cast<std::ptrdiff_t>(i) * c_stride;
  const int left = n - i;
  if (left == 3) RowTile<3, kSigned>(ai, a_stride, w, ci, c_stride);
  if (left == 2) RowTile<2, kSigned>(ai, a_stride, w, ci, c_stride);
  if (left == 1) RowTile<1, kSigned>(ai, a_stride, w, ci, c_stride);
}

}  // namespace

void GemmAvx512Vnni(const int8_t* a, int n, int a_stride, const PackedWeights& w, int32_t* c,
                    int c_stride, InputSign sign) {
  if (sign == InputSign::kNonNegative) return Gemm<false>(a, n, a_stride, w, c, c_stride);
  Gemm<true>(a, n, a_stride, w, c, c_stride);
}

}  // namespace fedq::quant::internal

#endif  // FEDQ_QUANT_X86_KERNELS
