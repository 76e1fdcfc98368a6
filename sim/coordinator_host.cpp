#include "sim/coordinator_host.hpp"

namespace fedq::sim {

Result<std::unique_ptr<CoordinatorHost>> CoordinatorHost::Start(Options options) {
  FEDQ_RETURN_IF_ERROR(coordinator::ValidateConfig(options.config).WithContext("coordinator"));
  coordinator::ServiceHooks hooks;
  if (options.wait_for_clients > 0) options.config.min_available_clients = options.wait_for_clients;
  hooks.eval_limit = options.eval_limit;
  if (coordinator::EngineObserver* observer = options.observer) {
    hooks.on_round_committed = [observer](const coordinator::RoundReport& r, double seconds) {
      observer->OnRoundCommitted(r, seconds);
    };
  }
  auto service = std::make_unique<coordinator::CoordinatorService>(std::move(options.config),
                                                                   std::move(hooks));
  FEDQ_RETURN_IF_ERROR(service->Start().WithContext("starting the coordinator"));
  return std::unique_ptr<CoordinatorHost>(new CoordinatorHost(std::move(service)));
}

Status CoordinatorHost::Wait() {
  if (!waited_) {
    result_ = service_->Wait();
    waited_ = true;
  }
  return result_;
}

CoordinatorHost::~CoordinatorHost() {
  service_->Stop();
  (void)Wait();
}

}  // namespace fedq::sim
