// ClientConfig: every setting of fedq-client, a plain value with documented
// defaults (configs/client.json shows every key, configs/README.md explains
// them). Read from JSON and flags by AddClientFlags, checked once by
// ValidateClientConfig before anything starts. Plain value type.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>

#include "client/backoff.hpp"
#include "common/status.hpp"

namespace fedq::client {

struct ClientConfig {
  // Coordinator and identity.
  std::string coordinator = "127.0.0.1:7443";  // host:port
  std::string server_name;  // name the coordinator's certificate must carry; "" = the host
  std::string ca_cert;      // PEM of the CA that signed the coordinator
  std::string cert;         // this client's certificate (PEM)
  std::string key;          // and its private key (PEM, keep it 0600)
  std::string name;         // shown in logs; "" = the certificate's CN

  // Local data: IDX pair, CSV, or a partition of Fashion-MNIST (demos).
  std::string data_images;  // IDX images (gzip or plain)
  std::string data_labels;  // IDX labels
  std::string data_csv;     // label, then features, one sample a line
  bool csv_header = false;  // the CSV's first line is a header
  double csv_scale = 1.0;   // CSV features are multiplied by it (1/255 for 0..255 pixels)
  std::string fmnist_dir = "/usr/share/datasets/fashion-mnist";
  std::string fmnist_partition;   // "i/N": this device is client i of N
  std::string partition = "iid";  // iid | dirichlet:ALPHA | shards:K
  uint64_t partition_seed = 1;

  // Behaviour.
  std::vector<int> layers = {784, 200, 200, 10};  // used when the Task's model omits them
  int threads = 1;
  uint64_t seed = 1;       // reconnection jitter
  std::string state_file;  // error-feedback residual kept across restarts; "" = memory only
  BackoffConfig backoff;
  int64_t connect_timeout_ms = 10000;  // TCP connect + TLS handshake
  int64_t io_timeout_ms = 60000;       // one frame read or write
  std::string log_level = "info";
};

// Registers every key of `config` as a flag bound to it (and so as a JSON key).
void AddClientFlags(CLI::App& app, ClientConfig& config);

// Checks values and their relations; the message names the key.
Status ValidateClientConfig(const ClientConfig& config);

// "host:port" split; InvalidArgument naming `key` when malformed.
Status SplitHostPort(const std::string& text, const std::string& key, std::string& host,
                     uint16_t& port);

// "i/N" with 0 <= i < N.
Status ParseFmnistPartition(const std::string& text, std::size_t& index, std::size_t& count);

}  // namespace fedq::client
