// ParsePartitionSpec, PartitionSpecToString and MakePartition: the
// `--partition` string side of common/partition.hpp.
#include <charconv>
#include <cmath>

#include "common/partition.hpp"

namespace fedq {
namespace {

Status BadSpec(std::string_view spec, const std::string& why) {
  return InvalidArgument("partition spec \"" + std::string(spec) + "\": " + why +
                         " (expected iid, dirichlet:<alpha> or shards:<k>)");
}

template <typename T>
bool ParseWhole(std::string_view text, T& out) {
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, out);
  return ec == std::errc() && ptr == end && !text.empty();
}

}  // namespace

Result<PartitionSpec> ParsePartitionSpec(std::string_view spec) {
  const std::size_t colon = spec.find(':');
  const std::string_view name = spec.substr(0, colon);
  const bool has_arg = colon != std::string_view::npos;
  const std::string_view arg = has_arg ? spec.substr(colon + 1) : std::string_view();
  PartitionSpec out;
  if (name == "iid") {
    if (has_arg) return BadSpec(spec, "iid takes no argument, got \"" + std::string(arg) + "\"");
    out.kind = PartitionSpec::Kind::kIid;
  } else if (name == "dirichlet") {
    out.kind = PartitionSpec::Kind::kDirichlet;
    if (!ParseWhole(arg, out.alpha) || !std::isfinite(out.alpha) || out.alpha <= 0.0) {
      return BadSpec(spec, "alpha \"" + std::string(arg) + "\" is not a positive number");
    }
  } else if (name == "shards") {
    out.kind = PartitionSpec::Kind::kShards;
    if (!ParseWhole(arg, out.shards_per_client) || out.shards_per_client < 1) {
      return BadSpec(spec,
                     "shards per client \"" + std::string(arg) + "\" is not a positive integer");
    }
  } else {
    return BadSpec(spec, "unknown scheme \"" + std::string(name) + "\"");
  }
  return out;
}

std::string PartitionSpecToString(const PartitionSpec& spec) {
  switch (spec.kind) {
    case PartitionSpec::Kind::kIid:
      return "iid";
    case PartitionSpec::Kind::kDirichlet: {
      // Shortest form that parses back to the same double.
      char buf[32];
      auto [ptr, ec] = std::to_chars(buf, buf + sizeof buf, spec.alpha);
      return "dirichlet:" + std::string(buf, ec == std::errc() ? ptr : buf);
    }
    case PartitionSpec::Kind::kShards:
      return "shards:" + std::to_string(spec.shards_per_client);
  }
  return "?";
}

Result<Partition> MakePartition(const PartitionSpec& spec, std::span<const int32_t> labels,
                                int num_classes, std::size_t clients, uint64_t seed) {
  switch (spec.kind) {
    case PartitionSpec::Kind::kIid:
      return PartitionIid(labels.size(), clients, seed);
    case PartitionSpec::Kind::kDirichlet:
      return PartitionDirichlet(labels, num_classes, clients, spec.alpha, seed);
    case PartitionSpec::Kind::kShards:
      return PartitionShards(labels, clients, spec.shards_per_client, seed);
  }
  return Internal("partition: unknown spec kind");
}

}  // namespace fedq
