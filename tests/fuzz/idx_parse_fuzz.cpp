// libFuzzer target for the IDX decoder (common/idx_reader.hpp) and the gzip
// inflater in front of it: any input must give a value or a Status, never
// an out-of-bounds read, a crash, or an unbounded allocation.
#include <cstddef>
#include <cstdint>
#include <span>

#include "common/file_bytes.hpp"
#include "common/idx_reader.hpp"

namespace {

// Small cap: the fuzzer must find "bomb" inputs erroring, not exhausting memory.
constexpr std::size_t kMaxInflated = std::size_t{4} << 20;

void ParseAndTouch(std::span<const uint8_t> bytes) {
  auto view = fedq::ParseIdx(bytes);
  if (!view.ok()) return;
  // Read every payload byte the view claims, so ASan sees any overrun.
  volatile uint8_t sink = 0;
  for (uint8_t b : view->data) sink = sink ^ b;
  (void)sink;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  const std::span<const uint8_t> bytes(data, size);
  ParseAndTouch(bytes);
  if (fedq::LooksLikeGzip(bytes)) {
    auto inflated = fedq::InflateGzip(bytes, kMaxInflated);
    if (inflated.ok()) ParseAndTouch(*inflated);
  }
  // The first byte picks a split into an image file and a label file.
  if (size > 1) {
    const std::size_t cut = 1 + data[0] * (size - 1) / 256;
    auto ds = fedq::DatasetFromIdx(bytes.subspan(1, cut - 1), bytes.subspan(cut));
    if (ds.ok() && ds->size() > 0) (void)ds->features.sum();
  }
  return 0;
}
