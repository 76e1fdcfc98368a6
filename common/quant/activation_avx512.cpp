// AVX-512 versions of the activation functions, used with the VNNI kernel
// (same CPUs). Tails are masked loads and stores, not scalar loops. Each
// mirrors its portable twin operation for operation, so results are
// bit-identical: maxps/minps treat NaN as the portable code does, and
// cvtps2dq rounds to nearest even in the default rounding mode.
#include "common/quant/activation_quantizer.hpp"

#if FEDQ_QUANT_X86_KERNELS
#include <immintrin.h>

#include <algorithm>
#include <cmath>

#define FEDQ_AVX512F_TARGET __attribute__((target("avx512f,avx512bw,avx512vl")))

namespace fedq::quant::internal {
namespace {

FEDQ_AVX512F_TARGET inline __mmask16 TailMask(int left) {
  return left >= 16 ? __mmask16(0xffff) : static_cast<__mmask16>((1u << left) - 1u);
}

}  // namespace

FEDQ_AVX512F_TARGET float DynamicScaleAvx512(const float* x, int n) {
  __m512 m = _mm512_setzero_ps();
  for (int k = 0; k < n; k += 16) {
    const __m512 v = _mm512_abs_ps(_mm512_maskz_loadu_ps(TailMask(n - k), x + k));
    m = _mm512_max_ps(v, m);  // NaN: the second operand, so it is skipped
  }
  // Not _mm512_reduce_max_ps: GCC 12's header warns of an uninitialized value.
  alignas(64) float lanes[16];
  _mm512_store_ps(lanes, m);
  const float max_abs = *std::max_element(lanes, lanes + 16);
  if (std::isinf(max_abs)) return DynamicScale(x, n);  // the rare path, as the portable one
  return max_abs > 0.0f ? max_abs / 127.0f : 1.0f;
}

FEDQ_AVX512F_TARGET void QuantizeActivationsAvx512(const float* x, int n, float scale, int8_t* q,
                                                   int padded_n) {
  const float inverse = 1.0f / scale;
  const __m512 inv = _mm512_set1_ps(inverse);
  const __m512 lo = _mm512_set1_ps(-127.0f), hi = _mm512_set1_ps(127.0f);
  for (int k = 0; k < padded_n; k += 16) {
    const __mmask16 load = k < n ? TailMask(n - k) : __mmask16(0);
    const __m512 v = _mm512_mul_ps(_mm512_maskz_loadu_ps(load, x + k), inv);
    // max(v, lo) then min(., hi), as the portable std::min(hi, std::max(lo, v)).
    const __m512i r = _mm512_cvtps_epi32(_mm512_min_ps(_mm512_max_ps(v, lo), hi));
    // Masked-off lanes loaded 0, so the padding comes out 0.
    _mm_mask_storeu_epi8(q + k, TailMask(padded_n - k), _mm512_cvtsepi32_epi8(r));
  }
}

FEDQ_AVX512F_TARGET void RescaleRowAvx512(const int32_t* acc, int out, float row_scale,
                                          const float* weight_scales, const float* bias, bool relu,
                                          float* y) {
  const __m512 rs = _mm512_set1_ps(row_scale);
  const __m512 zero = _mm512_setzero_ps();
  for (int j = 0; j < out; j += 16) {
    const __mmask16 m = TailMask(out - j);
    const __m512 a = _mm512_cvtepi32_ps(_mm512_maskz_loadu_epi32(m, acc + j));
    const __m512 s = _mm512_mul_ps(rs, _mm512_maskz_loadu_ps(m, weight_scales + j));
    __m512 v = _mm512_add_ps(_mm512_mul_ps(a, s), _mm512_maskz_loadu_ps(m, bias + j));
    if (relu) v = _mm512_max_ps(v, zero);  // NaN and -0 give the second operand: 0
    _mm512_mask_storeu_ps(y + j, m, v);
  }
}

}  // namespace fedq::quant::internal

#endif  // FEDQ_QUANT_X86_KERNELS
