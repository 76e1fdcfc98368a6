// Round overhead and aggregation memory of the fedq coordinator (issue 5).
//   --clients N --rounds R : the real CoordinatorService and N in-process
//     clients over loopback mTLS; clients skip training and answer each Task
//     with an fp32 update of the whole model. Prints the median time per
//     round (commit to commit).
//   --memory-updates U --codec int8 : the round engine with U clients that
//     have no sockets (in-process links); U updates of the model go through
//     validation, decode-and-accumulate and the commit of one round. Prints
//     the process's resident memory before and at peak (VmHWM).
//   --tls-memory-clients N --codec int8 : the real CoordinatorService here
//     and N clients in a child process (this program, --serve-clients), each
//     on its own mTLS connection; one round in which all N send an update.
//     Prints the coordinator process's resident memory before the clients
//     come and at peak: sessions, TLS state, buffers and aggregation.
#include <spawn.h>
#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>

#include "bench/aggregation_memory.hpp"
#include "bench/round_overhead_clients.hpp"
#include "bench/round_timing.hpp"
#include "bench/transport_floor.hpp"
#include "common/codec/codec.hpp"
#include "common/mlp.hpp"
#include "common/model_file.hpp"
#include "coordinator/allocator_tuning.hpp"
#include "coordinator/coordinator_service.hpp"
#include "coordinator/store.hpp"
#include "coordinator/store_recorder.hpp"
#include "protocol/pki.hpp"

