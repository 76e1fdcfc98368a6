#include "client/uplink_state.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

namespace fedq::client {
namespace {

std::vector<float> Delta(float scale) {
  std::vector<float> d(1000);
  for (std::size_t i = 0; i < d.size(); ++i) d[i] = scale * static_cast<float>((i * 37) % 101) - 50;
  return d;
}

TEST(UplinkStateTest, ResidualCarriesAcrossRoundsOfTheSameRunOnly) {
  UplinkState s;
  auto r1 = s.Encode("run", 1, "topk:0.01+int8", Delta(1), 1);
  ASSERT_TRUE(r1.ok()) << r1.status().ToString();
  ASSERT_TRUE(s.Commit(std::move(r1).value()).ok());
  auto same = s.Encode("run", 2, "topk:0.01+int8", Delta(1), 1);
  auto other = s.Encode("other-run", 2, "topk:0.01+int8", Delta(1), 1);
  ASSERT_TRUE(same.ok() && other.ok());
  EXPECT_NE(same->blob, other->blob);  // only the same run adds the residual
}

TEST(UplinkStateTest, ARoundRunAgainStartsFromTheResidualBeforeIt) {
  UplinkState s;
  auto r1 = s.Encode("run", 1, "topk:0.01+int8", Delta(1), 1);
  ASSERT_TRUE(s.Commit(std::move(r1).value()).ok());
  auto first = s.Encode("run", 2, "topk:0.01+int8", Delta(2), 1);
  ASSERT_TRUE(first.ok());
  const auto blob = first->blob;
  ASSERT_TRUE(s.Commit(std::move(first).value()).ok());
  // Round 2 again (its attempt failed): the same input gives the same blob.
  auto again = s.Encode("run", 2, "topk:0.01+int8", Delta(2), 1);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->blob, blob);
}

TEST(UplinkStateTest, StateFileRestoresBothResiduals) {
  auto path =
      std::filesystem::temp_directory_path() / ("fedq_uplink_state_" + std::to_string(::getpid()));
  std::vector<uint8_t> expected;
  {
    UplinkState s(path);
    ASSERT_TRUE(s.Load().ok());
    ASSERT_TRUE(s.Commit(*s.Encode("run", 1, "topk:0.01+int8", Delta(1), 1)).ok());
    auto r2 = s.Encode("run", 2, "topk:0.01+int8", Delta(2), 1);
    expected = r2->blob;
    ASSERT_TRUE(s.Commit(std::move(r2).value()).ok());
  }
  UplinkState restarted(path);
  ASSERT_TRUE(restarted.Load().ok());
  auto again = restarted.Encode("run", 2, "topk:0.01+int8", Delta(2), 1);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->blob, expected);
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace fedq::client
