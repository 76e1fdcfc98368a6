#include "common/random_draws.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

namespace fedq {

double UniformUnit(std::mt19937_64& rng) { return static_cast<double>(rng() >> 11) * 0x1.0p-53; }

uint64_t UniformBelow(std::mt19937_64& rng, uint64_t bound) {
  // Reject the top partial block of 2^64 so every residue is equally likely.
  const uint64_t limit = UINT64_MAX - UINT64_MAX % bound;
  uint64_t x;
  do {
    x = rng();
  } while (x >= limit);
  return x % bound;
}

double StandardNormal(std::mt19937_64& rng) {
  for (;;) {
    const double u = 2.0 * UniformUnit(rng) - 1.0;
    const double v = 2.0 * UniformUnit(rng) - 1.0;
    const double s = u * u + v * v;
    if (s > 0.0 && s < 1.0) return u * std::sqrt(-2.0 * std::log(s) / s);
  }
}

double LogGammaDraw(std::mt19937_64& rng, double shape) {
  if (shape < 1.0) {
    // Gamma(a) = Gamma(a + 1) * U^(1/a); 1 - UniformUnit is in (0, 1], so log is finite.
    const double log_u = std::log(1.0 - UniformUnit(rng));
    return LogGammaDraw(rng, shape + 1.0) + log_u / shape;
  }
  const double d = shape - 1.0 / 3.0;
  const double c = 1.0 / std::sqrt(9.0 * d);
  for (;;) {
    double x, v;
    do {
      x = StandardNormal(rng);
      v = 1.0 + c * x;
    } while (v <= 0.0);
    v = v * v * v;
    const double u = 1.0 - UniformUnit(rng);  // (0, 1]
    if (u < 1.0 - 0.0331 * x * x * x * x) return std::log(d * v);
    if (std::log(u) < 0.5 * x * x + d * (1.0 - v + std::log(v))) return std::log(d * v);
  }
}

std::vector<double> DirichletDraw(std::mt19937_64& rng, std::size_t k, double alpha) {
  std::vector<double> logs(k);
  for (double& l : logs) l = LogGammaDraw(rng, alpha);
  // Normalize in log space (log-sum-exp) so the largest share is exp(0) = 1
  // before scaling: no underflow to an all-zero vector for tiny alpha.
  const double top = *std::max_element(logs.begin(), logs.end());
  double sum = 0.0;
  for (double& l : logs) {
    l = std::exp(l - top);
    sum += l;
  }
  for (double& l : logs) l /= sum;
  return logs;
}

void ShuffleIndices(std::mt19937_64& rng, std::span<std::size_t> items) {
  for (std::size_t i = items.size(); i > 1; --i) {
    std::swap(items[i - 1], items[UniformBelow(rng, i)]);
  }
}

}  // namespace fedq
