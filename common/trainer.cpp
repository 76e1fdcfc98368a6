#include "common/trainer.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>
#include <string>

namespace fedq {
namespace {

constexpr int kEvalBatch = 512;

// Fisher-Yates on mt19937_64, because std::shuffle's order differs between
// standard libraries and a seeded run must be the same everywhere.
void Shuffle(std::vector<std::size_t>& v, std::mt19937_64& rng) {
  for (std::size_t i = v.size(); i > 1; --i) {
    std::size_t j = static_cast<std::size_t>(rng() % i);
    std::swap(v[i - 1], v[j]);
  }
}

bool IsFiniteNonNegative(float v) { return std::isfinite(v) && v >= 0.0f; }

}  // namespace

Status ValidateTrainConfig(const TrainConfig& c) {
  if (c.epochs < 1) return InvalidArgument("epochs must be >= 1, got " + std::to_string(c.epochs));
  if (c.batch_size < 1) {
    return InvalidArgument("batch size must be >= 1, got " + std::to_string(c.batch_size));
  }
  if (!std::isfinite(c.learning_rate) || c.learning_rate <= 0.0f) {
    return InvalidArgument("learning rate must be finite and > 0");
  }
  if (!IsFiniteNonNegative(c.momentum) || c.momentum >= 1.0f) {
    return InvalidArgument("momentum must be in [0, 1)");
  }
  if (!IsFiniteNonNegative(c.weight_decay)) return InvalidArgument("weight decay must be >= 0");
  if (!IsFiniteNonNegative(c.prox_mu)) return InvalidArgument("prox mu must be >= 0");
  return Status::Ok();
}

Status CheckDatasetFits(const std::vector<int>& layer_sizes, const Dataset& data) {
  if (static_cast<std::size_t>(data.features.rows()) != data.labels.size()) {
    return InvalidArgument("data set has " + std::to_string(data.features.rows()) +
                           " feature rows but " + std::to_string(data.labels.size()) + " labels");
  }
  if (data.size() > 0 && static_cast<int>(data.dim()) != layer_sizes.front()) {
    return InvalidArgument("data set has " + std::to_string(data.dim()) +
                           " features, the model's input is " +
                           std::to_string(layer_sizes.front()));
  }
  const int classes = layer_sizes.back();
  for (std::size_t i = 0; i < data.labels.size(); ++i) {
    if (data.labels[i] < 0 || data.labels[i] >= classes) {
      return InvalidArgument("label " + std::to_string(data.labels[i]) + " of sample " +
                             std::to_string(i) + " is not in [0, " + std::to_string(classes) + ")");
    }
  }
  return Status::Ok();
}

Status Trainer::CheckInputs(const Mlp& mlp, const Dataset& data,
                            std::span<const std::size_t> indices,
                            std::span<const float> global_params) const {
  FEDQ_RETURN_IF_ERROR(ValidateTrainConfig(config_));
  FEDQ_RETURN_IF_ERROR(CheckDatasetFits(mlp.layer_sizes(), data));
  for (std::size_t i : indices) {
    if (i >= data.size()) {
      return InvalidArgument("sample index " + std::to_string(i) + " is beyond the data set (" +
                             std::to_string(data.size()) + " samples)");
    }
  }
  if ((indices.empty() ? data.size() : indices.size()) == 0) {
    return InvalidArgument("nothing to train on: no samples");
  }
  if (config_.prox_mu > 0.0f && global_params.size() != mlp.params().size()) {
    return InvalidArgument("FedProx needs the global model's " +
                           std::to_string(mlp.params().size()) + " parameters, got " +
                           std::to_string(global_params.size()));
  }
  return Status::Ok();
}

Result<TrainStats> Trainer::Train(Mlp& mlp, const Dataset& data,
                                  std::span<const std::size_t> indices,
                                  std::span<const float> global_params) {
  FEDQ_RETURN_IF_ERROR(CheckInputs(mlp, data, indices, global_params));
  if (config_.prox_mu == 0.0f) global_params = {};
  workspace_.Reserve(mlp.layer_sizes(), config_.batch_size);
  velocity_.assign(mlp.params().size(), 0.0f);
  batch_x_.resize(data.dim() * static_cast<std::size_t>(config_.batch_size));
  batch_y_.resize(static_cast<std::size_t>(config_.batch_size));
  order_.resize(indices.empty() ? data.size() : indices.size());
  if (indices.empty()) {
    std::iota(order_.begin(), order_.end(), std::size_t{0});
  } else {
    std::copy(indices.begin(), indices.end(), order_.begin());
  }
  rng_.seed(config_.seed);
  done_ = 0;
  total_ = order_.size() * static_cast<std::size_t>(config_.epochs);

  TrainStats stats;
  double loss_sum = 0.0;
  for (int epoch = 1; epoch <= config_.epochs; ++epoch) {
    const auto start = std::chrono::steady_clock::now();
    Shuffle(order_, rng_);
    const double epoch_loss = RunEpoch(mlp, data, order_, global_params);
    if (Stopped()) return Cancelled("training stopped after " + std::to_string(done_) + " samples");
    stats.seconds +=
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    loss_sum += epoch_loss;
    if (on_epoch_) on_epoch_(epoch, epoch_loss / static_cast<double>(order_.size()));
  }
  stats.samples = total_;
  stats.mean_loss = loss_sum / static_cast<double>(total_);
  return stats;
}

double Trainer::RunEpoch(Mlp& mlp, const Dataset& data, std::span<const std::size_t> order,
                         std::span<const float> global_params) {
  double loss_sum = 0.0;
  const std::size_t batch = static_cast<std::size_t>(config_.batch_size);
  for (std::size_t first = 0; first < order.size(); first += batch) {
    const std::size_t n = std::min(batch, order.size() - first);
    loss_sum += RunBatch(mlp, data, order.subspan(first, n), global_params);
    done_ += n;
    if (on_batch_) on_batch_(done_, total_);
    if (Stopped()) break;
  }
  return loss_sum;
}

double Trainer::RunBatch(Mlp& mlp, const Dataset& data, std::span<const std::size_t> rows,
                         std::span<const float> global_params) {
  const std::size_t d = data.dim();
  for (std::size_t j = 0; j < rows.size(); ++j) {
    const float* src = data.features.data() + rows[j] * d;
    std::copy(src, src + d, batch_x_.data() + j * d);
    batch_y_[j] = data.labels[rows[j]];
  }
  const ConstMatrixView x(batch_x_.data(), static_cast<Eigen::Index>(d),
                          static_cast<Eigen::Index>(rows.size()));
  workspace_.Forward(mlp, x);
  const BatchLoss loss =
      workspace_.SoftmaxCrossEntropy(std::span(batch_y_).first(rows.size()), true);
  // Layer by layer, so each layer's velocity is updated while still in cache.
  for (std::size_t l = mlp.num_layers(); l-- > 0;) {
    workspace_.BackwardLayer(mlp, x, l, velocity_);
    UpdateLayer(mlp, l, global_params);
  }
  return loss.loss_sum;
}

void Trainer::UpdateLayer(Mlp& mlp, std::size_t layer, std::span<const float> global_params) {
  const std::size_t begin = mlp.weight_offset(layer);
  const std::size_t n = static_cast<std::size_t>(mlp.layer_sizes()[layer] + 1) *
                        static_cast<std::size_t>(mlp.layer_sizes()[layer + 1]);
  float* __restrict w = mlp.params().data() + begin;
  float* __restrict v = velocity_.data() + begin;
  const float lr = config_.learning_rate;
  const float m = config_.momentum;
  const float wd = config_.weight_decay;
  // v holds momentum * buf_{t-1} + grad; buf_t = v + wd * w (+ prox term).
  if (global_params.empty()) {
    for (std::size_t i = 0; i < n; ++i) {
      const float buf = v[i] + wd * w[i];
      w[i] -= lr * buf;
      v[i] = m * buf;
    }
    return;
  }
  const float* __restrict g = global_params.data() + begin;
  const float mu = config_.prox_mu;
  for (std::size_t i = 0; i < n; ++i) {
    const float buf = v[i] + wd * w[i] + mu * (w[i] - g[i]);
    w[i] -= lr * buf;
    v[i] = m * buf;
  }
}

Result<EvalMetrics> Evaluate(const Mlp& mlp, const Dataset& data) {
  FEDQ_RETURN_IF_ERROR(CheckDatasetFits(mlp.layer_sizes(), data));
  if (data.size() == 0) return InvalidArgument("cannot evaluate on an empty data set");
  MlpWorkspace workspace;
  workspace.Reserve(mlp.layer_sizes(), kEvalBatch);
  const std::size_t d = data.dim();
  double loss_sum = 0.0;
  std::size_t correct = 0;
  for (std::size_t first = 0; first < data.size(); first += kEvalBatch) {
    const std::size_t n = std::min<std::size_t>(kEvalBatch, data.size() - first);
    // Consecutive rows of the row-major features are a column-major d x n.
    const ConstMatrixView x(data.features.data() + first * d, static_cast<Eigen::Index>(d),
                            static_cast<Eigen::Index>(n));
    workspace.Forward(mlp, x);
    const BatchLoss b =
        workspace.SoftmaxCrossEntropy(std::span(data.labels).subspan(first, n), false);
    loss_sum += b.loss_sum;
    correct += static_cast<std::size_t>(b.correct);
  }
  const double n = static_cast<double>(data.size());
  return EvalMetrics{static_cast<double>(correct) / n, loss_sum / n};
}

}  // namespace fedq
