#include "coordinator/client_selector.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace fedq::coordinator {
namespace {

TEST(ClientSelector, SameSeedSameSelectionWhateverTheInputOrder) {
  std::vector<std::string> a = {"e", "a", "i", "c", "g", "b", "h"};
  std::vector<std::string> b = {"i", "h", "g", "e", "c", "b", "a"};
  EXPECT_EQ(SelectClients(a, 3, 42, 4, 0), SelectClients(b, 3, 42, 4, 0));
}

TEST(ClientSelector, SelectsKDistinctCandidatesSorted) {
  std::vector<std::string> ids;
  for (int i = 0; i < 50; ++i) ids.push_back("client-" + std::to_string(i * 3));
  const auto picked = SelectClients(ids, 10, 1, 1, 0);
  ASSERT_EQ(picked.size(), 10u);
  EXPECT_TRUE(std::is_sorted(picked.begin(), picked.end()));
  EXPECT_EQ(std::adjacent_find(picked.begin(), picked.end()), picked.end());
  for (const std::string& id : picked) EXPECT_EQ(std::stoi(id.substr(7)) % 3, 0);
}

TEST(ClientSelector, RetryAttemptDrawsADifferentSelection) {
  std::vector<std::string> ids;
  for (int i = 0; i < 40; ++i) ids.push_back(std::to_string(i));
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
