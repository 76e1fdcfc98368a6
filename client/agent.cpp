#include "client/agent.hpp"

#include <spdlog/spdlog.h>

#include "client/run_on.hpp"
#include "protocol/constants.hpp"

namespace fedq::client {
namespace {

namespace asio = protocol::asio;
using protocol::awaitable;

constexpr const char* kSoftwareVersion = "0.1.0";
// Waiting for a Task can take many rounds when the coordinator sends no
// heartbeats; the read deadline then only guards against a dead peer.
constexpr std::chrono::hours kIdleWaitWithoutHeartbeats{24};

uint64_t Fnv1a(std::string_view s) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
  return h;
}

// splitmix64 finalizer: a different stream per (task seed, client).
uint64_t MixSeed(uint64_t a, uint64_t b) {
  uint64_t z = a + 0x9E3779B97F4A7C15ull * (b + 1);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// TLS 1.3 lets the client finish its handshake before the server checks the
// client's certificate: a refusal arrives as an alert on the first read.
bool LooksLikeCertificateRefusal(const Status& s) {
  const std::string& m = s.message();
  return m.find("alert") != std::string::npos || m.find("certificate") != std::string::npos;
}

protocol::Hello MakeHello() {
  protocol::Hello hello;
  hello.software_version = kSoftwareVersion;
  hello.protocol_versions.assign(protocol::kSupportedVersions.begin(),
                                 protocol::kSupportedVersions.end());
  hello.codecs = {"fp32", "fp16", "int8", "int4", "qsgd", "sign", "topk", "randk", "zstd"};
  hello.max_frame_bytes = protocol::FrameLimits{}.max_binary_bytes;
  return hello;
}

}  // namespace

Agent::Agent(AgentOptions options, std::shared_ptr<LocalTrainer> trainer,
             asio::any_io_executor training_executor)
    : options_(std::move(options)),
      trainer_(std::move(trainer)),
      training_executor_(std::move(training_executor)),
      uplink_(options_.state_file) {}

void Agent::Stop() {
  stopping_ = true;
  if (!executor_) return;
  asio::post(executor_, [this] {
    if (sleep_timer_) sleep_timer_->cancel();
    if (!training_ && channel_) {
      // Waiting for a Task: say Bye now; a training finishes first (HandleTask).
      asio::co_spawn(
          executor_,
          [this, ch = channel_]() -> awaitable<void> {
            protocol::Message bye = protocol::Bye{"client stopping"};
            const Status sent = co_await ch->Send(std::move(bye));
            if (!sent.ok()) spdlog::debug("bye not sent: {}", sent.ToString());
            ch->Close("client stopping");
          },
          asio::detached);
    }
  });
}

void Agent::Abort() {
  aborted_ = true;
  stopping_ = true;
  if (!executor_) return;
  asio::post(executor_, [this] {
    if (sleep_timer_) sleep_timer_->cancel();
    CloseCurrent("client aborted");
  });
}

void Agent::CloseCurrent(std::string_view reason) {
  if (channel_) channel_->Close(reason);
}

awaitable<bool> Agent::Sleep(std::chrono::milliseconds delay) {
  if (stopping_) co_return false;  // a Stop posted before the timer existed
  sleep_timer_.emplace(executor_, delay);
  boost::system::error_code ec;
  co_await sleep_timer_->async_wait(asio::redirect_error(asio::use_awaitable, ec));
  sleep_timer_.reset();
  co_return !stopping_;
}

awaitable<Status> Agent::Run() {
  executor_ = co_await asio::this_coro::executor;
  if (Status s = uplink_.Load(); !s.ok()) spdlog::warn("{}: {}", options_.name, s.ToString());
  Result<protocol::ClientConnector> connector =
      protocol::ClientConnector::Create(options_.connector);
  if (!connector.ok()) co_return connector.status().WithContext("client TLS setup");
  connector_.emplace(std::move(connector).value());
  Backoff backoff(options_.backoff, options_.seed);

  while (!stopping_) {
    Result<std::shared_ptr<protocol::Channel>> channel =
        co_await connector_->Connect(options_.host, options_.port);
    Status failure;
    if (channel.ok()) {
      channel_ = *channel;
      Result<SessionEnd> end = co_await Session(*channel);
      channel_->Close("session over");
      channel_.reset();
      if (end.ok() && *end == SessionEnd::kStop) break;
      if (end.ok()) backoff.Reset();  // the session worked; the next failure starts afresh
      failure = end.ok() ? Unavailable("coordinator closed the session") : end.status();
    } else {
      failure = channel.status();
    }
    if (stopping_) break;
    ++stats_.failed_attempts;
    if (failure.code() == ErrorCode::kPermissionDenied ||
        failure.code() == ErrorCode::kFailedPrecondition) {
      spdlog::error("{}: {}", options_.name, failure.ToString());
      co_return failure;
    }
    std::optional<std::chrono::milliseconds> delay = backoff.NextDelay();
    if (!delay) {
      co_return Unavailable("giving up after " + std::to_string(backoff.failures()) +
                            " failed attempts; last: " + failure.ToString());
    }
    spdlog::info("{}: {}; retrying in {} ms", options_.name, failure.ToString(), delay->count());
    if (!co_await Sleep(*delay)) break;
  }
  co_return Status::Ok();
}

awaitable<Result<Agent::SessionEnd>> Agent::Session(std::shared_ptr<protocol::Channel> channel) {
  protocol::Message hello = MakeHello();
  const Status said_hello = co_await channel->Send(std::move(hello));
  if (!said_hello.ok()) co_return said_hello;
  Result<protocol::Message> first = co_await channel->Receive(options_.io_timeout);
  if (!first.ok()) {
    if (LooksLikeCertificateRefusal(first.status())) {
      co_return PermissionDenied(
          "the coordinator refused this client's certificate at the TLS handshake (" +
          first.status().message() +
          "): is it signed by the coordinator's CA, unexpired and not revoked?");
    }
    co_return first.status();
  }
  if (auto* error = std::get_if<protocol::Error>(&*first)) {
    Status s = Unavailable("coordinator refused the Hello: " + error->message);
    if (error->code == protocol::WireError::kUnsupportedVersion) {
      co_return FailedPrecondition(s.message());
    }
    co_return s;
  }
  auto* welcome = std::get_if<protocol::Welcome>(&*first);
  if (!welcome) co_return Unavailable("coordinator answered Hello with an unexpected message");
  channel->set_version(welcome->protocol_version);
  run_id_ = welcome->run_id;
  ++stats_.connections;
  spdlog::info("{}: connected to {}:{}, run {}", options_.name, options_.host, options_.port,
               run_id_);
  std::chrono::milliseconds idle_wait = kIdleWaitWithoutHeartbeats;
  // The heartbeat timer dies with the session, so a stopped agent leaves no
  // pending wait behind to keep the io_context running.
  struct CancelOnExit {
    std::shared_ptr<asio::steady_timer> timer;
    ~CancelOnExit() { timer->cancel(); }
  } beats{std::make_shared<asio::steady_timer>(executor_)};
  if (welcome->heartbeat_interval_ms > 0) {
    const std::chrono::milliseconds beat(welcome->heartbeat_interval_ms);
    idle_wait = 3 * beat + options_.io_timeout;
    asio::co_spawn(executor_, SendHeartbeats(channel, beats.timer, beat), asio::detached);
  }
  while (!stopping_) {
    Result<protocol::Message> message = co_await channel->Receive(idle_wait);
    if (!message.ok())
      co_return stopping_ ? Result<SessionEnd>(SessionEnd::kStop) : message.status();
    if (auto* task = std::get_if<protocol::Task>(&*message)) {
      Status s = co_await HandleTask(*channel, std::move(*task));
      if (!s.ok()) spdlog::warn("{}: task failed: {}", options_.name, s.ToString());
      if (stopping_) break;
    } else if (auto* bye = std::get_if<protocol::Bye>(&*message)) {
      spdlog::info("{}: coordinator said bye: {}", options_.name, bye->reason);
      co_return SessionEnd::kReconnect;
    } else if (auto* error = std::get_if<protocol::Error>(&*message)) {
      co_return Unavailable("coordinator error: " + error->message);
    }
    // Ack and Heartbeat need no answer.
  }
  if (!aborted_) {
    protocol::Message bye = protocol::Bye{"client stopping"};
    const Status sent = co_await channel->Send(std::move(bye));
    if (!sent.ok()) spdlog::debug("{}: bye not sent: {}", options_.name, sent.ToString());
  }
  co_return SessionEnd::kStop;
}

awaitable<void> Agent::SendHeartbeats(std::shared_ptr<protocol::Channel> channel,
                                      std::shared_ptr<asio::steady_timer> timer,
                                      std::chrono::milliseconds interval) {
  for (uint64_t seq = 1; !channel->closed(); ++seq) {
    timer->expires_after(interval);
    boost::system::error_code ec;
    co_await timer->async_wait(asio::redirect_error(asio::use_awaitable, ec));
    if (ec || channel->closed()) break;
    protocol::Message beat = protocol::Heartbeat{seq};
    const Status sent = co_await channel->Send(std::move(beat));
    if (!sent.ok()) break;
  }
}

awaitable<Status> Agent::HandleTask(protocol::Channel& channel, protocol::Task task) {
  ++stats_.tasks_received;
  const uint64_t seed = MixSeed(task.config.seed, Fnv1a(options_.name));
  training_ = true;
  // Decoding, training and encoding are heavy: all on the training executor.
  Result<std::pair<EncodedUpdate, LocalResult>> done =
      co_await RunOn(training_executor_, [&]() -> Result<std::pair<EncodedUpdate, LocalResult>> {
        FEDQ_ASSIGN_OR_RETURN(GlobalModel global, DecodeGlobalModel(task, options_.layers));
        FEDQ_ASSIGN_OR_RETURN(LocalResult local,
                              trainer_->Train(global.layers, global.params, task.config, seed));
        FEDQ_ASSIGN_OR_RETURN(EncodedUpdate encoded,
                              uplink_.Encode(task.run_id, static_cast<int64_t>(task.round),
                                             task.uplink_codec, local.delta, seed));
        local.delta = {};
        return std::make_pair(std::move(encoded), std::move(local));
      });
  training_ = false;
  if (!done.ok()) co_return done.status();
  if (aborted_ || channel.closed()) co_return Unavailable("connection lost during training");
  protocol::Update update;
  update.run_id = task.run_id;
  update.round = task.round;
  update.num_samples = done->second.num_samples;
  update.metrics.train_loss = done->second.train_loss;
  update.metrics.train_seconds = done->second.train_seconds;
  update.blob = std::move(done->first.blob);
  const std::size_t bytes = update.blob.size();
  protocol::Message message = std::move(update);
  const Status sent = co_await channel.Send(std::move(message));
  if (!sent.ok()) co_return sent;
  ++stats_.updates_sent;
  stats_.uplink_bytes += bytes;
  co_return uplink_.Commit(std::move(done->first));
}

}  // namespace fedq::client
