#include "common/quant/quantized_mlp.hpp"

#include <algorithm>
#include <cmath>
#include <string>

namespace fedq::quant {
namespace {

bool PositiveFinite(float v) { return std::isfinite(v) && v > 0.0f; }

Status ValidateLayer(const QuantizedLayer& layer, std::size_t l, ActivationMode mode) {
  const std::string where = "layer " + std::to_string(l) + ": ";
  if (layer.in <= 0 || layer.out <= 0 || layer.in > kMaxInputs || layer.out > kMaxInputs) {
    return InvalidArgument(where + "sizes " + std::to_string(layer.in) + "x" +
                           std::to_string(layer.out) + " outside [1, " +
                           std::to_string(kMaxInputs) + "]");
  }
  const auto out = static_cast<std::size_t>(layer.out);
  if (layer.weights.size() != out * static_cast<std::size_t>(layer.in) ||
      layer.weight_scales.size() != out || layer.bias.size() != out) {
    return InvalidArgument(where + "array sizes do not match the layer shape");
  }
  if (std::any_of(layer.weights.begin(), layer.weights.end(), [](int8_t w) { return w < -127; })) {
    return InvalidArgument(where + "weight -128 (the range is [-127, 127])");
  }
  if (!std::all_of(layer.weight_scales.begin(), layer.weight_scales.end(), PositiveFinite)) {
    return InvalidArgument(where + "a weight scale is not a positive finite number");
  }
  if (!std::all_of(layer.bias.begin(), layer.bias.end(),
                   [](float b) { return std::isfinite(b); })) {
    return InvalidArgument(where + "a bias is not finite");
  }
  if (mode == ActivationMode::kStatic ? !PositiveFinite(layer.input_scale)
                                      : layer.input_scale != 0.0f) {
    return InvalidArgument(where + "input scale must be positive in static mode, 0 in dynamic");
  }
  return Status::Ok();
}

}  // namespace

Result<QuantizedMlp> QuantizedMlp::Create(ActivationMode mode, std::vector<QuantizedLayer> layers) {
  if (mode != ActivationMode::kDynamic && mode != ActivationMode::kStatic) {
    return InvalidArgument("unknown activation mode " +
                           std::to_string(static_cast<uint32_t>(mode)));
  }
  if (layers.empty()) return InvalidArgument("a quantized model needs at least one layer");
  QuantizedMlp model;
  model.mode_ = mode;
  model.layer_sizes_.push_back(layers.front().in);
  for (std::size_t l = 0; l < layers.size(); ++l) {
    FEDQ_RETURN_IF_ERROR(ValidateLayer(layers[l], l, mode));
    if (layers[l].in != model.layer_sizes_.back()) {
      return InvalidArgument("layer " + std::to_string(l) + " takes " +
                             std::to_string(layers[l].in) + " inputs but the previous gives " +
                             std::to_string(model.layer_sizes_.back()));
    }
    model.layer_sizes_.push_back(layers[l].out);
    model.packed_.emplace_back(layers[l].weights, layers[l].out, layers[l].in);
  }
  model.layers_ = std::move(layers);
  return model;
}

}  // namespace fedq::quant
