// The update codec library's public surface: encode a float vector through a
// pipeline into a self-describing blob, inspect, decode, and fold blobs into
// float or fixed-point accumulators. All functions are pure over caller-owned
// data and safe to call concurrently (ErrorFeedback excepted: one per caller).
// Blob format: docs/update-blob.md; constants: blob_layout.hpp.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "common/codec/error_feedback.hpp"
#include "common/codec/pipeline_spec.hpp"
#include "common/status.hpp"

namespace fedq::codec {

struct BlobInfo {
  PipelineSpec spec;
  std::string spec_text;
  uint64_t count = 0;  // n, elements of the dense vector
  uint64_t seed = 0;
  std::size_t values = 0;  // values sent: k when sparse, else n
  std::size_t blob_bytes = 0;
  double ratio_vs_fp32 = 0;  // 4n / blob_bytes
};

// Blob bytes for n elements. Exact unless the pipeline has top-k (varint
// indices: a tight upper bound) or zstd (ZSTD_compressBound: an upper bound).
std::size_t PredictedBlobSize(const PipelineSpec& spec, std::size_t n);
bool PredictedSizeIsExact(const PipelineSpec& spec);
// 4n / PredictedBlobSize: the ratio vs float32 (a lower bound when inexact).
double PredictedRatio(const PipelineSpec& spec, std::size_t n);

// Checks a spec built by hand rather than by ParseSpec.
Status ValidateSpec(const PipelineSpec& spec);

// Encodes input (a delta, or a whole model for fp32/fp16). With ef, encodes
// input + residual and leaves the new residual in ef (sized to n if empty;
// unchanged on error). seed drives stochastic rounding and random-k and is
// stored in the blob. NaN/Inf input is InvalidArgument naming the element.
Result<std::vector<uint8_t>> Encode(const PipelineSpec& spec, std::span<const float> input,
                                    ErrorFeedback* ef, uint64_t seed);

// Validates the envelope (header, lengths, checksum); not the values.
Result<BlobInfo> Inspect(std::span<const uint8_t> blob);

// Validates everything, then returns the dense vector (zeros where sparse).
// It allocates n floats: with untrusted blobs, check Inspect(blob)->count
// against the model size first (Accumulate needs no such care).
Result<std::vector<float>> Decode(std::span<const uint8_t> blob);

// acc += weight * decoded, touching only the sent elements. Validates fully
// (checksum, lengths, indices, scales, codes) before touching acc; on error
// acc is unchanged. REQUIRES of the caller: acc.size() == n (else error).
Status Accumulate(std::span<const uint8_t> blob, float weight, std::span<float> acc);

// acc[i] += round(weight * decoded[i] * 2^frac_bits), each term rounded to
// nearest (ties away from zero) in double precision: integer sums do not
// depend on the order of updates. A term beyond 2^62 is OutOfRange; acc is
// unchanged on any error. REQUIRES: 0 <= frac_bits <= 62.
Status AccumulateFixedPoint(std::span<const uint8_t> blob, double weight, std::span<int64_t> acc,
                            int frac_bits);

// out[i] = acc[i] * 2^-frac_bits / divisor (divisor: e.g. the total weight).
void FixedPointToFloat(std::span<const int64_t> acc, int frac_bits, double divisor,
                       std::span<float> out);

}  // namespace fedq::codec
