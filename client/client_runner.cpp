#include "client/client_runner.hpp"

#include <spdlog/spdlog.h>

#include <csignal>
#include <optional>

#include "client/agent.hpp"
#include "client/local_data.hpp"

namespace fedq::client {
namespace {

namespace asio = protocol::asio;

Result<AgentOptions> MakeAgentOptions(const ClientConfig& c) {
  AgentOptions o;
  FEDQ_RETURN_IF_ERROR(SplitHostPort(c.coordinator, "coordinator", o.host, o.port));
  o.name = c.name.empty() ? "client" : c.name;
  o.connector.tls.ca_file = c.ca_cert;
  o.connector.tls.cert_file = c.cert;
  o.connector.tls.key_file = c.key;
  o.connector.tls.server_name = c.server_name.empty() ? o.host : c.server_name;
  o.connector.connect_timeout = std::chrono::milliseconds(c.connect_timeout_ms);
  o.connector.handshake_timeout = std::chrono::milliseconds(c.connect_timeout_ms);
  o.connector.channel.read_timeout = std::chrono::milliseconds(c.io_timeout_ms);
  o.connector.channel.write_timeout = std::chrono::milliseconds(c.io_timeout_ms);
  o.io_timeout = std::chrono::milliseconds(c.io_timeout_ms);
  o.backoff = c.backoff;
  o.seed = c.seed;
  o.state_file = c.state_file;
  o.layers = c.layers;
  return o;
}

}  // namespace

Status RunClient(const ClientConfig& config) {
  FEDQ_ASSIGN_OR_RETURN(AgentOptions options, MakeAgentOptions(config));
  FEDQ_ASSIGN_OR_RETURN(LocalData data, LoadLocalData(config));
  spdlog::info("{}: {} local samples", options.name, data.size());

  asio::io_context io(1);
  asio::thread_pool training(static_cast<std::size_t>(config.threads));
  Agent agent(std::move(options), std::make_shared<MlpLocalTrainer>(std::move(data)),
              training.get_executor());
  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&agent](const boost::system::error_code& ec, int signo) {
    if (ec) return;
    spdlog::info("signal {}: finishing the current task, then saying bye", signo);
    agent.Stop();
  });
  std::optional<Status> result;
  asio::co_spawn(io, agent.Run(), [&](std::exception_ptr e, Status s) {
    result = e ? Internal("client agent threw") : std::move(s);
    signals.cancel();
  });
  io.run();
  training.join();
  return result.value_or(Internal("client agent did not finish"));
}

}  // namespace fedq::client
