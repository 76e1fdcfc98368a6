#include "sim/store_report.hpp"

#include <cmath>

#include "coordinator/store.hpp"

namespace fedq::sim {

Result<StoredRun> LoadStoredRun(const std::string& db_path) {
  FEDQ_ASSIGN_OR_RETURN(coordinator::Store store, coordinator::Store::Open(db_path));
  FEDQ_ASSIGN_OR_RETURN(coordinator::RunInfo run, store.LatestRun());
  FEDQ_ASSIGN_OR_RETURN(std::vector<coordinator::RoundRow> rows, store.ListRounds(run.id));
  StoredRun out;
  out.name = run.name;
  for (const coordinator::RoundRow& row : rows) {
    if (row.status != "committed") continue;
    const coordinator::RoundRecord& r = row.record;
    RoundRecord rec;
    rec.round = r.round;
    rec.test_accuracy = r.test_accuracy.value_or(std::nan(""));
    rec.test_loss = r.test_loss.value_or(std::nan(""));
    rec.uplink_bytes = static_cast<uint64_t>(r.bytes_up);
    rec.downlink_bytes = static_cast<uint64_t>(r.bytes_down);
    rec.participants = static_cast<int>(row.updates_accepted);
    rec.duration_seconds = static_cast<double>(r.finished_at_ms - r.started_at_ms) / 1000.0;
    FEDQ_ASSIGN_OR_RETURN(std::vector<coordinator::UpdateRecord> updates,
                          store.ListUpdates(run.id, r.round));
    double loss_sum = 0, weight = 0;
    for (const auto& u : updates) {
      if (u.outcome != "accepted" || !u.train_loss) continue;
      loss_sum += *u.train_loss * static_cast<double>(u.num_samples);
      weight += static_cast<double>(u.num_samples);
    }
    rec.train_loss = weight > 0 ? loss_sum / weight : std::nan("");
    out.rounds.push_back(rec);
  }
  return out;
}

}  // namespace fedq::sim
