#include "coordinator/coordinator_service.hpp"

#include <spdlog/spdlog.h>

#include <csignal>
#include <functional>
#include <mutex>
#include <numeric>
#include <thread>

#include "common/codec/codec.hpp"
#include "common/idx_reader.hpp"
#include "common/mlp.hpp"
#include "common/model_file.hpp"
#include "common/partition.hpp"
#include "common/thread_name.hpp"
#include "common/trainer.hpp"
#include "coordinator/session.hpp"
#include "coordinator/store.hpp"

namespace fedq::coordinator {
namespace asio = boost::asio;

namespace {

// A configured thread count; 0 means one per core.
std::size_t ThreadCount(int configured) {
  if (configured > 0) return static_cast<std::size_t>(configured);
  return std::max(1u, std::thread::hardware_concurrency());
}

std::string Arch(const std::vector<int>& layers) {
  std::string out;
  for (int n : layers) {
    if (!out.empty()) out += '-';
    out += std::to_string(n);
  }
  return out;
}

EngineOptions MakeEngineOptions(const CoordinatorConfig& c, int64_t run_id) {
  EngineOptions o;
  o.run_id = std::to_string(run_id);
  o.rounds = c.rounds;
  o.clients_per_round = c.clients_per_round;
  o.clients_fraction = c.clients_fraction;
  o.min_clients = c.min_clients;
  o.min_available_clients = c.min_available_clients;
  o.round_deadline_ms = c.round_deadline_ms;
  o.select_seed = static_cast<uint64_t>(c.select_seed);
  o.uplink_codec = c.uplink_codec;
  o.downlink_codec = c.downlink_codec;
  o.training.epochs = static_cast<uint32_t>(c.training.epochs);
  o.training.batch_size = static_cast<uint32_t>(c.training.batch_size);
  o.training.learning_rate = c.training.lr;
  o.training.momentum = c.training.momentum;
  o.training.weight_decay = c.training.weight_decay;
  o.training.prox_mu = c.training.prox_mu;
  return o;
}

}  // namespace

// Feeds the engine's reports to /metrics and the embedding program.
class CoordinatorService::Observer final : public EngineObserver {
 public:
  explicit Observer(CoordinatorService& service) : s_(service) {}
  void OnRoundStarted(int64_t round, int, int) override { s_.metrics_.RoundStarted(round); }
  void OnUpdateAccepted(std::size_t bytes) override {
    s_.metrics_.UpdateAccepted();
    s_.metrics_.BytesReceived(bytes);
  }
  void OnUpdateRejected(RejectReason reason, std::size_t bytes) override {
    s_.metrics_.UpdateRejected(RejectReasonName(reason));
    s_.metrics_.BytesReceived(bytes);
  }
  void OnTaskSent(std::size_t bytes) override { s_.metrics_.BytesSent(bytes); }
  void OnRoundCommitted(const RoundReport& r, double seconds) override {
    s_.metrics_.RoundCompleted(r.round, seconds, r.test_accuracy);
    if (s_.hooks_.on_round_committed) s_.hooks_.on_round_committed(r, seconds);
  }
  void OnRoundFailed(const RoundReport& r) override {
    s_.metrics_.RoundFailed(r.round, (r.finished_unix_ms - r.started_unix_ms) / 1000.0);
  }
  void OnRunEnded(Status status) override { s_.RunEnded(std::move(status)); }

