// A RoundEngine with everything real but the network: a temporary SQLite
// store behind its StoreWorker, the real strategy and aggregator on a worker
// pool, and FakeLinks standing in for sessions. Tests drive it with events
// and wait for the rounds it reports. One per test.
#pragma once

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>
#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>

#include "common/codec/codec.hpp"
#include "common/codec/crc32c.hpp"
#include "common/mlp.hpp"
#include "common/model_file.hpp"
#include "coordinator/round_engine.hpp"
#include "coordinator/store.hpp"
#include "coordinator/store_recorder.hpp"
#include "coordinator/store_worker.hpp"
#include "temp_dir.hpp"

namespace fedq::coordinator::testing {

// Everything the engine told the "clients" and reported, behind one lock.
struct Journal {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<RoundReport> committed;
  std::vector<RoundReport> failed;
  std::optional<Status> ended;  // OnRunEnded

  template <typename Pred>
  bool WaitFor(Pred pred) {
    std::unique_lock lock(mu);
    return cv.wait_for(lock, std::chrono::seconds(20), pred);
  }
};

class FakeLink final : public ClientLink {
 public:
  FakeLink(Journal& journal, std::string name, int64_t id)
      : journal_(journal),
        name_(std::move(name)),
        fp_("fp-" + name_),
        key_(ClientKey(name_, fp_)),
        id_(id) {}
  const std::string& key() const override { return key_; }
  const std::string& name() const override { return name_; }
  const std::string& fingerprint() const override { return fp_; }
  int64_t client_id() const override { return id_; }
  void SendFrame(Frame) override {
    Note([this] { ++tasks_; });
  }
  void Send(protocol::Message m) override {
    Note([&] { replies_.push_back(std::move(m)); });
  }
  void Close(std::string) override {
    Note([this] { closed_ = true; });
  }

  bool closed() {
    std::lock_guard l(journal_.mu);
    return closed_;
  }
  int tasks() {
    std::lock_guard l(journal_.mu);
    return tasks_;
  }
  bool WaitTasks(int n) {
    return journal_.WaitFor([&] { return tasks_ >= n; });
  }
  std::vector<protocol::Message> replies() {
    std::lock_guard l(journal_.mu);
    return replies_;
  }
  bool WaitReplies(std::size_t n) {
    return journal_.WaitFor([&] { return replies_.size() >= n; });
  }

 private:
  template <typename F>
  void Note(F f) {
    {
      std::lock_guard l(journal_.mu);
      f();
    }
    journal_.cv.notify_all();
  }
  Journal& journal_;
  std::string name_, fp_, key_;
  int64_t id_;
  int tasks_ = 0;
  bool closed_ = false;
  std::vector<protocol::Message> replies_;
};

class JournalObserver final : public EngineObserver {
 public:
  explicit JournalObserver(Journal& j) : j_(j) {}
  void OnRoundCommitted(const RoundReport& r, double) override { Add(j_.committed, r); }
  void OnRoundFailed(const RoundReport& r) override { Add(j_.failed, r); }
  void OnRunEnded(Status status) override {
    {
      std::lock_guard l(j_.mu);
      j_.ended = status;
    }
    j_.cv.notify_all();
  }

 private:
  void Add(std::vector<RoundReport>& to, const RoundReport& r) {
    {
      std::lock_guard l(j_.mu);
      to.push_back(r);
    }
    j_.cv.notify_all();
  }
  Journal& j_;
};

// Stands between the engine and the store: holds commits back, to show what
// the engine does while one is being written, or fails them (a full disk).
class GatedRecorder final : public RoundRecorder {
 public:
  explicit GatedRecorder(RoundRecorder& store) : store_(store) {}
  void Commit(CommitRequest request, Done done) override {
    std::unique_lock lock(mu_);
    if (fail_) {
      lock.unlock();
      return done(IoError("disk full (test)"));
    }
    if (holding_) {
      held_.emplace_back(std::move(request), std::move(done));
      return;
    }
    lock.unlock();
    store_.Commit(std::move(request), std::move(done));
  }
  void RecordFailed(RoundReport record, Done done) override {
    store_.RecordFailed(std::move(record), std::move(done));
  }
  void Hold() {
    std::lock_guard lock(mu_);
    holding_ = true;
  }
  void FailCommits() {
    std::lock_guard lock(mu_);
    fail_ = true;
  }
  // Stops holding and passes the held commits on, in order.
  void Release() {
    std::vector<std::pair<CommitRequest, Done>> held;
    {
      std::lock_guard lock(mu_);
      holding_ = false;
      held.swap(held_);
    }
    for (auto& [request, done] : held) store_.Commit(std::move(request), std::move(done));
  }

