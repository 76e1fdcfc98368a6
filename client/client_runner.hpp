// RunClient: fedq-client's whole life from a validated ClientConfig: load the
// local data, run one Agent on a single network thread with training on a
// small pool, stop cleanly on SIGINT/SIGTERM. Called once from main.
#pragma once

#include "client/client_config.hpp"
#include "common/status.hpp"

namespace fedq::client {

// Ok after a signal-initiated stop; the Agent's error otherwise.
Status RunClient(const ClientConfig& config);

}  // namespace fedq::client
