#include "common/idx_reader.hpp"

#include <algorithm>
#include <filesystem>

#include "common/file_bytes.hpp"

namespace fedq {
namespace {

constexpr std::size_t kIdxHeaderBytes = 4;
constexpr int kFashionMnistClasses = 10;

uint32_t ReadBigEndian32(const uint8_t* p) {
  return uint32_t{p[0]} << 24 | uint32_t{p[1]} << 16 | uint32_t{p[2]} << 8 | uint32_t{p[3]};
}

bool IsKnownType(uint8_t t) {
  switch (static_cast<IdxType>(t)) {
    case IdxType::kUint8:
    case IdxType::kInt8:
    case IdxType::kInt16:
    case IdxType::kInt32:
    case IdxType::kFloat32:
    case IdxType::kFloat64:
      return true;
  }
  return false;
}

Status CheckImages(const IdxView& images) {
  if (images.type != IdxType::kUint8) return Corrupt("idx images: element type is not uint8");
  if (images.dims.size() < 2) return Corrupt("idx images: need at least 2 dimensions");
  return Status::Ok();
}

Status CheckLabels(const IdxView& labels) {
  if (labels.type != IdxType::kUint8) return Corrupt("idx labels: element type is not uint8");
  if (labels.dims.size() != 1) {
    return Corrupt("idx labels: expected 1 dimension, got " + std::to_string(labels.dims.size()));
  }
  return Status::Ok();
}

Result<std::string> FindSplitFile(const std::string& dir, const std::string& stem) {
  namespace fs = std::filesystem;
  std::error_code ec;
  for (const std::string& name : {stem + ".gz", stem}) {
    fs::path p = fs::path(dir) / name;
    if (fs::is_regular_file(p, ec)) return p.string();
  }
  return NotFound("no " + stem + "(.gz) in " + dir);
}

// REQUIRES: `images` passed CheckImages.
void FillFeatures(const IdxView& images, Dataset& ds) {
  const std::size_t n = images.dims[0];
  const std::size_t d = images.element_count / n;
  ds.features.resize(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(d));
  // One vectorized cast-and-divide over the whole payload: exactly pixel / 255.0f
  // (IEEE division is correctly rounded), with no per-element calls.
  using Bytes = Eigen::Array<uint8_t, Eigen::Dynamic, 1>;
  Eigen::Map<Eigen::ArrayXf>(ds.features.data(), ds.features.size()) =
      Eigen::Map<const Bytes>(images.data.data(), ds.features.size()).cast<float>() / 255.0f;
}

}  // namespace

std::size_t IdxElementSize(IdxType type) {
  switch (type) {
    case IdxType::kUint8:
    case IdxType::kInt8:
      return 1;
    case IdxType::kInt16:
      return 2;
    case IdxType::kInt32:
    case IdxType::kFloat32:
      return 4;
    case IdxType::kFloat64:
      return 8;
  }
  return 0;
}

Result<IdxView> ParseIdx(std::span<const uint8_t> bytes) {
  if (bytes.size() < kIdxHeaderBytes) {
    return Corrupt("idx header: " + std::to_string(bytes.size()) + " bytes, need 4");
  }
  if (bytes[0] != 0 || bytes[1] != 0)
    return Corrupt("idx header: bad magic (first two bytes not 0)");
  if (!IsKnownType(bytes[2])) {
    static constexpr char kHex[] = "0123456789abcdef";
    return Corrupt(std::string("idx header: unknown element type 0x") + kHex[bytes[2] >> 4] +
                   kHex[bytes[2] & 15]);
  }
  const int ndims = bytes[3];
  if (ndims < 1 || ndims > kIdxMaxDims) {
    return Corrupt("idx header: " + std::to_string(ndims) + " dimensions (allowed 1.." +
                   std::to_string(kIdxMaxDims) + ")");
  }
  const std::size_t header = kIdxHeaderBytes + 4 * static_cast<std::size_t>(ndims);
  if (bytes.size() < header) return Corrupt("idx header: truncated dimension list");

  IdxView view;
  view.type = static_cast<IdxType>(bytes[2]);
  const std::size_t elem = IdxElementSize(view.type);
  const std::size_t payload = bytes.size() - header;
  for (int i = 0; i < ndims; ++i) {
    const uint32_t d = ReadBigEndian32(bytes.data() + kIdxHeaderBytes + 4 * i);
    if (d == 0) return Corrupt("idx header: dimension " + std::to_string(i) + " is 0");
    view.dims.push_back(d);
  }
  std::size_t count = 1;
  for (uint32_t d : view.dims) {
    // The product stays bounded by the payload we hold, so it cannot overflow.
    if (count > payload / elem / d) {
      return Corrupt("idx: dimensions claim more than the " + std::to_string(payload) +
                     " payload bytes present (truncated file?)");
    }
    count *= d;
  }
  if (count * elem != payload) {
    return Corrupt("idx: dimensions need " + std::to_string(count * elem) +
                   " payload bytes, file has " + std::to_string(payload));
  }
  view.element_count = count;
  view.data = bytes.subspan(header);
  return view;
}

Result<Dataset> DatasetFromIdx(std::span<const uint8_t> image_bytes,
                               std::span<const uint8_t> label_bytes) {
  auto images = ParseIdx(image_bytes);
  if (!images.ok()) return images.status().WithContext("images");
  auto labels = ParseIdx(label_bytes);
  if (!labels.ok()) return labels.status().WithContext("labels");
  FEDQ_RETURN_IF_ERROR(CheckImages(*images));
  FEDQ_RETURN_IF_ERROR(CheckLabels(*labels));
  const std::size_t n = images->dims[0];
  if (labels->dims[0] != n) {
    return Corrupt("idx: " + std::to_string(n) + " images but " + std::to_string(labels->dims[0]) +
                   " labels");
  }
  Dataset ds;
  FillFeatures(*images, ds);
  ds.labels.assign(labels->data.begin(), labels->data.end());
  ds.num_classes = 1 + *std::max_element(ds.labels.begin(), ds.labels.end());
  return ds;
}

Result<Dataset> LoadIdxPair(const std::string& images_path, const std::string& labels_path) {
  FEDQ_ASSIGN_OR_RETURN(std::vector<uint8_t> image_bytes, ReadFileMaybeGzip(images_path));
  FEDQ_ASSIGN_OR_RETURN(std::vector<uint8_t> label_bytes, ReadFileMaybeGzip(labels_path));
  auto ds = DatasetFromIdx(image_bytes, label_bytes);
  if (!ds.ok()) return ds.status().WithContext(images_path + " + " + labels_path);
  return ds;
}

Result<Dataset> LoadIdxImages(const std::string& images_path) {
  FEDQ_ASSIGN_OR_RETURN(std::vector<uint8_t> bytes, ReadFileMaybeGzip(images_path));
  auto images = ParseIdx(bytes);
  if (!images.ok()) return images.status().WithContext(images_path);
  if (Status s = CheckImages(*images); !s.ok()) return s.WithContext(images_path);
  Dataset ds;
  FillFeatures(*images, ds);
  return ds;
}

Result<Dataset> LoadFashionMnist(const std::string& dir, Split split) {
  const std::string prefix = split == Split::kTrain ? "train" : "t10k";
  FEDQ_ASSIGN_OR_RETURN(std::string images, FindSplitFile(dir, prefix + "-images-idx3-ubyte"));
  FEDQ_ASSIGN_OR_RETURN(std::string labels, FindSplitFile(dir, prefix + "-labels-idx1-ubyte"));
  FEDQ_ASSIGN_OR_RETURN(Dataset ds, LoadIdxPair(images, labels));
  if (ds.num_classes > kFashionMnistClasses) {
    return Corrupt(labels + ": label " + std::to_string(ds.num_classes - 1) +
                   " outside Fashion-MNIST's 10 classes");
  }
  ds.num_classes = kFashionMnistClasses;
  return ds;
}

}  // namespace fedq
