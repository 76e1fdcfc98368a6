#include "coordinator/http_server.hpp"

#include <gtest/gtest.h>

#include <utility>
//
#include <nlohmann/json.hpp>

#include "coordinator/coordinator_metrics.hpp"
#include "coordinator/dashboard_page.hpp"
#include "support/http_get.hpp"
#include "temp_dir.hpp"

namespace fedq::coordinator {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;

using Reply = fedq::testing::HttpReply;
using fedq::testing::HttpFetch;

Reply Get(std::uint16_t port, const std::string& target, const std::string& method = "GET") {
  return fedq::testing::HttpGet(port, target, method);
}

class HttpServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = Store::Open(dir_.File("status.db"));
    ASSERT_TRUE(store.ok());
    NewRun run{"demo",   R"({"pki":{"key":"/secret/coordinator.key"}})", "784-10", "fedavg", 5,
               {1, 2, 3}};
    run_ = *store->CreateRun(run);
    std::int64_t a = *store->UpsertClient("fp-aaaa", "edge-a", 10);
    *store->UpsertClient("fp-bbbb", "edge-<b>", 11);
    RoundRecord r{run_, 1, 100, 350, 2, 0.71, 0.9, 4096, 8192, ""};
    UpdateRecord u{a, 600, 4096, "int8", 0.5, 200, "accepted", ""};
    ASSERT_TRUE(store->CommitRound(r, {u}, std::vector<std::uint8_t>{4, 5, 6}, {}).ok());
    worker_ = std::make_unique<StoreWorker>(std::move(store).value());
    metrics_.RoundCompleted(1, 0.25, 0.71);
    metrics_.ClientsConnected(1);
    routes_ = std::make_unique<StatusRoutes>(*worker_, registry_,
                                             [] { return std::vector<std::string>{"fp-aaaa"}; });
    server_ = std::make_unique<HttpServer>(*routes_);
    ASSERT_TRUE(server_->Start().ok());
    ASSERT_NE(server_->port(), 0);
  }
  void TearDown() override {
    server_.reset();
    worker_.reset();
  }

  TempDir dir_;
  std::int64_t run_ = 0;
  MetricsRegistry registry_;
  CoordinatorMetrics metrics_{registry_};
  std::unique_ptr<StoreWorker> worker_;
  std::unique_ptr<StatusRoutes> routes_;
  std::unique_ptr<HttpServer> server_;
};

TEST_F(HttpServerTest, HealthzAnswersOk) {
  Reply r = Get(server_->port(), "/healthz");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "ok\n");
}

TEST_F(HttpServerTest, ApiReturnsWhatTheStoreHoldsAndNoSecrets) {
  Reply runs = Get(server_->port(), "/api/runs");
  ASSERT_EQ(runs.status, 200);
  EXPECT_NE(runs.headers.find("application/json"), std::string::npos);
  auto j = nlohmann::json::parse(runs.body);
  ASSERT_EQ(j.size(), 1u);
  EXPECT_EQ(j[0]["id"], run_);
  EXPECT_EQ(j[0]["strategy"], "fedavg");
  EXPECT_EQ(runs.body.find("secret"), std::string::npos);  // the config stays private

  Reply rounds = Get(server_->port(), "/api/rounds?run=" + std::to_string(run_));
  ASSERT_EQ(rounds.status, 200);
  auto jr = nlohmann::json::parse(rounds.body);
  ASSERT_EQ(jr.size(), 1u);
  EXPECT_EQ(jr[0]["round"], 1);
  EXPECT_EQ(jr[0]["status"], "committed");
  EXPECT_DOUBLE_EQ(jr[0]["test_accuracy"].get<double>(), 0.71);
  EXPECT_EQ(jr[0]["bytes_up"], 4096);
  EXPECT_EQ(jr[0]["updates_accepted"], 1);

  Reply clients = Get(server_->port(), "/api/clients");
  ASSERT_EQ(clients.status, 200);
  auto jc = nlohmann::json::parse(clients.body);
  ASSERT_EQ(jc.size(), 2u);
  EXPECT_EQ(jc[0]["name"], "edge-a");
  EXPECT_TRUE(jc[0]["connected"].get<bool>());
  EXPECT_EQ(jc[0]["rounds_participated"], 1);
  EXPECT_EQ(jc[1]["name"], "edge-<b>");
  EXPECT_FALSE(jc[1]["connected"].get<bool>());
}

