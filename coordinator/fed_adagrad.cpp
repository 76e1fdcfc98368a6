#include "coordinator/fed_adagrad.hpp"

namespace fedq::coordinator {

void FedAdagrad::UpdateSecondMoment(std::span<float> v, std::span<const float> d) const {
  for (std::size_t i = 0; i < v.size(); ++i) {
    v[i] = static_cast<float>(v[i] + static_cast<double>(d[i]) * d[i]);
  }
}

}  // namespace fedq::coordinator
