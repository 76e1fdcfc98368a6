#include "client/client_config.hpp"

#include <charconv>

namespace fedq::client {
namespace {

template <typename T>
bool ParseNumber(std::string_view s, T& out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

}  // namespace

void AddClientFlags(CLI::App& app, ClientConfig& c) {
  app.add_option("--coordinator", c.coordinator, "coordinator address host:port")
      ->capture_default_str();
  app.add_option("--server-name", c.server_name,
                 "name the coordinator's certificate must carry (default: the host)");
  app.add_option("--ca-cert", c.ca_cert, "PEM file of the CA that signed the coordinator");
  app.add_option("--cert", c.cert, "this client's certificate (PEM)");
  app.add_option("--key", c.key, "this client's private key (PEM)");
  app.add_option("--name", c.name, "name shown in logs (default: certificate CN)");
  app.add_option("--data-images", c.data_images, "local data: IDX images file (gzip or plain)");
  app.add_option("--data-labels", c.data_labels, "local data: IDX labels file");
  app.add_option("--data-csv", c.data_csv, "local data: CSV file, label then features");
  app.add_option("--csv-header", c.csv_header, "the CSV's first line is a header")
      ->capture_default_str();
  app.add_option("--csv-scale", c.csv_scale, "CSV features are multiplied by it")
      ->capture_default_str();
  app.add_option("--fmnist-dir", c.fmnist_dir, "Fashion-MNIST folder (for --fmnist-partition)")
      ->capture_default_str();
  app.add_option("--fmnist-partition", c.fmnist_partition,
                 "demo data: be client i of N of Fashion-MNIST's train set, as i/N");
  app.add_option("--partition", c.partition, "partitioner: iid | dirichlet:ALPHA | shards:K")
      ->capture_default_str();
  app.add_option("--partition-seed", c.partition_seed, "partitioner seed")->capture_default_str();
  app.add_option("--layers", c.layers, "MLP layer sizes, when the coordinator's model omits them")
      ->delimiter(',')
      ->capture_default_str();
  app.add_option("--threads", c.threads, "training threads")->capture_default_str();
  app.add_option("--seed", c.seed, "seed of the reconnection jitter")->capture_default_str();
  app.add_option("--state-file", c.state_file,
                 "file keeping the error-feedback residual across restarts");
  app.add_option("--backoff-initial-ms", c.backoff.initial, "first reconnection delay")
      ->capture_default_str();
  app.add_option("--backoff-max-ms", c.backoff.max, "largest reconnection delay")
      ->capture_default_str();
  app.add_option("--backoff-multiplier", c.backoff.multiplier, "delay growth per failure")
      ->capture_default_str();
  app.add_option("--backoff-jitter", c.backoff.jitter, "relative jitter of each delay, [0,1)")
      ->capture_default_str();
  app.add_option("--max-reconnects", c.backoff.max_attempts,
                 "failed attempts in a row before giving up (0: forever)")
      ->capture_default_str();
  app.add_option("--connect-timeout-ms", c.connect_timeout_ms, "connect + TLS handshake timeout")
      ->capture_default_str();
  app.add_option("--io-timeout-ms", c.io_timeout_ms, "timeout of one frame read or write")
      ->capture_default_str();
  app.add_option("--log-level", c.log_level, "trace debug info warn error critical off")
      ->capture_default_str();
}

Status SplitHostPort(const std::string& text, const std::string& key, std::string& host,
                     uint16_t& port) {
  const auto colon = text.rfind(':');
  unsigned value = 0;
  if (colon == std::string::npos || colon == 0 ||
      !ParseNumber(std::string_view(text).substr(colon + 1), value) || value > 65535) {
    return InvalidArgument(key + ": expected host:port, got '" + text + "'");
  }
  host = text.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  port = static_cast<uint16_t>(value);
  return Status::Ok();
}

Status ParseFmnistPartition(const std::string& text, std::size_t& index, std::size_t& count) {
  const auto slash = text.find('/');
  std::string_view s(text);
  if (slash == std::string::npos || !ParseNumber(s.substr(0, slash), index) ||
      !ParseNumber(s.substr(slash + 1), count) || count == 0 || index >= count) {
    return InvalidArgument("fmnist_partition: expected i/N with 0 <= i < N, got '" + text + "'");
  }
  return Status::Ok();
}

Status ValidateClientConfig(const ClientConfig& c) {
  std::string host;
  uint16_t port = 0;
  FEDQ_RETURN_IF_ERROR(SplitHostPort(c.coordinator, "coordinator", host, port));
  if (port == 0) return InvalidArgument("coordinator: port must not be 0");
  if (c.ca_cert.empty()) return InvalidArgument("ca_cert: required");
  if (c.cert.empty()) return InvalidArgument("cert: required");
  if (c.key.empty()) return InvalidArgument("key: required");
  const int sources = (!c.data_images.empty() || !c.data_labels.empty()) + !c.data_csv.empty() +
                      !c.fmnist_partition.empty();
  if (sources != 1) {
    return InvalidArgument(
        "local data: give exactly one of data_images+data_labels, data_csv, fmnist_partition");
  }
  if (c.data_images.empty() != c.data_labels.empty()) {
    return InvalidArgument("data_images and data_labels go together");
  }
  if (!c.fmnist_partition.empty()) {
    std::size_t i = 0, n = 0;
    FEDQ_RETURN_IF_ERROR(ParseFmnistPartition(c.fmnist_partition, i, n));
  }
  if (!(c.csv_scale > 0)) return InvalidArgument("csv_scale: must be > 0");
  if (c.layers.size() < 2) return InvalidArgument("layers: need input and output sizes");
  if (c.threads < 1) return InvalidArgument("threads: must be >= 1");
  if (c.connect_timeout_ms <= 0) return InvalidArgument("connect_timeout_ms: must be > 0");
  if (c.io_timeout_ms <= 0) return InvalidArgument("io_timeout_ms: must be > 0");
  return c.backoff.Validate();
}

}  // namespace fedq::client
