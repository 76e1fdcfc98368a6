// Helpers shared by the quant tests: a random float MLP in the Mlp's flat
// parameter layout and its float forward pass.
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <random>
#include <vector>

#include "common/dataset.hpp"

namespace fedq::quant::testing {

inline std::size_t ParamCount(const std::vector<int>& sizes) {
  std::size_t count = 0;
  for (std::size_t l = 0; l + 1 < sizes.size(); ++l)
    count += std::size_t(sizes[l] + 1) * sizes[l + 1];
  return count;
}

// He-like random weights, small random biases.
inline std::vector<float> RandomParams(const std::vector<int>& sizes, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<float> params;
  for (std::size_t l = 0; l + 1 < sizes.size(); ++l) {
    std::normal_distribution<float> w(0.0f, std::sqrt(2.0f / static_cast<float>(sizes[l])));
    for (int i = 0; i < sizes[l] * sizes[l + 1]; ++i) params.push_back(w(rng));
    std::normal_distribution<float> b(0.0f, 0.05f);
    for (int i = 0; i < sizes[l + 1]; ++i) params.push_back(b(rng));
  }
  return params;
}

inline RowMajorMatrixXf RandomInputs(int n, int d, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(0.0f, 1.0f);
  RowMajorMatrixXf x(n, d);
  for (int i = 0; i < n; ++i) {
    for (int k = 0; k < d; ++k) x(i, k) = u(rng);
  }
  return x;
}

// Float logits, n x classes row-major.
inline RowMajorMatrixXf FloatForward(const std::vector<int>& sizes,
                                     const std::vector<float>& params, const RowMajorMatrixXf& x) {
  Eigen::MatrixXf a = x.transpose();
  std::size_t offset = 0;
  for (std::size_t l = 0; l + 1 < sizes.size(); ++l) {
    const int in = sizes[l], out = sizes[l + 1];
    Eigen::Map<const Eigen::MatrixXf> w(params.data() + offset, out, in);
    Eigen::Map<const Eigen::VectorXf> b(params.data() + offset + std::size_t(out) * in, out);
    offset += std::size_t(in + 1) * out;
    Eigen::MatrixXf y = (w * a).colwise() + b;
    a = (l + 2 < sizes.size()) ? Eigen::MatrixXf(y.cwiseMax(0.0f)) : y;
  }
  return a.transpose();
}

}  // namespace fedq::quant::testing
