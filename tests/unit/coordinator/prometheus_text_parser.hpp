// A small checker of the Prometheus text exposition format (0.0.4), for
// tests: grammar of HELP/TYPE/sample lines, names, label escaping, values,
// one TYPE per family before its samples, families contiguous, no duplicate
// series, histograms with cumulative buckets ending in +Inf == _count.
// Pure function; thread-safe.
#pragma once

#include <map>
#include <string>

#include "common/status.hpp"

namespace fedq::coordinator::testing {

struct Sample {
  std::string name;
  std::map<std::string, std::string> labels;
  double value = 0;
};

struct Exposition {
  std::map<std::string, std::string> types;  // family -> type
  std::vector<Sample> samples;
};

Result<Exposition> ParsePrometheusText(const std::string& text);

}  // namespace fedq::coordinator::testing
