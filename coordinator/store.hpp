// Store: the coordinator's SQLite database (runs, rounds, updates, models,
// client registry, server optimizer state). A round and everything it
// produced is committed in ONE transaction; resume reads back the last
// committed round. Not thread-safe: owned and used by one thread, the
// StoreWorker's; network threads never call it.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "common/status.hpp"
#include "coordinator/sqlite/database.hpp"
#include "coordinator/store_records.hpp"

namespace fedq::coordinator {

// Which global models survive: the last `keep_last` and every round that is
// a multiple of `keep_every` (0: none of those). Round 0, the initial model,
// is always kept.
struct ModelRetention {
  int keep_last = 5;
  int keep_every = 10;
};

struct StoreOptions {
  ModelRetention retention;
  int busy_timeout_ms = 5000;
};

class Store {
 public:
  // Opens or creates the database at `path` and migrates it to the current
  // schema.
  static Result<Store> Open(const std::string& path, const StoreOptions& options = {});

  Result<std::int64_t> CreateRun(const NewRun& run);
  Result<RunInfo> LoadRun(std::int64_t run_id);
  // The most recently created run; NotFound on an empty database.
  Result<RunInfo> LatestRun();
  Result<std::vector<RunInfo>> ListRuns();

  // Registers a client by certificate fingerprint or refreshes its name and
  // last-seen time; returns its id.
  Result<std::int64_t> UpsertClient(std::string_view fingerprint, std::string_view name,
                                    std::int64_t seen_at_ms);
  Result<std::vector<ClientRecord>> ListClients();

  // In ONE transaction: the round row, its updates, the new global model,
  // the strategy state, the registry's participation counts and model
  // retention. REQUIRES: record.round == last committed round + 1.
  // On any failure nothing of the round is stored.
  Status CommitRound(const RoundRecord& record, const std::vector<UpdateRecord>& updates,
                     std::span<const std::uint8_t> model,
                     std::span<const std::uint8_t> strategy_state);
  // A round that missed its quorum: stored as a failed attempt with the
  // updates it saw; the global model is unchanged.
  Status RecordFailedRound(const RoundRecord& record, const std::vector<UpdateRecord>& updates);

  Result<ResumePoint> LoadResumePoint(std::int64_t run_id);
  Result<std::int64_t> LastCommittedRound(std::int64_t run_id);
  Result<std::vector<RoundRow>> ListRounds(std::int64_t run_id);
  Result<std::vector<UpdateRecord>> ListUpdates(std::int64_t run_id, std::int64_t round);
  Result<std::vector<std::uint8_t>> LoadModel(std::int64_t run_id, std::int64_t round);
  Result<std::vector<std::int64_t>> StoredModelRounds(std::int64_t run_id);

  // "ok" when PRAGMA integrity_check finds nothing wrong, else its report.
  Result<std::string> IntegrityCheck();

 private:
  Store(sqlite::Database db, const StoreOptions& options) : db_(std::move(db)), options_(options) {}

  Result<std::int64_t> InsertRound(const RoundRecord& record, std::string_view status);
  Status InsertUpdates(std::int64_t round_row_id, const std::vector<UpdateRecord>& updates);
  Status SaveModelAndState(const RoundRecord& record, std::span<const std::uint8_t> model,
                           std::span<const std::uint8_t> strategy_state);
  Status ApplyRetention(std::int64_t run_id, std::int64_t round);

  sqlite::Database db_;
  StoreOptions options_;
};

}  // namespace fedq::coordinator
