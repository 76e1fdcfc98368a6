// The client's persistent state: the error-feedback residual of the run it
// takes part in, so that a restarted device does not lose what it has not
// sent yet. One small binary file (little-endian, CRC-32 checked), replaced
// atomically (temporary file, fsync, rename). Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "common/status.hpp"

namespace fedq::client {

struct ClientState {
  std::string run_id;      // the residual belongs to this run only
  std::string codec_spec;  // and to this uplink pipeline
  int64_t last_round = -1;
  std::vector<uint8_t> residual;  // the codec's serialized ErrorFeedback after last_round
  // ... and before it: a round that is run again (failed attempt, coordinator
  // restarted before committing it) restarts from this one.
  std::vector<uint8_t> previous_residual;
};

std::vector<uint8_t> EncodeState(const ClientState& state);
Result<ClientState> DecodeState(const std::vector<uint8_t>& bytes);

// Writes `bytes` to `path` with mode 0600 so that a reader sees the old file
// or the new one, never a torn one.
Status WriteFileAtomically(const std::filesystem::path& path, const std::vector<uint8_t>& bytes);

Status SaveState(const std::filesystem::path& path, const ClientState& state);
// Nothing (not an error) when the file does not exist; Corrupt when it does
// and does not parse.
Result<std::optional<ClientState>> LoadState(const std::filesystem::path& path);

}  // namespace fedq::client
