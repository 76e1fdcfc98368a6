#include "coordinator/state_bytes.hpp"

#include <bit>
#include <cstring>

namespace fedq::coordinator {
namespace {

constexpr std::uint32_t kStateMagic = 0x53535146;  // "FQSS" little-endian
constexpr std::uint32_t kStateVersion = 1;

}  // namespace

void StateWriter::U32(std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out_.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}

void StateWriter::U64(std::uint64_t v) {
  for (int i = 0; i < 8; ++i) out_.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}

void StateWriter::F64(double v) { U64(std::bit_cast<std::uint64_t>(v)); }

void StateWriter::Str(std::string_view s) {
  U32(static_cast<std::uint32_t>(s.size()));
  out_.insert(out_.end(), s.begin(), s.end());
}

void StateWriter::Floats(std::span<const float> v) {
  U64(v.size());
  for (float f : v) U32(std::bit_cast<std::uint32_t>(f));
}

Status StateReader::Need(std::size_t n) const {
  if (in_.size() - pos_ < n) return Corrupt("strategy state: truncated");
  return Status::Ok();
}

Result<std::uint32_t> StateReader::U32() {
  FEDQ_RETURN_IF_ERROR(Need(4));
  std::uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v |= static_cast<std::uint32_t>(in_[pos_ + i]) << (8 * i);
  pos_ += 4;
  return v;
}

Result<std::uint64_t> StateReader::U64() {
  FEDQ_RETURN_IF_ERROR(Need(8));
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v |= static_cast<std::uint64_t>(in_[pos_ + i]) << (8 * i);
  pos_ += 8;
  return v;
}

Result<double> StateReader::F64() {
  FEDQ_ASSIGN_OR_RETURN(std::uint64_t bits, U64());
  return std::bit_cast<double>(bits);
}

Result<std::string> StateReader::Str() {
  FEDQ_ASSIGN_OR_RETURN(std::uint32_t n, U32());
  FEDQ_RETURN_IF_ERROR(Need(n));
  std::string s(reinterpret_cast<const char*>(in_.data() + pos_), n);
  pos_ += n;
  return s;
}

Result<std::vector<float>> StateReader::Floats() {
  FEDQ_ASSIGN_OR_RETURN(std::uint64_t n, U64());
  if (n > (in_.size() - pos_) / 4) return Corrupt("strategy state: float count beyond its bytes");
  std::vector<float> out(n);
  for (float& f : out) {
    std::uint32_t bits = 0;
    for (int i = 0; i < 4; ++i) bits |= static_cast<std::uint32_t>(in_[pos_ + i]) << (8 * i);
    f = std::bit_cast<float>(bits);
    pos_ += 4;
  }
  return out;
}

void WriteStateHeader(StateWriter& w, std::string_view strategy) {
  w.U32(kStateMagic);
  w.U32(kStateVersion);
  w.Str(strategy);
}

Status ReadStateHeader(StateReader& r, std::string_view strategy) {
  FEDQ_ASSIGN_OR_RETURN(std::uint32_t magic, r.U32());
  if (magic != kStateMagic) return Corrupt("strategy state: bad magic");
  FEDQ_ASSIGN_OR_RETURN(std::uint32_t version, r.U32());
  if (version != kStateVersion) {
    return Corrupt("strategy state: unknown version " + std::to_string(version));
  }
  FEDQ_ASSIGN_OR_RETURN(std::string name, r.Str());
  if (name != strategy) {
    return InvalidArgument("strategy state was saved by '" + name + "', not '" +
                           std::string(strategy) + "'");
  }
  return Status::Ok();
}

}  // namespace fedq::coordinator
