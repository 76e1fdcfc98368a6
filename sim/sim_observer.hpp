// SimObserver: the simulation's view of the round engine's events: a
// progress bar on a terminal (round, accuracy, bytes) and byte counters. The
// engine calls it from its strand only; the counters are atomic, so other
// threads may read them.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>

#include "common/progress_bar.hpp"
#include "coordinator/round_engine.hpp"

namespace fedq::sim {

class SimObserver : public coordinator::EngineObserver {
 public:
  SimObserver(int64_t first_round, int64_t last_round, bool progress);

  void OnRoundCommitted(const coordinator::RoundReport& record, double seconds) override;
  void OnRoundFailed(const coordinator::RoundReport& record) override;
  void Finish();

  std::atomic<uint64_t> uplink_bytes{0};
  std::atomic<uint64_t> downlink_bytes{0};
  std::atomic<int64_t> rounds_committed{0};

 private:
  std::mutex mutex_;  // the bar: Finish may come from another thread
  std::unique_ptr<ProgressBar> bar_;
  int64_t first_round_;
  double last_accuracy_ = -1;
};

}  // namespace fedq::sim
