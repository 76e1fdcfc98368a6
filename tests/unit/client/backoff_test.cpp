#include "client/backoff.hpp"

#include <gtest/gtest.h>

namespace fedq::client {
namespace {

using std::chrono::milliseconds;

TEST(BackoffTest, GrowsExponentiallyUpToTheCapWithoutJitter) {
  Backoff b({milliseconds(100), milliseconds(1000), 2.0, 0.0, 0}, 1);
  EXPECT_EQ(*b.NextDelay(), milliseconds(100));
  EXPECT_EQ(*b.NextDelay(), milliseconds(200));
  EXPECT_EQ(*b.NextDelay(), milliseconds(400));
  EXPECT_EQ(*b.NextDelay(), milliseconds(800));
  EXPECT_EQ(*b.NextDelay(), milliseconds(1000));
  EXPECT_EQ(*b.NextDelay(), milliseconds(1000));
}

TEST(BackoffTest, JitterStaysInBandAndIsReproducibleForASeed) {
  BackoffConfig c{milliseconds(1000), milliseconds(1000), 2.0, 0.25, 0};
  Backoff a(c, 7), b(c, 7), other(c, 8);
  bool differs = false;
  for (int i = 0; i < 50; ++i) {
    auto da = *a.NextDelay();
    EXPECT_EQ(da, *b.NextDelay());
    EXPECT_GE(da.count(), 750);
    EXPECT_LE(da.count(), 1250);
    differs |= da != *other.NextDelay();
  }
  EXPECT_TRUE(differs);
}

TEST(BackoffTest, GivesUpAfterMaxAttemptsAndResetStartsOver) {
  Backoff b({milliseconds(10), milliseconds(100), 2.0, 0.0, 2}, 1);
  EXPECT_TRUE(b.NextDelay().has_value());
  EXPECT_TRUE(b.NextDelay().has_value());
  EXPECT_FALSE(b.NextDelay().has_value());
  b.Reset();
  EXPECT_EQ(*b.NextDelay(), milliseconds(10));
}

TEST(BackoffTest, ValidateNamesTheBadKey) {
  BackoffConfig c;
  c.jitter = 1.5;
  Status s = c.Validate();
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("backoff_jitter"), std::string::npos);
  EXPECT_TRUE(BackoffConfig{}.Validate().ok());
}

}  // namespace
}  // namespace fedq::client
