// A tiny separable data set for tests that need a real Dataset without
// Fashion-MNIST: n samples of 4 features, 3 classes, sample i of class i % 3
// has a 1 in feature i % 3, plus feature_step * j on every feature j.
#pragma once

#include <memory>

#include "common/dataset.hpp"

namespace fedq::testing {

inline std::shared_ptr<const Dataset> TinySeparableData(int n, double feature_step) {
  auto d = std::make_shared<Dataset>();
  d->features.resize(n, 4);
  d->labels.resize(static_cast<std::size_t>(n));
  d->num_classes = 3;
  for (int i = 0; i < n; ++i) {
    d->labels[static_cast<std::size_t>(i)] = i % 3;
    for (int j = 0; j < 4; ++j) {
      d->features(i, j) = static_cast<float>((i % 3 == j) + feature_step * j);
    }
  }
  return d;
}

}  // namespace fedq::testing
