#include "coordinator/trimmed_mean.hpp"

namespace fedq::coordinator {

Status TrimmedMean::Combine(Rows rows, std::span<float> out) const {
  return CoordinateTrimmedMean(rows, TrimCount(rows.size(), beta_), out);
}

}  // namespace fedq::coordinator
