#include "coordinator/fed_adam.hpp"

namespace fedq::coordinator {

void FedAdam::UpdateSecondMoment(std::span<float> v, std::span<const float> d) const {
  const double b2 = params().beta2;
  for (std::size_t i = 0; i < v.size(); ++i) {
    double d2 = static_cast<double>(d[i]) * d[i];
    v[i] = static_cast<float>(b2 * v[i] + (1 - b2) * d2);
  }
}

}  // namespace fedq::coordinator
