// Brings float activations to int8 for the GEMM: symmetric, round to
// nearest even, clamped to [-127, 127]. Pure functions on caller-owned
// buffers; safe to call from any thread.
#pragma once

#include <cstdint>

namespace fedq::quant {

// The scale that maps max |x| over x[0..n) to 127; 1 when all are 0 (any
// positive scale then quantizes them exactly to 0).
float DynamicScale(const float* x, int n);

// q[k] = clamp(round(x[k] / scale), -127, 127) for k < n; q[n..padded_n) = 0.
// NaN (which the data loaders never produce) maps to -127. REQUIRES: scale > 0.
void QuantizeActivations(const float* x, int n, float scale, int8_t* q, int padded_n);

}  // namespace fedq::quant
