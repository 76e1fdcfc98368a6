#include "coordinator/krum.hpp"

#include <algorithm>

namespace fedq::coordinator {

Status Krum::Combine(Rows rows, std::span<float> out) const {
  FEDQ_ASSIGN_OR_RETURN(std::vector<double> scores, KrumScores(rows, f_));
  std::vector<std::size_t> best = LowestScores(scores, std::min(m_, rows.size() - f_));
  return MeanOfRows(rows, best, out);
}

}  // namespace fedq::coordinator
