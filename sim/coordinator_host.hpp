// CoordinatorHost: the real coordinator (coordinator::CoordinatorService:
// listener, sessions, round engine, store, optional HTTP status) running in
// this process on its own threads, for fedq-sim and the integration tests.
// Start returns once it listens; Wait blocks until the run ended or Stop was
// called. Stop is thread-safe and idempotent.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "common/status.hpp"
#include "coordinator/config.hpp"
#include "coordinator/coordinator_service.hpp"
#include "coordinator/round_engine.hpp"

namespace fedq::sim {

class CoordinatorHost {
 public:
  struct Options {
    coordinator::CoordinatorConfig config;
    // The first round starts only once this many clients are connected, so
    // that no selection, and so no result, depends on connection timing.
    int wait_for_clients = 0;
    coordinator::EngineObserver* observer = nullptr;  // may be null; must outlive the host
    std::size_t eval_limit = 0;  // evaluate on the first M test samples; 0: all
  };

  // Validates the config, then starts the service.
  static Result<std::unique_ptr<CoordinatorHost>> Start(Options options);
  ~CoordinatorHost();

  uint16_t port() const { return service_->port(); }
  // Ok when every round of the run is committed, or after Stop; the error
  // that ended the run otherwise. Idempotent.
  Status Wait();
  void Stop() { service_->Stop(); }

 private:
  explicit CoordinatorHost(std::unique_ptr<coordinator::CoordinatorService> service)
      : service_(std::move(service)) {}
  std::unique_ptr<coordinator::CoordinatorService> service_;
  bool waited_ = false;
  Status result_;
};

}  // namespace fedq::sim
