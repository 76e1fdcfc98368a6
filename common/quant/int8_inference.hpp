// Runs a QuantizedMlp on batches of float samples: per layer, quantize the
// input to int8, int8 GEMM with int32 sums, rescale to float, add the bias,
// ReLU on hidden layers. An Int8Inference holds a const reference to the
// model (which must outlive it) and owns its scratch buffers, so one object
// serves one thread; give each thread its own.
#pragma once

#include <cstdint>
#include <vector>

#include "common/quant/activation_quantizer.hpp"
#include "common/quant/int8_gemm.hpp"
#include "common/quant/quantized_mlp.hpp"

namespace fedq::quant {

class Int8Inference {
 public:
  explicit Int8Inference(const QuantizedMlp& model, Int8Kernel kernel = BestKernel());

  // x: n rows of layer_sizes().front() floats, row stride x_stride. Returns
  // n rows of class scores (logits), row-major, valid until the next call.
  const float* Forward(const float* x, int n, int x_stride);
  // The arg-max class of each of the n rows (the first on ties).
  void Predict(const float* x, int n, int x_stride, int32_t* labels);

  Int8Kernel kernel() const { return kernel_; }

 private:
  void QuantizeInput(std::size_t l, const float* x, int n, int x_stride);
  void Rescale(std::size_t l, int n);

  const QuantizedMlp& model_;
  Int8Kernel kernel_;
  const ActivationOps& ops_;
  InputSign q_sign_ = InputSign::kAny;
  std::vector<int8_t> q_;       // quantized layer input, n x padded_in
  std::vector<float> q_scale_;  // per row scale of q_
  std::vector<int32_t> acc_;    // n x padded_out sums
  std::vector<float> act_;      // n x out float output of the current layer
};

}  // namespace fedq::quant