 private:
  RoundRecorder& store_;
  std::mutex mu_;
  bool holding_ = false;
  bool fail_ = false;
  std::vector<std::pair<CommitRequest, Done>> held_;
};

inline protocol::Blob Fp32Blob(const std::vector<float>& values) {
  auto spec = codec::ParseSpec("fp32");
  return codec::Encode(*spec, values, nullptr, 0).value();
}

// A valid fp32 blob (checksum and all) whose element `i` is NaN: what a
// hostile client could send, since the encoder refuses NaN input.
inline protocol::Blob NanBlob(std::vector<float> values, std::size_t i) {
  protocol::Blob blob = Fp32Blob(values);
  const std::size_t spec_len = blob[6] | (blob[7] << 8);
  const std::size_t at = 40 + spec_len + 4 * i;
  const uint8_t nan[4] = {0x00, 0x00, 0xC0, 0x7F};
  std::copy(nan, nan + 4, blob.begin() + at);
  const uint32_t crc = codec::Crc32c(std::span(blob.data(), blob.size() - 4));
  for (int b = 0; b < 4; ++b) blob[blob.size() - 4 + b] = static_cast<uint8_t>(crc >> (8 * b));
  return blob;
}

class EngineHarness {
 public:
  explicit EngineHarness(EngineOptions options, std::string strategy = "fedavg",
                         std::vector<int> layers = {8, 4, 3})
      : layers_(std::move(layers)), work_(io_.get_executor()), pool_(2), observer_(journal) {
    store_ = std::make_unique<StoreWorker>(Store::Open(dir_.File("run.db")).value());
    Mlp mlp = Mlp::Create(layers_, 7).value();
    initial.assign(mlp.params().begin(), mlp.params().end());
    NewRun run{"t", "{}", "arch", strategy, 0, SerializeModel(mlp)};
    run_id = store_->Submit([&](Store& s) { return s.CreateRun(run); }).get().value();
    StrategyConfig sc;
    sc.name = strategy;
    aggregator_ =
        std::make_unique<RoundAggregator>(pool_, MakeStrategy(sc).value(), layers_, nullptr);
    recorder_ = std::make_unique<StoreRecorder>(*store_, run_id, layers_, "fp32");
    gate_ = std::make_unique<GatedRecorder>(*recorder_);
    options.run_id = std::to_string(run_id);
    auto encode = [](std::span<const float> p) {
      return Result<protocol::Blob>(Fp32Blob({p.begin(), p.end()}));
    };
    engine = std::make_shared<RoundEngine>(io_, options, *aggregator_, *gate_, clock_, observer_,
                                           encode);
    io_thread_ = std::thread([this] { io_.run(); });
  }

  ~EngineHarness() {
    std::promise<void> stopped;
    engine->Stop([&] { stopped.set_value(); });
    stopped.get_future().wait();
    // Drain, not stop: no handler may outlive the engine it holds.
    pool_.join();
    work_.reset();
    io_thread_.join();
    engine.reset();
    store_->Stop();
  }

  template <typename F>
  auto Query(F f) {
    return store_->Submit(std::move(f)).get();
  }

  std::shared_ptr<FakeLink> Join(const std::string& name) {
    const int64_t id =
        Query([&](Store& s) { return s.UpsertClient("fp-" + name, name, 0); }).value();
    auto link = std::make_shared<FakeLink>(journal, name, id);
    engine->ClientJoined(link);
    return link;
  }

  void Send(const std::shared_ptr<FakeLink>& link, uint64_t round, uint64_t samples,
            protocol::Blob blob, std::string run = "") {
    protocol::Update u;
    u.run_id = run.empty() ? std::to_string(run_id) : run;
    u.round = round;
    u.num_samples = samples;
    u.metrics.train_loss = 0.5;
    u.blob = std::move(blob);
    const std::size_t bytes = u.blob.size();
    engine->UpdateArrived(link, std::move(u), bytes);
  }

  std::vector<float> Model(int64_t round) {
    auto bytes = Query([&](Store& s) { return s.LoadModel(run_id, round); });
    Mlp mlp = ParseModel(bytes.value()).value();
    return {mlp.params().begin(), mlp.params().end()};
  }

  std::size_t num_params() const { return Mlp::ParamCount(layers_); }
  GatedRecorder& gate() { return *gate_; }

  Journal journal;
  std::shared_ptr<RoundEngine> engine;
  int64_t run_id = 0;
  std::vector<float> initial;

 private:
  TempDir dir_;
  std::vector<int> layers_;
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  boost::asio::thread_pool pool_;
  std::unique_ptr<StoreWorker> store_;
  std::unique_ptr<RoundAggregator> aggregator_;
  std::unique_ptr<StoreRecorder> recorder_;
  std::unique_ptr<GatedRecorder> gate_;
  SystemClock clock_;
  JournalObserver observer_;
  std::thread io_thread_;
};

}  // namespace fedq::coordinator::testing
