// MakeStrategy: config -> strategy, refusing unknown names, out-of-range
// parameters and parameters the chosen strategy does not use.
#include <cmath>
#include <string>
#include <vector>

#include "coordinator/fed_adagrad.hpp"
#include "coordinator/fed_adam.hpp"
#include "coordinator/fed_avg.hpp"
#include "coordinator/fed_avg_m.hpp"
#include "coordinator/fed_median.hpp"
#include "coordinator/fed_yogi.hpp"
#include "coordinator/krum.hpp"
#include "coordinator/strategy.hpp"
#include "coordinator/trimmed_mean.hpp"

namespace fedq::coordinator {
namespace {

// Which optional parameters each strategy reads; anything else set is refused.
Status CheckOnlyUses(const StrategyConfig& c, const std::vector<std::string>& used) {
  auto is_used = [&](const char* p) {
    for (const auto& u : used) {
      if (u == p) return true;
    }
    return false;
  };
  const std::pair<const char*, bool> set[] = {{"server_lr", c.server_lr.has_value()},
                                              {"momentum", c.momentum.has_value()},
                                              {"beta1", c.beta1.has_value()},
                                              {"beta2", c.beta2.has_value()},
                                              {"tau", c.tau.has_value()},
                                              {"trim_beta", c.trim_beta.has_value()},
                                              {"krum_f", c.krum_f.has_value()},
                                              {"krum_m", c.krum_m.has_value()}};
  for (const auto& [param, present] : set) {
    if (present && !is_used(param)) {
      return InvalidArgument("strategy '" + c.name + "' takes no parameter '" + param + "'");
    }
  }
  return Status::Ok();
}

Status CheckRange(const char* param, double v, double lo, double hi, bool hi_open) {
  bool ok = std::isfinite(v) && v >= lo && (hi_open ? v < hi : v <= hi);
  if (!ok) {
    return InvalidArgument("strategy parameter '" + std::string(param) +
                           "' = " + std::to_string(v) + " is outside [" + std::to_string(lo) +
                           ", " + std::to_string(hi) + (hi_open ? ")" : "]"));
  }
  return Status::Ok();
}

Result<AdaptiveParams> Adaptive(const StrategyConfig& c, bool uses_beta2) {
  std::vector<std::string> used = {"server_lr", "beta1", "tau"};
  if (uses_beta2) used.push_back("beta2");
  FEDQ_RETURN_IF_ERROR(CheckOnlyUses(c, used));
  AdaptiveParams p;
  p.server_lr = c.server_lr.value_or(p.server_lr);
  p.beta1 = c.beta1.value_or(p.beta1);
  p.beta2 = c.beta2.value_or(p.beta2);
  p.tau = c.tau.value_or(p.tau);
  FEDQ_RETURN_IF_ERROR(CheckRange("server_lr", p.server_lr, 0, 1e6, false));
  FEDQ_RETURN_IF_ERROR(CheckRange("beta1", p.beta1, 0, 1, true));
  FEDQ_RETURN_IF_ERROR(CheckRange("beta2", p.beta2, 0, 1, true));
  FEDQ_RETURN_IF_ERROR(CheckRange("tau", p.tau, 1e-12, 1e6, false));
  return p;
}

Result<std::unique_ptr<Strategy>> MakeKrum(const StrategyConfig& c) {
  FEDQ_RETURN_IF_ERROR(CheckOnlyUses(c, {"krum_f", "krum_m"}));
  int f = c.krum_f.value_or(1);
  int m = c.krum_m.value_or(1);
  if (f < 0)
    return InvalidArgument("strategy parameter 'krum_f' must be >= 0, got " + std::to_string(f));
  if (m < 1)
    return InvalidArgument("strategy parameter 'krum_m' must be >= 1, got " + std::to_string(m));
  return std::unique_ptr<Strategy>(std::make_unique<Krum>(f, m));
}

}  // namespace

Result<std::unique_ptr<Strategy>> MakeStrategy(const StrategyConfig& c) {
  using Ptr = std::unique_ptr<Strategy>;
  if (c.name == "fedavg") {
    FEDQ_RETURN_IF_ERROR(CheckOnlyUses(c, {"server_lr"}));
    double lr = c.server_lr.value_or(1.0);
    FEDQ_RETURN_IF_ERROR(CheckRange("server_lr", lr, 0, 1e6, false));
    return Ptr(std::make_unique<FedAvg>(lr));
  }
  if (c.name == "fedavgm") {
    FEDQ_RETURN_IF_ERROR(CheckOnlyUses(c, {"server_lr", "momentum"}));
    double lr = c.server_lr.value_or(1.0);
    double mom = c.momentum.value_or(0.9);
    FEDQ_RETURN_IF_ERROR(CheckRange("server_lr", lr, 0, 1e6, false));
    FEDQ_RETURN_IF_ERROR(CheckRange("momentum", mom, 0, 1, true));
    return Ptr(std::make_unique<FedAvgM>(lr, mom));
  }
  if (c.name == "fedadam" || c.name == "fedyogi" || c.name == "fedadagrad") {
    FEDQ_ASSIGN_OR_RETURN(AdaptiveParams p, Adaptive(c, c.name != "fedadagrad"));
    if (c.name == "fedadam") return Ptr(std::make_unique<FedAdam>(p));
    if (c.name == "fedyogi") return Ptr(std::make_unique<FedYogi>(p));
    return Ptr(std::make_unique<FedAdagrad>(p));
  }
  if (c.name == "fedmedian") {
    FEDQ_RETURN_IF_ERROR(CheckOnlyUses(c, {}));
    return Ptr(std::make_unique<FedMedian>());
  }
  if (c.name == "trimmed_mean") {
    FEDQ_RETURN_IF_ERROR(CheckOnlyUses(c, {"trim_beta"}));
    double beta = c.trim_beta.value_or(0.1);
    FEDQ_RETURN_IF_ERROR(CheckRange("trim_beta", beta, 0, 0.5, true));
    return Ptr(std::make_unique<TrimmedMean>(beta));
  }
  if (c.name == "krum") return MakeKrum(c);
  return InvalidArgument("unknown strategy '" + c.name +
                         "' (fedavg, fedavgm, fedadam, fedyogi, fedadagrad, fedmedian, "
                         "trimmed_mean, krum)");
}

}  // namespace fedq::coordinator
