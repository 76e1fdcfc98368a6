// The samples a client trains on: a data set shared read-only (one copy for
// every in-process client of a simulation) and this client's rows of it.
// Loading is done once at start; afterwards LocalData is immutable and safe
// to read from any thread.
#pragma once

#include <cstddef>
#include <memory>
#include <vector>

#include "client/client_config.hpp"
#include "common/dataset.hpp"
#include "common/status.hpp"

namespace fedq::client {

struct LocalData {
  std::shared_ptr<const Dataset> data;
  std::vector<std::size_t> indices;  // this client's rows; empty = all of `data`

  std::size_t size() const { return indices.empty() && data ? data->size() : indices.size(); }
};

// From the config's data source. With fmnist_partition the whole training
// set is read to partition it, then only this client's rows are kept, so
// the resident set afterwards is the partition's.
Result<LocalData> LoadLocalData(const ClientConfig& config);

}  // namespace fedq::client
