#include "common/csv_loader.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <vector>

namespace fedq {
namespace {

std::string_view Trim(std::string_view s) {
  const auto not_space = [](char c) { return c != ' ' && c != '\t' && c != '\r'; };
  const auto first = std::find_if(s.begin(), s.end(), not_space);
  const auto last = std::find_if(s.rbegin(), s.rend(), not_space).base();
  return first < last ? std::string_view(&*first, static_cast<std::size_t>(last - first))
                      : std::string_view();
}

Status FieldError(std::size_t line, std::size_t column, std::string_view field, const char* what) {
  return Corrupt("line " + std::to_string(line) + ", column " + std::to_string(column) + ": \"" +
                 std::string(field) + "\" " + what);
}

template <typename T>
bool ParseWhole(std::string_view s, T& out) {
  const char* end = s.data() + s.size();
  auto [ptr, ec] = std::from_chars(s.data(), end, out);
  return !s.empty() && ec == std::errc() && ptr == end;
}

// Accumulates rows; the first data row fixes the column count.
struct CsvRows {
  std::vector<float> features;
  std::vector<int32_t> labels;
  std::size_t columns = 0;
};

Status ParseRow(std::string_view row, std::size_t line, const CsvOptions& options, CsvRows& out) {
  std::size_t column = 0;
  std::size_t start = 0;
  for (;;) {
    const std::size_t end = std::min(row.find(options.delimiter, start), row.size());
    const std::string_view field = Trim(row.substr(start, end - start));
    ++column;
    if (column == 1) {
      int32_t label = 0;
      if (!ParseWhole(field, label) || label < 0 || label >= kCsvMaxClasses) {
        return FieldError(line, column, field, "is not a label in [0, 65536)");
      }
      out.labels.push_back(label);
    } else {
      float value = 0.0f;
      if (!ParseWhole(field, value) || !std::isfinite(value)) {
        return FieldError(line, column, field, "is not a finite number");
      }
      out.features.push_back(value * options.feature_scale);
    }
    if (end == row.size()) break;
    start = end + 1;
  }
  if (out.columns == 0) {
    if (column < 2) return Corrupt("line " + std::to_string(line) + ": a label but no features");
    out.columns = column;
  } else if (column != out.columns) {
    return Corrupt("line " + std::to_string(line) + ": " + std::to_string(column) +
                   " columns, expected " + std::to_string(out.columns) + " as in the first row");
  }
  return Status::Ok();
}

Result<Dataset> ToDataset(CsvRows rows, const CsvOptions& options) {
  if (rows.labels.empty()) return Corrupt("no data rows");
  const int max_label = *std::max_element(rows.labels.begin(), rows.labels.end());
  Dataset ds;
  if (options.num_classes > 0) {
    if (max_label >= options.num_classes) {
      return Corrupt("label " + std::to_string(max_label) + " is not below num_classes " +
                     std::to_string(options.num_classes));
    }
    ds.num_classes = options.num_classes;
  } else {
    ds.num_classes = max_label + 1;
  }
  const auto n = static_cast<Eigen::Index>(rows.labels.size());
  ds.features = Eigen::Map<const RowMajorMatrixXf>(rows.features.data(), n,
                                                   static_cast<Eigen::Index>(rows.columns - 1));
  ds.labels = std::move(rows.labels);
  return ds;
}

}  // namespace

Result<Dataset> ParseCsv(std::string_view text, const CsvOptions& options) {
  if (options.num_classes < 0 || options.num_classes > kCsvMaxClasses) {
    return InvalidArgument("csv: num_classes " + std::to_string(options.num_classes) +
                           " outside [0, 65536]");
  }
  if (options.delimiter == '\n' || options.delimiter == '\r') {
    return InvalidArgument("csv: a line end cannot be the delimiter");
  }
  CsvRows rows;
  std::size_t line = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t eol = std::min(text.find('\n', pos), text.size());
    const std::string_view row = text.substr(pos, eol - pos);
    pos = eol + 1;
    ++line;
    if ((line == 1 && options.has_header) || Trim(row).empty()) continue;
    FEDQ_RETURN_IF_ERROR(ParseRow(row, line, options, rows));
  }
  return ToDataset(std::move(rows), options);
}

Result<Dataset> LoadCsv(const std::string& path, const CsvOptions& options) {
  FEDQ_ASSIGN_OR_RETURN(std::vector<uint8_t> bytes, ReadFileMaybeGzip(path, options.max_bytes));
  auto ds = ParseCsv(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()),
                     options);
  if (!ds.ok()) return ds.status().WithContext(path);
  return ds;
}

}  // namespace fedq
