// TransportFloor: what the round overhead would be if the coordinator did
// nothing but move the bytes. The same BenchClients, the same Listener,
// Channels, TLS suite and receive budget as the coordinator, but the server
// only sends each client the round's Task frame (encoded once, as the
// coordinator does) and waits for every Update, without validating,
// decoding, folding or committing anything. A round ends when the last
// Update of the round has arrived; the next one starts at once.
#pragma once

#include <chrono>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "bench/round_overhead_clients.hpp"
#include "bench/round_timing.hpp"
#include "protocol/byte_budget.hpp"
#include "protocol/frame_header.hpp"
#include "protocol/server.hpp"

namespace fedq::bench {

class TransportFloorServer {
 public:
  // `rounds` rounds with `clients` clients, each Task carrying `model`.
  TransportFloorServer(int clients, int rounds, protocol::Blob model)
      : clients_(clients), rounds_(rounds), work_(io_.get_executor()) {
    protocol::Task task;
    task.run_id = "floor";
    task.model = std::move(model);
    task.uplink_codec = "fp32";
    task_ = std::move(task);
  }

  ~TransportFloorServer() {
    if (listener_) listener_->Stop();
    work_.reset();
    io_.stop();
    for (std::thread& t : threads_) t.join();
  }

  Status Start(protocol::ListenerOptions options) {
    auto listener = protocol::Listener::Create(
        io_.get_executor(), std::move(options),
        [this](std::shared_ptr<protocol::Channel> channel) { return Session(std::move(channel)); });
    if (!listener.ok()) return listener.status();
    listener_ = *listener;
    listener_->Start();
    const unsigned threads = std::max(1u, std::thread::hardware_concurrency());
    for (unsigned i = 0; i < threads; ++i) threads_.emplace_back([this] { io_.run(); });
    return Status::Ok();
  }

  uint16_t port() const { return listener_->port(); }
  // Where each round's end reads the clients' CPU time. Before Start().
  void set_client_cpu(std::function<double()> read) { client_cpu_ = std::move(read); }

  // Blocks until the last round has ended; returns when each round ended.
  std::vector<RoundEnd> Wait() {
    finished_.get_future().wait();
    std::lock_guard lock(mu_);
    return round_ends_;
  }

 private:
  protocol::awaitable<void> Session(std::shared_ptr<protocol::Channel> channel) {
    auto hello = co_await channel->Receive();
    if (!hello.ok()) co_return;
    Joined(channel);
    while (true) {
      auto in = co_await channel->Receive(std::chrono::milliseconds(120000));
      if (!in.ok()) co_return;
      if (std::holds_alternative<protocol::Update>(*in)) UpdateArrived();
    }
  }

  void Joined(const std::shared_ptr<protocol::Channel>& channel) {
    std::lock_guard lock(mu_);
    channels_.push_back(channel);
    if (static_cast<int>(channels_.size()) == clients_) StartRound();
  }

  void UpdateArrived() {
    std::lock_guard lock(mu_);
    if (++updates_ < clients_) return;
    updates_ = 0;
    round_ends_.push_back(RoundEnd::Now(client_cpu_ ? client_cpu_() : 0));
    if (static_cast<int>(round_ends_.size()) < rounds_) return StartRound();
    for (const auto& channel : channels_) {
      Post(channel, std::make_shared<const protocol::OutgoingFrame>(
                        protocol::EncodeOutgoingFrame(protocol::Bye{"floor done"})));
    }
    finished_.set_value();
  }

  // REQUIRES: mu_ held.
  void StartRound() {
    task_.round = round_ends_.size() + 1;
    // Encoded once per round, as the coordinator does: one copy of the model.
    auto frame =
        std::make_shared<const protocol::OutgoingFrame>(protocol::EncodeOutgoingFrame(task_));
    for (const auto& channel : channels_) Post(channel, frame);
  }

  static void Post(const std::shared_ptr<protocol::Channel>& channel,
                   protocol::Channel::Frame frame) {
    boost::asio::co_spawn(
        channel->executor(),
        [channel, frame]() -> protocol::awaitable<void> { co_await channel->SendEncoded(frame); },
        boost::asio::detached);
  }

  const int clients_;
  const int rounds_;
  protocol::Task task_;
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  std::vector<std::thread> threads_;
  std::shared_ptr<protocol::Listener> listener_;
  std::mutex mu_;
  std::vector<std::shared_ptr<protocol::Channel>> channels_;
  int updates_ = 0;
  std::vector<RoundEnd> round_ends_;
  std::function<double()> client_cpu_;
  std::promise<void> finished_;
};

}  // namespace fedq::bench
