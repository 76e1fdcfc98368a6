#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "coordinator/strategy.hpp"

namespace fedq::coordinator {
namespace {

struct TestUpdate {
  std::string client;
  std::uint64_t samples;
  std::vector<float> delta;
};

std::unique_ptr<Strategy> Make(StrategyConfig c) {
  auto s = MakeStrategy(c);
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return std::move(s).value();
}

StrategyConfig Named(std::string name) {
  StrategyConfig c;
  c.name = std::move(name);
  return c;
}

// Runs one round; returns the new global model.
std::vector<float> Round(Strategy& s, std::vector<float> global,
                         const std::vector<TestUpdate>& updates) {
  s.BeginRound(global.size(), 8);
  for (const auto& u : updates) {
    Status st = s.AddUpdate({u.client, u.samples, u.delta, nullptr});
    EXPECT_TRUE(st.ok()) << st.ToString();
  }
  auto r = s.Finish(global);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return global;
}

TEST(FedAvgTest, WeightsBySampleCount) {
  auto s = Make(Named("fedavg"));
  auto g = Round(*s, {0.5f, 0.5f}, {{"a", 1, {1, 2}}, {"b", 3, {5, -2}}});
  EXPECT_EQ(g, (std::vector<float>{4.5f, -0.5f}));
}

TEST(FedAvgTest, FoldCallbackMatchesDense) {
  auto s = Make(Named("fedavg"));
  std::vector<float> delta = {1, 2};
  // A stand-in for codec::AccumulateFixedPoint on an fp32 blob.
  FoldFn fold = [&](double w, std::span<std::int64_t> acc, int frac_bits) {
    for (std::size_t i = 0; i < acc.size(); ++i) {
      acc[i] += static_cast<std::int64_t>(std::round(std::ldexp(w * delta[i], frac_bits)));
    }
    return Status::Ok();
  };
  std::vector<float> g = {0.5f, 0.5f};
  s->BeginRound(2, 8);
  ASSERT_TRUE(s->AddUpdate({"a", 1, {}, fold, /*max_abs_value=*/2}).ok());
  std::vector<float> b = {5, -2};
  ASSERT_TRUE(s->AddUpdate({"b", 3, b, nullptr}).ok());
  ASSERT_TRUE(*s->Finish(g));
  EXPECT_EQ(g, (std::vector<float>{4.5f, -0.5f}));
}

TEST(FedAvgTest, FailedFoldPoisonsTheRound) {
  auto s = Make(Named("fedavg"));
  FoldFn bad = [](double, std::span<std::int64_t> acc, int) {
    acc[0] += 12345;
    return Corrupt("blob checksum");
  };
  std::vector<float> g = {0, 0};
  s->BeginRound(2, 8);
  EXPECT_FALSE(s->AddUpdate({"a", 1, {}, bad, /*max_abs_value=*/1}).ok());
  EXPECT_EQ(s->Finish(g).status().code(), ErrorCode::kInternal);
}

// A fold is only called when the update cannot overflow the round's sums:
// an absurd sample count (or value) is that update's refusal, not the
// round's failure, and the others aggregate as if it never came.
TEST(FedAvgTest, RefusesAnUpdateTooLargeForTheSumAndKeepsTheOthers) {
  for (bool absurd_first : {true, false}) {
    auto s = Make(Named("fedavg"));
    bool folded = false;
    FoldFn must_not_run = [&](double, std::span<std::int64_t>, int) {
      folded = true;
      return Status::Ok();
    };
    std::vector<float> g = {0.5f, 0.5f};
    std::vector<float> a = {1, 2}, b = {5, -2};
    const UpdateView absurd{"x", uint64_t{1} << 40, {}, must_not_run, /*max_abs_value=*/1.0f};
    s->BeginRound(2, 3);
    if (absurd_first) EXPECT_EQ(s->AddUpdate(absurd).code(), ErrorCode::kOutOfRange);
    ASSERT_TRUE(s->AddUpdate({"a", 1, a, nullptr}).ok());
    ASSERT_TRUE(s->AddUpdate({"b", 3, b, nullptr}).ok());
    if (!absurd_first) EXPECT_EQ(s->AddUpdate(absurd).code(), ErrorCode::kOutOfRange);
    EXPECT_FALSE(folded);
    ASSERT_TRUE(*s->Finish(g));
    EXPECT_EQ(g, (std::vector<float>{4.5f, -0.5f})) << absurd_first;
  }
}

// The limit is per update and depends only on the number of tasks: max_updates
// updates at just under it sum without overflow.
TEST(FedAvgTest, UpdatesAtTheLimitSumWithoutOverflow) {
  auto s = Make(Named("fedavg"));
  constexpr std::size_t kUpdates = 4;
  // 2^62 / 4 = 2^60 per update; with 24 fractional bits, samples * |v| < 2^36.
  const float v = 0x1p35f * 1.99f;
  std::vector<float> big = {v, -v};
  s->BeginRound(2, kUpdates);
  for (std::size_t i = 0; i < kUpdates; ++i) {
    ASSERT_TRUE(s->AddUpdate({std::to_string(i), 1, big, nullptr}).ok()) << i;
  }
  std::vector<float> g = {0, 0};
  ASSERT_TRUE(*s->Finish(g));
  EXPECT_EQ(g, big);
  std::vector<float> over = {0x1p36f, 0};
  s->BeginRound(2, kUpdates);
  EXPECT_EQ(s->AddUpdate({"o", 1, over, nullptr}).code(), ErrorCode::kOutOfRange);
}

TEST(StrategyTest, KeepsModelWhenNoUpdateArrived) {
  for (const char* name : {"fedavg", "fedadam", "fedmedian", "krum"}) {
    auto s = Make(Named(name));
    std::vector<float> g = {1, 2, 3};
    s->BeginRound(3, 8);
    auto r = s->Finish(g);
    ASSERT_TRUE(r.ok()) << name;
    EXPECT_FALSE(*r) << name;
    EXPECT_EQ(g, (std::vector<float>{1, 2, 3})) << name;
  }
}

TEST(StrategyTest, RejectsSecondUpdateFromSameClientAndBadInput) {
  for (const char* name : {"fedavg", "fedmedian"}) {
    auto s = Make(Named(name));
    s->BeginRound(2, 8);
    std::vector<float> d = {1, 1};
    std::vector<float> nan = {1, NAN};
    std::vector<float> short_delta = {1};
    ASSERT_TRUE(s->AddUpdate({"a", 1, d, nullptr}).ok());
    EXPECT_FALSE(s->AddUpdate({"a", 1, d, nullptr}).ok()) << name;
    EXPECT_FALSE(s->AddUpdate({"b", 1, nan, nullptr}).ok()) << name;
    EXPECT_FALSE(s->AddUpdate({"c", 1, short_delta, nullptr}).ok()) << name;
  }
}

TEST(FedAvgMTest, AccumulatesServerMomentum) {
  StrategyConfig c = Named("fedavgm");
  c.momentum = 0.5;
  auto s = Make(c);
  auto g = Round(*s, {0}, {{"a", 1, {2}}});
  EXPECT_EQ(g, (std::vector<float>{2}));  // v = 2
  g = Round(*s, g, {{"a", 1, {2}}});
  EXPECT_EQ(g, (std::vector<float>{5}));  // v = 0.5 * 2 + 2 = 3
}

// Reddi et al. 2021 defaults here: server_lr 0.1, beta1 0.9, beta2 0.99,
// tau 1e-3, v starting at tau^2. Expected steps computed by hand (Python).
TEST(AdaptiveTest, OneFedAdamStep) {
  auto s = Make(Named("fedadam"));
  auto g = Round(*s, {0}, {{"a", 1, {1}}});
  // m = 0.1, v = 0.99e-6 + 0.01, step = 0.1 * m / (sqrt(v) + 1e-3)
  EXPECT_NEAR(g[0], 0.0990050489, 1e-7);
}

TEST(AdaptiveTest, FedAdagradAndFedYogiDifferOnlyInSecondMoment) {
  auto adagrad = Make(Named("fedadagrad"));
  EXPECT_NEAR(Round(*adagrad, {0}, {{"a", 1, {1}}})[0], 0.0099900050, 1e-8);

  auto yogi = Make(Named("fedyogi"));
  auto adam = Make(Named("fedadam"));
  auto gy = Round(*yogi, {0}, {{"a", 1, {1}}});
  auto ga = Round(*adam, {0}, {{"a", 1, {1}}});
  EXPECT_NEAR(gy[0], 0.0990049999, 1e-7);
  // A zero delta: Adam's v decays, Yogi's stays (sign(v - 0) * 0 = 0).
  auto gy2 = Round(*yogi, {0}, {{"a", 1, {0}}});
  auto ga2 = Round(*adam, {0}, {{"a", 1, {0}}});
  EXPECT_NEAR(gy2[0], 0.0891044999, 1e-7);
  EXPECT_NEAR(ga2[0], 0.0895489698, 1e-7);
}

TEST(AdaptiveTest, SavedStateResumesTheSameTrajectory) {
  auto a = Make(Named("fedadam"));
  auto g1 = Round(*a, {0, 1}, {{"a", 2, {1, -1}}, {"b", 1, {0.5f, 0.25f}}});
  auto state = a->SaveState();
  auto b = Make(Named("fedadam"));
  ASSERT_TRUE(b->LoadState(state).ok());
  std::vector<TestUpdate> next = {{"a", 1, {0.3f, 0.1f}}};
  EXPECT_EQ(Round(*a, g1, next), Round(*b, g1, next));
  EXPECT_FALSE(Make(Named("fedyogi"))->LoadState(state).ok());  // saved by fedadam
  state.pop_back();
  EXPECT_EQ(Make(Named("fedadam"))->LoadState(state).code(), ErrorCode::kCorrupt);
}

TEST(FedAvgMTest, MomentumSurvivesSaveAndLoad) {
  auto a = Make(Named("fedavgm"));
  auto g = Round(*a, {0, 0}, {{"a", 1, {1, 2}}});
  auto b = Make(Named("fedavgm"));
  ASSERT_TRUE(b->LoadState(a->SaveState()).ok());
  std::vector<TestUpdate> next = {{"a", 1, {0.5f, 0}}};
  EXPECT_EQ(Round(*a, g, next), Round(*b, g, next));
  EXPECT_FALSE(Make(Named("fedavg"))->LoadState(a->SaveState()).ok());
}

TEST(RobustTest, MedianAndTrimmedMeanWithTies) {
  auto median = Make(Named("fedmedian"));
  std::vector<TestUpdate> ups = {
      {"a", 1, {1, 0}}, {"b", 50, {2, 10}}, {"c", 1, {2, 5}}, {"d", 1, {9, 5}}};
  EXPECT_EQ(Round(*median, {1, 1}, ups), (std::vector<float>{3, 6}));  // unweighted
  StrategyConfig c = Named("trimmed_mean");
  c.trim_beta = 0.25;
  EXPECT_EQ(Round(*Make(c), {1, 1}, ups), (std::vector<float>{3, 6}));
}

TEST(RobustTest, KrumPicksTheCentralUpdateNotTheOutlier) {
  StrategyConfig c = Named("krum");
  c.krum_f = 1;
  // Shuffled arrival; client ids fix the tie-break.
  std::vector<TestUpdate> ups = {{"e", 1, {100, 100}},
                                 {"c", 1, {0, 1}},
                                 {"a", 1, {0, 0}},
                                 {"d", 1, {0.5f, 0.5f}},
                                 {"b", 1, {1, 0}}};
  EXPECT_EQ(Round(*Make(c), {0, 0}, ups), (std::vector<float>{0.5f, 0.5f}));
  c.krum_m = 2;  // d (score 1) and then a, b, c tied at 1.5: a wins by id
  EXPECT_EQ(Round(*Make(c), {0, 0}, ups), (std::vector<float>{0.25f, 0.25f}));
}

TEST(RobustTest, KrumRefusesTooFewUpdates) {
  StrategyConfig c = Named("krum");
  c.krum_f = 1;
  auto s = Make(c);
  EXPECT_EQ(s->min_updates(), 5u);
  std::vector<float> g = {0};
  s->BeginRound(1, 8);
  std::vector<float> d = {1};
  ASSERT_TRUE(s->AddUpdate({"a", 1, d, nullptr}).ok());
  EXPECT_EQ(s->Finish(g).status().code(), ErrorCode::kFailedPrecondition);
}

std::vector<TestUpdate> RandomUpdates(int n, std::size_t dim, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> nd(0.0f, 0.01f);
  std::uniform_int_distribution<int> samples(1, 600);
  std::vector<TestUpdate> ups;
  for (int i = 0; i < n; ++i) {
    TestUpdate u{"client-" + std::to_string(i), static_cast<std::uint64_t>(samples(rng)), {}};
    for (std::size_t j = 0; j < dim; ++j) u.delta.push_back(nd(rng));
    ups.push_back(std::move(u));
  }
  return ups;
}

TEST(StrategyTest, AggregateIsBitIdenticalWhateverTheArrivalOrder) {
  auto ups = RandomUpdates(12, 257, 7);
  auto reversed = ups;
  std::reverse(reversed.begin(), reversed.end());
  auto shuffled = ups;
  std::shuffle(shuffled.begin(), shuffled.end(), std::mt19937(3));
  for (const char* name : {"fedavg", "fedavgm", "fedadam", "fedyogi", "fedadagrad", "fedmedian",
                           "trimmed_mean", "krum"}) {
    std::vector<float> start(257, 0.25f);
    auto g1 = Round(*Make(Named(name)), start, ups);
    auto g2 = Round(*Make(Named(name)), start, reversed);
    auto g3 = Round(*Make(Named(name)), start, shuffled);
    EXPECT_EQ(0, std::memcmp(g1.data(), g2.data(), g1.size() * sizeof(float))) << name;
    EXPECT_EQ(0, std::memcmp(g1.data(), g3.data(), g1.size() * sizeof(float))) << name;
    EXPECT_NE(g1, start) << name;
  }
}

TEST(MakeStrategyTest, RefusesBadNamesAndParametersNamingThem) {
  auto bad = MakeStrategy(Named("fedprox"));
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("fedprox"), std::string::npos);

  StrategyConfig c = Named("fedavg");
  c.krum_f = 2;
  auto unused = MakeStrategy(c);
  ASSERT_FALSE(unused.ok());
  EXPECT_NE(unused.status().message().find("krum_f"), std::string::npos);

  c = Named("trimmed_mean");
  c.trim_beta = 0.5;
  EXPECT_NE(MakeStrategy(c).status().message().find("trim_beta"), std::string::npos);

  c = Named("fedadagrad");
  c.beta2 = 0.9;  // Adagrad has no beta2
  EXPECT_NE(MakeStrategy(c).status().message().find("beta2"), std::string::npos);

  c = Named("krum");
  c.krum_m = 0;
  EXPECT_NE(MakeStrategy(c).status().message().find("krum_m"), std::string::npos);
}

}  // namespace
}  // namespace fedq::coordinator
