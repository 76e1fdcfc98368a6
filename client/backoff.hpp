// Reconnection delays: exponential backoff with seeded jitter, so that a
// thousand devices that lost the coordinator at once do not return at once,
// and a simulation with a fixed seed waits the same way every time.
// A plain value; not synchronized (one per agent).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <random>

#include "common/status.hpp"

namespace fedq::client {

struct BackoffConfig {
  std::chrono::milliseconds initial{500};  // first delay
  std::chrono::milliseconds max{30000};    // delays never grow beyond this
  double multiplier = 2.0;                 // growth per failed attempt
  double jitter = 0.2;                     // each delay drawn in [d(1-jitter), d(1+jitter)]
  int max_attempts = 0;                    // failed attempts in a row before giving up; 0: forever

  Status Validate() const;
};

class Backoff {
 public:
  Backoff(BackoffConfig config, uint64_t seed);

  // The delay before the next attempt, or nothing when max_attempts failed
  // attempts in a row have been used up.
  std::optional<std::chrono::milliseconds> NextDelay();
  // After a successful connection: the next failure starts from `initial`.
  void Reset() { failures_ = 0; }
  int failures() const { return failures_; }

 private:
  BackoffConfig config_;
  std::mt19937_64 rng_;
  int failures_ = 0;
};

}  // namespace fedq::client
