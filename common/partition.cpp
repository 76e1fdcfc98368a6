#include "common/partition.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <numeric>
#include <random>

#include "common/random_draws.hpp"

namespace fedq {
namespace {

Status CheckClients(std::size_t n, std::size_t clients) {
  if (clients == 0) return InvalidArgument("partition: clients must be at least 1");
  if (n < clients) {
    return InvalidArgument("partition: " + std::to_string(n) + " samples cannot give each of " +
                           std::to_string(clients) + " clients at least one");
  }
  return Status::Ok();
}

void SortEach(Partition& parts) {
  for (auto& p : parts) std::sort(p.begin(), p.end());
}

std::vector<std::size_t> ShuffledRange(std::size_t n, std::mt19937_64& rng) {
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), std::size_t{0});
  ShuffleIndices(rng, order);
  return order;
}

Result<std::vector<std::vector<std::size_t>>> IndicesByClass(std::span<const int32_t> labels,
                                                             int num_classes) {
  if (num_classes < 1) return InvalidArgument("partition: num_classes must be at least 1");
  std::vector<std::vector<std::size_t>> by_class(static_cast<std::size_t>(num_classes));
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (labels[i] < 0 || labels[i] >= num_classes) {
      return InvalidArgument("partition: label " + std::to_string(labels[i]) + " of sample " +
                             std::to_string(i) + " is outside [0, " + std::to_string(num_classes) +
                             ")");
    }
    by_class[static_cast<std::size_t>(labels[i])].push_back(i);
  }
  return by_class;
}

// Deals `members` (already shuffled) to clients in proportion to `shares`:
// client j gets the slice between the rounded cumulative shares j-1 and j.
void DealByShares(const std::vector<std::size_t>& members, const std::vector<double>& shares,
                  Partition& parts) {
  const double total = static_cast<double>(members.size());
  std::size_t start = 0;
  double cumulative = 0.0;
  for (std::size_t j = 0; j < parts.size(); ++j) {
    cumulative += shares[j];
    std::size_t end =
        j + 1 == parts.size()
            ? members.size()
            : std::min(members.size(), static_cast<std::size_t>(std::llround(cumulative * total)));
    end = std::max(end, start);
    parts[j].insert(parts[j].end(), members.begin() + static_cast<std::ptrdiff_t>(start),
                    members.begin() + static_cast<std::ptrdiff_t>(end));
    start = end;
  }
}

// Gives each empty client one sample from the largest client (lowest id on
// ties), chosen at random. Terminates because n >= clients.
void FillEmptyClients(Partition& parts, std::mt19937_64& rng) {
  for (auto& receiver : parts) {
    if (!receiver.empty()) continue;
    auto donor = std::max_element(parts.begin(), parts.end(),
                                  [](const auto& a, const auto& b) { return a.size() < b.size(); });
    const std::size_t pick = UniformBelow(rng, donor->size());
    std::swap((*donor)[pick], donor->back());
    receiver.push_back(donor->back());
    donor->pop_back();
  }
}

}  // namespace

Result<Partition> PartitionIid(std::size_t n, std::size_t clients, uint64_t seed) {
  FEDQ_RETURN_IF_ERROR(CheckClients(n, clients));
  std::mt19937_64 rng(seed);
  const std::vector<std::size_t> order = ShuffledRange(n, rng);
  Partition parts(clients);
  std::size_t start = 0;
  for (std::size_t j = 0; j < clients; ++j) {
    const std::size_t size = n / clients + (j < n % clients ? 1 : 0);
    parts[j].assign(order.begin() + static_cast<std::ptrdiff_t>(start),
                    order.begin() + static_cast<std::ptrdiff_t>(start + size));
    start += size;
  }
  SortEach(parts);
  return parts;
}

Result<Partition> PartitionDirichlet(std::span<const int32_t> labels, int num_classes,
                                     std::size_t clients, double alpha, uint64_t seed) {
  FEDQ_RETURN_IF_ERROR(CheckClients(labels.size(), clients));
  if (!(alpha > 0.0) || !std::isfinite(alpha)) {
    return InvalidArgument("partition: dirichlet alpha must be a positive number, got " +
                           std::to_string(alpha));
  }
  FEDQ_ASSIGN_OR_RETURN(auto by_class, IndicesByClass(labels, num_classes));
  std::mt19937_64 rng(seed);
  Partition parts(clients);
  for (auto& members : by_class) {
    if (members.empty()) continue;
    ShuffleIndices(rng, members);
    DealByShares(members, DirichletDraw(rng, clients, alpha), parts);
  }
  FillEmptyClients(parts, rng);
  SortEach(parts);
  return parts;
}

Result<Partition> PartitionShards(std::span<const int32_t> labels, std::size_t clients,
                                  int shards_per_client, uint64_t seed) {
  if (shards_per_client < 1) {
    return InvalidArgument("partition: shards per client must be at least 1, got " +
                           std::to_string(shards_per_client));
  }
  const std::size_t k = static_cast<std::size_t>(shards_per_client);
  const std::size_t n = labels.size();
  FEDQ_RETURN_IF_ERROR(CheckClients(n, clients));
  if (n / k < clients) {
    return InvalidArgument("partition: " + std::to_string(n) + " samples cannot fill " +
                           std::to_string(clients) + " x " + std::to_string(k) + " shards");
  }
  std::mt19937_64 rng(seed);
  // Shuffled first, so the stable sort leaves each label's samples in random order.
  std::vector<std::size_t> order = ShuffledRange(n, rng);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return labels[a] < labels[b]; });
  const std::size_t shards = clients * k;
  const std::vector<std::size_t> deal = ShuffledRange(shards, rng);
  Partition parts(clients);
  for (std::size_t slot = 0; slot < shards; ++slot) {
    const std::size_t s = deal[slot];
    const std::size_t begin = s * n / shards;
    const std::size_t end = (s + 1) * n / shards;
    auto& p = parts[slot / k];
    p.insert(p.end(), order.begin() + static_cast<std::ptrdiff_t>(begin),
             order.begin() + static_cast<std::ptrdiff_t>(end));
  }
  SortEach(parts);
  return parts;
}

Dataset TakeRows(const Dataset& ds, std::span<const std::size_t> rows) {
  Dataset out;
  out.num_classes = ds.num_classes;
  out.features.resize(static_cast<Eigen::Index>(rows.size()), ds.features.cols());
  out.labels.reserve(rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    out.features.row(static_cast<Eigen::Index>(i)) =
        ds.features.row(static_cast<Eigen::Index>(rows[i]));
    out.labels.push_back(ds.labels[rows[i]]);
  }
  return out;
}

}  // namespace fedq
