#include "coordinator/strategy_config_json.hpp"

#include <gtest/gtest.h>

namespace fedq::coordinator {
namespace {

TEST(StrategyConfigJsonTest, RoundTripsAndBuildsTheStrategy) {
  auto j = nlohmann::json::parse(R"({"name": "krum", "krum_f": 2, "krum_m": 3})");
  auto c = StrategyConfigFromJson(j);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->name, "krum");
  EXPECT_EQ(*c->krum_f, 2);
  EXPECT_FALSE(c->server_lr.has_value());
  EXPECT_EQ(StrategyConfigToJson(*c), j);
  auto s = MakeStrategy(*c);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ((*s)->min_updates(), 7u);
}

TEST(StrategyConfigJsonTest, NamesTheOffendingKey) {
  auto unknown = StrategyConfigFromJson(nlohmann::json::parse(R"({"name":"fedavg","lr":1})"));
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find("'lr'"), std::string::npos);
  auto type = StrategyConfigFromJson(nlohmann::json::parse(R"({"tau":"small"})"));
  ASSERT_FALSE(type.ok());
  EXPECT_NE(type.status().message().find("strategy.tau"), std::string::npos);
  auto frac = StrategyConfigFromJson(nlohmann::json::parse(R"({"krum_f":1.5})"));
  EXPECT_NE(frac.status().message().find("strategy.krum_f"), std::string::npos);
  EXPECT_FALSE(StrategyConfigFromJson(nlohmann::json::array()).ok());
}

}  // namespace
}  // namespace fedq::coordinator
