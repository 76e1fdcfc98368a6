#include "common/quant/int8_inference.hpp"

#include <algorithm>
#include <cassert>

#include "common/quant/activation_quantizer.hpp"

namespace fedq::quant {
namespace {

// Scratch only grows: shrinking and regrowing per layer would zero-fill.
template <typename T>
void GrowTo(std::vector<T>& v, std::size_t size) {
  if (v.size() < size) v.resize(size);
}

// An OR of all bytes, not std::any_of: no early exit, so it vectorizes.
bool AnyNegative(const int8_t* q, std::size_t count) {
  uint8_t bits = 0;
  for (std::size_t i = 0; i < count; ++i) bits |= static_cast<uint8_t>(q[i]);
  return (bits & 0x80u) != 0;
}

}  // namespace

Int8Inference::Int8Inference(const QuantizedMlp& model, Int8Kernel kernel)
    : model_(model), kernel_(kernel), ops_(ActivationOpsFor(kernel)) {
  assert(KernelSupported(kernel));
}

void Int8Inference::QuantizeInput(std::size_t l, const float* x, int n, int x_stride) {
  const QuantizedLayer& layer = model_.layer(l);
  const int padded = model_.packed(l).padded_in();
  GrowTo(q_, static_cast<std::size_t>(n) * padded);
  GrowTo(q_scale_, static_cast<std::size_t>(n));
  const bool dynamic = model_.activation_mode() == ActivationMode::kDynamic;
  for (int i = 0; i < n; ++i) {
    const float* row = x + static_cast<std::ptrdiff_t>(i) * x_stride;
    const float scale = dynamic ? ops_.dynamic_scale(row, layer.in) : layer.input_scale;
    q_scale_[i] = scale;
    ops_.quantize(row, layer.in, scale, q_.data() + static_cast<std::ptrdiff_t>(i) * padded,
                  padded);
  }
  // Hidden layers take ReLU outputs; the first layer's input is checked.
  q_sign_ = (l > 0 || !AnyNegative(q_.data(), static_cast<std::size_t>(n) * padded))
                ? InputSign::kNonNegative
                : InputSign::kAny;
}

void Int8Inference::Rescale(std::size_t l, int n) {
  const QuantizedLayer& layer = model_.layer(l);
  const int stride = model_.packed(l).padded_out();
  const bool hidden = l + 1 < model_.num_layers();
  GrowTo(act_, static_cast<std::size_t>(n) * layer.out);
  for (int i = 0; i < n; ++i) {
    ops_.rescale(acc_.data() + static_cast<std::ptrdiff_t>(i) * stride, layer.out, q_scale_[i],
                 layer.weight_scales.data(), layer.bias.data(), hidden,
                 act_.data() + static_cast<std::ptrdiff_t>(i) * layer.out);
  }
}

const float* Int8Inference::Forward(const float* x, int n, int x_stride) {
  for (std::size_t l = 0; l < model_.num_layers(); ++l) {
    const PackedWeights& w = model_.packed(l);
    if (l == 0) {
      QuantizeInput(l, x, n, x_stride);
    } else {
      QuantizeInput(l, act_.data(), n, model_.layer(l - 1).out);
    }
    GrowTo(acc_, static_cast<std::size_t>(n) * w.padded_out());
    Int8Gemm(kernel_, q_.data(), n, w.padded_in(), w, acc_.data(), w.padded_out(), q_sign_);
    Rescale(l, n);
  }
  return act_.data();
}

void Int8Inference::Predict(const float* x, int n, int x_stride, int32_t* labels) {
  const float* logits = Forward(x, n, x_stride);
  const int classes = model_.layer_sizes().back();
  for (int i = 0; i < n; ++i) {
    const float* row = logits + static_cast<std::ptrdiff_t>(i) * classes;
    labels[i] = static_cast<int32_t>(std::max_element(row, row + classes) - row);
  }
}

}  // namespace fedq::quant
