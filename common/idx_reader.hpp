// IDX files (the MNIST / Fashion-MNIST format) into a Dataset. ParseIdx is a
// pure validating decoder with no I/O (the loaders and the fuzzer share it);
// the loaders read gzip or plain files. Every header field is checked against
// the bytes actually present: a truncated or lying file is kCorrupt, never an
// out-of-bounds read. Free functions, no shared state: thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "common/dataset.hpp"
#include "common/status.hpp"

namespace fedq {

// The IDX element types (third magic byte). Elements are big-endian.
enum class IdxType : uint8_t {
  kUint8 = 0x08,
  kInt8 = 0x09,
  kInt16 = 0x0B,
  kInt32 = 0x0C,
  kFloat32 = 0x0D,
  kFloat64 = 0x0E,
};

inline constexpr int kIdxMaxDims = 8;

// A validated IDX array. Non-owning: `data` points into the bytes given to
// ParseIdx. REQUIRES: those bytes outlive the view.
struct IdxView {
  IdxType type = IdxType::kUint8;
  std::vector<uint32_t> dims;     // dims[0] is the item count; each >= 1
  std::size_t element_count = 0;  // product of dims
  std::span<const uint8_t> data;  // element_count * element size bytes, big-endian
};

std::size_t IdxElementSize(IdxType type);

// Validates magic (00 00 type ndims), a known type, 1..kIdxMaxDims dims, each
// non-zero, no overflow, and a payload of exactly the declared length (short
// is truncated, long is trailing garbage: both kCorrupt).
Result<IdxView> ParseIdx(std::span<const uint8_t> bytes);

// Images (uint8, >= 2 dims: count then the sample shape, flattened) and
// labels (uint8, 1 dim) with equal counts. Features are pixel / 255 in
// [0, 1]; num_classes = max label + 1. Files may be gzip or plain.
Result<Dataset> LoadIdxPair(const std::string& images_path, const std::string& labels_path);

// Same, from bytes already in memory (plain IDX, not gzip).
Result<Dataset> DatasetFromIdx(std::span<const uint8_t> image_bytes,
                               std::span<const uint8_t> label_bytes);

// Images only, for prediction on unlabeled data: `labels` stays empty and
// num_classes is 0. The file may be gzip or plain.
Result<Dataset> LoadIdxImages(const std::string& images_path);

enum class Split { kTrain, kTest };

// Loads Fashion-MNIST's train (60000) or t10k (10000) split from `dir`,
// preferring the .gz names and falling back to the plain ones. num_classes
// is always 10; a label >= 10 is kCorrupt. kNotFound if neither file exists.
Result<Dataset> LoadFashionMnist(const std::string& dir, Split split);

}  // namespace fedq