namespace fedq::bench {
namespace {

using namespace fedq::coordinator;

const std::vector<int> kLayers = {784, 200, 200, 10};

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

CoordinatorConfig BaseConfig(protocol::PkiDirectory& pki, const std::string& ca,
                             const std::string& dir) {
  auto server = pki.IssueServer("localhost", {"127.0.0.1"}).value();
  CoordinatorConfig c;
  c.listen_address = "127.0.0.1";
  c.listen_port = 0;
  c.ca_cert = ca;
  c.server_cert = server.cert_file.string();
  c.server_key = server.key_file.string();
  c.layers = kLayers;
  c.db_path = dir + "/bench.db";
  c.http = "";
  c.log_level = "warn";
  spdlog::set_level(spdlog::level::warn);
  return c;
}

// Round times and CPU per round over the timed rounds (the first one, with
// the handshakes, warms up).
void PrintRounds(const char* what, int clients, const std::vector<RoundEnd>& ends) {
  if (ends.size() < 2) return;
  std::vector<double> ms;
  for (std::size_t i = 1; i < ends.size(); ++i) {
    ms.push_back(std::chrono::duration<double, std::milli>(ends[i].at - ends[i - 1].at).count());
  }
  const double rounds = static_cast<double>(ms.size());
  // A round's tasks go out while the previous round is committed, so single
  // intervals jitter with the store thread; mean_ms (first to last end, per
  // round) is the throughput. CPU: the whole process (server and clients),
  // all threads: on an idle 2-core machine a round takes at least half of it.
  const double mean_ms =
      std::chrono::duration<double, std::milli>(ends.back().at - ends.front().at).count() / rounds;
  const double cpu_ms =
      (ends.back().process_cpu_seconds - ends.front().process_cpu_seconds) * 1000.0 / rounds;
  const double client_cpu_ms =
      (ends.back().client_cpu_seconds - ends.front().client_cpu_seconds) * 1000.0 / rounds;
  std::printf(
      "%s clients=%d rounds=%zu median_ms=%.1f mean_ms=%.1f min_ms=%.1f max_ms=%.1f "
      "process_cpu_ms_per_round=%.1f server_cpu_ms_per_round=%.1f "
      "clients_cpu_ms_per_round=%.1f\n",
      what, clients, ms.size(), Median(ms), mean_ms, *std::min_element(ms.begin(), ms.end()),
      *std::max_element(ms.begin(), ms.end()), cpu_ms, cpu_ms - client_cpu_ms, client_cpu_ms);
}

int RoundOverhead(int clients, int rounds, int64_t receive_budget_mb, const std::string& dir) {
  protocol::PkiDirectory pki(dir + "/pki");
  const std::string ca = pki.InitCa().value().cert_file.string();
  CoordinatorConfig c = BaseConfig(pki, ca, dir);
  c.clients_per_round = c.min_clients = c.min_available_clients = clients;
  c.rounds = rounds + 1;  // round 1 warms up
  c.uplink_codec = "fp32";
  if (receive_budget_mb > 0) c.receive_budget_bytes = receive_budget_mb << 20;

  std::mutex mu;
  std::vector<RoundEnd> commits;
  BenchClients bench_clients(pki, ca, clients, Mlp::ParamCount(kLayers));
  ServiceHooks hooks;
  hooks.on_round_committed = [&](const RoundReport&, double) {
    std::lock_guard lock(mu);
    commits.push_back(RoundEnd::Now(bench_clients.CpuSeconds()));
  };
  CoordinatorService service(c, hooks);
  if (Status s = service.Start(); !s.ok()) {
    std::cerr << s.ToString() << "\n";
    return 1;
  }
  bench_clients.Start(service.port());
  const Status status = service.Wait();
  if (!status.ok()) {
    std::cerr << status.ToString() << "\n";
    return 1;
  }
  PrintRounds("round_overhead", clients, commits);
  return 0;
}

// The same clients, TLS and receive budget against a server that only moves
// the bytes (bench/transport_floor.hpp): the least a round can take here.
int TransportFloor(int clients, int rounds, int64_t receive_budget_mb, const std::string& dir) {
  protocol::PkiDirectory pki(dir + "/pki");
  const std::string ca = pki.InitCa().value().cert_file.string();
  const CoordinatorConfig c = BaseConfig(pki, ca, dir);
  protocol::ListenerOptions options;
  options.address = c.listen_address;
  options.tls.ca_file = c.ca_cert;
  options.tls.cert_file = c.server_cert;
  options.tls.key_file = c.server_key;
  options.channel.limits.max_binary_bytes = static_cast<uint32_t>(c.max_frame_bytes);
  options.channel.receive_budget = protocol::ByteBudget::Create(static_cast<std::size_t>(
      receive_budget_mb > 0 ? receive_budget_mb << 20 : c.receive_budget_bytes));
  const std::vector<float> model(Mlp::ParamCount(kLayers), 0.01f);
  TransportFloorServer server(
      clients, rounds + 1,
      codec::Encode(codec::ParseSpec("fp32").value(), model, nullptr, 0).value());
  BenchClients bench_clients(pki, ca, clients, Mlp::ParamCount(kLayers));
  server.set_client_cpu([&bench_clients] { return bench_clients.CpuSeconds(); });
  if (Status s = server.Start(options); !s.ok()) {
    std::cerr << s.ToString() << "\n";
    return 1;
  }
  bench_clients.Start(server.port());
  PrintRounds("transport_floor", clients, server.Wait());
  bench_clients.WaitFinished();
  return 0;
}

// The other side of --tls-memory-clients: n clients, until the run ends.
int ServeClients(int n, uint16_t port, const std::string& pki_dir, const std::string& codec) {
  spdlog::set_level(spdlog::level::warn);
  protocol::PkiDirectory pki(pki_dir);
  BenchClients clients(pki, pki_dir + "/ca.crt", n, Mlp::ParamCount(kLayers), codec);
  clients.Start(port);
  clients.WaitFinished();
  return 0;
}

int TlsMemory(int clients, const std::string& codec, const std::string& dir) {
  protocol::PkiDirectory pki(dir + "/pki");
  const std::string ca = pki.InitCa().value().cert_file.string();
  CoordinatorConfig c = BaseConfig(pki, ca, dir);
  c.clients_per_round = c.min_clients = c.min_available_clients = clients;
  c.max_connections = clients + 16;
  c.rounds = 1;
  c.round_deadline_ms = 600000;
  c.uplink_codec = codec;
  CoordinatorService service(c);
  if (Status s = service.Start(); !s.ok()) {
    std::cerr << s.ToString() << "\n";
    return 1;
  }
  const double rss_before = ProcStatusMb("VmRSS:");
  const std::string self = std::filesystem::read_symlink("/proc/self/exe").string();
  std::vector<std::string> args = {self,
                                   "--serve-clients",
                                   std::to_string(clients),
                                   "--port",
                                   std::to_string(service.port()),
                                   "--pki",
                                   dir + "/pki",
                                   "--codec",
                                   codec};
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t child = 0;
  if (posix_spawn(&child, self.c_str(), nullptr, nullptr, argv.data(), environ) != 0) {
    std::cerr << "cannot start the client process\n";
    return 1;
  }
  const Status status = service.Wait();
  const double peak = ProcStatusMb("VmHWM:");
  int child_status = 0;
  waitpid(child, &child_status, 0);
  if (!status.ok()) {
    std::cerr << status.ToString() << "\n";
    return 1;
  }
  std::printf(
      "tls_memory clients=%d codec=%s coordinator_rss_before_mb=%.1f coordinator_peak_rss_mb=%.1f "
      "client_process_exit=%d\n",
      clients, codec.c_str(), rss_before, peak,
      WIFEXITED(child_status) ? WEXITSTATUS(child_status) : -1);
  return 0;
}

}  // namespace
}  // namespace fedq::bench

