#include "common/idx_reader.hpp"

#include <gtest/gtest.h>
#include <unistd.h>
#include <zlib.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "common/file_bytes.hpp"

namespace fedq {
namespace {

namespace fs = std::filesystem;
using Bytes = std::vector<uint8_t>;

constexpr char kFashionMnistDir[] = "/usr/share/datasets/fashion-mnist";

void PutBigEndian32(Bytes& out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<uint8_t>(v >> shift));
}

Bytes IdxBytes(uint8_t type, const std::vector<uint32_t>& dims, const Bytes& payload) {
  Bytes out = {0, 0, type, static_cast<uint8_t>(dims.size())};
  for (uint32_t d : dims) PutBigEndian32(out, d);
  out.insert(out.end(), payload.begin(), payload.end());
  return out;
}

// 3 images of 2x2 pixels and their labels.
Bytes TinyImages() { return IdxBytes(0x08, {3, 2, 2}, {0, 255, 51, 102, 1, 2, 3, 4, 9, 8, 7, 6}); }
Bytes TinyLabels() { return IdxBytes(0x08, {3}, {2, 0, 4}); }

Bytes Gzip(const Bytes& plain) {
  uLongf bound = compressBound(plain.size()) + 64;
  Bytes out(bound);
  z_stream z{};
  EXPECT_EQ(deflateInit2(&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
  z.next_in = const_cast<Bytef*>(plain.data());
  z.avail_in = static_cast<uInt>(plain.size());
  z.next_out = out.data();
  z.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&z, Z_FINISH), Z_STREAM_END);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

class IdxReaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("fedq_idx_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string Write(const std::string& name, const Bytes& bytes) {
    const fs::path p = dir_ / name;
    std::ofstream(p, std::ios::binary)
        .write(reinterpret_cast<const char*>(bytes.data()),
               static_cast<std::streamsize>(bytes.size()));
    return p.string();
  }

  fs::path dir_;
};

TEST(ParseIdxTest, ParsesValidHeaderAndPayload) {
  const Bytes bytes = TinyImages();
  auto view = ParseIdx(bytes);
  ASSERT_TRUE(view.ok()) << view.status().ToString();
  EXPECT_EQ(view->type, IdxType::kUint8);
  EXPECT_EQ(view->dims, (std::vector<uint32_t>{3, 2, 2}));
  EXPECT_EQ(view->element_count, 12u);
  EXPECT_EQ(view->data.size(), 12u);
  EXPECT_EQ(view->data[1], 255);
}

TEST(ParseIdxTest, ParsesWiderElementTypes) {
  auto view = ParseIdx(IdxBytes(0x0D, {2}, Bytes(8, 0)));
  ASSERT_TRUE(view.ok()) << view.status().ToString();
  EXPECT_EQ(view->type, IdxType::kFloat32);
  EXPECT_EQ(view->data.size(), 8u);
}

TEST(ParseIdxTest, RejectsWrongMagic) {
  Bytes bytes = TinyImages();
  bytes[1] = 0x01;
  auto view = ParseIdx(bytes);
  ASSERT_FALSE(view.ok());
  EXPECT_EQ(view.status().code(), ErrorCode::kCorrupt);
  EXPECT_NE(view.status().message().find("magic"), std::string::npos);
}

TEST(ParseIdxTest, RejectsUnknownElementType) {
  Bytes bytes = TinyImages();
  bytes[2] = 0x0A;
  auto view = ParseIdx(bytes);
  ASSERT_FALSE(view.ok());
  EXPECT_NE(view.status().message().find("0x0a"), std::string::npos) << view.status().message();
}

TEST(ParseIdxTest, RejectsZeroOrTooManyDimensions) {
  EXPECT_FALSE(ParseIdx(Bytes{0, 0, 0x08, 0}).ok());
  EXPECT_FALSE(ParseIdx(IdxBytes(0x08, std::vector<uint32_t>(9, 1), {1})).ok());
  auto zero = ParseIdx(IdxBytes(0x08, {3, 0}, {}));
  ASSERT_FALSE(zero.ok());
  EXPECT_NE(zero.status().message().find("dimension 1 is 0"), std::string::npos);
}

TEST(ParseIdxTest, RejectsTruncatedFileAtEveryLength) {
  const Bytes full = TinyImages();
  for (std::size_t len = 0; len < full.size(); ++len) {
    const Bytes cut(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(len));
    auto view = ParseIdx(cut);
    ASSERT_FALSE(view.ok()) << "length " << len;
    EXPECT_EQ(view.status().code(), ErrorCode::kCorrupt);
  }
}

TEST(ParseIdxTest, RejectsDimensionsThatDisagreeWithFileSize) {
  // Claims 4 images of 2x2 but carries 3.
  auto more = ParseIdx(IdxBytes(0x08, {4, 2, 2}, Bytes(12, 1)));
  ASSERT_FALSE(more.ok());
  EXPECT_EQ(more.status().code(), ErrorCode::kCorrupt);
  // Claims 2 images but carries 3: trailing bytes are a lie too.
  auto fewer = ParseIdx(IdxBytes(0x08, {2, 2, 2}, Bytes(12, 1)));
  ASSERT_FALSE(fewer.ok());
  EXPECT_NE(fewer.status().message().find("need 8"), std::string::npos);
}

TEST(ParseIdxTest, RejectsDimensionsWhoseProductOverflows) {
  auto view = ParseIdx(IdxBytes(0x0E, {0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF}, Bytes(16, 0)));
  ASSERT_FALSE(view.ok());
  EXPECT_EQ(view.status().code(), ErrorCode::kCorrupt);
}

TEST(DatasetFromIdxTest, ScalesPixelsAndCountsClasses) {
  auto ds = DatasetFromIdx(TinyImages(), TinyLabels());
  ASSERT_TRUE(ds.ok()) << ds.status().ToString();
  EXPECT_EQ(ds->size(), 3u);
  EXPECT_EQ(ds->dim(), 4u);
  EXPECT_EQ(ds->num_classes, 5);
  EXPECT_EQ(ds->labels, (std::vector<int32_t>{2, 0, 4}));
  EXPECT_FLOAT_EQ(ds->features(0, 1), 1.0f);
  EXPECT_FLOAT_EQ(ds->features(0, 2), 51.0f / 255.0f);
  EXPECT_FLOAT_EQ(ds->features(2, 3), 6.0f / 255.0f);
}

TEST(DatasetFromIdxTest, RejectsCountMismatch) {
  auto ds = DatasetFromIdx(TinyImages(), IdxBytes(0x08, {2}, {1, 1}));
  ASSERT_FALSE(ds.ok());
  EXPECT_NE(ds.status().message().find("3 images but 2 labels"), std::string::npos);
}

TEST(DatasetFromIdxTest, RejectsWrongShapesAndTypes) {
  EXPECT_FALSE(DatasetFromIdx(IdxBytes(0x08, {12}, Bytes(12, 0)), TinyLabels()).ok());
  EXPECT_FALSE(DatasetFromIdx(TinyImages(), IdxBytes(0x08, {3, 1}, {1, 1, 1})).ok());
  EXPECT_FALSE(DatasetFromIdx(TinyImages(), IdxBytes(0x0C, {3}, Bytes(12, 0))).ok());
}

TEST_F(IdxReaderTest, LoadsPlainAndGzipFilesAlike) {
  const std::string plain_img = Write("img", TinyImages());
  const std::string plain_lbl = Write("lbl", TinyLabels());
  const std::string gz_img = Write("img.gz", Gzip(TinyImages()));
  const std::string gz_lbl = Write("lbl.gz", Gzip(TinyLabels()));
  auto plain = LoadIdxPair(plain_img, plain_lbl);
  auto gz = LoadIdxPair(gz_img, gz_lbl);
  ASSERT_TRUE(plain.ok()) << plain.status().ToString();
  ASSERT_TRUE(gz.ok()) << gz.status().ToString();
  EXPECT_EQ(plain->labels, gz->labels);
  EXPECT_TRUE(plain->features == gz->features);
}

TEST_F(IdxReaderTest, RejectsTruncatedGzipFile) {
  Bytes gz = Gzip(TinyImages());
  gz.resize(gz.size() - 6);
  auto ds = LoadIdxPair(Write("img.gz", gz), Write("lbl", TinyLabels()));
  ASSERT_FALSE(ds.ok());
  EXPECT_EQ(ds.status().code(), ErrorCode::kCorrupt);
  EXPECT_NE(ds.status().message().find("img.gz"), std::string::npos);
}

TEST_F(IdxReaderTest, RejectsTruncatedPlainFile) {
  Bytes img = TinyImages();
  img.pop_back();
  auto ds = LoadIdxPair(Write("img", img), Write("lbl", TinyLabels()));
  ASSERT_FALSE(ds.ok());
  EXPECT_EQ(ds.status().code(), ErrorCode::kCorrupt);
}

TEST_F(IdxReaderTest, MissingFileIsIoError) {
  auto ds = LoadIdxPair((dir_ / "nope").string(), (dir_ / "nope2").string());
  ASSERT_FALSE(ds.ok());
  EXPECT_EQ(ds.status().code(), ErrorCode::kIo);
}

TEST_F(IdxReaderTest, GzipBombBeyondCapIsOutOfRange) {
  const Bytes zeros(1 << 20, 0);
  const std::string path = Write("bomb.gz", Gzip(zeros));
  auto bytes = ReadFileMaybeGzip(path, 1000);
  ASSERT_FALSE(bytes.ok());
  EXPECT_EQ(bytes.status().code(), ErrorCode::kOutOfRange);
  auto exact = ReadFileMaybeGzip(path, zeros.size());
  ASSERT_TRUE(exact.ok()) << exact.status().ToString();
  EXPECT_EQ(exact->size(), zeros.size());
}

TEST(InflateGzipTest, AcceptsConcatenatedMembersAndRejectsTrailingGarbage) {
  Bytes two = Gzip({1, 2, 3});
  const Bytes second = Gzip({4, 5});
  two.insert(two.end(), second.begin(), second.end());
  auto both = InflateGzip(two);
  ASSERT_TRUE(both.ok()) << both.status().ToString();
  EXPECT_EQ(*both, (Bytes{1, 2, 3, 4, 5}));
  Bytes garbage = Gzip({1, 2, 3});
  garbage.push_back(7);
  EXPECT_EQ(InflateGzip(garbage).status().code(), ErrorCode::kCorrupt);
}

TEST(InflateGzipTest, RejectsDamagedStreamAndMissingMagic) {
  EXPECT_EQ(InflateGzip(Bytes{0x1f, 0x8b, 8, 0, 1, 2, 3}).status().code(), ErrorCode::kCorrupt);
  EXPECT_EQ(InflateGzip(Bytes{1, 2, 3}).status().code(), ErrorCode::kCorrupt);
  Bytes flipped = Gzip(TinyImages());
  flipped[flipped.size() - 5] ^= 0xFF;  // CRC32 of the trailer no longer matches
  EXPECT_EQ(InflateGzip(flipped).status().code(), ErrorCode::kCorrupt);
}

TEST_F(IdxReaderTest, FashionMnistFallsBackToPlainNames) {
  Write("t10k-images-idx3-ubyte", TinyImages());
  Write("t10k-labels-idx1-ubyte.gz", Gzip(TinyLabels()));
  auto ds = LoadFashionMnist(dir_.string(), Split::kTest);
  ASSERT_TRUE(ds.ok()) << ds.status().ToString();
  EXPECT_EQ(ds->num_classes, 10);
  EXPECT_EQ(LoadFashionMnist(dir_.string(), Split::kTrain).status().code(), ErrorCode::kNotFound);
}

TEST_F(IdxReaderTest, FashionMnistRejectsLabelBeyondTenClasses) {
  Write("t10k-images-idx3-ubyte", TinyImages());
  Write("t10k-labels-idx1-ubyte", IdxBytes(0x08, {3}, {1, 10, 2}));
  EXPECT_EQ(LoadFashionMnist(dir_.string(), Split::kTest).status().code(), ErrorCode::kCorrupt);
}

void ExpectRealSplit(Split split, std::size_t n) {
  auto ds = LoadFashionMnist(kFashionMnistDir, split);
  ASSERT_TRUE(ds.ok()) << ds.status().ToString();
  EXPECT_EQ(ds->size(), n);
  EXPECT_EQ(ds->dim(), 784u);
  EXPECT_EQ(ds->num_classes, 10);
  EXPECT_GE(ds->features.minCoeff(), 0.0f);
  EXPECT_LE(ds->features.maxCoeff(), 1.0f);
  EXPECT_EQ(ds->features.maxCoeff(), 1.0f);  // some pixel is saturated
  std::vector<std::size_t> per_class(10, 0);
  for (int32_t y : ds->labels) {
    ASSERT_TRUE(y >= 0 && y < 10);
    ++per_class[static_cast<std::size_t>(y)];
  }
  for (std::size_t c : per_class) EXPECT_EQ(c, n / 10);  // FMNIST is balanced
}

TEST(FashionMnistTest, LoadsRealTrainAndTestSets) {
  if (!fs::exists(fs::path(kFashionMnistDir) / "train-images-idx3-ubyte.gz") &&
      !fs::exists(fs::path(kFashionMnistDir) / "train-images-idx3-ubyte")) {
    GTEST_SKIP() << "Fashion-MNIST not installed at " << kFashionMnistDir
                 << " (apt-get install dataset-fashion-mnist)";
  }
  ExpectRealSplit(Split::kTrain, 60000);
  ExpectRealSplit(Split::kTest, 10000);
}

}  // namespace
}  // namespace fedq
