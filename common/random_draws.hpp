// Seeded random draws built only on std::mt19937_64's raw 64-bit output,
// whose sequence the C++ standard fixes. The standard distributions
// (uniform_real, normal, gamma, std::shuffle) are implementation-specific,
// so these replace them wherever a seed must give the same result under any
// standard library. Free functions; the caller owns the generator (not
// thread-safe to share one generator between threads).
#pragma once

#include <cstddef>
#include <cstdint>
#include <random>
#include <span>
#include <vector>

namespace fedq {

// Uniform in [0, 1) with 53 random bits.
double UniformUnit(std::mt19937_64& rng);

// Uniform integer in [0, bound), unbiased (rejection). REQUIRES: bound > 0.
uint64_t UniformBelow(std::mt19937_64& rng, uint64_t bound);

// Standard normal, Marsaglia's polar method.
double StandardNormal(std::mt19937_64& rng);

// log of a Gamma(shape, 1) draw (Marsaglia & Tsang 2000; for shape < 1 the
// boost Gamma(shape + 1) * U^(1/shape)). Returned as a log so that tiny
// shapes, whose draws underflow a double, still normalize correctly.
// REQUIRES: shape > 0.
double LogGammaDraw(std::mt19937_64& rng, double shape);

// A Dirichlet(alpha, ..., alpha) draw of length k: non-negative, sums to 1.
// REQUIRES: k > 0, alpha > 0.
std::vector<double> DirichletDraw(std::mt19937_64& rng, std::size_t k, double alpha);

// Fisher-Yates shuffle.
void ShuffleIndices(std::mt19937_64& rng, std::span<std::size_t> items);

}  // namespace fedq
