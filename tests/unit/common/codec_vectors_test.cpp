// The test vectors of docs/update-blob.md, checked against the code.
#include <gtest/gtest.h>

#include <cctype>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "codec_test_util.hpp"

namespace fedq::codec {
namespace {

struct Vector {
  std::string spec;
  uint64_t seed = 0;
  std::vector<float> input, decoded;
  std::vector<uint8_t> blob;
};

std::vector<float> Floats(const std::string& text) {
  std::istringstream in(text);
  std::vector<float> out;
  for (std::string tok; in >> tok;) out.push_back(std::stof(tok));
  return out;
}

std::vector<uint8_t> Hex(const std::string& text) {
  std::vector<uint8_t> out;
  std::string digits;
  for (char c : text) {
    if (std::isxdigit(static_cast<unsigned char>(c))) digits += c;
  }
  for (std::size_t i = 0; i + 1 < digits.size(); i += 2) {
    out.push_back(static_cast<uint8_t>(std::stoul(digits.substr(i, 2), nullptr, 16)));
  }
  return out;
}

// Reads every ```vector block: "key: value" lines, blob hex on the lines after "blob:".
std::vector<Vector> LoadVectors() {
  std::ifstream file(std::string(FEDQ_SOURCE_DIR) + "/docs/update-blob.md");
  std::vector<Vector> out;
  std::string line;
  bool in_block = false, in_blob = false;
  while (std::getline(file, line)) {
    if (line == "```vector") {
      out.emplace_back();
      in_block = true;
      in_blob = false;
    } else if (in_block && line == "```") {
      in_block = false;
    } else if (in_block) {
      Vector& v = out.back();
      std::string rest = line.substr(line.find(':') + 1);
      if (in_blob) {
        std::vector<uint8_t> more = Hex(line);
        v.blob.insert(v.blob.end(), more.begin(), more.end());
      } else if (line.rfind("spec:", 0) == 0) {
        v.spec = rest.substr(1);
      } else if (line.rfind("seed:", 0) == 0) {
        v.seed = std::stoull(rest);
      } else if (line.rfind("input:", 0) == 0) {
        v.input = Floats(rest);
      } else if (line.rfind("decoded:", 0) == 0) {
        v.decoded = Floats(rest);
      } else if (line.rfind("blob:", 0) == 0) {
        in_blob = true;
      }
    }
  }
  return out;
}

TEST(CodecVectors, DocumentedVectorsMatchTheCode) {
  std::vector<Vector> vectors = LoadVectors();
  ASSERT_GE(vectors.size(), 10u) << "docs/update-blob.md lost its test vectors";
  std::set<QuantizerKind> quantizers;
  std::set<SparsifierKind> sparsifiers;
  bool zstd = false;
  for (const Vector& v : vectors) {
    PipelineSpec spec = testing::Spec(v.spec);
    EXPECT_EQ(spec.ToString(), v.spec) << "vectors use the canonical form";
    quantizers.insert(spec.quantizer);
    sparsifiers.insert(spec.sparsifier);
    zstd = zstd || spec.zstd;
    EXPECT_EQ(testing::MustDecode(v.blob), v.decoded) << v.spec;
    if (!spec.zstd) {  // zstd's bytes may differ between libzstd versions
      EXPECT_EQ(testing::MustEncode(v.spec, v.input, v.seed), v.blob) << v.spec;
    }
    Result<BlobInfo> info = Inspect(v.blob);
    ASSERT_TRUE(info.ok());
    EXPECT_EQ(info->seed, v.seed);
    EXPECT_EQ(info->count, v.input.size());
  }
  EXPECT_EQ(quantizers.size(), 6u) << "one vector per quantizer";
  EXPECT_EQ(sparsifiers.size(), 3u) << "top-k, random-k and dense";
  EXPECT_TRUE(zstd);
}

}  // namespace
}  // namespace fedq::codec
