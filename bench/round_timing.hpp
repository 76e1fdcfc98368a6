// When a benchmark round ended, in wall time and in the process's CPU time
// (every thread: the server and its in-process clients), so that rates are
// taken over the timed rounds only, not over start-up and handshakes.
#pragma once

#include <pthread.h>
#include <sys/resource.h>

#include <chrono>
#include <ctime>
#include <thread>
#include <vector>

namespace fedq::bench {

inline double ProcessCpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) { return t.tv_sec + t.tv_usec / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

// Adds the clock of `thread`'s CPU time to `clocks` (nothing if it has none).
inline void AddCpuClockOf(std::thread& thread, std::vector<clockid_t>& clocks) {
  clockid_t clock{};
  if (pthread_getcpuclockid(thread.native_handle(), &clock) == 0) clocks.push_back(clock);
}

inline double CpuSecondsOf(const std::vector<clockid_t>& clocks) {
  double total = 0;
  for (clockid_t clock : clocks) {
    timespec used{};
    if (clock_gettime(clock, &used) == 0) {
      total += static_cast<double>(used.tv_sec) + static_cast<double>(used.tv_nsec) / 1e9;
    }
  }
  return total;
}

struct RoundEnd {
  std::chrono::steady_clock::time_point at;
  double process_cpu_seconds = 0;
  double client_cpu_seconds = 0;  // the part of it spent by the in-process clients

  static RoundEnd Now(double client_cpu_seconds) {
    return {std::chrono::steady_clock::now(), ProcessCpuSeconds(), client_cpu_seconds};
  }
};

}  // namespace fedq::bench
