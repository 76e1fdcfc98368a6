#include "common/progress_bar.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

namespace fedq {
namespace {

std::string ReadAll(std::FILE* f) {
  std::rewind(f);
  std::string s;
  char buf[256];
  std::size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) s.append(buf, n);
  return s;
}

TEST(ProgressBarTest, StaysSilentWhenTheStreamIsNotATerminal) {
  std::FILE* f = std::tmpfile();
  ASSERT_NE(f, nullptr);
  {
    ProgressBar bar("train", 10, f);
    EXPECT_FALSE(bar.enabled());
    bar.Update(5, "loss 0.5");
  }
  EXPECT_EQ(ReadAll(f), "");
  std::fclose(f);
}

TEST(ProgressBarTest, DrawsInPlaceAndEndsTheLine) {
  std::FILE* f = std::tmpfile();
  ASSERT_NE(f, nullptr);
  {
    ProgressBar bar("epoch 1", 4, f, /*enabled=*/true);
    bar.Update(2, "loss 0.7");
    bar.Update(2, "loss 0.7");  // unchanged: not redrawn
    bar.Update(4, "loss 0.6");
  }
  const std::string out = ReadAll(f);
  std::fclose(f);
  EXPECT_NE(out.find("\repoch 1 [###############...............]  50.0% 2/4 loss 0.7"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("100.0% 4/4 loss 0.6"), std::string::npos);
  EXPECT_EQ(out.back(), '\n');
  // Two updates that changed something, one final draw.
  EXPECT_EQ(std::count(out.begin(), out.end(), '\r'), 3);
}

}  // namespace
}  // namespace fedq
