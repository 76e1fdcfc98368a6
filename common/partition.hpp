// Partitioners: split a data set's sample indices among simulated clients
// (IID, Dirichlet(alpha) label skew, k label shards per client), and the
// `--partition` spec that picks one. Every sample lands in exactly one
// client, every client gets at least one sample, and a seed gives the same
// split under any standard library (see common/random_draws.hpp).
// Pure functions, no shared state: thread-safe. Schemes: docs/data.md.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/dataset.hpp"
#include "common/status.hpp"

namespace fedq {

// client -> its sample indices, ascending.
using Partition = std::vector<std::vector<std::size_t>>;

// Shuffle, then cut into `clients` near-equal chunks (sizes differ by <= 1).
Result<Partition> PartitionIid(std::size_t n, std::size_t clients, uint64_t seed);

// Per class, its samples are split among clients by proportions drawn from
// Dirichlet(alpha) (Hsu et al. 2019): small alpha, strong label skew. A
// client left empty receives one sample taken at random from the then
// largest client, until none is empty. REQUIRES of the input (else
// kInvalidArgument): labels in [0, num_classes), alpha > 0, n >= clients.
Result<Partition> PartitionDirichlet(std::span<const int32_t> labels, int num_classes,
                                     std::size_t clients, double alpha, uint64_t seed);

// McMahan et al. 2017: order samples by label (randomly within a label), cut
// into clients * shards_per_client contiguous shards of near-equal size, and
// deal each client shards_per_client of them at random.
Result<Partition> PartitionShards(std::span<const int32_t> labels, std::size_t clients,
                                  int shards_per_client, uint64_t seed);

// A parsed `--partition` value: "iid", "dirichlet:<alpha>", "shards:<k>".
struct PartitionSpec {
  enum class Kind { kIid, kDirichlet, kShards };
  Kind kind = Kind::kIid;
  double alpha = 0.5;         // kDirichlet only
  int shards_per_client = 2;  // kShards only
};

// kInvalidArgument naming the bad part on a malformed spec.
Result<PartitionSpec> ParsePartitionSpec(std::string_view spec);

// The canonical spec string, e.g. "dirichlet:0.5"; ParsePartitionSpec's inverse.
std::string PartitionSpecToString(const PartitionSpec& spec);

// Runs the partitioner `spec` names over `labels`.
Result<Partition> MakePartition(const PartitionSpec& spec, std::span<const int32_t> labels,
                                int num_classes, std::size_t clients, uint64_t seed);

// The rows `rows` of `ds`, in that order, as a data set of their own.
// REQUIRES: every index < ds.size().
Dataset TakeRows(const Dataset& ds, std::span<const std::size_t> rows);

}  // namespace fedq
