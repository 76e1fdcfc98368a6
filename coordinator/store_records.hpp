// Plain records that go into and come out of the Store: runs, rounds, client
// updates, registry entries and the resume point. Values only, safe to copy
// between threads. Times are Unix milliseconds from the injected Clock.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace fedq::coordinator {

struct NewRun {
  std::string name;
  std::string config_json;  // the full, validated config of the run
  std::string model_arch;   // e.g. "784-200-200-10"
  std::string strategy;     // the strategy's name(), checked again on resume
  std::int64_t created_at_ms = 0;
  std::vector<std::uint8_t> initial_model;  // stored as the model of round 0
};

struct RunInfo {
  std::int64_t id = 0;
  std::string name;
  std::string config_json;
  std::string model_arch;
  std::string strategy;
  std::int64_t created_at_ms = 0;
};

// What a round produced (committed) or why it failed.
struct RoundRecord {
  std::int64_t run_id = 0;
  std::int64_t round = 0;  // 1-based; round 0 is the initial model
  std::int64_t started_at_ms = 0;
  std::int64_t finished_at_ms = 0;
  std::int64_t participants = 0;  // clients selected
  std::optional<double> test_accuracy;
  std::optional<double> test_loss;
  std::int64_t bytes_up = 0;
  std::int64_t bytes_down = 0;
  std::string failure_reason;  // failed rounds only
};

// A round as read back, with its attempt number and status.
struct RoundRow {
  RoundRecord record;
  std::int64_t attempt = 1;
  std::string status;  // "committed" or "failed"
  std::int64_t updates_accepted = 0;
};

// One client's contribution to one round attempt.
struct UpdateRecord {
  std::int64_t client_id = 0;  // from Store::UpsertClient
  std::int64_t num_samples = 0;
  std::int64_t bytes = 0;
  std::string codec;
  std::optional<double> train_loss;
  std::int64_t duration_ms = 0;
  std::string outcome;  // "accepted", "rejected", "late", "disconnected"
  std::string reason;   // why not accepted; empty when accepted
};

struct ClientRecord {
  std::int64_t id = 0;
  std::string fingerprint;
  std::string name;
  std::int64_t first_seen_ms = 0;
  std::int64_t last_seen_ms = 0;
  std::int64_t rounds_participated = 0;
};

// Where a restarted coordinator continues: after `last_round`, from its model
// and the strategy state saved with it (empty when there is none).
struct ResumePoint {
  std::int64_t last_round = 0;
  std::vector<std::uint8_t> model;
  std::vector<std::uint8_t> strategy_state;
};

}  // namespace fedq::coordinator
