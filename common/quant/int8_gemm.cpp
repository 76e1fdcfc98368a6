// Packing, dispatch and the portable kernel. The SIMD kernels live in
// int8_gemm_avx2.cpp and int8_gemm_avx512.cpp, compiled with per-function
// target attributes so that one binary runs on any x86-64 and still uses
// VNNI where the CPU has it.
#include "common/quant/int8_gemm.hpp"

#include <cassert>
#include <cstdlib>
#include <cstring>
#include <string>

namespace fedq::quant {

PackedWeights::PackedWeights(std::span<const int8_t> rows, int out, int in)
    : out_(out),
      in_(in),
      quads_((in + kBlockIn - 1) / kBlockIn),
      blocks_((out + kBlockOut - 1) / kBlockOut) {
  assert(rows.size() == static_cast<std::size_t>(out) * static_cast<std::size_t>(in));
  packed_.assign(static_cast<std::size_t>(blocks_) * quads_ * kBlockOut * kBlockIn, 0);
  correction_.assign(static_cast<std::size_t>(blocks_) * kBlockOut, 0);
  for (int j = 0; j < out; ++j) {
    const int block = j / kBlockOut;
    const int lane = j % kBlockOut;
    int32_t sum = 0;
    for (int k = 0; k < in; ++k) {
      const int8_t v = rows[static_cast<std::size_t>(j) * in + k];
      const std::size_t q = static_cast<std::size_t>(block) * quads_ + k / kBlockIn;
      packed_[(q * kBlockOut + lane) * kBlockIn + k % kBlockIn] = v;
      sum += v;
    }
    correction_[j] = 128 * sum;
  }
}

namespace internal {

void GemmPortable(const int8_t* a, int n, int a_stride, const PackedWeights& w, int32_t* c,
                  int c_stride) {
  constexpr int kOut = PackedWeights::kBlockOut;
  constexpr int kIn = PackedWeights::kBlockIn;
  const int quads = w.quads();
  for (int i = 0; i < n; ++i) {
    const int8_t* row = a + static_cast<std::ptrdiff_t>(i) * a_stride;
    for (int b = 0; b < w.blocks(); ++b) {
      int32_t acc[kOut] = {};
      const int8_t* block = w.data() + static_cast<std::ptrdiff_t>(b) * quads * kOut * kIn;
      for (int q = 0; q < quads; ++q) {
        const int8_t* x = row + q * kIn;
        const int8_t* wq = block + q * kOut * kIn;
        for (int o = 0; o < kOut; ++o) {
          for (int t = 0; t < kIn; ++t) acc[o] += int32_t{x[t]} * int32_t{wq[o * kIn + t]};
        }
      }
      std::memcpy(c + static_cast<std::ptrdiff_t>(i) * c_stride + b * kOut, acc, sizeof(acc));
    }
  }
}

}  // namespace internal

std::string_view KernelName(Int8Kernel kernel) {
  switch (kernel) {
    case Int8Kernel::kPortable:
      return "portable";
    case Int8Kernel::kAvx2:
      return "avx2";
    case Int8Kernel::kAvx512Vnni:
      return "avx512vnni";
  }
  return "unknown";
}

bool KernelSupported(Int8Kernel kernel) {
  if (kernel == Int8Kernel::kPortable) return true;
#if FEDQ_QUANT_X86_KERNELS
  __builtin_cpu_init();
  if (kernel == Int8Kernel::kAvx2) return __builtin_cpu_supports("avx2");
  // The activation functions used with this kernel need VL as well.
  return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
         __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512vnni");
#else
  return false;
#endif
}

namespace {

Int8Kernel DetectBestKernel() {
  // FEDQ_INT8_KERNEL=portable|avx2 forces a slower kernel, for comparisons.
  if (const char* forced = std::getenv("FEDQ_INT8_KERNEL")) {
    for (Int8Kernel k : {Int8Kernel::kPortable, Int8Kernel::kAvx2, Int8Kernel::kAvx512Vnni}) {
      if (KernelName(k) == forced && KernelSupported(k)) return k;
    }
  }
  if (KernelSupported(Int8Kernel::kAvx512Vnni)) return Int8Kernel::kAvx512Vnni;
  if (KernelSupported(Int8Kernel::kAvx2)) return Int8Kernel::kAvx2;
  return Int8Kernel::kPortable;
}

}  // namespace

Int8Kernel BestKernel() {
  static const Int8Kernel best = DetectBestKernel();
  return best;
}

void Int8Gemm(Int8Kernel kernel, const int8_t* a, int n, int a_stride, const PackedWeights& w,
              int32_t* c, int c_stride, InputSign sign) {
  assert(a_stride == w.padded_in() && c_stride >= w.padded_out());
  assert(KernelSupported(kernel));
#if FEDQ_QUANT_X86_KERNELS
  if (kernel == Int8Kernel::kAvx512Vnni)
    return internal::GemmAvx512Vnni(a, n, a_stride, w, c, c_stride, sign);
  if (kernel == Int8Kernel::kAvx2) return internal::GemmAvx2(a, n, a_stride, w, c, c_stride);
#endif
  internal::GemmPortable(a, n, a_stride, w, c, c_stride);
}

}  // namespace fedq::quant
