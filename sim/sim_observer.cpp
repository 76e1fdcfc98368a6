#include "sim/sim_observer.hpp"

#include <cstdio>
#include <string>

namespace fedq::sim {
namespace {

std::string HumanBytes(uint64_t b) {
  const char* units[] = {"B", "kB", "MB", "GB", "TB"};
  double v = static_cast<double>(b);
  int i = 0;
  while (v >= 1000 && i < 4) {
    v /= 1000;
    ++i;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f %s", v, units[i]);
  return buf;
}

}  // namespace

SimObserver::SimObserver(int64_t first_round, int64_t last_round, bool progress)
    : first_round_(first_round) {
  const auto total = static_cast<std::size_t>(std::max<int64_t>(last_round - first_round + 1, 0));
  // The bar goes to stderr so that --json's stdout stays one clean line,
  // but only when stdout is a terminal, as every fedq program does.
  bar_ = std::make_unique<ProgressBar>("rounds", total, stderr, progress);
}

void SimObserver::OnRoundCommitted(const coordinator::RoundReport& record, double) {
  uplink_bytes += record.bytes_up;
  downlink_bytes += record.bytes_down;
  ++rounds_committed;
  std::lock_guard<std::mutex> lock(mutex_);
  if (record.test_accuracy) last_accuracy_ = *record.test_accuracy;
  char suffix[160];
  std::snprintf(suffix, sizeof suffix, "round %lld acc %s up %s down %s",
                static_cast<long long>(record.round),
                last_accuracy_ >= 0 ? std::to_string(last_accuracy_).substr(0, 6).c_str() : "-",
                HumanBytes(uplink_bytes).c_str(), HumanBytes(downlink_bytes).c_str());
  bar_->Update(static_cast<std::size_t>(record.round - first_round_ + 1), suffix);
}

void SimObserver::OnRoundFailed(const coordinator::RoundReport& record) {
  uplink_bytes += record.bytes_up;
  downlink_bytes += record.bytes_down;
}

void SimObserver::Finish() {
  std::lock_guard<std::mutex> lock(mutex_);
  bar_->Finish();
}

}  // namespace fedq::sim
