// CoordinatorMetrics: the fedq_ metrics the coordinator exports on /metrics,
// registered once in a MetricsRegistry and fed by the round engine and the
// sessions. Thread-safe (the registry's series are).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "coordinator/metrics.hpp"

namespace fedq::coordinator {

class CoordinatorMetrics {
 public:
  explicit CoordinatorMetrics(MetricsRegistry& registry);

  void RoundCompleted(std::int64_t round, double duration_seconds,
                      std::optional<double> test_accuracy);
  void RoundFailed(std::int64_t round, double duration_seconds);
  void RoundStarted(std::int64_t round) { current_round_.Set(static_cast<double>(round)); }
  void ClientsConnected(std::size_t n) { clients_connected_.Set(static_cast<double>(n)); }
  void UpdateAccepted() { updates_accepted_.Inc(); }
  // `reason` is a short fixed token ("decode", "dimension", "late", ...),
  // never free text, so that the label set stays small.
  void UpdateRejected(std::string_view reason);
  void BytesReceived(std::uint64_t n) { bytes_in_.Inc(static_cast<double>(n)); }
  void BytesSent(std::uint64_t n) { bytes_out_.Inc(static_cast<double>(n)); }

 private:
  MetricsRegistry& registry_;
  Counter& rounds_completed_;
  Counter& rounds_failed_;
  Gauge& current_round_;
  Gauge& clients_connected_;
  Counter& updates_accepted_;
  Counter& bytes_in_;
  Counter& bytes_out_;
  Gauge& last_test_accuracy_;
  Histogram& round_duration_;
};

}  // namespace fedq::coordinator
