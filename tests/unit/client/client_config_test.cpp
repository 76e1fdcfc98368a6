#include "client/client_config.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "client/json_config.hpp"

namespace fedq::client {
namespace {

std::filesystem::path WriteJson(const std::string& text) {
  auto p = std::filesystem::temp_directory_path() /
           ("fedq_client_config_" + std::to_string(::getpid()) + ".json");
  std::ofstream(p) << text;
  return p;
}

// Parses argv into a fresh config; returns the CLI11 error message, "" on success.
std::string Parse(std::vector<std::string> args, ClientConfig& c) {
  CLI::App app("test");
  UseJsonConfig(app);
  AddClientFlags(app, c);
  std::vector<const char*> argv{"fedq-client"};
  for (auto& a : args) argv.push_back(a.c_str());
  try {
    app.parse(static_cast<int>(argv.size()), argv.data());
  } catch (const CLI::ParseError& e) {
    return e.what();
  }
  return "";
}

TEST(ClientConfigTest, JsonKeysSetOptionsAndFlagsWin) {
  auto path = WriteJson(R"({"coordinator": "10.0.0.1:9000", "backoff_initial_ms": 50,
                            "backoff_jitter": 0.5, "threads": 3, "server_name": "coord"})");
  ClientConfig c;
  ASSERT_EQ(Parse({"--config", path.string(), "--threads", "2"}, c), "");
  EXPECT_EQ(c.coordinator, "10.0.0.1:9000");
  EXPECT_EQ(c.backoff.initial.count(), 50);
  EXPECT_DOUBLE_EQ(c.backoff.jitter, 0.5);
  EXPECT_EQ(c.threads, 2);
  EXPECT_EQ(c.server_name, "coord");
  std::filesystem::remove(path);
}

TEST(ClientConfigTest, UnknownKeyIsRefusedByName) {
  auto path = WriteJson(R"({"coordinatr": "x:1"})");
  ClientConfig c;
  std::string err = Parse({"--config", path.string()}, c);
  EXPECT_NE(err.find("coordinatr"), std::string::npos) << err;
  std::filesystem::remove(path);
}

TEST(ClientConfigTest, MalformedJsonIsRefused) {
  auto path = WriteJson("{not json");
  ClientConfig c;
  EXPECT_NE(Parse({"--config", path.string()}, c), "");
  std::filesystem::remove(path);
}

TEST(ClientConfigTest, ValidateNamesTheKey) {
  ClientConfig c;
  c.ca_cert = c.cert = c.key = "x";
  c.fmnist_partition = "3/3";
  Status s = ValidateClientConfig(c);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("fmnist_partition"), std::string::npos);
  c.fmnist_partition = "2/3";
  EXPECT_TRUE(ValidateClientConfig(c).ok());
  c.data_csv = "a.csv";
  EXPECT_FALSE(ValidateClientConfig(c).ok());  // two data sources
  c.data_csv.clear();
  c.coordinator = "nohost";
  EXPECT_NE(ValidateClientConfig(c).message().find("coordinator"), std::string::npos);
}

TEST(ClientConfigTest, SplitsHostPort) {
  std::string host;
  uint16_t port = 0;
  ASSERT_TRUE(SplitHostPort("[::1]:7443", "k", host, port).ok());
  EXPECT_EQ(host, "::1");
  EXPECT_EQ(port, 7443);
  EXPECT_FALSE(SplitHostPort("h:99999", "k", host, port).ok());
}

}  // namespace
}  // namespace fedq::client
