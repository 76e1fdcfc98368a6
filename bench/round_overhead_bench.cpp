// Round overhead and aggregation memory of the fedq coordinator (issue 5).
//   --clients N --rounds R : the real CoordinatorService and N in-process
//     clients over loopback mTLS; clients skip training and answer each Task
//     with an fp32 update of the whole model. Prints the median time per
//     round (commit to commit).
//   --memory-updates U --codec int8 : the round engine with U clients that
//     have no sockets (in-process links); U updates of the model go through
//     validation, decode-and-accumulate and the commit of one round. Prints
//     the process's resident memory before and at peak (VmHWM).
#include <spdlog/spdlog.h>
#include <sys/resource.h>
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
using Clock = std::chrono::steady_clock;

const std::vector<int> kLayers = {784, 200, 200, 10};

double CpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) { return t.tv_sec + t.tv_usec / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

int RoundOverhead(int clients, int rounds, const std::string& dir) {
  protocol::PkiDirectory pki(dir + "/pki");
  const std::string ca = pki.InitCa().value().cert_file.string();
  auto server = pki.IssueServer("localhost", {"127.0.0.1"}).value();
  CoordinatorConfig c;
  c.listen_address = "127.0.0.1";
  c.listen_port = 0;
  c.ca_cert = ca;
  c.server_cert = server.cert_file.string();
  c.server_key = server.key_file.string();
  c.layers = kLayers;
  c.clients_per_round = c.min_clients = c.min_available_clients = clients;
  c.rounds = rounds + 1;  // round 1 warms up
  c.uplink_codec = "fp32";
  c.db_path = dir + "/bench.db";
  c.http = "";
  c.log_level = "warn";
  spdlog::set_level(spdlog::level::warn);

  std::mutex mu;
  std::vector<Clock::time_point> commits;
  ServiceHooks hooks;
  hooks.on_round_committed = [&](const RoundReport&, double) {
    std::lock_guard lock(mu);
    commits.push_back(Clock::now());
  };
  CoordinatorService service(c, hooks);
  if (Status s = service.Start(); !s.ok()) {
    std::cerr << s.ToString() << "\n";
    return 1;
  }
  BenchClients bench_clients(pki, ca, clients, Mlp::ParamCount(kLayers));
  const double cpu_before = CpuSeconds();
  bench_clients.Start(service.port());
  const Status status = service.Wait();
  if (!status.ok()) {
    std::cerr << status.ToString() << "\n";
    return 1;
  }
  const double cpu_per_round_ms = (CpuSeconds() - cpu_before) * 1000.0 / c.rounds;
  std::vector<double> ms;
  for (std::size_t i = 1; i < commits.size(); ++i) {
    ms.push_back(std::chrono::duration<double, std::milli>(commits[i] - commits[i - 1]).count());
  }
  // A round's tasks go out while the previous round is committed, so single
  // intervals jitter with the store thread; mean_ms (first to last commit,
  // per round) is the throughput. CPU: the whole process (coordinator and
  // its clients), all threads: on an idle 2-core machine a round takes at
  // least half of it.
  const double mean_ms =
      std::chrono::duration<double, std::milli>(commits.back() - commits.front()).count() /
      static_cast<double>(ms.size());
  std::printf(
      "round_overhead clients=%d rounds=%zu median_ms=%.1f mean_ms=%.1f min_ms=%.1f "
      "max_ms=%.1f process_cpu_ms_per_round=%.1f\n",
      clients, ms.size(), Median(ms), mean_ms, *std::min_element(ms.begin(), ms.end()),
      *std::max_element(ms.begin(), ms.end()), cpu_per_round_ms);
  return 0;
}

}  // namespace
}  // namespace fedq::bench

int main(int argc, char** argv) {
  CLI::App app{"fedq coordinator round overhead and aggregation memory"};
  int clients = 50, rounds = 20, memory_updates = 0;
  std::string codec = "int8";
  app.add_option("--clients", clients, "in-process clients over loopback mTLS");
  app.add_option("--rounds", rounds, "timed rounds (after one warm-up round)");
  app.add_option("--memory-updates", memory_updates,
                 "measure memory aggregating this many updates");
  app.add_option("--codec", codec, "uplink codec of the memory mode");
  CLI11_PARSE(app, argc, argv);
  if (std::getenv("FEDQ_BENCH_MALLOC_DEFAULTS") == nullptr) fedq::coordinator::TuneAllocator();
  const std::string dir = std::filesystem::temp_directory_path() /
                          ("fedq-round-overhead-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  int rc = memory_updates > 0 ? fedq::bench::AggregationMemory(memory_updates, codec, dir)
                              : fedq::bench::RoundOverhead(clients, rounds, dir);
  std::filesystem::remove_all(dir);
  return rc;
}
