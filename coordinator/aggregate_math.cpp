#include "coordinator/aggregate_math.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>

namespace fedq::coordinator {
namespace {

Status CheckShape(Rows rows, std::size_t out_size) {
  if (rows.empty()) return InvalidArgument("aggregate: no rows");
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (rows[i].size() != out_size) {
      return InvalidArgument("aggregate: row " + std::to_string(i) + " has " +
                             std::to_string(rows[i].size()) + " values, expected " +
                             std::to_string(out_size));
    }
  }
  return Status::Ok();
}

void Column(Rows rows, std::size_t j, std::vector<float>& col) {
  col.resize(rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) col[i] = rows[i][j];
}

}  // namespace

Status WeightedMean(Rows rows, std::span<const double> weights, std::span<float> out) {
  FEDQ_RETURN_IF_ERROR(CheckShape(rows, out.size()));
  if (weights.size() != rows.size()) return InvalidArgument("aggregate: one weight per row");
  double total = std::accumulate(weights.begin(), weights.end(), 0.0);
  if (!(total > 0)) return InvalidArgument("aggregate: weights sum to zero");
  for (std::size_t j = 0; j < out.size(); ++j) {
    double sum = 0;
    for (std::size_t i = 0; i < rows.size(); ++i) sum += weights[i] * rows[i][j];
    out[j] = static_cast<float>(sum / total);
  }
  return Status::Ok();
}

Status CoordinateMedian(Rows rows, std::span<float> out) {
  FEDQ_RETURN_IF_ERROR(CheckShape(rows, out.size()));
  const std::size_t n = rows.size();
  std::vector<float> col;
  for (std::size_t j = 0; j < out.size(); ++j) {
    Column(rows, j, col);
    auto mid = col.begin() + static_cast<std::ptrdiff_t>(n / 2);
    std::nth_element(col.begin(), mid, col.end());
    double upper = *mid;
    if (n % 2 == 1) {
      out[j] = static_cast<float>(upper);
    } else {
      double lower = *std::max_element(col.begin(), mid);
      out[j] = static_cast<float>((lower + upper) / 2);
    }
  }
  return Status::Ok();
}

std::size_t TrimCount(std::size_t n, double beta) {
  return static_cast<std::size_t>(std::floor(beta * static_cast<double>(n)));
}

Status CoordinateTrimmedMean(Rows rows, std::size_t trim, std::span<float> out) {
  FEDQ_RETURN_IF_ERROR(CheckShape(rows, out.size()));
  const std::size_t n = rows.size();
  if (2 * trim >= n) {
    return InvalidArgument("trimmed mean: trimming " + std::to_string(trim) +
                           " at each end leaves nothing of " + std::to_string(n) + " updates");
  }
  std::vector<float> col;
  for (std::size_t j = 0; j < out.size(); ++j) {
    Column(rows, j, col);
    std::sort(col.begin(), col.end());
    double sum = 0;
    for (std::size_t i = trim; i < n - trim; ++i) sum += col[i];
    out[j] = static_cast<float>(sum / static_cast<double>(n - 2 * trim));
  }
  return Status::Ok();
}

double SquaredDistance(std::span<const float> a, std::span<const float> b) {
  double sum = 0;
  for (std::size_t j = 0; j < a.size(); ++j) {
    double d = static_cast<double>(a[j]) - b[j];
    sum += d * d;
  }
  return sum;
}

Result<std::vector<double>> KrumScores(Rows rows, std::size_t f) {
  const std::size_t n = rows.size();
  if (n < 2 * f + 3) {
    return InvalidArgument("krum: needs at least 2f+3 = " + std::to_string(2 * f + 3) +
                           " updates, got " + std::to_string(n));
  }
  if (n > 0) FEDQ_RETURN_IF_ERROR(CheckShape(rows, rows[0].size()));
  std::vector<double> dist(n * n, 0.0);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t k = i + 1; k < n; ++k) {
      dist[i * n + k] = dist[k * n + i] = SquaredDistance(rows[i], rows[k]);
    }
  }
  const std::size_t neighbours = n - f - 2;
  std::vector<double> scores(n);
  std::vector<double> others;
  for (std::size_t i = 0; i < n; ++i) {
    others.clear();
    for (std::size_t k = 0; k < n; ++k) {
      if (k != i) others.push_back(dist[i * n + k]);
    }
    std::sort(others.begin(), others.end());
    scores[i] = std::accumulate(others.begin(), others.begin() + neighbours, 0.0);
  }
  return scores;
}

std::vector<std::size_t> LowestScores(std::span<const double> scores, std::size_t m) {
  std::vector<std::size_t> idx(scores.size());
  std::iota(idx.begin(), idx.end(), 0);
  std::stable_sort(idx.begin(), idx.end(),
                   [&](std::size_t a, std::size_t b) { return scores[a] < scores[b]; });
  idx.resize(std::min(m, idx.size()));
  return idx;
}

Status MeanOfRows(Rows rows, std::span<const std::size_t> indices, std::span<float> out) {
  FEDQ_RETURN_IF_ERROR(CheckShape(rows, out.size()));
  if (indices.empty()) return InvalidArgument("aggregate: no rows selected");
  for (std::size_t j = 0; j < out.size(); ++j) {
    double sum = 0;
    for (std::size_t i : indices) sum += rows[i][j];
    out[j] = static_cast<float>(sum / static_cast<double>(indices.size()));
  }
  return Status::Ok();
}

bool AllFinite(std::span<const float> values) {
  return std::all_of(values.begin(), values.end(), [](float v) { return std::isfinite(v); });
}

}  // namespace fedq::coordinator
