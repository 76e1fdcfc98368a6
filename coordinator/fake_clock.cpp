#include "coordinator/fake_clock.hpp"

#include <cassert>

namespace fedq::coordinator {

FakeClock::FakeClock(std::int64_t start_unix_millis) : start_unix_millis_(start_unix_millis) {}

Clock::TimePoint FakeClock::Now() const {
  return TimePoint(std::chrono::milliseconds(elapsed_ms_.load()));
}

std::int64_t FakeClock::UnixMillis() const { return start_unix_millis_ + elapsed_ms_.load(); }

void FakeClock::Advance(std::chrono::milliseconds d) {
  assert(d.count() >= 0);
  elapsed_ms_.fetch_add(d.count());
}

}  // namespace fedq::coordinator
