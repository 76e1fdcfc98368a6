#include "coordinator/coordinator_metrics.hpp"

#include <string>

namespace fedq::coordinator {
namespace {

constexpr const char* kRejected = "fedq_updates_rejected_total";
constexpr const char* kRejectedHelp = "Client updates refused, by reason.";

}  // namespace

CoordinatorMetrics::CoordinatorMetrics(MetricsRegistry& r)
    : registry_(r),
      rounds_completed_(r.GetCounter("fedq_rounds_completed_total", "Rounds committed.")),
      rounds_failed_(r.GetCounter("fedq_rounds_failed_total", "Rounds that missed their quorum.")),
      current_round_(r.GetGauge("fedq_current_round", "Round in progress (or last one run).")),
      clients_connected_(r.GetGauge("fedq_clients_connected", "Clients connected now.")),
      updates_accepted_(
          r.GetCounter("fedq_updates_accepted_total", "Client updates folded into a round.")),
      bytes_in_(r.GetCounter("fedq_bytes_received_total", "Bytes received from clients.")),
      bytes_out_(r.GetCounter("fedq_bytes_sent_total", "Bytes sent to clients.")),
      last_test_accuracy_(r.GetGauge("fedq_last_test_accuracy",
                                     "Test accuracy of the last committed global model.")),
      round_duration_(
          r.GetHistogram("fedq_round_duration_seconds", "Wall time of a round.",
                         {0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300})) {
  r.DeclareCounterFamily(kRejected, kRejectedHelp);
}

void CoordinatorMetrics::RoundCompleted(std::int64_t round, double duration_seconds,
                                        std::optional<double> test_accuracy) {
  rounds_completed_.Inc();
  current_round_.Set(static_cast<double>(round));
  round_duration_.Observe(duration_seconds);
  if (test_accuracy) last_test_accuracy_.Set(*test_accuracy);
}

void CoordinatorMetrics::RoundFailed(std::int64_t round, double duration_seconds) {
  rounds_failed_.Inc();
  current_round_.Set(static_cast<double>(round));
  round_duration_.Observe(duration_seconds);
}

void CoordinatorMetrics::UpdateRejected(std::string_view reason) {
  registry_.GetCounter(kRejected, kRejectedHelp, {{"reason", std::string(reason)}}).Inc();
}

}  // namespace fedq::coordinator