TEST_F(HttpServerTest, RefusesBadRequests) {
  EXPECT_EQ(Get(server_->port(), "/api/rounds").status, 400);
  EXPECT_EQ(Get(server_->port(), "/api/rounds?run=1x").status, 400);
  EXPECT_EQ(Get(server_->port(), "/api/nothing").status, 404);
  EXPECT_EQ(Get(server_->port(), "/nothing").status, 404);
  EXPECT_EQ(Get(server_->port(), "/api/runs", "DELETE").status, 405);
  std::string huge(20000, 'a');
  Reply r = HttpFetch(server_->port(), "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Pad: " + huge +
                                           "\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(Get(server_->port(), "/healthz").status, 200);  // still serving
}

TEST_F(HttpServerTest, MetricsAndHeadAnswer) {
  Reply m = Get(server_->port(), "/metrics");
  ASSERT_EQ(m.status, 200);
  EXPECT_NE(m.headers.find("text/plain; version=0.0.4"), std::string::npos);
  EXPECT_NE(m.body.find("fedq_rounds_completed_total 1\n"), std::string::npos);
  EXPECT_NE(m.body.find("fedq_last_test_accuracy 0.71"), std::string::npos);
  Reply head = Get(server_->port(), "/healthz", "HEAD");
  EXPECT_EQ(head.status, 200);
  EXPECT_TRUE(head.body.empty());
  EXPECT_NE(head.headers.find("Content-Length: 3"), std::string::npos);
}

TEST_F(HttpServerTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  std::string two =
      "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
      "GET /api/runs HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  Reply r = HttpFetch(server_->port(), two);
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("\"strategy\":\"fedavg\""), std::string::npos);
}

TEST_F(HttpServerTest, DashboardLoadsOnlyFromApiAndMetrics) {
  Reply page = Get(server_->port(), "/");
  ASSERT_EQ(page.status, 200);
  EXPECT_NE(page.headers.find("text/html"), std::string::npos);
  const std::string& html = page.body;
  EXPECT_EQ(html, std::string(DashboardPage()));
  for (const char* banned : {"http:", "https:", "src=", "href=", "<link", "@import", "url("}) {
    EXPECT_EQ(html.find(banned), std::string::npos) << banned;
  }
  // Every path-like string literal the page uses points into /api or /metrics.
  int paths = 0;
  for (std::size_t i = 0; i + 1 < html.size(); ++i) {
    if ((html[i] != '"' && html[i] != '\'') || html[i + 1] != '/') continue;
    std::size_t end = html.find(html[i], i + 1);
    ASSERT_NE(end, std::string::npos);
    std::string path = html.substr(i + 1, end - i - 1);
    EXPECT_TRUE(path.starts_with("/api/") || path == "/metrics") << path;
    ++paths;
    i = end;
  }
  EXPECT_GE(paths, 4);  // runs, rounds, clients, metrics
  EXPECT_NE(html.find("\"/api/rounds?run=\""), std::string::npos);
  EXPECT_NE(html.find("setTimeout(refresh"), std::string::npos);
}

TEST_F(HttpServerTest, StopIsIdempotentAndClosesThePort) {
  std::uint16_t port = server_->port();
  server_->Stop();
  server_->Stop();
  asio::io_context ioc;
  tcp::socket socket(ioc);
  boost::system::error_code ec;
  socket.connect({asio::ip::make_address("127.0.0.1"), port}, ec);
  EXPECT_TRUE(ec);
}

TEST(HttpServerOptionsTest, RefusesBadAddress) {
  TempDir dir;
  StoreWorker worker(std::move(Store::Open(dir.File("a.db"))).value());
  MetricsRegistry registry;
  StatusRoutes routes(worker, registry);
  HttpServerOptions options;
  options.address = "not-an-address";
  HttpServer server(routes, options);
  Status s = server.Start();
  EXPECT_EQ(s.code(), ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace fedq::coordinator
