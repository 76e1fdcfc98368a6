#include "common/quant/activation_quantizer.hpp"

#include <algorithm>
#include <cmath>

namespace fedq::quant {

float DynamicScale(const float* x, int n) {
  float max_abs = 0.0f;
  for (int k = 0; k < n; ++k) max_abs = std::max(max_abs, std::fabs(x[k]));
  // NaN never wins std::max against 0, so a NaN input quantizes like a 0.
  return max_abs > 0.0f ? max_abs / 127.0f : 1.0f;
}

void QuantizeActivations(const float* x, int n, float scale, int8_t* q, int padded_n) {
  const float inverse = 1.0f / scale;
  for (int k = 0; k < n; ++k) {
    // Clamping before rounding keeps the conversion in range (and NaN, which
    // fails both comparisons, becomes 0 below).
    float v = x[k] * inverse;
    v = v > 127.0f ? 127.0f : v;
    v = v < -127.0f ? -127.0f : v;
    v = std::isnan(v) ? 0.0f : v;
    q[k] = static_cast<int8_t>(std::nearbyint(v));
  }
  std::fill(q + n, q + padded_n, int8_t{0});
}

}  // namespace fedq::quant
