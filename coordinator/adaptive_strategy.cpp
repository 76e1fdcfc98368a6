#include "coordinator/adaptive_strategy.hpp"

#include <cmath>

#include "coordinator/state_bytes.hpp"

namespace fedq::coordinator {

std::vector<std::uint8_t> AdaptiveStrategy::SaveState() const {
  StateWriter w;
  WriteStateHeader(w, name());
  w.Floats(m_);
  w.Floats(v_);
  return w.Take();
}

Status AdaptiveStrategy::LoadState(std::span<const std::uint8_t> state) {
  StateReader r(state);
  FEDQ_RETURN_IF_ERROR(ReadStateHeader(r, name()));
  FEDQ_ASSIGN_OR_RETURN(std::vector<float> m, r.Floats());
  FEDQ_ASSIGN_OR_RETURN(std::vector<float> v, r.Floats());
  if (!r.AtEnd()) return Corrupt(std::string(name()) + " state: trailing bytes");
  if (m.size() != v.size()) return Corrupt(std::string(name()) + " state: moments differ in size");
  m_ = std::move(m);
  v_ = std::move(v);
  return Status::Ok();
}

Status AdaptiveStrategy::ApplyMean(std::span<const float> mean_delta, std::span<float> global) {
  if (m_.empty()) {
    m_.assign(global.size(), 0.0f);
    v_.assign(global.size(), static_cast<float>(params_.tau * params_.tau));
  }
  if (m_.size() != global.size()) {
    return FailedPrecondition(std::string(name()) + ": optimizer state has " +
                              std::to_string(m_.size()) + " values, model has " +
                              std::to_string(global.size()));
  }
  const double b1 = params_.beta1;
  for (std::size_t i = 0; i < m_.size(); ++i) {
    m_[i] = static_cast<float>(b1 * m_[i] + (1 - b1) * mean_delta[i]);
  }
  UpdateSecondMoment(v_, mean_delta);
  for (std::size_t i = 0; i < global.size(); ++i) {
    double step = params_.server_lr * m_[i] / (std::sqrt(static_cast<double>(v_[i])) + params_.tau);
    global[i] = static_cast<float>(global[i] + step);
  }
  return Status::Ok();
}

}  // namespace fedq::coordinator
