// A user's own data set from CSV text: one sample per line, the integer
// label first, then the features. Strict: a bad field is an error naming
// its line and column, and every row must have the same number of columns.
// Free functions, no shared state: thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "common/dataset.hpp"
#include "common/file_bytes.hpp"
#include "common/status.hpp"

namespace fedq {

inline constexpr int kCsvMaxClasses = 1 << 16;

struct CsvOptions {
  bool has_header = false;  // skip the first line
  char delimiter = ',';
  float feature_scale = 1.0f;  // each feature is multiplied by it (1/255 for 0..255 pixels)
  // 0: max label + 1. Otherwise labels must be below it (kCorrupt if not).
  int num_classes = 0;
  std::size_t max_bytes = kDefaultMaxFileBytes;  // file limit, and after gzip inflation
};

// Parses CSV text. Blank lines are skipped; "\r\n" line ends are accepted;
// spaces around a field are ignored. Labels are integers in
// [0, kCsvMaxClasses); features finite numbers. kCorrupt on any bad field,
// ragged row, or when there is no data row at all.
Result<Dataset> ParseCsv(std::string_view text, const CsvOptions& options);

// Reads `path` (plain or gzip) and parses it; errors carry the path.
Result<Dataset> LoadCsv(const std::string& path, const CsvOptions& options);

}  // namespace fedq
