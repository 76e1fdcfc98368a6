// Int8 matrix product of the quantized MLP: C (n x out, int32) = A (n x in,
// int8) times W^T, W given as out x in int8 rows. W is packed once into
// blocks of 16 outputs x 4 inputs, the layout the SIMD kernels consume.
// PackedWeights is immutable after construction and safe to share between
// threads; Int8Gemm only reads its inputs.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

// The x86 kernels are built on x86-64 with GCC or Clang (target attributes).
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define FEDQ_QUANT_X86_KERNELS 1
#else
#define FEDQ_QUANT_X86_KERNELS 0
#endif

namespace fedq::quant {

// Every kernel gives bit-identical results: int8 x int8 products summed in
// int32 are exact whatever the order. REQUIRES of all of them: values of A
// and W lie in [-127, 127] (the AVX2 sign trick and the AVX-512 offset
// trick rely on it), and in <= kMaxInputs so that no int32 sum overflows.
enum class Int8Kernel {
  kPortable,    // plain C++; any CPU, auto-vectorized where the compiler can
  kAvx2,        // x86-64 AVX2: vpmaddubsw with the sign trick, exact
  kAvx512Vnni,  // x86-64 AVX-512 F/BW/VL + VNNI: vpdpbusd
};

inline constexpr int kMaxInputs = 1 << 16;  // 127 * 127 * 2^16 < 2^31

std::string_view KernelName(Int8Kernel kernel);
// True when this build contains the kernel and this CPU can run it.
bool KernelSupported(Int8Kernel kernel);
// The fastest supported kernel, chosen once per process from CPUID.
Int8Kernel BestKernel();

class PackedWeights {
 public:
  static constexpr int kBlockOut = 16;  // outputs per block: one zmm of int32
  static constexpr int kBlockIn = 4;    // inputs per output per block: one vpdpbusd lane

  PackedWeights() = default;
  // rows: out x in int8, row-major (each output's weights contiguous).
  PackedWeights(std::span<const int8_t> rows, int out, int in);

  int out() const { return out_; }
  int in() const { return in_; }
  // A's row stride must be padded_in(), with zeros past in().
  int padded_in() const { return quads_ * kBlockIn; }
  // C's row stride must be at least padded_out().
  int padded_out() const { return blocks_ * kBlockOut; }
  int quads() const { return quads_; }
  int blocks() const { return blocks_; }
  // Block b, quad q: 16 outputs x 4 inputs at data() + (b * quads() + q) * 64.
  const int8_t* data() const { return packed_.data(); }
  // 128 * sum of each output's weights (padded_out() entries): what the
  // unsigned-input VNNI instruction adds on top of the true product.
  const int32_t* offset_correction() const { return correction_.data(); }

 private:
  int out_ = 0;
  int in_ = 0;
  int quads_ = 0;
  int blocks_ = 0;
  std::vector<int8_t> packed_;
  std::vector<int32_t> correction_;
};

// What the caller knows of A. Non-negative A (images, ReLU outputs) lets
// the VNNI kernel feed A to vpdpbusd as is, and skip groups of 4 inputs
// that are zero in every row of a tile; the result is the same either way.
enum class InputSign { kAny, kNonNegative };

// C[i * c_stride + j] = sum_k A[i * a_stride + k] * W[j][k] for i < n and
// j < w.padded_out() (outputs past w.out() come out 0). REQUIRES:
// a_stride == w.padded_in(), c_stride >= w.padded_out(), A zero-padded,
// and every A >= 0 if sign is kNonNegative.
void Int8Gemm(Int8Kernel kernel, const int8_t* a, int n, int a_stride, const PackedWeights& w,
              int32_t* c, int c_stride, InputSign sign = InputSign::kAny);

namespace internal {
// One per kernel; Int8Gemm dispatches. Declared here for the dispatcher only.
void GemmPortable(const int8_t* a, int n, int a_stride, const PackedWeights& w, int32_t* c,
                  int c_stride);
#if FEDQ_QUANT_X86_KERNELS
void GemmAvx2(const int8_t* a, int n, int a_stride, const PackedWeights& w, int32_t* c,
              int c_stride);
void GemmAvx512Vnni(const int8_t* a, int n, int a_stride, const PackedWeights& w, int32_t* c,
                    int c_stride, InputSign sign);
#endif
}  // namespace internal

}  // namespace fedq::quant
