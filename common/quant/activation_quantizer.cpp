#include "common/quant/activation_quantizer.hpp"

#include <algorithm>
#include <cmath>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace fedq::quant {
namespace {

// Adding then subtracting 1.5 * 2^23 rounds a float of magnitude < 2^22 to
// the nearest integer, ties to even, in the default rounding mode: the
// result of std::nearbyint, but in two vectorizable adds instead of a libm
// call (baseline x86-64 has no SSE4.1 roundps).
constexpr float kRoundingMagic = 12582912.0f;

float ScalarMaxAbs(const float* x, int n) {
  float max_abs = 0.0f;
  for (int k = 0; k < n; ++k) {
    if (std::isfinite(x[k])) max_abs = std::max(max_abs, std::fabs(x[k]));
  }
  return max_abs;
}

}  // namespace

float DynamicScale(const float* x, int n) {
  float max_abs = 0.0f;
  int k = 0;
#if defined(__SSE2__)
  // maxps returns its second operand when either is NaN: NaN is skipped.
  const __m128 abs_mask = _mm_castsi128_ps(_mm_set1_epi32(0x7fffffff));
  __m128 m0 = _mm_setzero_ps(), m1 = _mm_setzero_ps();
  for (; k + 8 <= n; k += 8) {
    m0 = _mm_max_ps(_mm_and_ps(_mm_loadu_ps(x + k), abs_mask), m0);
    m1 = _mm_max_ps(_mm_and_ps(_mm_loadu_ps(x + k + 4), abs_mask), m1);
  }
  alignas(16) float lanes[4];
  _mm_store_ps(lanes, _mm_max_ps(m0, m1));
  max_abs = std::max({lanes[0], lanes[1], lanes[2], lanes[3]});
#endif
  for (; k < n; ++k) max_abs = std::max(max_abs, std::fabs(x[k]));  // (m < NaN) is false: skipped
  // An infinity would make every other value 0: scale from the finite ones.
  if (std::isinf(max_abs)) max_abs = ScalarMaxAbs(x, n);
  return max_abs > 0.0f ? max_abs / 127.0f : 1.0f;
}

void QuantizeActivations(const float* x, int n, float scale, int8_t* q, int padded_n) {
  const float inverse = 1.0f / scale;
  int k = 0;
#if defined(__SSE2__)
  // GCC will not if-convert float min/max under -ftrapping-math, so the
  // plain loop stays scalar; SSE2 is in every x86-64, no dispatch needed.
  // cvtps2dq rounds to nearest even like the scalar tail below.
  const __m128 inv = _mm_set1_ps(inverse), lo = _mm_set1_ps(-127.0f), hi = _mm_set1_ps(127.0f);
  auto quantize4 = [&](const float* p) {
    return _mm_cvtps_epi32(_mm_min_ps(_mm_max_ps(_mm_mul_ps(_mm_loadu_ps(p), inv), lo), hi));
  };
  for (; k + 16 <= n; k += 16) {
    const __m128i a = _mm_packs_epi32(quantize4(x + k), quantize4(x + k + 4));
    const __m128i b = _mm_packs_epi32(quantize4(x + k + 8), quantize4(x + k + 12));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(q + k), _mm_packs_epi16(a, b));
  }
#endif
  for (; k < n; ++k) {
    // std::max(lo, v) is (lo < v ? v : lo): NaN becomes -127, as maxps does,
    // and the conversion below is always defined.
    const float v = std::min(127.0f, std::max(-127.0f, x[k] * inverse));
    const float rounded = (v + kRoundingMagic) - kRoundingMagic;
    q[k] = static_cast<int8_t>(static_cast<int32_t>(rounded));
  }
  std::fill(q + n, q + padded_n, int8_t{0});
}

void RescaleRow(const int32_t* acc, int out, float row_scale, const float* weight_scales,
                const float* bias, bool relu, float* y) {
  for (int j = 0; j < out; ++j) {
    y[j] = static_cast<float>(acc[j]) * (row_scale * weight_scales[j]) + bias[j];
  }
  if (relu) {
    for (int j = 0; j < out; ++j) y[j] = y[j] > 0.0f ? y[j] : 0.0f;
  }
}

const ActivationOps& ActivationOpsFor(Int8Kernel kernel) {
  static constexpr ActivationOps kPortable = {DynamicScale, QuantizeActivations, RescaleRow};
#if FEDQ_QUANT_X86_KERNELS
  static constexpr ActivationOps kAvx512 = {internal::DynamicScaleAvx512,
                                            internal::QuantizeActivationsAvx512,
                                            internal::RescaleRowAvx512};
  if (kernel == Int8Kernel::kAvx512Vnni) return kAvx512;
#endif
  (void)kernel;
  return kPortable;
}

}  // namespace fedq::quant
