// A multilayer perceptron: ReLU hidden layers, softmax cross-entropy output.
// The Mlp owns ONE contiguous float32 buffer holding every parameter; layer
// views are Eigen::Map into it, so codecs and aggregation use params()
// without copies. Parameter layout, layer by layer in order:
//   W_l: out_l x in_l, column-major;  then b_l: out_l.
// Maps are computed on demand from offsets, so copies and moves stay valid.
// Not thread-safe for mutation; const methods may run concurrently.
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <span>
#include <vector>

#include "common/status.hpp"

namespace fedq {

class Mlp {
 public:
  // Bounds that keep ParamCount and file parsing far from overflow.
  static constexpr int kMaxLayerWidth = 1 << 20;
  static constexpr std::size_t kMaxLayers = 64;  // entries of layer_sizes
  static constexpr std::size_t kMaxParams = std::size_t{1} << 30;

  // layer_sizes = {784, 200, 200, 10}: input width, hidden widths, classes.
  // He-initialized weights from a generator seeded with `seed`; zero biases.
  static Result<Mlp> Create(const std::vector<int>& layer_sizes, uint64_t seed);
  // Same architecture, parameters taken from `params` (size must match).
  static Result<Mlp> FromParams(const std::vector<int>& layer_sizes, std::span<const float> params);

  // REQUIRES: ValidateLayerSizes(layer_sizes).ok().
  static std::size_t ParamCount(const std::vector<int>& layer_sizes);
  // At least two entries, each in [1, kMaxLayerWidth], at most kMaxParams.
  static Status ValidateLayerSizes(const std::vector<int>& layer_sizes);

  const std::vector<int>& layer_sizes() const { return layer_sizes_; }
  std::size_t num_layers() const { return layer_sizes_.size() - 1; }
  std::span<float> params() { return params_; }
  std::span<const float> params() const { return params_; }

  // Offset of W_l in params(); b_l follows at weight_offset(l) + out_l*in_l.
  std::size_t weight_offset(std::size_t layer) const { return offsets_[layer]; }
  std::size_t bias_offset(std::size_t layer) const;

  Eigen::Map<Eigen::MatrixXf> weight(std::size_t layer);
  Eigen::Map<const Eigen::MatrixXf> weight(std::size_t layer) const;
  Eigen::Map<Eigen::VectorXf> bias(std::size_t layer);
  Eigen::Map<const Eigen::VectorXf> bias(std::size_t layer) const;

 private:
  Mlp(std::vector<int> layer_sizes, std::vector<float> params);

  std::vector<int> layer_sizes_;
  std::vector<std::size_t> offsets_;  // offset of W_l, one per weight layer
  std::vector<float> params_;
};

}  // namespace fedq
