// Synthetic data for the model tests: the unit tests never need Fashion-MNIST.
#pragma once

#include <cstdint>
#include <random>

#include "common/dataset.hpp"

namespace fedq::testing {

// n samples of `dim` features in [-1, 1] and labels in [0, classes), from
// a seeded generator (so every run sees the same data).
inline Dataset RandomDataset(int n, int dim, int classes, uint64_t seed) {
  std::mt19937_64 gen(seed);
  Dataset d;
  d.features.resize(n, dim);
  d.labels.resize(static_cast<std::size_t>(n));
  d.num_classes = classes;
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < dim; ++j) {
      d.features(i, j) = static_cast<float>(static_cast<double>(gen() >> 11) * 0x1.0p-53 * 2 - 1);
    }
    d.labels[static_cast<std::size_t>(i)] = static_cast<int32_t>(gen() % classes);
  }
  return d;
}

// Two Gaussian-ish blobs in 2-D, around (+1, +1) (label 1) and (-1, -1)
// (label 0): linearly separable with margin.
inline Dataset SeparableDataset(int n, uint64_t seed) {
  Dataset d = RandomDataset(n, 2, 2, seed);
  for (int i = 0; i < n; ++i) {
    const float center = d.labels[static_cast<std::size_t>(i)] == 1 ? 1.0f : -1.0f;
    d.features(i, 0) = center + 0.4f * d.features(i, 0);
    d.features(i, 1) = center + 0.4f * d.features(i, 1);
  }
  return d;
}

}  // namespace fedq::testing
