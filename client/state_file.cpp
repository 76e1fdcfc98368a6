#include "client/state_file.hpp"

#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>

namespace fedq::client {
namespace {

constexpr char kMagic[4] = {'F', 'Q', 'C', 'S'};
constexpr uint32_t kVersion = 1;
constexpr uint64_t kMaxField = uint64_t{1} << 32;  // refuse a lying length before allocating

void PutU32(std::vector<uint8_t>& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<uint8_t>(v >> (8 * i)));
}
void PutU64(std::vector<uint8_t>& out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<uint8_t>(v >> (8 * i)));
}
void PutBytes(std::vector<uint8_t>& out, const void* data, std::size_t n) {
  PutU64(out, n);
  const auto* p = static_cast<const uint8_t*>(data);
  out.insert(out.end(), p, p + n);
}

class Reader {
 public:
  explicit Reader(const std::vector<uint8_t>& b, std::size_t end) : b_(b), end_(end) {}
  bool U32(uint32_t& v) { return Int(v, 4); }
  bool U64(uint64_t& v) { return Int(v, 8); }
  bool Bytes(std::vector<uint8_t>& v) {
    uint64_t n = 0;
    if (!U64(n) || n > kMaxField || n > end_ - pos_) return false;
    v.assign(b_.begin() + static_cast<std::ptrdiff_t>(pos_),
             b_.begin() + static_cast<std::ptrdiff_t>(pos_ + n));
    pos_ += n;
    return true;
  }
  bool String(std::string& s) {
    std::vector<uint8_t> v;
    if (!Bytes(v)) return false;
    s.assign(v.begin(), v.end());
    return true;
  }
  bool AtEnd() const { return pos_ == end_; }
  void Skip(std::size_t n) { pos_ += n; }

 private:
  template <typename T>
  bool Int(T& v, int width) {
    if (end_ - pos_ < static_cast<std::size_t>(width)) return false;
    v = 0;
    for (int i = 0; i < width; ++i) v |= static_cast<T>(b_[pos_ + i]) << (8 * i);
    pos_ += static_cast<std::size_t>(width);
    return true;
  }
  const std::vector<uint8_t>& b_;
  std::size_t end_;
  std::size_t pos_ = 0;
};

uint32_t Crc(const uint8_t* data, std::size_t n) {
  return static_cast<uint32_t>(crc32_z(crc32_z(0, nullptr, 0), data, n));
}

}  // namespace

std::vector<uint8_t> EncodeState(const ClientState& s) {
  std::vector<uint8_t> out(kMagic, kMagic + 4);
  PutU32(out, kVersion);
  PutBytes(out, s.run_id.data(), s.run_id.size());
  PutBytes(out, s.codec_spec.data(), s.codec_spec.size());
  PutU64(out, static_cast<uint64_t>(s.last_round));
  PutBytes(out, s.residual.data(), s.residual.size());
  PutBytes(out, s.previous_residual.data(), s.previous_residual.size());
  PutU32(out, Crc(out.data(), out.size()));
  return out;
}

Result<ClientState> DecodeState(const std::vector<uint8_t>& bytes) {
  if (bytes.size() < 12 || std::memcmp(bytes.data(), kMagic, 4) != 0) {
    return Corrupt("client state: not a fedq client state file");
  }
  const std::size_t body = bytes.size() - 4;
  Reader crc_reader(bytes, bytes.size());
  crc_reader.Skip(body);
  uint32_t crc = 0;
  if (!crc_reader.U32(crc) || crc != Crc(bytes.data(), body)) {
    return Corrupt("client state: checksum mismatch");
  }
  Reader r(bytes, body);
  r.Skip(4);
  uint32_t version = 0;
  uint64_t round = 0;
  ClientState s;
  if (!r.U32(version)) return Corrupt("client state: truncated");
  if (version != kVersion)
    return Corrupt("client state: unsupported version " + std::to_string(version));
  if (!r.String(s.run_id) || !r.String(s.codec_spec) || !r.U64(round) || !r.Bytes(s.residual) ||
      !r.Bytes(s.previous_residual) || !r.AtEnd()) {
    return Corrupt("client state: truncated or malformed");
  }
  s.last_round = static_cast<int64_t>(round);
  return s;
}

Status WriteFileAtomically(const std::filesystem::path& path, const std::vector<uint8_t>& bytes) {
  std::filesystem::path tmp = path;
  tmp += ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return IoError("cannot create " + tmp.string() + ": " + std::strerror(errno));
  std::size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      Status err = IoError("cannot write " + tmp.string() + ": " + std::strerror(errno));
      ::close(fd);
      return err;
    }
    done += static_cast<std::size_t>(n);
  }
  // Without fsync a crash after rename could leave an empty file in place.
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    return IoError("cannot flush " + tmp.string() + ": " + std::strerror(errno));
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    return IoError("cannot rename " + tmp.string() + ": " + std::strerror(errno));
  }
  return Status::Ok();
}

Status SaveState(const std::filesystem::path& path, const ClientState& state) {
  return WriteFileAtomically(path, EncodeState(state)).WithContext("saving client state");
}

Result<std::optional<ClientState>> LoadState(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return std::optional<ClientState>();
  std::ifstream in(path, std::ios::binary);
  if (!in) return IoError("cannot open client state " + path.string());
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                             std::istreambuf_iterator<char>());
  FEDQ_ASSIGN_OR_RETURN(ClientState s, DecodeState(bytes));
  return std::optional<ClientState>(std::move(s));
}

}  // namespace fedq::client
