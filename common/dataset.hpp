// A labelled data set held in memory: one row per sample, features as
// float32 in [0, 1] for images. Plain value type; not synchronized (share it
// read-only between threads, which is safe).
#pragma once

#include <cstdint>
#include <vector>

#include <Eigen/Core>

namespace fedq {

using RowMajorMatrixXf = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

struct Dataset {
  // n x d, row-major: sample i is the contiguous row i, so the same memory
  // read column-major is the d x n matrix the MLP multiplies.
  RowMajorMatrixXf features;
  std::vector<int32_t> labels;  // n entries in [0, num_classes)
  int num_classes = 0;

  std::size_t size() const { return labels.size(); }
  std::size_t dim() const { return static_cast<std::size_t>(features.cols()); }
};

}  // namespace fedq
