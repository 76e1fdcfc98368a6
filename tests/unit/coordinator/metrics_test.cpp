#include "coordinator/metrics.hpp"

#include <gtest/gtest.h>

#include <thread>

#include "coordinator/coordinator_metrics.hpp"
#include "prometheus_text_parser.inc"

namespace fedq::coordinator {
namespace {

using testing::ParsePrometheusText;

double ValueOf(const testing::Exposition& e, const std::string& name,
               const std::map<std::string, std::string>& labels = {}) {
  for (const auto& s : e.samples) {
    if (s.name == name && s.labels == labels) return s.value;
  }
  ADD_FAILURE() << "no sample " << name;
  return NAN;
}

TEST(MetricsTest, CoordinatorMetricsRenderAsValidPrometheusText) {
  MetricsRegistry registry;
  CoordinatorMetrics m(registry);
  m.RoundStarted(3);
  m.ClientsConnected(7);
  m.UpdateAccepted();
  m.UpdateAccepted();
  m.UpdateRejected("decode");
  m.UpdateRejected("odd \"reason\"\\\n");  // escaping is exercised
  m.BytesReceived(123456789);
  m.BytesSent(42);
  m.RoundCompleted(3, 0.2, 0.8125);
  m.RoundFailed(4, 75);

  std::string text = registry.RenderPrometheus();
  auto parsed = ParsePrometheusText(text);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString() << "\n" << text;
  const auto& e = *parsed;
  EXPECT_EQ(e.types.at("fedq_rounds_completed_total"), "counter");
  EXPECT_EQ(e.types.at("fedq_round_duration_seconds"), "histogram");
  EXPECT_EQ(ValueOf(e, "fedq_current_round"), 4);
  EXPECT_EQ(ValueOf(e, "fedq_clients_connected"), 7);
  EXPECT_EQ(ValueOf(e, "fedq_updates_accepted_total"), 2);
  EXPECT_EQ(ValueOf(e, "fedq_updates_rejected_total", {{"reason", "decode"}}), 1);
  EXPECT_EQ(ValueOf(e, "fedq_updates_rejected_total", {{"reason", "odd \"reason\"\\\n"}}), 1);
  EXPECT_EQ(ValueOf(e, "fedq_bytes_received_total"), 123456789);
  EXPECT_EQ(ValueOf(e, "fedq_bytes_sent_total"), 42);
  EXPECT_EQ(ValueOf(e, "fedq_last_test_accuracy"), 0.8125);
  EXPECT_EQ(ValueOf(e, "fedq_round_duration_seconds_count"), 2);
  EXPECT_EQ(ValueOf(e, "fedq_round_duration_seconds_sum"), 75.2);
  EXPECT_EQ(ValueOf(e, "fedq_round_duration_seconds_bucket", {{"le", "0.25"}}), 1);
  EXPECT_EQ(ValueOf(e, "fedq_round_duration_seconds_bucket", {{"le", "60"}}), 1);
  EXPECT_EQ(ValueOf(e, "fedq_round_duration_seconds_bucket", {{"le", "+Inf"}}), 2);
  for (const auto& [name, type] : e.types) EXPECT_TRUE(name.starts_with("fedq_")) << name;
}

TEST(MetricsTest, EmptyLabelledFamilyStillDeclaresItsType) {
  MetricsRegistry registry;
  CoordinatorMetrics m(registry);
  auto parsed = ParsePrometheusText(registry.RenderPrometheus());
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->types.at("fedq_updates_rejected_total"), "counter");
}

TEST(MetricsTest, ParserRejectsMalformedExpositions) {
  EXPECT_FALSE(ParsePrometheusText("x 1").ok());                       // no final newline
  EXPECT_FALSE(ParsePrometheusText("1x 1\n").ok());                    // bad name
  EXPECT_FALSE(ParsePrometheusText("x{a=\"1} 1\n").ok());              // unclosed value
  EXPECT_FALSE(ParsePrometheusText("x{a=\"\\q\"} 1\n").ok());          // bad escape
  EXPECT_FALSE(ParsePrometheusText("x one\n").ok());                   // bad value
  EXPECT_FALSE(ParsePrometheusText("x 1\ny 1\nx{a=\"b\"} 2\n").ok());  // not contiguous
  EXPECT_FALSE(ParsePrometheusText("x 1\nx 2\n").ok());                // duplicate series
  EXPECT_FALSE(ParsePrometheusText("x 1\n# TYPE x counter\n").ok());   // TYPE after samples
  EXPECT_FALSE(ParsePrometheusText("# TYPE x countr\n").ok());
  EXPECT_FALSE(ParsePrometheusText("# TYPE h histogram\nh_bucket{le=\"1\"} 2\n"
                                   "h_bucket{le=\"+Inf\"} 1\nh_count 1\n")
                   .ok());  // not cumulative
  EXPECT_TRUE(ParsePrometheusText("# a comment\n# TYPE x gauge\nx{a=\"b\",} -Inf 1700\n").ok());
}

TEST(MetricsTest, ConcurrentUpdatesAreAllCounted) {
  MetricsRegistry registry;
  Counter& c = registry.GetCounter("fedq_test_total", "test");
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10000; ++i) c.Inc();
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(c.value(), 40000);
  EXPECT_EQ(&registry.GetCounter("fedq_test_total", "test"), &c);
}

}  // namespace
}  // namespace fedq::coordinator