 private:
  CoordinatorService& s_;
};

CoordinatorService::CoordinatorService(CoordinatorConfig config, ServiceHooks hooks)
    : config_(std::move(config)),
      hooks_(std::move(hooks)),
      clock_(hooks_.clock != nullptr ? hooks_.clock : &system_clock_),
      metrics_(registry_),
      workers_(ThreadCount(config_.worker_threads)) {}

CoordinatorService::~CoordinatorService() {
  Stop();
  (void)Wait();
}

Status CoordinatorService::Start() {
  FEDQ_RETURN_IF_ERROR(OpenStore());
  FEDQ_ASSIGN_OR_RETURN(std::unique_ptr<Strategy> strategy, MakeStrategy(config_.strategy));
  FEDQ_RETURN_IF_ERROR(LoadEvalData());
  std::vector<float> global;
  std::vector<uint8_t> state;
  FEDQ_RETURN_IF_ERROR(PrepareRun(global, state));
  aggregator_ = std::make_unique<RoundAggregator>(workers_, std::move(strategy), config_.layers,
                                                  eval_data_ ? &*eval_data_ : nullptr);
  if (!state.empty()) {  // none before the first commit
    FEDQ_RETURN_IF_ERROR(aggregator_->LoadState(state).WithContext("restoring strategy state"));
  }
  recorder_ =
      std::make_unique<StoreRecorder>(*store_, run_id_, config_.layers, config_.uplink_codec);
  observer_ = std::make_unique<Observer>(*this);
  FEDQ_ASSIGN_OR_RETURN(codec::PipelineSpec downlink, codec::ParseSpec(config_.downlink_codec));
  auto encode = [downlink](std::span<const float> params) {
    return codec::Encode(downlink, params, nullptr, /*seed=*/0);
  };
  engine_ = std::make_shared<RoundEngine>(io_, MakeEngineOptions(config_, run_id_), *aggregator_,
                                          *recorder_, *clock_, *observer_, encode);
  FEDQ_RETURN_IF_ERROR(StartNetwork());
  FEDQ_RETURN_IF_ERROR(StartHttp());
  work_.emplace(io_.get_executor());
  for (std::size_t i = 0; i < ThreadCount(config_.io_threads); ++i) {
    io_threads_.emplace_back([this] {
      NameThisThread("fedq-io");
      io_.run();
    });
  }
  engine_->Start(first_round_, std::move(global));
  return Status::Ok();
}

Status CoordinatorService::OpenStore() {
  StoreOptions options;
  options.retention = {config_.keep_last, config_.keep_every};
  Result<Store> store = Store::Open(config_.db_path, options);
  if (!store.ok()) return store.status().WithContext("database " + config_.db_path);
  store_ = std::make_unique<StoreWorker>(std::move(store).value());
  return Status::Ok();
}

Status CoordinatorService::PrepareRun(std::vector<float>& global, std::vector<uint8_t>& state) {
  Result<RunInfo> latest = store_->Submit([](Store& s) { return s.LatestRun(); }).get();
  if (!latest.ok() && latest.status().code() != ErrorCode::kNotFound) return latest.status();
  if (!latest.ok()) {
    FEDQ_ASSIGN_OR_RETURN(Mlp mlp, Mlp::Create(config_.layers, config_.init_seed));
    NewRun run{"run",
               ConfigToJson(config_).dump(),
               Arch(config_.layers),
               config_.strategy.name,
               clock_->UnixMillis(),
               SerializeModel(mlp)};
    FEDQ_ASSIGN_OR_RETURN(run_id_,
                          store_->Submit([&](Store& s) { return s.CreateRun(run); }).get());
    global.assign(mlp.params().begin(), mlp.params().end());
    first_round_ = 1;
    spdlog::info("new run {} in {}", run_id_, config_.db_path);
    return Status::Ok();
  }
  run_id_ = latest->id;
  if (latest->model_arch != Arch(config_.layers) || latest->strategy != config_.strategy.name) {
    return FailedPrecondition("database " + config_.db_path + " holds run " +
                              std::to_string(run_id_) + " of model " + latest->model_arch +
                              " with strategy " + latest->strategy + "; the config asks for " +
                              Arch(config_.layers) + " with " + config_.strategy.name);
  }
  FEDQ_ASSIGN_OR_RETURN(ResumePoint point,
                        store_->Submit([&](Store& s) { return s.LoadResumePoint(run_id_); }).get());
  FEDQ_ASSIGN_OR_RETURN(Mlp mlp, ParseModel(point.model));
  if (mlp.layer_sizes() != config_.layers) return Corrupt("stored model has other layer sizes");
  global.assign(mlp.params().begin(), mlp.params().end());
  state = std::move(point.strategy_state);
  first_round_ = point.last_round + 1;
  spdlog::info("resuming run {} at round {}", run_id_, first_round_);
  return Status::Ok();
}

Status CoordinatorService::LoadEvalData() {
  if (config_.eval_data_dir.empty()) return Status::Ok();
  Result<Dataset> data = LoadFashionMnist(config_.eval_data_dir, Split::kTest);
  if (!data.ok()) return data.status().WithContext("eval_data_dir");
  if (hooks_.eval_limit > 0 && hooks_.eval_limit < data->size()) {
    std::vector<std::size_t> rows(hooks_.eval_limit);
    std::iota(rows.begin(), rows.end(), std::size_t{0});
    *data = TakeRows(*data, rows);
  }
  FEDQ_RETURN_IF_ERROR(CheckDatasetFits(config_.layers, *data).WithContext("eval_data_dir"));
  eval_data_ = std::move(data).value();
  return Status::Ok();
}

Status CoordinatorService::StartNetwork() {
  protocol::ListenerOptions options;
  options.address = config_.listen_address;
  options.port = static_cast<uint16_t>(config_.listen_port);
  options.tls.ca_file = config_.ca_cert;
  options.tls.cert_file = config_.server_cert;
  options.tls.key_file = config_.server_key;
  options.tls.revocation_file = config_.revocation_list;
  options.max_connections = static_cast<std::size_t>(config_.max_connections);
  options.handshake_timeout = std::chrono::milliseconds(config_.io_timeout_ms);
  options.channel.read_timeout = std::chrono::milliseconds(config_.io_timeout_ms);
  options.channel.write_timeout = std::chrono::milliseconds(config_.io_timeout_ms);
  options.channel.limits.max_binary_bytes = static_cast<uint32_t>(config_.max_frame_bytes);
  SessionContext context;
  context.engine = engine_;
  context.store = store_.get();
  context.clock = clock_;
  context.run_id = std::to_string(run_id_);
  context.limits = options.channel.limits;
  options.channel.receive_budget =
      protocol::ByteBudget::Create(static_cast<std::size_t>(config_.receive_budget_bytes));
  context.hello_timeout = std::chrono::milliseconds(config_.io_timeout_ms);
  context.idle_timeout = std::chrono::milliseconds(config_.idle_timeout_ms);
  context.on_connected_change = [this](const std::string& fingerprint, int delta) {
    ClientConnected(fingerprint, delta);
  };
  auto handler = [context](std::shared_ptr<protocol::Channel> channel) {
    return Session::Serve(std::move(channel), context);
  };
  FEDQ_ASSIGN_OR_RETURN(listener_,
                        protocol::Listener::Create(io_.get_executor(), options, handler));
  listener_->Start();
  spdlog::info("listening for clients on {}:{}", config_.listen_address, listener_->port());
  return Status::Ok();
}

Status CoordinatorService::StartHttp() {
  if (config_.http.empty()) return Status::Ok();
  const auto colon = config_.http.rfind(':');
  HttpServerOptions options;
  options.address = config_.http.substr(0, colon);
  options.port = static_cast<uint16_t>(std::stoi(config_.http.substr(colon + 1)));
  routes_ = std::make_unique<StatusRoutes>(*store_, registry_, [this] { return LiveClients(); });
  http_ = std::make_unique<HttpServer>(*routes_, options);
  FEDQ_RETURN_IF_ERROR(http_->Start().WithContext("status server " + config_.http));
  spdlog::info("status page on http://{}:{}/", options.address, http_->port());
  return Status::Ok();
}

void CoordinatorService::ClientConnected(const std::string& fingerprint, int delta) {
  std::lock_guard lock(live_mu_);
  if (delta > 0) {
    live_clients_.insert(fingerprint);
  } else if (auto it = live_clients_.find(fingerprint); it != live_clients_.end()) {
    live_clients_.erase(it);
  }
  metrics_.ClientsConnected(live_clients_.size());
}

bool CoordinatorService::HasLiveClients() const {
  std::lock_guard lock(live_mu_);
  return !live_clients_.empty();
}

std::vector<std::string> CoordinatorService::LiveClients() const {
  std::lock_guard lock(live_mu_);
  std::vector<std::string> fingerprints;
  for (auto it = live_clients_.begin(); it != live_clients_.end();
       it = live_clients_.upper_bound(*it)) {
    fingerprints.push_back(*it);
  }
  return fingerprints;
}

void CoordinatorService::RunEnded(Status status) {
  {
    std::lock_guard lock(mu_);
    if (run_status_.ok()) run_status_ = std::move(status);
  }
  Stop();
}

void CoordinatorService::Stop() {
  {
    std::lock_guard lock(mu_);
    if (stop_requested_) return;
    stop_requested_ = true;
  }
  if (!engine_ || io_threads_.empty()) return FinishStop();
  engine_->Stop([this] { OnEngineStopped(); });
}

void CoordinatorService::OnEngineStopped() {
  // Sessions were told Bye; give them a moment to go, then close the rest.
  asio::co_spawn(
      io_,
      [this]() -> asio::awaitable<void> {
        asio::steady_timer timer(co_await asio::this_coro::executor);
        for (int i = 0; i < 200 && HasLiveClients(); ++i) {
          timer.expires_after(std::chrono::milliseconds(10));
          co_await timer.async_wait(asio::use_awaitable);
        }
        listener_->Stop();
        FinishStop();
      },
      asio::detached);
}

void CoordinatorService::FinishStop() {
  std::lock_guard lock(mu_);
  ended_ = true;
  ended_cv_.notify_all();
}

Status CoordinatorService::Wait() {
  {
    std::unique_lock lock(mu_);
    ended_cv_.wait(lock, [this] { return ended_; });
  }
  if (http_) http_->Stop();
  if (listener_) listener_->Stop();
  work_.reset();
  io_.stop();
  for (std::thread& t : io_threads_) t.join();
  io_threads_.clear();
  workers_.join();
  if (store_) store_->Stop();
  std::lock_guard lock(mu_);
  return run_status_;
}

Status CoordinatorService::ReloadRevocations() {
  if (!listener_) return FailedPrecondition("the coordinator is not listening");
  Result<protocol::Listener::Reloaded> reloaded = listener_->ReloadRevocations();
  if (!reloaded.ok()) {
    return reloaded.status().WithContext("revocation list " + config_.revocation_list +
                                         " not reloaded, the old one stays");
  }
  spdlog::info("revocation list reloaded: {} certificates revoked, {} connected clients dropped",
               reloaded->revoked, reloaded->channels_closed);
  return Status::Ok();
}

uint16_t CoordinatorService::port() const { return listener_ ? listener_->port() : 0; }
uint16_t CoordinatorService::http_port() const { return http_ ? http_->port() : 0; }

Status Run(const CoordinatorConfig& config) {
  asio::io_context signal_io;
  asio::signal_set signals(signal_io, SIGINT, SIGTERM, SIGHUP);
  CoordinatorService service(config);
  // A signal that comes while Start is still wiring the service is held
  // until Start returns: Stop and the reload read what Start writes.
  std::mutex start_mu;
  bool started = false;
  bool stop_pending = false;
  std::function<void(const boost::system::error_code&, int)> on_signal =
      [&](const boost::system::error_code& ec, int signal) {
        if (ec) return;
        bool running = false;
        {
          std::lock_guard lock(start_mu);
          running = started;
          if (!running && signal != SIGHUP) stop_pending = true;
        }
        if (signal == SIGHUP) {
          if (!running) {
            spdlog::warn("SIGHUP while starting: the revocation list was read at start");
          } else if (Status s = service.ReloadRevocations(); !s.ok()) {
            spdlog::error("{}", s.ToString());
          }
          return signals.async_wait(on_signal);
        }
        spdlog::info("signal {}: stopping", signal);
        if (running) service.Stop();
      };
  signals.async_wait(on_signal);
  std::thread signal_thread([&signal_io] { signal_io.run(); });
  Status status = service.Start();
  bool stop_now = false;
  {
    std::lock_guard lock(start_mu);
    started = true;
    stop_now = stop_pending;
  }
  if (!status.ok() || stop_now) service.Stop();
  Status waited = service.Wait();
  signal_io.stop();
  signal_thread.join();
  return status.ok() ? waited : status;
}

}  // namespace fedq::coordinator
