#include "common/partition.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <set>

namespace fedq {
namespace {

// `per_class` samples of each of `classes` labels, interleaved 0,1,2,...
std::vector<int32_t> BalancedLabels(int classes, int per_class) {
  std::vector<int32_t> labels;
  for (int i = 0; i < per_class; ++i) {
    for (int c = 0; c < classes; ++c) labels.push_back(c);
  }
  return labels;
}

void ExpectExactCover(const Partition& parts, std::size_t n, std::size_t clients) {
  ASSERT_EQ(parts.size(), clients);
  std::vector<int> seen(n, 0);
  for (const auto& p : parts) {
    EXPECT_FALSE(p.empty());
    EXPECT_TRUE(std::is_sorted(p.begin(), p.end()));
    for (std::size_t i : p) {
      ASSERT_LT(i, n);
      ++seen[i];
    }
  }
  for (std::size_t i = 0; i < n; ++i) ASSERT_EQ(seen[i], 1) << "sample " << i;
}

// Mean over clients of the total-variation distance between the client's
// label distribution and the global one: 0 for IID, near 1 for one class each.
double MeanLabelSkew(const Partition& parts, const std::vector<int32_t>& labels, int classes) {
  std::vector<double> global(static_cast<std::size_t>(classes), 0.0);
  for (int32_t y : labels) global[static_cast<std::size_t>(y)] += 1.0 / labels.size();
  double total = 0.0;
  for (const auto& p : parts) {
    std::vector<double> local(static_cast<std::size_t>(classes), 0.0);
    for (std::size_t i : p) local[static_cast<std::size_t>(labels[i])] += 1.0 / p.size();
    double tv = 0.0;
    for (std::size_t c = 0; c < local.size(); ++c) tv += 0.5 * std::abs(local[c] - global[c]);
    total += tv;
  }
  return total / parts.size();
}

TEST(PartitionIidTest, CoversEverySampleOnceWithNearEqualSizes) {
  auto parts = PartitionIid(1003, 10, 1);
  ASSERT_TRUE(parts.ok()) << parts.status().ToString();
  ExpectExactCover(*parts, 1003, 10);
  for (std::size_t j = 0; j < 10; ++j) EXPECT_EQ((*parts)[j].size(), j < 3 ? 101u : 100u);
}

TEST(PartitionIidTest, SameSeedSameSplitOtherSeedOtherSplit) {
  EXPECT_EQ(*PartitionIid(500, 7, 42), *PartitionIid(500, 7, 42));
  EXPECT_NE(*PartitionIid(500, 7, 42), *PartitionIid(500, 7, 43));
}

TEST(PartitionIidTest, SplitIsPinnedForASeed) {
  // Regression pin, recorded from this implementation: the split is built
  // only on mt19937_64's standard-fixed output and integer arithmetic, so it
  // is the same under any standard library. If it changes, every recorded
  // experiment's partition changed with it.
  auto parts = PartitionIid(10, 3, 7);
  ASSERT_TRUE(parts.ok());
  const Partition expected = {{0, 4, 7, 9}, {1, 2, 3}, {5, 6, 8}};
  EXPECT_EQ(*parts, expected);
}

TEST(PartitionIidTest, RejectsMoreClientsThanSamplesAndZeroClients) {
  EXPECT_EQ(PartitionIid(5, 6, 1).status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(PartitionIid(5, 0, 1).status().code(), ErrorCode::kInvalidArgument);
  ExpectExactCover(*PartitionIid(5, 5, 1), 5, 5);
}

TEST(PartitionDirichletTest, CoversEverySampleOnceForManyAlphas) {
  const auto labels = BalancedLabels(10, 300);
  for (double alpha : {100.0, 1.0, 0.1, 0.01}) {
    auto parts = PartitionDirichlet(labels, 10, 50, alpha, 3);
    ASSERT_TRUE(parts.ok()) << parts.status().ToString();
    SCOPED_TRACE(alpha);
    ExpectExactCover(*parts, labels.size(), 50);
  }
}

TEST(PartitionDirichletTest, NoClientEmptyEvenWithTinyAlphaAndFewSamples) {
  // 100 clients over 120 samples at alpha 0.01: most draws leave clients
  // empty, so the rebalancing must do its job.
  const auto labels = BalancedLabels(10, 12);
  for (uint64_t seed = 0; seed < 5; ++seed) {
    auto parts = PartitionDirichlet(labels, 10, 100, 0.01, seed);
    ASSERT_TRUE(parts.ok());
    ExpectExactCover(*parts, labels.size(), 100);
  }
}

TEST(PartitionDirichletTest, SkewGrowsAsAlphaFalls) {
  const auto labels = BalancedLabels(10, 500);
  double previous = -1.0;
  for (double alpha : {1000.0, 10.0, 1.0, 0.1, 0.01}) {
    double skew = 0.0;
    for (uint64_t seed = 0; seed < 3; ++seed) {
      skew += MeanLabelSkew(*PartitionDirichlet(labels, 10, 20, alpha, seed), labels, 10) / 3;
    }
    EXPECT_GT(skew, previous) << "alpha " << alpha;
    previous = skew;
  }
  EXPECT_GT(previous, 0.7);  // alpha 0.01: clients hold mostly one class
}

TEST(PartitionDirichletTest, SameSeedSameSplit) {
  const auto labels = BalancedLabels(10, 100);
  EXPECT_EQ(*PartitionDirichlet(labels, 10, 20, 0.5, 9),
            *PartitionDirichlet(labels, 10, 20, 0.5, 9));
  EXPECT_NE(*PartitionDirichlet(labels, 10, 20, 0.5, 9),
            *PartitionDirichlet(labels, 10, 20, 0.5, 10));
}

TEST(PartitionDirichletTest, RejectsBadLabelsAndAlpha) {
  const std::vector<int32_t> labels = {0, 1, 2, 5};
  auto bad_label = PartitionDirichlet(labels, 3, 2, 0.5, 1);
  ASSERT_FALSE(bad_label.ok());
  EXPECT_NE(bad_label.status().message().find("label 5 of sample 3"), std::string::npos);
  EXPECT_FALSE(PartitionDirichlet(labels, 6, 2, 0.0, 1).ok());
  EXPECT_FALSE(PartitionDirichlet(labels, 6, 2, -1.0, 1).ok());
  EXPECT_FALSE(PartitionDirichlet(labels, 6, 2, NAN, 1).ok());
  EXPECT_FALSE(PartitionDirichlet(labels, 6, 5, 0.5, 1).ok());
}

TEST(PartitionShardsTest, EachClientGetsKShardsOfAtMostKLabels) {
  // 10 classes x 100 samples, 50 clients x 2 shards of 10: shards align with
  // label boundaries, so each client sees at most 2 labels.
  const auto labels = BalancedLabels(10, 100);
  auto parts = PartitionShards(labels, 50, 2, 5);
  ASSERT_TRUE(parts.ok()) << parts.status().ToString();
  ExpectExactCover(*parts, labels.size(), 50);
  for (const auto& p : *parts) {
    EXPECT_EQ(p.size(), 20u);
    std::set<int32_t> seen;
    for (std::size_t i : p) seen.insert(labels[i]);
    EXPECT_LE(seen.size(), 2u);
  }
  EXPECT_GT(MeanLabelSkew(*parts, labels, 10), 0.7);
}

TEST(PartitionShardsTest, UnevenSizesStillCoverOnceAndReproduce) {
  const auto labels = BalancedLabels(7, 143);  // 1001 samples, 24 shards
  auto parts = PartitionShards(labels, 8, 3, 11);
  ASSERT_TRUE(parts.ok());
  ExpectExactCover(*parts, labels.size(), 8);
  for (const auto& p : *parts) {
    EXPECT_GE(p.size(), 3 * (1001 / 24));
    EXPECT_LE(p.size(), 3 * (1001 / 24 + 1));
  }
  EXPECT_EQ(*parts, *PartitionShards(labels, 8, 3, 11));
  EXPECT_NE(*parts, *PartitionShards(labels, 8, 3, 12));
}

TEST(PartitionShardsTest, RejectsTooFewSamplesAndBadK) {
  const auto labels = BalancedLabels(2, 5);
  EXPECT_FALSE(PartitionShards(labels, 4, 3, 1).ok());
  EXPECT_FALSE(PartitionShards(labels, 2, 0, 1).ok());
  EXPECT_TRUE(PartitionShards(labels, 5, 2, 1).ok());
}

TEST(PartitionSpecTest, ParsesEachScheme) {
  auto iid = ParsePartitionSpec("iid");
  ASSERT_TRUE(iid.ok());
  EXPECT_EQ(iid->kind, PartitionSpec::Kind::kIid);
  auto dir = ParsePartitionSpec("dirichlet:0.5");
  ASSERT_TRUE(dir.ok());
  EXPECT_EQ(dir->kind, PartitionSpec::Kind::kDirichlet);
  EXPECT_DOUBLE_EQ(dir->alpha, 0.5);
  auto shards = ParsePartitionSpec("shards:2");
  ASSERT_TRUE(shards.ok());
  EXPECT_EQ(shards->kind, PartitionSpec::Kind::kShards);
  EXPECT_EQ(shards->shards_per_client, 2);
}

TEST(PartitionSpecTest, RoundTripsThroughToString) {
  for (const char* s : {"iid", "dirichlet:0.5", "dirichlet:0.01", "dirichlet:100", "shards:3"}) {
    auto spec = ParsePartitionSpec(s);
    ASSERT_TRUE(spec.ok()) << s;
    EXPECT_EQ(PartitionSpecToString(*spec), s);
  }
}

TEST(PartitionSpecTest, RejectsBadSpecNamingTheBadPart) {
  const std::pair<const char*, const char*> cases[] = {
      {"dirichlet:abc", "alpha \"abc\""},
      {"dirichlet:", "alpha \"\""},
      {"dirichlet:-1", "alpha \"-1\""},
      {"dirichlet:0", "alpha \"0\""},
      {"dirichlet:0.5x", "alpha \"0.5x\""},
      {"dirichlet:inf", "alpha \"inf\""},
      {"shards:0", "\"0\""},
      {"shards:2.5", "\"2.5\""},
      {"shards", "\"\""},
      {"iid:3", "no argument"},
      {"noniid", "unknown scheme \"noniid\""},
      {"", "unknown scheme \"\""},
  };
  for (const auto& [spec, needle] : cases) {
    auto parsed = ParsePartitionSpec(spec);
    ASSERT_FALSE(parsed.ok()) << spec;
    EXPECT_EQ(parsed.status().code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(parsed.status().message().find(needle), std::string::npos)
        << spec << " -> " << parsed.status().message();
  }
}

TEST(PartitionSpecTest, MakePartitionRunsTheNamedScheme) {
  const auto labels = BalancedLabels(10, 40);
  EXPECT_EQ(*MakePartition(*ParsePartitionSpec("iid"), labels, 10, 8, 4),
            *PartitionIid(labels.size(), 8, 4));
  EXPECT_EQ(*MakePartition(*ParsePartitionSpec("dirichlet:0.3"), labels, 10, 8, 4),
            *PartitionDirichlet(labels, 10, 8, 0.3, 4));
  EXPECT_EQ(*MakePartition(*ParsePartitionSpec("shards:2"), labels, 10, 8, 4),
            *PartitionShards(labels, 8, 2, 4));
}

TEST(TakeRowsTest, CopiesRowsAndLabelsInOrder) {
  Dataset ds;
  ds.num_classes = 3;
  ds.features.resize(3, 2);
  ds.features << 0.f, 0.1f, 1.f, 1.1f, 2.f, 2.1f;
  ds.labels = {0, 1, 2};
  const std::vector<std::size_t> rows = {2, 0};
  Dataset sub = TakeRows(ds, rows);
  EXPECT_EQ(sub.labels, (std::vector<int32_t>{2, 0}));
  EXPECT_EQ(sub.num_classes, 3);
  EXPECT_FLOAT_EQ(sub.features(0, 1), 2.1f);
  EXPECT_FLOAT_EQ(sub.features(1, 0), 0.f);
}

}  // namespace
}  // namespace fedq
