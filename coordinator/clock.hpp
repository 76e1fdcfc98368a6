// Clock: where the coordinator reads time, so that tests can drive deadlines
// with a FakeClock instead of sleeping. Now() is monotonic (deadlines);
// UnixMillis() is wall time (timestamps stored in the database).
// Implementations are thread-safe.
#pragma once

#include <chrono>
#include <cstdint>

namespace fedq::coordinator {

class Clock {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;
  virtual ~Clock() = default;
  virtual TimePoint Now() const = 0;
  virtual std::int64_t UnixMillis() const = 0;
};

// The real clocks of the machine.
class SystemClock final : public Clock {
 public:
  TimePoint Now() const override;
  std::int64_t UnixMillis() const override;
};

}  // namespace fedq::coordinator
