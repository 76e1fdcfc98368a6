// Little-endian writer and bounds-checked reader for strategy state blobs.
// Written field by field; the reader fails on any short or oversize field.
// Plain values, not shared between threads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.hpp"

namespace fedq::coordinator {

class StateWriter {
 public:
  void U32(std::uint32_t v);
  void U64(std::uint64_t v);
  void F64(double v);
  void Str(std::string_view s);
  void Floats(std::span<const float> v);  // count, then values
  std::vector<std::uint8_t> Take() { return std::move(out_); }

 private:
  std::vector<std::uint8_t> out_;
};

class StateReader {
 public:
  explicit StateReader(std::span<const std::uint8_t> in) : in_(in) {}
  Result<std::uint32_t> U32();
  Result<std::uint64_t> U64();
  Result<double> F64();
  Result<std::string> Str();
  // The count is checked against the bytes left before anything is allocated.
  Result<std::vector<float>> Floats();
  bool AtEnd() const { return pos_ == in_.size(); }

 private:
  Status Need(std::size_t n) const;
  std::span<const std::uint8_t> in_;
  std::size_t pos_ = 0;
};

// Header shared by all strategy states: magic, format version, strategy name.
void WriteStateHeader(StateWriter& w, std::string_view strategy);
Status ReadStateHeader(StateReader& r, std::string_view strategy);

}  // namespace fedq::coordinator
