// The hex test vectors in docs/protocol.md must be exactly what the code
// encodes, and must decode back to the canonical messages. Edit either side
// and this test fails (its message prints the current encoding).
#include <gtest/gtest.h>

#include <cctype>
#include <fstream>
#include <map>
#include <sstream>

#include "canonical_messages.hpp"
#include "protocol/frame_decoder.hpp"
#include "protocol/frame_header.hpp"

namespace fedq::protocol {
namespace {

// name -> bytes, from every "<!-- vector: NAME -->" followed by a ```hex block.
std::map<std::string, std::vector<uint8_t>> VectorsInDoc(const std::string& text) {
  std::map<std::string, std::vector<uint8_t>> out;
  const std::string marker = "<!-- vector: ";
  for (size_t at = text.find(marker); at != std::string::npos; at = text.find(marker, at + 1)) {
    const size_t name_end = text.find(" -->", at);
    const std::string name = text.substr(at + marker.size(), name_end - at - marker.size());
    const size_t open = text.find("```hex\n", name_end);
    const size_t close = text.find("```", open + 7);
    std::vector<uint8_t> bytes;
    std::istringstream hex(text.substr(open + 7, close - open - 7));
    for (std::string token; hex >> token;) bytes.push_back(std::stoul(token, nullptr, 16));
    out[name] = bytes;
  }
  return out;
}

std::string Hex(const std::vector<uint8_t>& bytes) {
  std::string s;
  char buf[4];
  for (size_t i = 0; i < bytes.size(); ++i) {
    std::snprintf(buf, sizeof buf, "%02x", bytes[i]);
    s += buf;
    s += (i % 16 == 15 || i + 1 == bytes.size()) ? "\n" : " ";
  }
  return s;
}

TEST(ProtocolDocVectorsTest, EveryMessageTypeHasAVectorThatMatchesTheCode) {
  std::ifstream in(std::string(FEDQ_SOURCE_DIR) + "/docs/protocol.md");
  ASSERT_TRUE(in) << "docs/protocol.md not found";
  std::stringstream text;
  text << in.rdbuf();
  const auto vectors = VectorsInDoc(text.str());
  const FrameDecoder decoder;
  for (const auto& [name, message] : testing::CanonicalMessages()) {
    const std::vector<uint8_t> encoded = EncodeFrame(message);
    const auto it = vectors.find(name);
    ASSERT_NE(it, vectors.end()) << "no vector for " << name << "; the code encodes:\n"
                                 << Hex(encoded);
    EXPECT_EQ(it->second, encoded) << name << " drifted; the code encodes:\n" << Hex(encoded);
    auto decoded = decoder.DecodeFrame(it->second);
    ASSERT_TRUE(decoded.ok()) << name << ": " << decoded.status().ToString();
    EXPECT_TRUE(*decoded == message) << name;
  }
  EXPECT_EQ(vectors.size(), testing::CanonicalMessages().size());
}

}  // namespace
}  // namespace fedq::protocol
