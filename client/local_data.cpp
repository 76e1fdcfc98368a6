#include "client/local_data.hpp"

#include "common/csv_loader.hpp"
#include "common/idx_reader.hpp"
#include "common/partition.hpp"

namespace fedq::client {
namespace {

Result<Dataset> LoadFmnistPartition(const ClientConfig& c) {
  std::size_t index = 0, count = 0;
  FEDQ_RETURN_IF_ERROR(ParseFmnistPartition(c.fmnist_partition, index, count));
  FEDQ_ASSIGN_OR_RETURN(PartitionSpec spec, ParsePartitionSpec(c.partition));
  FEDQ_ASSIGN_OR_RETURN(Dataset full, LoadFashionMnist(c.fmnist_dir, Split::kTrain));
  FEDQ_ASSIGN_OR_RETURN(
      Partition parts, MakePartition(spec, full.labels, full.num_classes, count, c.partition_seed));
  return TakeRows(full, parts[index]);
}

}  // namespace

Result<LocalData> LoadLocalData(const ClientConfig& c) {
  Result<Dataset> loaded = InvalidArgument("no local data configured");
  if (!c.fmnist_partition.empty()) {
    loaded = LoadFmnistPartition(c);
  } else if (!c.data_csv.empty()) {
    CsvOptions options;
    options.has_header = c.csv_header;
    options.feature_scale = static_cast<float>(c.csv_scale);
    loaded = LoadCsv(c.data_csv, options);
  } else {
    loaded = LoadIdxPair(c.data_images, c.data_labels);
  }
  if (!loaded.ok()) return loaded.status().WithContext("loading local data");
  LocalData local;
  local.data = std::make_shared<const Dataset>(std::move(loaded).value());
  return local;
}

}  // namespace fedq::client
