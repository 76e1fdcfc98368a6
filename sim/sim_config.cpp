#include "sim/sim_config.hpp"

namespace fedq::sim {

void AddSimFlags(CLI::App& app, SimConfig& c) {
  auto opt = [&app](const char* name, auto& value, const char* help) {
    app.add_option(name, value, help)->capture_default_str();
  };
  opt("--clients", c.clients, "simulated clients (N)");
  opt("--per-round", c.per_round, "clients selected per round (K)");
  opt("--min-clients", c.min_clients, "quorum of a round (0: per-round)");
  opt("--rounds", c.rounds, "rounds to run");
  opt("--round-deadline-ms", c.round_deadline_ms, "round deadline");
  opt("--partition", c.partition, "iid | dirichlet:ALPHA | shards:K");
  app.add_option("--layers", c.layers, "MLP layer sizes, input to classes")
      ->delimiter(',')
      ->capture_default_str();
  opt("--codec", c.codec, "uplink codec pipeline, e.g. topk:0.01+int8");
  opt("--downlink-codec", c.downlink_codec, "codec of the global model sent to clients");
  opt("--strategy", c.strategy, "fedavg fedavgm fedadam fedyogi fedadagrad fedmedian ...");
  opt("--server-lr", c.server_lr, "server learning rate (0: the strategy's default)");
  opt("--server-momentum", c.server_momentum, "FedAvgM momentum (0: the strategy's default)");
  opt("--epochs", c.epochs, "local epochs (E)");
  opt("--batch", c.batch, "local batch size (B)");
  opt("--lr", c.lr, "local learning rate");
  opt("--momentum", c.momentum, "local SGD momentum");
  opt("--weight-decay", c.weight_decay, "local weight decay");
  opt("--prox-mu", c.prox_mu, "FedProx mu (0: FedAvg training)");
  opt("--seed", c.seed, "seed of partition, init, selection and client training");
  opt("--data-dir", c.data_dir, "Fashion-MNIST folder");
  opt("--train-limit", c.train_limit, "use the first M training samples (0: all)");
  opt("--test-limit", c.test_limit, "evaluate on the first M test samples (0: all)");
  opt("--db", c.db, "SQLite database (same path again: resume)");
  opt("--report", c.report, "report folder (rounds.csv, summary.json, index.html)");
  opt("--http", c.http, "coordinator status server host:port during the run");
  opt("--threads", c.threads, "training threads (0: cores)");
  app.add_flag("--json", c.json, "print one JSON object as the last stdout line");
  opt("--log-level", c.log_level, "trace debug info warn error critical off");
}

Status ValidateSimConfig(const SimConfig& c) {
  if (c.clients < 1) return InvalidArgument("clients: must be >= 1");
  if (c.per_round < 1 || c.per_round > c.clients) {
    return InvalidArgument("per_round: must be in [1, clients]");
  }
  if (c.min_clients < 0 || c.min_clients > c.per_round) {
    return InvalidArgument("min_clients: must be in [0, per_round]");
  }
  if (c.rounds < 1) return InvalidArgument("rounds: must be >= 1");
  if (c.round_deadline_ms <= 0) return InvalidArgument("round_deadline_ms: must be > 0");
  if (c.layers.size() < 2) return InvalidArgument("layers: need at least input and output sizes");
  for (int l : c.layers) {
    if (l < 1) return InvalidArgument("layers: every size must be >= 1");
  }
  if (c.server_lr < 0) return InvalidArgument("server_lr: must be >= 0");
  if (c.server_momentum < 0 || c.server_momentum >= 1) {
    return InvalidArgument("server_momentum: must be in [0, 1)");
  }
  if (c.epochs < 1) return InvalidArgument("epochs: must be >= 1");
  if (c.batch < 1) return InvalidArgument("batch: must be >= 1");
  if (!(c.lr > 0)) return InvalidArgument("lr: must be > 0");
  if (c.train_limit < 0) return InvalidArgument("train_limit: must be >= 0");
  if (c.train_limit > 0 && c.train_limit < c.clients) {
    return InvalidArgument("train_limit: must leave every client a sample (>= clients)");
  }
  if (c.test_limit < 0) return InvalidArgument("test_limit: must be >= 0");
  if (c.threads < 0) return InvalidArgument("threads: must be >= 0");
  return Status::Ok();
}

nlohmann::json SimConfigToJson(const SimConfig& c) {
  return {{"clients", c.clients},
          {"per_round", c.per_round},
          {"min_clients", c.min_clients},
          {"rounds", c.rounds},
          {"round_deadline_ms", c.round_deadline_ms},
          {"partition", c.partition},
          {"layers", c.layers},
          {"codec", c.codec},
          {"downlink_codec", c.downlink_codec},
          {"strategy", c.strategy},
          {"server_lr", c.server_lr},
          {"server_momentum", c.server_momentum},
          {"epochs", c.epochs},
          {"batch", c.batch},
          {"lr", c.lr},
          {"momentum", c.momentum},
          {"weight_decay", c.weight_decay},
          {"prox_mu", c.prox_mu},
          {"seed", c.seed},
          {"data_dir", c.data_dir},
          {"train_limit", c.train_limit},
          {"test_limit", c.test_limit},
          {"db", c.db},
          {"report", c.report},
          {"http", c.http},
          {"threads", c.threads},
          {"log_level", c.log_level}};
}

}  // namespace fedq::sim
