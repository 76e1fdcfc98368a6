// Seeded selection of a round's participants among the connected idle
// clients. Pure function of (seed, round, attempt, candidate keys): the same
// run selects the same clients however the connections interleaved.
// Stateless; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace fedq::coordinator {

// How many to select from `available` idle clients: `count` when `fraction`
// is 0, else ceil(fraction * available), never below `min_clients`, never
// above `available`.
int SelectionSize(int available, int count, double fraction, int min_clients);

// Picks `k` of `candidates` (client keys; order of the input does not
// matter). Returns them sorted ascending.
std::vector<std::string> SelectClients(std::vector<std::string> candidates, int k, uint64_t seed,
                                       int64_t round, int attempt);

}  // namespace fedq::coordinator
