#include "client/state_file.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

namespace fedq::client {
namespace {

ClientState Sample() { return {"run-42", "topk:0.01+int8", 7, {1, 2, 3, 250, 0, 9}, {4, 5}}; }

std::filesystem::path TempPath(const char* name) {
  return std::filesystem::temp_directory_path() /
         (std::string(name) + "_" + std::to_string(::getpid()));
}

TEST(StateFileTest, RoundTripsThroughBytes) {
  auto s = DecodeState(EncodeState(Sample()));
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->run_id, "run-42");
  EXPECT_EQ(s->codec_spec, "topk:0.01+int8");
  EXPECT_EQ(s->last_round, 7);
  EXPECT_EQ(s->residual, Sample().residual);
  EXPECT_EQ(s->previous_residual, Sample().previous_residual);
}

TEST(StateFileTest, EverySingleByteFlipOrTruncationIsRejected) {
  const std::vector<uint8_t> good = EncodeState(Sample());
  for (std::size_t i = 0; i < good.size(); ++i) {
    auto bad = good;
    bad[i] ^= 0x41;
    EXPECT_FALSE(DecodeState(bad).ok()) << "flip at " << i;
    std::vector<uint8_t> cut(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(i));
    EXPECT_FALSE(DecodeState(cut).ok()) << "cut at " << i;
  }
}

TEST(StateFileTest, SaveLoadIsAtomicAndPrivate) {
  auto path = TempPath("fedq_state_test");
  std::filesystem::remove(path);
  auto none = LoadState(path);
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
  ASSERT_TRUE(SaveState(path, Sample()).ok());
  ClientState next = Sample();
  next.last_round = 8;
  ASSERT_TRUE(SaveState(path, next).ok());
  auto loaded = LoadState(path);
  ASSERT_TRUE(loaded.ok() && loaded->has_value());
  EXPECT_EQ((*loaded)->last_round, 8);
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_FALSE(std::filesystem::exists(path.string() + ".tmp"));
  std::filesystem::remove(path);
}

TEST(StateFileTest, CorruptFileIsAClearError) {
  auto path = TempPath("fedq_state_bad");
  ASSERT_TRUE(WriteFileAtomically(path, {'n', 'o', 'p', 'e'}).ok());
  auto loaded = LoadState(path);
  EXPECT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.status().code(), ErrorCode::kCorrupt);
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace fedq::client
