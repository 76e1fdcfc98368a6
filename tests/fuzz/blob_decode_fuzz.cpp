// libFuzzer target for the update blob decoder: Inspect, Decode, Accumulate,
// AccumulateFixedPoint and VerifiedBlob on arbitrary bytes must return an
// error or a finite result (the same one on both fixed-point paths), never
// crash or read out of bounds. The checksum would stop
// almost every mutation at the door, so the harness also re-seals the CRC
// (when the first byte is odd) to let mutations reach the inner parsers.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "common/codec/blob_layout.hpp"
#include "common/codec/byte_io.hpp"
#include "common/codec/codec.hpp"
#include "common/codec/crc32c.hpp"
#include "common/codec/verified_blob.hpp"

namespace {

constexpr uint64_t kMaxFuzzElements = 1u << 16;  // keeps dense outputs small

void Exercise(std::span<const uint8_t> blob) {
  using namespace fedq::codec;
  fedq::Result<BlobInfo> info = Inspect(blob);
  if (!info.ok() || info->count > kMaxFuzzElements) return;
  fedq::Result<std::vector<float>> dec = Decode(blob);
  std::vector<float> acc(info->count, 0.0f);
  fedq::Status st = Accumulate(blob, 0.5f, acc);
  if (dec.ok() != st.ok()) std::abort();
  std::vector<int64_t> fixed(info->count, 0);
  fedq::Status fixed_st = AccumulateFixedPoint(blob, 1.0, fixed, 16);
  fedq::Result<VerifiedBlob> verified =
      VerifiedBlob::Make(std::vector<uint8_t>(blob.begin(), blob.end()), info->count);
  if (verified.ok() != dec.ok()) std::abort();
  if (verified.ok()) {
    std::vector<int64_t> again(info->count, 0);
    fedq::Status again_st = verified->AccumulateFixedPoint(1.0, again, 16);
    if (again_st.ok() != fixed_st.ok() || again != fixed) std::abort();
    if (verified->Decode() != *dec) std::abort();
  }
  if (!dec.ok()) {
    for (float v : acc) {
      if (v != 0.0f) std::abort();  // a rejected blob must leave acc untouched
    }
    return;
  }
  if (dec->size() != info->count) std::abort();
  for (float v : *dec) {
    if (!std::isfinite(v)) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::span<const uint8_t> in(data, size);
  Exercise(in);
  if (size >= fedq::codec::layout::kFixedHeaderSize + fedq::codec::layout::kChecksumSize &&
      (data[size - 1] & 1)) {
    std::vector<uint8_t> sealed(data, data + size);
    std::size_t body = size - 4;
    fedq::codec::PutU32(sealed.data() + body,
                        fedq::codec::Crc32c(std::span<const uint8_t>(sealed).first(body)));
    Exercise(sealed);
  }
  return 0;
}