int main(int argc, char** argv) {
  CLI::App app{"fedq coordinator round overhead and aggregation memory"};
  int clients = 50, rounds = 20, memory_updates = 0, tls_memory_clients = 0, serve_clients = 0;
  int port = 0;
  bool transport_floor = false;
  int64_t receive_budget_mb = 0;
  std::string codec = "int8", pki_dir;
  app.add_option("--clients", clients, "in-process clients over loopback mTLS");
  app.add_option("--rounds", rounds, "timed rounds (after one warm-up round)");
  app.add_option("--memory-updates", memory_updates,
                 "measure memory aggregating this many updates");
  app.add_option("--codec", codec, "uplink codec of the memory modes");
  app.add_option("--receive-budget-mb", receive_budget_mb,
                 "the coordinator's receive_budget_bytes in MiB (0: the default)");
  app.add_flag("--transport-floor", transport_floor,
               "the same clients against a server that only moves the bytes");
  app.add_option("--tls-memory-clients", tls_memory_clients,
                 "coordinator memory with this many mTLS clients (in a child process)");
  app.add_option("--serve-clients", serve_clients, "internal: the child of --tls-memory-clients");
  app.add_option("--port", port, "internal: the coordinator's port for --serve-clients");
  app.add_option("--pki", pki_dir, "internal: the PKI folder for --serve-clients");
  CLI11_PARSE(app, argc, argv);
  // Every client is a descriptor on each side.
  rlimit files{};
  if (getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur < files.rlim_max) {
    files.rlim_cur = files.rlim_max;
    setrlimit(RLIMIT_NOFILE, &files);
  }
  if (serve_clients > 0) {
    return fedq::bench::ServeClients(serve_clients, static_cast<uint16_t>(port), pki_dir, codec);
  }
  if (std::getenv("FEDQ_BENCH_MALLOC_DEFAULTS") == nullptr) fedq::coordinator::TuneAllocator();
  const std::string dir = std::filesystem::temp_directory_path() /
                          ("fedq-round-overhead-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  int rc = 0;
  if (memory_updates > 0) {
    rc = fedq::bench::AggregationMemory(memory_updates, codec, dir);
  } else if (tls_memory_clients > 0) {
    rc = fedq::bench::TlsMemory(tls_memory_clients, codec, dir);
  } else if (transport_floor) {
    rc = fedq::bench::TransportFloor(clients, rounds, receive_budget_mb, dir);
  } else {
    rc = fedq::bench::RoundOverhead(clients, rounds, receive_budget_mb, dir);
  }
  std::filesystem::remove_all(dir);
  return rc;
}
