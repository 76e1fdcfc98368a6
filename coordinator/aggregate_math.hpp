// Aggregation arithmetic: pure functions on spans, no state, no I/O. The
// strategies (policy) call these; tests check them on tiny literal arrays.
// Every function is deterministic for a given order of rows; strategies pass
// rows sorted by client id. Thread-safe (no shared state).
#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "common/status.hpp"

namespace fedq::coordinator {

using Rows = std::span<const std::span<const float>>;

// REQUIRES (all below): rows non-empty, every row and `out` of equal length.

// out[j] = sum_i w_i * rows[i][j] / sum_i w_i, accumulated in double.
Status WeightedMean(Rows rows, std::span<const double> weights, std::span<float> out);

// out[j] = median of rows[.][j]; with an even count, the mean of the two
// middle values (so ties and duplicates give the tied value exactly).
Status CoordinateMedian(Rows rows, std::span<float> out);

// out[j] = mean of rows[.][j] after dropping the `trim` smallest and the
// `trim` largest values of the coordinate. REQUIRES: 2 * trim < rows.size().
Status CoordinateTrimmedMean(Rows rows, std::size_t trim, std::span<float> out);

// Number of values trimmed at each end for a fraction beta of n updates.
std::size_t TrimCount(std::size_t n, double beta);

// Squared L2 distance, accumulated in double.
double SquaredDistance(std::span<const float> a, std::span<const float> b);

// Krum scores (Blanchard et al. 2017): for each row, the sum of squared
// distances to its n - f - 2 nearest other rows. REQUIRES: n >= 2f + 3.
Result<std::vector<double>> KrumScores(Rows rows, std::size_t f);

// Indices of the m lowest scores; ties go to the lower index.
std::vector<std::size_t> LowestScores(std::span<const double> scores, std::size_t m);

// out = unweighted mean of rows[indices].
Status MeanOfRows(Rows rows, std::span<const std::size_t> indices, std::span<float> out);

// true iff every value is finite.
bool AllFinite(std::span<const float> values);

}  // namespace fedq::coordinator
