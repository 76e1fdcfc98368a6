// Damaged blobs: every single-byte change, truncation, extension and lying
// headers (with a valid checksum) give an error or a bounded decode, never UB.
#include <gtest/gtest.h>

#include <cmath>

#include "codec_test_util.hpp"
#include "common/codec/blob_layout.hpp"
#include "common/codec/byte_io.hpp"
#include "common/codec/crc32c.hpp"

namespace fedq::codec {
namespace {

using testing::MustEncode;
using testing::RandomVector;

void Reseal(std::vector<uint8_t>& blob) {
  std::size_t body = blob.size() - 4;
  PutU32(blob.data() + body, Crc32c(std::span<const uint8_t>(blob).first(body)));
}

// Decoding must fail cleanly, or succeed with finite values of the right size.
void ExpectSafe(const std::vector<uint8_t>& blob, std::string_view what) {
  Result<std::vector<float>> d = Decode(blob);
  std::vector<float> acc(64, 0.0f);
  Status a = Accumulate(blob, 1.0f, acc);
  if (!d.ok()) {
    EXPECT_FALSE(a.ok()) << what;
    return;
  }
  for (float v : *d) ASSERT_TRUE(std::isfinite(v)) << what;
}

TEST(CodecCorruption, EverySingleByteChangeIsDetected) {
  std::vector<float> x = RandomVector(64, 1);
  for (std::string_view s : testing::AllSpecs()) {
    std::vector<uint8_t> blob = MustEncode(s, x);
    std::vector<float> acc(64, 0.0f);
    for (std::size_t i = 0; i < blob.size(); ++i) {
      for (int delta = 1; delta < 256; ++delta) {
        std::vector<uint8_t> bad = blob;
        bad[i] = static_cast<uint8_t>(bad[i] + delta);
        // CRC32C detects every burst up to 32 bits, so any one byte.
        ASSERT_FALSE(Decode(bad).ok()) << s << " byte " << i << " +" << delta;
        ASSERT_FALSE(Accumulate(bad, 1.0f, acc).ok()) << s;
      }
    }
    for (float v : acc) ASSERT_EQ(v, 0.0f) << s;
  }
}

TEST(CodecCorruption, TruncatedAndExtendedBlobsAreErrors) {
  for (std::string_view s : testing::AllSpecs()) {
    std::vector<uint8_t> blob = MustEncode(s, RandomVector(64, 2));
    for (std::size_t len = 0; len < blob.size(); ++len) {
      std::vector<uint8_t> cut(blob.begin(), blob.begin() + static_cast<std::ptrdiff_t>(len));
      ASSERT_FALSE(Decode(cut).ok()) << s << " len " << len;
      if (len >= 8) {
        Reseal(cut);  // a truncation that also fixed its checksum
        ExpectSafe(cut, s);
        ASSERT_FALSE(Decode(cut).ok()) << s << " resealed len " << len;
      }
    }
    std::vector<uint8_t> longer = blob;
    longer.insert(longer.end() - 4, {0, 0, 0});
    EXPECT_FALSE(Decode(longer).ok());
    Reseal(longer);
    EXPECT_FALSE(Decode(longer).ok()) << s;
  }
}

// Rewrites one header field, fixes the checksum: a lying, well-formed blob.
std::vector<uint8_t> Lie(std::vector<uint8_t> blob, std::size_t offset, uint64_t value, int bytes) {
  for (int b = 0; b < bytes; ++b) blob[offset + b] = static_cast<uint8_t>(value >> (8 * b));
  Reseal(blob);
  return blob;
}

TEST(CodecCorruption, LyingHeadersAreErrors) {
  for (std::string_view s : testing::AllSpecs()) {
    std::vector<uint8_t> blob = MustEncode(s, RandomVector(64, 3));
    for (uint64_t n : {0ull, 1ull, 63ull, 65ull, 1ull << 27, 1ull << 40, ~0ull}) {
      std::vector<uint8_t> bad = Lie(blob, layout::kCountOffset, n, 8);
      ExpectSafe(bad, s);
    }
    for (uint64_t len : {0ull, 1ull, 1ull << 33, ~0ull}) {
      EXPECT_FALSE(Decode(Lie(blob, layout::kStoredLenOffset, len, 8)).ok()) << s;
      ExpectSafe(Lie(blob, layout::kRawLenOffset, len, 8), s);
    }
    for (uint64_t len : {0ull, 1ull, 255ull, 65535ull}) {
      EXPECT_FALSE(Decode(Lie(blob, layout::kSpecLenOffset, len, 2)).ok()) << s;
    }
    EXPECT_FALSE(Decode(Lie(blob, layout::kVersionOffset, 2, 2)).ok());
  }
}

TEST(CodecCorruption, ForgedPayloadsWithValidChecksumAreSafe) {
  // Scramble payload bytes and reseal: decode errs or yields finite values.
  for (std::string_view s : testing::AllSpecs()) {
    std::vector<uint8_t> blob = MustEncode(s, RandomVector(64, 4));
    Result<BlobInfo> info = Inspect(blob);
    ASSERT_TRUE(info.ok());
    std::size_t start = layout::kFixedHeaderSize + info->spec_text.size();
    for (std::size_t i = start; i + 4 < blob.size(); ++i) {
      for (uint8_t v : {0x00, 0x7f, 0x80, 0xff}) {
        std::vector<uint8_t> bad = blob;
        bad[i] = v;
        Reseal(bad);
        ExpectSafe(bad, s);
      }
    }
  }
}

TEST(CodecCorruption, ForgedSpecStringsAreErrors) {
  std::vector<uint8_t> blob = MustEncode("int8", RandomVector(64, 5));
  std::vector<uint8_t> bad = blob;
  bad[layout::kFixedHeaderSize] = 'x';  // "xnt8..."
  Reseal(bad);
  Result<std::vector<float>> d = Decode(bad);
  ASSERT_FALSE(d.ok());
  EXPECT_NE(d.status().message().find("xnt8"), std::string::npos) << d.status().message();
  bad = blob;
  bad[layout::kFixedHeaderSize + 2] = '4';  // int4 with int8's payload size
  Reseal(bad);
  EXPECT_FALSE(Decode(bad).ok());
}

}  // namespace
}  // namespace fedq::codec
