#include "coordinator/fed_median.hpp"

namespace fedq::coordinator {

Status FedMedian::Combine(Rows rows, std::span<float> out) const {
  return CoordinateMedian(rows, out);
}

}  // namespace fedq::coordinator
