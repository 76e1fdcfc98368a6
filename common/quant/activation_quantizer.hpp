// The float side of an int8 layer: bringing activations to int8 for the
// GEMM (symmetric, round to nearest even, clamped to [-127, 127]) and
// int32 sums back to float. Pure functions on caller-owned buffers; safe
// to call from any thread.
#pragma once

#include <cstdint>

#include "common/quant/int8_gemm.hpp"

namespace fedq::quant {

// The scale that maps max |x| over x[0..n) to 127; 1 when all are 0 (any
// positive scale then quantizes them exactly to 0).
float DynamicScale(const float* x, int n);

// q[k] = clamp(round(x[k] * (1 / scale)), -127, 127) for k < n, and
// q[n..padded_n) = 0. NaN (which the data loaders never produce) maps to
// -127. REQUIRES: scale > 0.
void QuantizeActivations(const float* x, int n, float scale, int8_t* q, int padded_n);

// y[j] = acc[j] * (row_scale * weight_scales[j]) + bias[j] for j < out,
// then max(y[j], 0) when relu (NaN becomes 0).
void RescaleRow(const int32_t* acc, int out, float row_scale, const float* weight_scales,
                const float* bias, bool relu, float* y);

// The three above, vectorized for the ISA of an int8 kernel. Every set gives
// bit-identical results: the same operations in the same order per element.
struct ActivationOps {
  float (*dynamic_scale)(const float* x, int n);
  void (*quantize)(const float* x, int n, float scale, int8_t* q, int padded_n);
  void (*rescale)(const int32_t* acc, int out, float row_scale, const float* weight_scales,
                  const float* bias, bool relu, float* y);
};
const ActivationOps& ActivationOpsFor(Int8Kernel kernel);

namespace internal {
#if FEDQ_QUANT_X86_KERNELS
float DynamicScaleAvx512(const float* x, int n);
void QuantizeActivationsAvx512(const float* x, int n, float scale, int8_t* q, int padded_n);
void RescaleRowAvx512(const int32_t* acc, int out, float row_scale, const float* weight_scales,
                      const float* bias, bool relu, float* y);
#endif
}  // namespace internal

}  // namespace fedq::quant
