#include "coordinator/config.hpp"

#include <gtest/gtest.h>

#include <CLI/CLI.hpp>
#include <filesystem>
#include <fstream>

#include "coordinator/config_flags.hpp"

namespace fedq::coordinator {
namespace {

using nlohmann::json;

TEST(CoordinatorConfig, ExampleFileShowsEveryKeyAndLoads) {
  const std::string path = std::string(FEDQ_SOURCE_DIR) + "/configs/coordinator.json";
  Result<CoordinatorConfig> config = LoadConfigFile(path);
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  std::ifstream in(path);
  const json file = json::parse(in, nullptr, false, true);
  for (const ConfigKeyInfo& key : ConfigKeys()) {
    EXPECT_TRUE(file.contains(key.name)) << "configs/coordinator.json lacks " << key.name;
  }
}

TEST(CoordinatorConfig, ReadmeDocumentsEveryKey) {
  std::ifstream in(std::string(FEDQ_SOURCE_DIR) + "/configs/README.md");
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  for (const ConfigKeyInfo& key : ConfigKeys()) {
    EXPECT_NE(text.find("`" + key.name + "`"), std::string::npos) << key.name;
  }
}

TEST(CoordinatorConfig, RejectsUnknownKeyNamingIt) {
  CoordinatorConfig config;
  Status s = ApplyJson(json{{"rounds", 3}, {"roundz", 4}}, config);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("'roundz'"), std::string::npos) << s.ToString();
}

TEST(CoordinatorConfig, RejectsWrongTypeNamingKey) {
  CoordinatorConfig config;
  Status s = ApplyJson(json{{"min_clients", "three"}}, config);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("min_clients"), std::string::npos);
  s = ApplyJson(json{{"layers", json::array({784, "x"})}}, config);
  EXPECT_NE(s.message().find("layers"), std::string::npos);
}

TEST(CoordinatorConfig, JsonRoundTripKeepsEveryValue) {
  CoordinatorConfig a;
  a.rounds = 7;
  a.layers = {8, 4, 3};
  a.strategy.name = "krum";
  a.training.prox_mu = 0.25;
  CoordinatorConfig b;
  ASSERT_TRUE(ApplyJson(ConfigToJson(a), b).ok());
  EXPECT_EQ(ConfigToJson(a), ConfigToJson(b));
  EXPECT_EQ(b.strategy.name, "krum");
  EXPECT_EQ(b.layers, (std::vector<int>{8, 4, 3}));
}

CoordinatorConfig ValidBase() {
  CoordinatorConfig c;
  // Any existing file stands in for PEM files: validation checks presence only.
  const std::string self = std::string(FEDQ_SOURCE_DIR) + "/configs/coordinator.json";
  c.ca_cert = c.server_cert = c.server_key = self;
  return c;
}

TEST(CoordinatorConfig, ValidationNamesTheBadKey) {
  EXPECT_TRUE(ValidateConfig(ValidBase()).ok()) << ValidateConfig(ValidBase()).ToString();
  struct Case {
    std::function<void(CoordinatorConfig&)> mutate;
    std::string key;
  };
  const std::vector<Case> cases = {
      {[](auto& c) { c.min_clients = 11; }, "min_clients"},
      {[](auto& c) { c.listen_port = 70000; }, "listen_port"},
      {[](auto& c) { c.layers = {784}; }, "layers"},
      {[](auto& c) { c.strategy.name = "fedsgd"; }, "strategy"},
      {[](auto& c) { c.strategy.trim_beta = 0.2; }, "trim_beta"},  // fedavg takes none
      {[](auto& c) { c.strategy.momentum = 0.5; }, "server_momentum"},
      {[](auto& c) { c.clients_fraction = 1.5; }, "clients_fraction"},
      {[](auto& c) { c.round_deadline_ms = 0; }, "round_deadline_ms"},
      {[](auto& c) { c.http = "localhost"; }, "http"},
      {[](auto& c) { c.ca_cert = "/nonexistent/ca.pem"; }, "ca_cert"},
      {[](auto& c) { c.log_level = "loud"; }, "log_level"},
      {[](auto& c) { c.uplink_codec = "int9"; }, "uplink_codec"},
      {[](auto& c) { c.training.lr = 0; }, "lr"},
      {[](auto& c) { c.eval_data_dir = "/nonexistent"; }, "eval_data_dir"},
      {[](auto& c) { c.io_threads = -1; }, "io_threads"},
      {[](auto& c) { c.receive_budget_bytes = 1000; }, "receive_budget_bytes"},
      {[](auto& c) { c.worker_threads = 1000; }, "worker_threads"},
  };
  for (const Case& k : cases) {
    CoordinatorConfig c = ValidBase();
    k.mutate(c);
    Status s = ValidateConfig(c);
    ASSERT_FALSE(s.ok()) << k.key;
    EXPECT_NE(s.message().find("'" + k.key + "'"), std::string::npos) << s.ToString();
  }
}

TEST(ConfigFlags, FlagsOverrideFileValues) {
  CLI::App app;
  ConfigFlags flags(app);
  std::vector<std::string> args = {"--layers", "8,4,3", "--listen-port", "0",
                                   "--lr",     "0.5",   "--strategy",    "fedadam"};
  std::reverse(args.begin(), args.end());
  app.parse(args);
  CoordinatorConfig config;
  config.rounds = 9;
  ASSERT_TRUE(flags.ApplyTo(config).ok());
  EXPECT_EQ(config.layers, (std::vector<int>{8, 4, 3}));
  EXPECT_EQ(config.listen_port, 0);
  EXPECT_DOUBLE_EQ(config.training.lr, 0.5);
  EXPECT_EQ(config.strategy.name, "fedadam");
  EXPECT_EQ(config.rounds, 9);  // not given: untouched
}

TEST(ConfigFlags, UnparsableValueNamesTheFlag) {
  CLI::App app;
  ConfigFlags flags(app);
  std::vector<std::string> args = {"--rounds", "many"};
  std::reverse(args.begin(), args.end());
  app.parse(args);
  CoordinatorConfig config;
  Status s = flags.ApplyTo(config);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("--rounds"), std::string::npos);
}

}  // namespace
}  // namespace fedq::coordinator
