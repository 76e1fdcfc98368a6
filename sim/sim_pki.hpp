// The simulation's ephemeral PKI: a CA, the coordinator's certificate for
// 127.0.0.1 and one client certificate per simulated device, made with
// protocol's PkiDirectory inside a private temporary directory that is
// removed when the SimPki dies. Not thread-safe (built once, then read).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "common/status.hpp"
#include "sim/temp_dir.hpp"

namespace fedq::sim {

struct SimPki {
  TempDir dir;
  std::filesystem::path ca_cert;
  std::filesystem::path server_cert;
  std::filesystem::path server_key;
  std::vector<std::string> client_names;  // zero-padded: they sort in index order
  std::vector<std::filesystem::path> client_certs;
  std::vector<std::filesystem::path> client_keys;
};

// "sim-client-007" for index 7 of 100 clients.
std::string SimClientName(int index, int clients);

Result<SimPki> MakeSimPki(int clients);

}  // namespace fedq::sim
