#include "coordinator/clock.hpp"

namespace fedq::coordinator {

Clock::TimePoint SystemClock::Now() const { return std::chrono::steady_clock::now(); }

std::int64_t SystemClock::UnixMillis() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace fedq::coordinator
