// Counter-based randomness for the codecs: a value depends only on (seed,
// counter), so stochastic rounding and random-k are reproducible whatever the
// vectorization or thread split. Pure inline functions.
#pragma once

#include <cstdint>

namespace fedq::codec {

inline uint64_t SplitMix64(uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

// Uniform in [0, 1) with 24 random bits, for element i under seed.
inline float UniformAt(uint64_t seed, uint64_t i) {
  return static_cast<float>(SplitMix64(seed ^ (i * 0xD1B54A32D192ED03ull)) >> 40) *
         (1.0f / 16777216.0f);
}

// A sequential generator over SplitMix64, for random-k.
class CounterRng {
 public:
  explicit CounterRng(uint64_t seed) : state_(seed) {}
  uint64_t Next() { return SplitMix64(state_++ * 0x9E3779B97F4A7C15ull + 0x632BE59BD9B4E019ull); }
  // Uniform in [0, bound), unbiased (Lemire's multiply-and-reject). REQUIRES: bound > 0.
  uint64_t Below(uint64_t bound) {
    while (true) {
      unsigned __int128 m = static_cast<unsigned __int128>(Next()) * bound;
      uint64_t low = static_cast<uint64_t>(m);
      if (low >= bound || low >= (0 - bound) % bound) return static_cast<uint64_t>(m >> 64);
    }
  }

 private:
  uint64_t state_;
};

}  // namespace fedq::codec
