// FakeClock: a Clock that moves only when a test calls Advance(). Both the
// monotonic and the wall reading move together. Thread-safe: a test thread
// may advance it while coordinator threads read it.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

#include "coordinator/clock.hpp"

namespace fedq::coordinator {

class FakeClock final : public Clock {
 public:
  // Starts at an arbitrary fixed instant so that stored timestamps are
  // deterministic from run to run.
  explicit FakeClock(std::int64_t start_unix_millis = 1'700'000'000'000);

  TimePoint Now() const override;
  std::int64_t UnixMillis() const override;

  // REQUIRES: d >= 0 (a clock that goes back would break deadline logic).
  void Advance(std::chrono::milliseconds d);

 private:
  std::int64_t start_unix_millis_;
  std::atomic<std::int64_t> elapsed_ms_{0};
};

}  // namespace fedq::coordinator
