#include "tools/fedq-model/command_util.hpp"

#include <spdlog/spdlog.h>

#include <charconv>
#include <chrono>

namespace fedq::tools {

Result<std::vector<int>> ParseLayerList(const std::string& text, const std::string& flag) {
  std::vector<int> sizes;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    const std::size_t comma = std::min(text.find(',', pos), text.size());
    int v = 0;
    const char* first = text.data() + pos;
    const char* last = text.data() + comma;
    auto [end, ec] = std::from_chars(first, last, v);
    if (first == last || ec != std::errc() || end != last) {
      return InvalidArgument(flag + ": '" + text + "' is not a comma-separated list of integers");
    }
    sizes.push_back(v);
    pos = comma + 1;
  }
  return sizes;
}

Result<Dataset> LoadSplit(const std::string& dir, Split split) {
  const auto start = std::chrono::steady_clock::now();
  const char* name = split == Split::kTrain ? "train" : "test";
  Result<Dataset> data = LoadFashionMnist(dir, split);
  if (!data.ok()) return data.status().WithContext(std::string("loading the ") + name + " split");
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  spdlog::info("loaded {} split: {} samples x {} features in {:.2f} s", name, data->size(),
               data->dim(), s);
  return data;
}

int ReportFailure(const Status& status) {
  spdlog::error("{}", status.ToString());
  return status.code() == ErrorCode::kInvalidArgument ? kExitUsage : kExitFailure;
}

void PrintJsonLine(const nlohmann::json& j) {
  std::fputs((j.dump() + "\n").c_str(), stdout);
  std::fflush(stdout);
}

}  // namespace fedq::tools
