#include "coordinator/client_selector.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace fedq::coordinator {
namespace {

TEST(ClientSelector, SameSeedSameSelectionWhateverTheInputOrder) {
  std::vector<int64_t> a = {5, 1, 9, 3, 7, 2, 8};
  std::vector<int64_t> b = {9, 8, 7, 5, 3, 2, 1};
  EXPECT_EQ(SelectClients(a, 3, 42, 4, 0), SelectClients(b, 3, 42, 4, 0));
}

TEST(ClientSelector, SelectsKDistinctCandidatesSorted) {
  std::vector<int64_t> ids;
  for (int i = 0; i < 50; ++i) ids.push_back(i * 3);
  const auto picked = SelectClients(ids, 10, 1, 1, 0);
  ASSERT_EQ(picked.size(), 10u);
  EXPECT_TRUE(std::is_sorted(picked.begin(), picked.end()));
  EXPECT_EQ(std::adjacent_find(picked.begin(), picked.end()), picked.end());
  for (int64_t id : picked) EXPECT_EQ(id % 3, 0);
}

TEST(ClientSelector, RetryAttemptDrawsADifferentSelection) {
  std::vector<int64_t> ids;
  for (int i = 0; i < 40; ++i) ids.push_back(i);
  EXPECT_NE(SelectClients(ids, 5, 1, 3, 0), SelectClients(ids, 5, 1, 3, 1));
  EXPECT_NE(SelectClients(ids, 5, 1, 3, 0), SelectClients(ids, 5, 1, 4, 0));
}

TEST(ClientSelector, SelectionSizeRules) {
  EXPECT_EQ(SelectionSize(100, 10, 0.0, 2), 10);
  EXPECT_EQ(SelectionSize(5, 10, 0.0, 2), 5);      // never above available
  EXPECT_EQ(SelectionSize(100, 10, 0.25, 2), 25);  // fraction wins when set
  EXPECT_EQ(SelectionSize(10, 10, 0.01, 3), 3);    // never below the quorum
  EXPECT_EQ(SelectionSize(7, 10, 0.5, 1), 4);      // ceil
}

}  // namespace
}  // namespace fedq::coordinator
