#include "coordinator/fed_yogi.hpp"

namespace fedq::coordinator {

void FedYogi::UpdateSecondMoment(std::span<float> v, std::span<const float> d) const {
  const double b2 = params().beta2;
  for (std::size_t i = 0; i < v.size(); ++i) {
    double d2 = static_cast<double>(d[i]) * d[i];
    double diff = v[i] - d2;
    double sign = (diff > 0) - (diff < 0);
    v[i] = static_cast<float>(v[i] - (1 - b2) * d2 * sign);
  }
}

}  // namespace fedq::coordinator
