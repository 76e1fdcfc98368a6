// A multilayer perceptron: ReLU hidden layers, softmax cross-entropy output.
// The Mlp owns ONE contiguous float32 buffer holding every parameter; layer
// views are Eigen::Map into it, so codecs and aggregation use params()
// without copies. Parameter layout, layer by layer in order:
//   W_l: out_l x in_l, column-major;  then b_l: out_l.
// Not thread-safe for mutation; const methods may run concurrently.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include <Eigen/Core>

#include "common/status.hpp"

namespace fedq {

class Mlp {
 public:
  // layer_sizes = {784, 200, 200, 10}: input width, hidden widths, classes.
  // He-initialized weights from a generator seeded with `seed`; zero biases.
  static Result<Mlp> Create(const std::vector<int>& layer_sizes, uint64_t seed);
  // Same architecture, parameters taken from `params` (size must match).
  static Result<Mlp> FromParams(const std::vector<int>& layer_sizes, std::span<const float> params);

  static std::size_t ParamCount(const std::vector<int>& layer_sizes);

  const std::vector<int>& layer_sizes() const;
  std::size_t num_layers() const;  // weight layers: layer_sizes().size() - 1
  std::span<float> params();
  std::span<const float> params() const;

  Eigen::Map<Eigen::MatrixXf> weight(std::size_t layer);
  Eigen::Map<const Eigen::MatrixXf> weight(std::size_t layer) const;
  Eigen::Map<Eigen::VectorXf> bias(std::size_t layer);
  Eigen::Map<const Eigen::VectorXf> bias(std::size_t layer) const;
};

}  // namespace fedq
