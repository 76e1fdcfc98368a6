// A post-training int8 quantized MLP: per layer, int8 weights (out x in,
// row-major, one symmetric scale per output channel), float biases and, in
// static mode, the calibrated scale of the layer's input activations. The
// object owns its weights and their packed copy for the kernels; it is
// immutable after Create and safe to share between threads.
#pragma once

#include <cstdint>
#include <vector>

#include "common/quant/int8_gemm.hpp"
#include "common/status.hpp"

namespace fedq::quant {

// How the input of each layer is brought to int8 at inference time.
enum class ActivationMode : uint32_t {
  kDynamic = 0,  // a scale per sample and layer, from that sample's max |x|
  kStatic = 1,   // a scale per layer, fixed by calibration (inputs clamped to it)
};

struct QuantizedLayer {
  int in = 0;
  int out = 0;
  std::vector<int8_t> weights;       // out x in, row-major, values in [-127, 127]
  std::vector<float> weight_scales;  // out: real weight = weights[j][k] * weight_scales[j]
  std::vector<float> bias;           // out, kept in float: it costs 4 bytes per output
  float input_scale = 0.0f;          // static mode: real input = q * input_scale; 0 if dynamic
};

class QuantizedMlp {
 public:
  // Validates shapes, value ranges and scales, then packs the weights.
  static Result<QuantizedMlp> Create(ActivationMode mode, std::vector<QuantizedLayer> layers);

  ActivationMode activation_mode() const { return mode_; }
  // {in, hidden..., classes}, as for the float Mlp.
  const std::vector<int>& layer_sizes() const { return layer_sizes_; }
  std::size_t num_layers() const { return layers_.size(); }
  const QuantizedLayer& layer(std::size_t l) const { return layers_[l]; }
  const PackedWeights& packed(std::size_t l) const { return packed_[l]; }

 private:
  ActivationMode mode_ = ActivationMode::kDynamic;
  std::vector<int> layer_sizes_;
  std::vector<QuantizedLayer> layers_;
  std::vector<PackedWeights> packed_;
};

}  // namespace fedq::quant
