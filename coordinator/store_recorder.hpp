// StoreRecorder: the RoundRecorder that writes rounds through the
// StoreWorker, so the database is only touched on the store's thread. It
// turns the engine's RoundReport into the Store's records and serializes the
// model (common/model_file) on that thread too. Thread-safe; the StoreWorker
// must outlive it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "coordinator/round_recorder.hpp"
#include "coordinator/store_records.hpp"
#include "coordinator/store_worker.hpp"

namespace fedq::coordinator {

class StoreRecorder final : public RoundRecorder {
 public:
  StoreRecorder(StoreWorker& worker, int64_t run_id, std::vector<int> layers,
                std::string uplink_codec);

  void Commit(CommitRequest request, Done done) override;
  void RecordFailed(RoundReport report, Done done) override;

  // The Store's view of a report: its round row and one update row per
  // participant and per refused stray update.
  RoundRecord ToRoundRecord(const RoundReport& report) const;
  std::vector<UpdateRecord> ToUpdateRecords(const RoundReport& report) const;

 private:
  StoreWorker& worker_;
  int64_t run_id_;
  std::vector<int> layers_;
  std::string uplink_codec_;
};

}  // namespace fedq::coordinator
