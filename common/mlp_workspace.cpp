#include "common/mlp_workspace.hpp"

#include <cassert>
#include <cmath>

namespace fedq {

void MlpWorkspace::Reserve(const std::vector<int>& layer_sizes, int max_batch) {
  if (layer_sizes == sizes_ && max_batch <= max_batch_) return;
  sizes_ = layer_sizes;
  max_batch_ = std::max(max_batch, max_batch_);
  const std::size_t layers = sizes_.size() - 1;
  outputs_.resize(layers);
  deltas_.resize(layers);
  for (std::size_t l = 0; l < layers; ++l) {
    const std::size_t n = static_cast<std::size_t>(sizes_[l + 1]) * max_batch_;
    outputs_[l].assign(n, 0.0f);
    deltas_[l].assign(n, 0.0f);
  }
}

Eigen::Map<Eigen::MatrixXf> MlpWorkspace::Output(std::size_t layer) {
  return {outputs_[layer].data(), sizes_[layer + 1], batch_};
}

Eigen::Map<Eigen::MatrixXf> MlpWorkspace::Delta(std::size_t layer) {
  return {deltas_[layer].data(), sizes_[layer + 1], batch_};
}

ConstMatrixView MlpWorkspace::logits() const {
  return {outputs_.back().data(), sizes_.back(), batch_};
}

void MlpWorkspace::Forward(const Mlp& mlp, const ConstMatrixView& x) {
  assert(mlp.layer_sizes() == sizes_ && x.cols() <= max_batch_ && x.rows() == sizes_[0]);
  batch_ = static_cast<int>(x.cols());
  const std::size_t layers = mlp.num_layers();
  for (std::size_t l = 0; l < layers; ++l) {
    auto z = Output(l);
    const auto b = mlp.bias(l);
    if (l == 0) {
      z.noalias() = mlp.weight(l) * x;
    } else {
      z.noalias() = mlp.weight(l) * Output(l - 1);
    }
    // Bias and ReLU in one pass over z, while it is still in cache.
    if (l + 1 < layers) {
      z.array() = (z.array().colwise() + b.array()).max(0.0f);
    } else {
      z.colwise() += b;
    }
  }
}

BatchLoss MlpWorkspace::SoftmaxCrossEntropy(std::span<const int32_t> labels, bool for_backward) {
  assert(labels.size() == static_cast<std::size_t>(batch_));
  BatchLoss out;
  auto z = Output(sizes_.size() - 2);
  auto delta = Delta(sizes_.size() - 2);
  const float inv_batch = 1.0f / static_cast<float>(batch_);
  for (int j = 0; j < batch_; ++j) {
    auto col = z.col(j);
    Eigen::Index arg_max = 0;
    const float max_logit = col.maxCoeff(&arg_max);
    const float sum = (col.array() - max_logit).exp().sum();
    const int32_t y = labels[static_cast<std::size_t>(j)];
    // log-sum-exp shifted by the max logit: no overflow for large logits.
    out.loss_sum += static_cast<double>(std::log(sum) + max_logit - col(y));
    out.correct += (arg_max == y) ? 1 : 0;
    if (for_backward) {
      auto d = delta.col(j);
      d = (col.array() - max_logit).exp() * (inv_batch / sum);
      d(y) -= inv_batch;
    }
  }
  return out;
}

void MlpWorkspace::BackwardLayer(const Mlp& mlp, const ConstMatrixView& x, std::size_t layer,
                                 std::span<float> grad) {
  const int in = sizes_[layer];
  const int out = sizes_[layer + 1];
  auto delta = Delta(layer);
  Eigen::Map<Eigen::MatrixXf> grad_w(grad.data() + mlp.weight_offset(layer), out, in);
  Eigen::Map<Eigen::VectorXf> grad_b(grad.data() + mlp.bias_offset(layer), out);
  grad_b.noalias() += delta.rowwise().sum();
  if (layer == 0) {
    grad_w.noalias() += delta * x.transpose();
    return;
  }
  auto prev_out = Output(layer - 1);
  grad_w.noalias() += delta * prev_out.transpose();
  auto prev_delta = Delta(layer - 1);
  prev_delta.noalias() = mlp.weight(layer).transpose() * delta;
  // ReLU's derivative: pass the error where the unit was active.
  prev_delta.array() = (prev_out.array() > 0.0f).select(prev_delta.array(), 0.0f);
}

void MlpWorkspace::Backward(const Mlp& mlp, const ConstMatrixView& x, std::span<float> grad) {
  for (std::size_t l = mlp.num_layers(); l-- > 0;) BackwardLayer(mlp, x, l, grad);
}

}  // namespace fedq
