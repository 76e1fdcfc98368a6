// MetricsRegistry: counters, gauges and histograms, optionally labelled,
// rendered in the Prometheus text exposition format (version 0.0.4).
// Series are created on first use and live as long as the registry, so the
// references it hands out stay valid. Thread-safe: updates are lock-free
// atomics (histograms take a small lock) and rendering may run concurrently.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace fedq::coordinator {

using Labels = std::vector<std::pair<std::string, std::string>>;

class Counter {
 public:
  // REQUIRES: v >= 0 (a counter only goes up).
  void Inc(double v = 1) { value_.fetch_add(v, std::memory_order_relaxed); }
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

class Gauge {
 public:
  void Set(double v) { value_.store(v, std::memory_order_relaxed); }
  void Add(double v) { value_.fetch_add(v, std::memory_order_relaxed); }
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

class Histogram {
 public:
  // REQUIRES: bounds sorted ascending; +Inf is implicit.
  explicit Histogram(std::vector<double> bounds);
  void Observe(double v);
  struct Snapshot {
    std::vector<double> bounds;
    std::vector<std::uint64_t> cumulative;  // per bound, then +Inf
    double sum = 0;
  };
  Snapshot Read() const;

 private:
  mutable std::mutex mu_;
  std::vector<double> bounds_;
  std::vector<std::uint64_t> counts_;  // per bucket, the last is +Inf
  double sum_ = 0;
};

class MetricsRegistry {
 public:
  // The series of `name` with `labels`, created on first use. REQUIRES: one
  // name is always used with one type and the same label names, and names
  // and label names follow Prometheus' grammar.
  Counter& GetCounter(std::string_view name, std::string_view help, const Labels& labels = {});
  Gauge& GetGauge(std::string_view name, std::string_view help, const Labels& labels = {});
  Histogram& GetHistogram(std::string_view name, std::string_view help, std::vector<double> bounds);

  // Declares a labelled family so that its HELP and TYPE appear before the
  // first series exists.
  void DeclareCounterFamily(std::string_view name, std::string_view help);

  std::string RenderPrometheus() const;

 private:
  enum class Type { kCounter, kGauge, kHistogram };
  struct Family {
    Type type;
    std::string help;
    std::map<Labels, std::unique_ptr<Counter>> counters;
    std::map<Labels, std::unique_ptr<Gauge>> gauges;
    std::unique_ptr<Histogram> histogram;
  };
  Family& FamilyOf(std::string_view name, std::string_view help, Type type);
  static void RenderFamily(const std::string& name, const Family& f, std::string& out);

  mutable std::mutex mu_;
  std::map<std::string, Family, std::less<>> families_;
};

}  // namespace fedq::coordinator
