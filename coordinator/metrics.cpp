#include "coordinator/metrics.hpp"

#include <algorithm>
#include <cassert>
#include <charconv>
#include <cmath>

namespace fedq::coordinator {
namespace {

std::string FormatValue(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  // The shortest text that reads back as the same double: "0.71", not
  // "0.70999999999999996".
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return ec == std::errc() ? std::string(buf, end) : "NaN";
}

// HELP text escapes backslash and newline; label values also the quote.
std::string Escape(std::string_view s, bool quote) {
  std::string out;
  for (char c : s) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (quote && c == '"') {
      out += "\\\"";
    } else {
      out += c;
    }
  }
  return out;
}

std::string LabelText(const Labels& labels, const std::string& extra = {}) {
  if (labels.empty() && extra.empty()) return "";
  std::string out = "{";
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (i > 0) out += ",";
    out += labels[i].first + "=\"" + Escape(labels[i].second, true) + "\"";
  }
  if (!extra.empty()) out += (labels.empty() ? "" : ",") + extra;
  return out + "}";
}

const char* TypeName(int t) {
  static const char* kNames[] = {"counter", "gauge", "histogram"};
  return kNames[t];
}

}  // namespace

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)), counts_(bounds_.size() + 1, 0) {
  assert(std::is_sorted(bounds_.begin(), bounds_.end()));
}

void Histogram::Observe(double v) {
  auto it = std::lower_bound(bounds_.begin(), bounds_.end(), v);  // le: v <= bound
  std::lock_guard lock(mu_);
  ++counts_[static_cast<std::size_t>(it - bounds_.begin())];
  sum_ += v;
}

Histogram::Snapshot Histogram::Read() const {
  std::lock_guard lock(mu_);
  Snapshot s{bounds_, {}, sum_};
  std::uint64_t running = 0;
  for (std::uint64_t c : counts_) s.cumulative.push_back(running += c);
  return s;
}

MetricsRegistry::Family& MetricsRegistry::FamilyOf(std::string_view name, std::string_view help,
                                                   Type type) {
  auto it = families_.find(name);
  if (it == families_.end()) {
    it = families_.emplace(std::string(name), Family{type, std::string(help), {}, {}, {}}).first;
  }
  assert(it->second.type == type && "metric name reused with another type");
  return it->second;
}

Counter& MetricsRegistry::GetCounter(std::string_view name, std::string_view help,
                                     const Labels& labels) {
  std::lock_guard lock(mu_);
  auto& slot = FamilyOf(name, help, Type::kCounter).counters[labels];
  if (!slot) slot = std::make_unique<Counter>();
  return *slot;
}

Gauge& MetricsRegistry::GetGauge(std::string_view name, std::string_view help,
                                 const Labels& labels) {
  std::lock_guard lock(mu_);
  auto& slot = FamilyOf(name, help, Type::kGauge).gauges[labels];
  if (!slot) slot = std::make_unique<Gauge>();
  return *slot;
}

Histogram& MetricsRegistry::GetHistogram(std::string_view name, std::string_view help,
                                         std::vector<double> bounds) {
  std::lock_guard lock(mu_);
  Family& f = FamilyOf(name, help, Type::kHistogram);
  if (!f.histogram) f.histogram = std::make_unique<Histogram>(std::move(bounds));
  return *f.histogram;
}

void MetricsRegistry::DeclareCounterFamily(std::string_view name, std::string_view help) {
  std::lock_guard lock(mu_);
  FamilyOf(name, help, Type::kCounter);
}

void MetricsRegistry::RenderFamily(const std::string& name, const Family& f, std::string& out) {
  out += "# HELP " + name + " " + Escape(f.help, false) + "\n";
  out += "# TYPE " + name + " " + TypeName(static_cast<int>(f.type)) + "\n";
  for (const auto& [labels, c] : f.counters) {
    out += name + LabelText(labels) + " " + FormatValue(c->value()) + "\n";
  }
  for (const auto& [labels, g] : f.gauges) {
    out += name + LabelText(labels) + " " + FormatValue(g->value()) + "\n";
  }
  if (f.histogram) {
    Histogram::Snapshot s = f.histogram->Read();
    for (std::size_t i = 0; i <= s.bounds.size(); ++i) {
      std::string le = i < s.bounds.size() ? FormatValue(s.bounds[i]) : "+Inf";
      out += name + "_bucket" + LabelText({}, "le=\"" + le + "\"") + " " +
             FormatValue(static_cast<double>(s.cumulative[i])) + "\n";
    }
    out += name + "_sum " + FormatValue(s.sum) + "\n";
    out += name + "_count " + FormatValue(static_cast<double>(s.cumulative.back())) + "\n";
  }
}

std::string MetricsRegistry::RenderPrometheus() const {
  std::lock_guard lock(mu_);
  std::string out;
  for (const auto& [name, family] : families_) RenderFamily(name, family, out);
  return out;
}

}  // namespace fedq::coordinator
