// The coordinator's memory while aggregating many updates in one round: the
// real RoundEngine, RoundAggregator (FedAvg, fixed-point accumulator), Store
// and commit, with `updates` clients that are in-process links instead of
// sockets. Updates are encoded just in time, a few in flight, so that the
// benchmark's own buffers do not hide the engine's. Prints RSS figures.
#pragma once

#include <spdlog/spdlog.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>
#include <condition_variable>
#include <cstring>
#include <fstream>
#include <future>
#include <mutex>
#include <utility>

#include "common/codec/codec.hpp"
#include "common/mlp.hpp"
#include "common/model_file.hpp"
#include "coordinator/round_engine.hpp"
#include "coordinator/store.hpp"
#include "coordinator/store_recorder.hpp"
#include "coordinator/store_worker.hpp"

namespace fedq::bench {

inline double ProcStatusMb(const char* field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field, 0) == 0) return std::stod(line.substr(std::strlen(field) + 1)) / 1024.0;
  }
  return -1;
}

// Counts the engine's answers; no socket.
class MemoryLink final : public coordinator::ClientLink {
 public:
  MemoryLink(std::string name, int64_t id, std::mutex& mu, std::condition_variable& cv,
             int& answers, int& tasks)
      : name_(std::move(name)),
        fp_("fp-" + name_),
        key_(coordinator::ClientKey(name_, fp_)),
        id_(id),
        mu_(mu),
        cv_(cv),
        answers_(answers),
        tasks_(tasks) {}
  const std::string& key() const override { return key_; }
  const std::string& name() const override { return name_; }
  const std::string& fingerprint() const override { return fp_; }
  int64_t client_id() const override { return id_; }
  void SendFrame(Frame) override { Bump(tasks_); }
  void Send(protocol::Message) override { Bump(answers_); }
  void Close(std::string) override {}

 private:
  void Bump(int& counter) {
    {
      std::lock_guard lock(mu_);
      ++counter;
    }
    cv_.notify_all();
  }
  std::string name_, fp_, key_;
  int64_t id_;
  std::mutex& mu_;
  std::condition_variable& cv_;
  int& answers_;
  int& tasks_;
};

class Collector final : public coordinator::EngineObserver {
 public:
  void OnRoundCommitted(const coordinator::RoundReport&, double s) override {
    seconds = s;
    committed.set_value();
  }
  std::promise<void> committed;
  double seconds = 0;
};

inline int AggregationMemory(int updates, const std::string& codec_spec, const std::string& dir) {
  using namespace fedq::coordinator;
  const std::vector<int> layers = {784, 200, 200, 10};
  spdlog::set_level(spdlog::level::warn);
  boost::asio::io_context io;
  auto work = boost::asio::make_work_guard(io);
  boost::asio::thread_pool pool(2);
  StoreWorker store(Store::Open(dir + "/memory.db").value());
  Mlp mlp = Mlp::Create(layers, 1).value();
  NewRun run{"memory", "{}", "784-200-200-10", "fedavg", 0, SerializeModel(mlp)};
  const int64_t run_id = store.Submit([&](Store& s) { return s.CreateRun(run); }).get().value();
  RoundAggregator aggregator(pool, MakeStrategy(StrategyConfig{}).value(), layers, nullptr);
  StoreRecorder recorder(store, run_id, layers, codec_spec);
  SystemClock clock;
  Collector collector;
  EngineOptions options;
  options.run_id = std::to_string(run_id);
  options.rounds = 1;
  options.clients_per_round = options.min_clients = updates;
  options.round_deadline_ms = 600000;
  const codec::PipelineSpec spec = codec::ParseSpec(codec_spec).value();
  const codec::PipelineSpec fp32 = codec::ParseSpec("fp32").value();
  auto engine = std::make_shared<RoundEngine>(
      io, options, aggregator, recorder, clock, collector,
      [&](std::span<const float> p) { return codec::Encode(fp32, p, nullptr, 0); });
  std::thread io_thread([&] { io.run(); });

  std::mutex mu;
  std::condition_variable cv;
  int answers = 0, tasks = 0;
  std::vector<std::shared_ptr<MemoryLink>> links;
  for (int i = 0; i < updates; ++i) {
    const std::string name = "m" + std::to_string(i);
    const int64_t id =
        store.Submit([&](Store& s) { return s.UpsertClient("fp-" + name, name, 0); }).get().value();
    links.push_back(std::make_shared<MemoryLink>(name, id, mu, cv, answers, tasks));
    engine->ClientJoined(links.back());
  }
  engine->Start(1, std::vector<float>(mlp.params().begin(), mlp.params().end()));
  const std::size_t n = Mlp::ParamCount(layers);
  std::vector<float> delta(n);
  {
    std::unique_lock lock(mu);
    cv.wait(lock, [&] { return tasks == updates; });
  }
  const double rss_before = ProcStatusMb("VmRSS:");
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < updates; ++i) {
    {  // a few in flight, as arrivals from the network would be
      std::unique_lock lock(mu);
      cv.wait(lock, [&] { return i - answers < 8; });
    }
    for (std::size_t j = 0; j < n; ++j) delta[j] = 1e-3f * static_cast<float>((i + j) % 17) - 8e-3f;
    protocol::Update u;
    u.run_id = options.run_id;
    u.round = 1;
    u.num_samples = 600;
    u.blob = codec::Encode(spec, delta, nullptr, static_cast<uint64_t>(i)).value();
    const std::size_t bytes = u.blob.size();
    engine->UpdateArrived(links[i], std::move(u), bytes);
  }
  collector.committed.get_future().wait();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf(
      "memory updates=%d codec=%s params=%zu rss_before_mb=%.1f peak_rss_mb=%.1f "
      "rss_after_mb=%.1f seconds=%.2f\n",
      updates, codec_spec.c_str(), n, rss_before, ProcStatusMb("VmHWM:"), ProcStatusMb("VmRSS:"),
      seconds);
  std::promise<void> stopped;
  engine->Stop([&] { stopped.set_value(); });
  stopped.get_future().wait();
  pool.join();
  work.reset();
  io_thread.join();
  engine.reset();
  store.Stop();
  return 0;
}

}  // namespace fedq::bench
