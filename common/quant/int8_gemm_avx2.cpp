// The AVX2 kernel, for x86-64 CPUs without VNNI. vpmaddubsw multiplies
// unsigned by signed bytes and saturates pairs to int16; with |a| and
// sign(a) * w, both at most 127 in magnitude, a pair sums to at most
// 2 * 127 * 127 = 32258, so nothing saturates and the result is exact.
#include "common/quant/int8_gemm.hpp"

#if FEDQ_QUANT_X86_KERNELS
#include <immintrin.h>

#include <cstring>

#define FEDQ_AVX2_TARGET __attribute__((target("avx2")))

namespace fedq::quant::internal {
namespace {

constexpr int kRows = 2;  // samples per tile; 2 x 2 blocks x 2 ymm = 8 accumulators

template <int R, int B>
FEDQ_AVX2_TARGET inline void Tile(const int8_t* a, int a_stride, const int8_t* w, int quads,
                                  int32_t* c, int c_stride) {
  __m256i acc[R][B][2];
  for (int r = 0; r < R; ++r) {
    for (int b = 0; b < B; ++b) acc[r][b][0] = acc[r][b][1] = _mm256_setzero_si256();
  }
  const __m256i ones = _mm256_set1_epi16(1);
  const std::ptrdiff_t block_stride = static_cast<std::ptrdiff_t>(quads) * 64;
  for (int q = 0; q < quads; ++q) {
    int32_t quad[R];
    int32_t any = 0;
    for (int r = 0; r < R; ++r) {
      std::memcpy(&quad[r], a + r * a_stride + q * 4, 4);
      any |= quad[r];
    }
    if (any == 0) continue;  // exact: zero inputs add nothing (no offset here)
    __m256i wv[B][2];
    for (int b = 0; b < B; ++b) {
      const int8_t* p = w + b * block_stride + q * 64;
      wv[b][0] = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
      wv[b][1] = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 32));
    }
    for (int r = 0; r < R; ++r) {
      const __m256i x = _mm256_set1_epi32(quad[r]);
      const __m256i ax = _mm256_abs_epi8(x);
      for (int b = 0; b < B; ++b) {
        for (int h = 0; h < 2; ++h) {
          const __m256i pairs = _mm256_maddubs_epi16(ax, _mm256_sign_epi8(wv[b][h], x));
          acc[r][b][h] = _mm256_add_epi32(acc[r][b][h], _mm256_madd_epi16(pairs, ones));
        }
      }
    }
  }
  for (int r = 0; r < R; ++r) {
    for (int b = 0; b < B; ++b) {
      for (int h = 0; h < 2; ++h) {
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(c + r * c_stride + b * 16 + h * 8),
                            acc[r][b][h]);
      }
    }
  }
}

template <int R>
FEDQ_AVX2_TARGET void RowTile(const int8_t* a, int a_stride, const PackedWeights& w, int32_t* c,
                              int c_stride) {
  const int quads = w.quads();
  const std::ptrdiff_t block_bytes = static_cast<std::ptrdiff_t>(quads) * 64;
  int b = 0;
  for (; b + 2 <= w.blocks(); b += 2) {
    Tile<R, 2>(a, a_stride, w.data() + b * block_bytes, quads, c + b * 16, c_stride);
  }
  if (b < w.blocks())
    Tile<R, 1>(a, a_stride, w.data() + b * block_bytes, quads, c + b * 16, c_stride);
}

}  // namespace

FEDQ_AVX2_TARGET void GemmAvx2(const int8_t* a, int n, int a_stride, const PackedWeights& w,
                               int32_t* c, int c_stride) {
  int i = 0;
  for (; i + kRows <= n; i += kRows) {
    RowTile<kRows>(a + static_cast<std::ptrdiff_t>(i) * a_stride, a_stride, w,
                   c + static_cast<std::ptrdiff_t>(i) * c_stride, c_stride);
  }
  if (i < n) {
    RowTile<1>(a + static_cast<std::ptrdiff_t>(i) * a_stride, a_stride, w,
               c + static_cast<std::ptrdiff_t>(i) * c_stride, c_stride);
  }
}

}  // namespace fedq::quant::internal

#endif  // FEDQ_QUANT_X86_KERNELS
