// Forward and backward passes of an Mlp over one minibatch, in buffers sized
// once for the largest batch so the training loop never allocates. A batch is
// a column-major in x B matrix, one sample per column (the memory of B
// consecutive rows of a row-major Dataset). The workspace owns its buffers and
// keeps no reference to the Mlp; one workspace per thread.
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <span>
#include <vector>

#include "common/mlp.hpp"

namespace fedq {

using ConstMatrixView = Eigen::Map<const Eigen::MatrixXf>;

struct BatchLoss {
  double loss_sum = 0.0;  // summed over the batch's samples
  int correct = 0;        // samples whose arg-max logit is the label
};

class MlpWorkspace {
 public:
  // Sizes the buffers for this architecture and batches up to max_batch;
  // allocates only when they must grow.
  void Reserve(const std::vector<int>& layer_sizes, int max_batch);

  // REQUIRES: Reserve() with mlp's sizes; x is in x B with B <= max_batch.
  void Forward(const Mlp& mlp, const ConstMatrixView& x);
  // Logits (classes x B) of the last Forward.
  ConstMatrixView logits() const;

  // Cross-entropy of the last Forward against labels (B entries, each in
  // [0, classes)). With `for_backward`, also leaves d(mean loss)/d(logits)
  // for BackwardLayer.
  BatchLoss SoftmaxCrossEntropy(std::span<const int32_t> labels, bool for_backward);

  // One layer of backpropagation, to be called for l = L-1 down to 0 after
  // SoftmaxCrossEntropy(.., true): adds dLoss/dW_l and dLoss/db_l into `grad`
  // (laid out like mlp.params()) and, for l > 0, propagates the error to
  // layer l-1. Reads W_l only, so the caller may update layer l right after.
  void BackwardLayer(const Mlp& mlp, const ConstMatrixView& x, std::size_t layer,
                     std::span<float> grad);
  // All layers: grad += dLoss/dparams.
  void Backward(const Mlp& mlp, const ConstMatrixView& x, std::span<float> grad);

  int batch() const { return batch_; }

 private:
  Eigen::Map<Eigen::MatrixXf> Output(std::size_t layer);
  Eigen::Map<Eigen::MatrixXf> Delta(std::size_t layer);

  std::vector<int> sizes_;
  int max_batch_ = 0;
  int batch_ = 0;
  // outputs_[l]: layer l's activations (ReLU, or logits for the last layer),
  // out_l x max_batch. deltas_[l]: dLoss/d(pre-activation of layer l).
  std::vector<std::vector<float>> outputs_;
  std::vector<std::vector<float>> deltas_;
};

}  // namespace fedq
