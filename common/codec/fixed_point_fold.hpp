// Folding an opened blob into a fixed-point sum: acc[i] += round(unit *
// value_i), rounded in double precision, ties away from zero (the integers
// std::llround gives). Fused kernels read the dense fp32, fp16 and int8
// sections straight from the blob; other codecs and sparse blobs take a
// generic path. Internal to the codec library; pure functions over
// caller-owned buffers, thread-safe.
#pragma once

#include <cmath>
#include <cstdint>
#include <span>

#include "common/codec/open_blob.hpp"
#include "common/status.hpp"

namespace fedq::codec {

// Round half away from zero for |x| < 2^63, without a libm call. The
// addend is the largest double below 0.5: adding 0.5 itself would round
// 0.5 - 2^-54 up to 1 and odd integers in [2^52, 2^53) up by one.
inline int64_t RoundHalfAway(double x) {
  return static_cast<int64_t>(x + std::copysign(0.49999999999999994, x));
}

// An upper bound on |value| over the blob, exact for the dense fp32 and
// fp16 sections; +inf when the codec has no cheap bound. REQUIRES: b opened.
float AbsBound(const OpenBlob& b);

// Validates b's value section as its codec's validate does (same errors) and
// returns a finite upper bound on |value|: AbsBound(b) where it is finite
// (one pass over a dense fp32 or fp16 section, not two), else the largest
// decoded magnitude.
// REQUIRES: b from OpenEnvelope.
Result<float> ValidateValuesAndBound(const OpenBlob& b);

// acc[i] += round(unit * value_i) for every sent value. Fails with
// OutOfRange, adding nothing, when some |unit * value| reaches 2^62.
// abs_bound: AbsBound(b). REQUIRES: acc.size() == b.header.count.
Status FoldFixedPoint(const OpenBlob& b, double unit, float abs_bound, std::span<int64_t> acc);

}  // namespace fedq::codec
