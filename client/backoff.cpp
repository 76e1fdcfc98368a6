#include "client/backoff.hpp"

#include <algorithm>
#include <cmath>

namespace fedq::client {

Status BackoffConfig::Validate() const {
  if (initial.count() <= 0) return InvalidArgument("backoff_initial_ms must be > 0");
  if (max < initial) return InvalidArgument("backoff_max_ms must be >= backoff_initial_ms");
  if (!(multiplier >= 1.0)) return InvalidArgument("backoff_multiplier must be >= 1");
  if (!(jitter >= 0.0 && jitter < 1.0)) return InvalidArgument("backoff_jitter must be in [0, 1)");
  if (max_attempts < 0) return InvalidArgument("max_reconnects must be >= 0 (0: forever)");
  return Status::Ok();
}

Backoff::Backoff(BackoffConfig config, uint64_t seed) : config_(config), rng_(seed) {}

std::optional<std::chrono::milliseconds> Backoff::NextDelay() {
  if (config_.max_attempts > 0 && failures_ >= config_.max_attempts) return std::nullopt;
  const double base = static_cast<double>(config_.initial.count()) *
                      std::pow(config_.multiplier, std::min(failures_, 64));
  const double capped = std::min(base, static_cast<double>(config_.max.count()));
  std::uniform_real_distribution<double> unit(-config_.jitter, config_.jitter);
  const double jittered = capped * (1.0 + unit(rng_));
  ++failures_;
  return std::chrono::milliseconds(std::max<int64_t>(1, std::llround(jittered)));
}

}  // namespace fedq::client
