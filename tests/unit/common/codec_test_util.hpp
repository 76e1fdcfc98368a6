// Helpers shared by the codec tests: seeded random vectors and unwrapping.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string_view>
#include <vector>

#include "common/codec/codec.hpp"

namespace fedq::codec::testing {

inline std::vector<float> RandomVector(std::size_t n, uint64_t seed, float stddev = 1.0f) {
  std::mt19937_64 gen(seed);
  std::normal_distribution<float> dist(0.0f, stddev);
  std::vector<float> v(n);
  for (float& x : v) x = dist(gen);
  return v;
}

inline PipelineSpec Spec(std::string_view text) {
  Result<PipelineSpec> s = ParseSpec(text);
  EXPECT_TRUE(s.ok()) << text << ": " << s.status().ToString();
  return s.ok() ? *s : PipelineSpec{};
}

inline std::vector<uint8_t> MustEncode(std::string_view spec, const std::vector<float>& x,
                                       uint64_t seed = 7, ErrorFeedback* ef = nullptr) {
  Result<std::vector<uint8_t>> b = Encode(Spec(spec), x, ef, seed);
  EXPECT_TRUE(b.ok()) << spec << ": " << b.status().ToString();
  return b.ok() ? *b : std::vector<uint8_t>{};
}

inline std::vector<float> MustDecode(const std::vector<uint8_t>& blob) {
  Result<std::vector<float>> d = Decode(blob);
  EXPECT_TRUE(d.ok()) << d.status().ToString();
  return d.ok() ? *d : std::vector<float>{};
}

// Every spec the tests sweep: one per codec and the documented combinations.
inline const std::vector<std::string_view>& AllSpecs() {
  static const std::vector<std::string_view> specs = {"fp32",
                                                      "fp16",
                                                      "int8",
                                                      "int8:block=256:stochastic",
                                                      "int4:block=64",
                                                      "int4:stochastic",
                                                      "qsgd:levels=16",
                                                      "qsgd:levels=1:block=32",
                                                      "sign",
                                                      "topk:0.01+int8",
                                                      "randk:0.05+int8",
                                                      "topk:0.01+int8+zstd",
                                                      "topk:0.1",
                                                      "randk:0.2+fp16",
                                                      "int8+zstd",
                                                      "topk:0.05+int4:block=32",
                                                      "fp32+zstd:level=9",
                                                      "randk:0.1+sign+zstd"};
  return specs;
}

}  // namespace fedq::codec::testing
