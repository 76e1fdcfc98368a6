#include "common/mlp.hpp"

#include <cmath>
#include <random>
#include <string>
#include <utility>

namespace fedq {
namespace {

// Box-Muller on mt19937_64 (whose output the standard fixes), because
// std::normal_distribution differs between standard libraries and the
// initial weights must be the same everywhere for a given seed.
class NormalSource {
 public:
  explicit NormalSource(uint64_t seed) : gen_(seed) {}
  double Next() {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    double u1 = Uniform01Open();
    double u2 = Uniform01Open();
    double r = std::sqrt(-2.0 * std::log(u1));
    double theta = 2.0 * 3.14159265358979323846 * u2;
    spare_ = r * std::sin(theta);
    has_spare_ = true;
    return r * std::cos(theta);
  }

 private:
  // In (0, 1]: never 0, so log() is finite.
  double Uniform01Open() { return (static_cast<double>(gen_() >> 11) + 1.0) * 0x1.0p-53; }

  std::mt19937_64 gen_;
  double spare_ = 0.0;
  bool has_spare_ = false;
};

}  // namespace

Status Mlp::ValidateLayerSizes(const std::vector<int>& layer_sizes) {
  if (layer_sizes.size() < 2 || layer_sizes.size() > kMaxLayers) {
    return InvalidArgument("an MLP needs between 2 and " + std::to_string(kMaxLayers) +
                           " layer sizes, got " + std::to_string(layer_sizes.size()));
  }
  std::size_t total = 0;
  for (std::size_t i = 0; i < layer_sizes.size(); ++i) {
    int w = layer_sizes[i];
    if (w < 1 || w > kMaxLayerWidth) {
      return InvalidArgument("layer size " + std::to_string(i) + " is " + std::to_string(w) +
                             ", must be in [1, " + std::to_string(kMaxLayerWidth) + "]");
    }
    if (i > 0) {
      // Widths are <= 2^20, so one layer is <= 2^40 + 2^20: no overflow.
      total += (static_cast<std::size_t>(layer_sizes[i - 1]) + 1) * static_cast<std::size_t>(w);
      if (total > kMaxParams) {
        return InvalidArgument("MLP has more than " + std::to_string(kMaxParams) + " parameters");
      }
    }
  }
  return Status::Ok();
}

std::size_t Mlp::ParamCount(const std::vector<int>& layer_sizes) {
  std::size_t total = 0;
  for (std::size_t i = 1; i < layer_sizes.size(); ++i) {
    total += (static_cast<std::size_t>(layer_sizes[i - 1]) + 1) *
             static_cast<std::size_t>(layer_sizes[i]);
  }
  return total;
}

Mlp::Mlp(std::vector<int> layer_sizes, std::vector<float> params)
    : layer_sizes_(std::move(layer_sizes)), params_(std::move(params)) {
  std::size_t offset = 0;
  for (std::size_t l = 0; l + 1 < layer_sizes_.size(); ++l) {
    offsets_.push_back(offset);
    offset += (static_cast<std::size_t>(layer_sizes_[l]) + 1) *
              static_cast<std::size_t>(layer_sizes_[l + 1]);
  }
}

Result<Mlp> Mlp::Create(const std::vector<int>& layer_sizes, uint64_t seed) {
  FEDQ_RETURN_IF_ERROR(ValidateLayerSizes(layer_sizes));
  Mlp mlp(layer_sizes, std::vector<float>(ParamCount(layer_sizes), 0.0f));
  NormalSource normal(seed);
  for (std::size_t l = 0; l < mlp.num_layers(); ++l) {
    // He et al. 2015: std sqrt(2 / fan_in) keeps ReLU activations' scale.
    const double stddev = std::sqrt(2.0 / layer_sizes[l]);
    auto w = mlp.weight(l);
    for (Eigen::Index i = 0; i < w.size(); ++i) {
      w.data()[i] = static_cast<float>(stddev * normal.Next());
    }
  }
  return mlp;
}

Result<Mlp> Mlp::FromParams(const std::vector<int>& layer_sizes, std::span<const float> params) {
  FEDQ_RETURN_IF_ERROR(ValidateLayerSizes(layer_sizes));
  const std::size_t expected = ParamCount(layer_sizes);
  if (params.size() != expected) {
    return InvalidArgument("parameter count " + std::to_string(params.size()) +
                           " does not match the layer sizes, which need " +
                           std::to_string(expected));
  }
  return Mlp(layer_sizes, std::vector<float>(params.begin(), params.end()));
}

std::size_t Mlp::bias_offset(std::size_t layer) const {
  return offsets_[layer] + static_cast<std::size_t>(layer_sizes_[layer]) *
                               static_cast<std::size_t>(layer_sizes_[layer + 1]);
}

Eigen::Map<Eigen::MatrixXf> Mlp::weight(std::size_t layer) {
  return {params_.data() + offsets_[layer], layer_sizes_[layer + 1], layer_sizes_[layer]};
}

Eigen::Map<const Eigen::MatrixXf> Mlp::weight(std::size_t layer) const {
  return {params_.data() + offsets_[layer], layer_sizes_[layer + 1], layer_sizes_[layer]};
}

Eigen::Map<Eigen::VectorXf> Mlp::bias(std::size_t layer) {
  return {params_.data() + bias_offset(layer), layer_sizes_[layer + 1]};
}

Eigen::Map<const Eigen::VectorXf> Mlp::bias(std::size_t layer) const {
  return {params_.data() + bias_offset(layer), layer_sizes_[layer + 1]};
}

}  // namespace fedq
