// BenchClients: N fedq clients in the benchmark's process that skip
// training: each answers every Task at once with the same fp32 update of
// the whole model, over its own loopback mTLS connection. Real clients are
// separate devices working in parallel, so these run on one thread per core
// (each client on its own strand). Start once; the destructor stops them.
#pragma once

#include <algorithm>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "bench/round_timing.hpp"
#include "common/codec/codec.hpp"
#include "common/thread_name.hpp"
#include "protocol/asio.hpp"
#include "protocol/client_connector.hpp"
#include "protocol/pki.hpp"

namespace fedq::bench {

class BenchClients {
 public:
  BenchClients(protocol::PkiDirectory& pki, const std::string& ca, int n, std::size_t params,
               const std::string& codec_spec = "fp32")
      : work_(io_.get_executor()) {
    std::vector<float> delta(params);
    for (std::size_t i = 0; i < params; ++i) delta[i] = 1e-4f * static_cast<float>(i % 13);
    blob_ = codec::Encode(codec::ParseSpec(codec_spec).value(), delta, nullptr, 0).value();
    for (int i = 0; i < n; ++i) {
      auto issued = pki.IssueClient("bench-" + std::to_string(i)).value();
      tls_.push_back({ca, issued.cert_file, issued.key_file, "", "127.0.0.1"});
    }
  }
  ~BenchClients() {
    work_.reset();
    io_.stop();
    for (std::thread& t : threads_) t.join();
  }

  // CPU time the clients' threads have used so far.
  double CpuSeconds() {
    std::lock_guard lock(mu_);
    return CpuSecondsOf(cpu_clocks_);
  }

  // Blocks until every client has ended (told Bye, or its connection failed).
  void WaitFinished() {
    std::unique_lock lock(mu_);
    finished_cv_.wait(lock, [this] { return finished_ == static_cast<int>(tls_.size()); });
  }

  void Start(uint16_t port) {
    for (const protocol::TlsConfig& tls : tls_) {
      protocol::ConnectorOptions options;
      options.tls = tls;
      boost::asio::co_spawn(boost::asio::make_strand(io_), Run(options, port),
                            boost::asio::detached);
    }
    const unsigned threads = std::max(1u, std::thread::hardware_concurrency());
    for (unsigned i = 0; i < threads; ++i) {
      threads_.emplace_back([this] {
        NameThisThread("bench-client");
        io_.run();
      });
    }
    std::lock_guard lock(mu_);
    for (std::thread& t : threads_) AddCpuClockOf(t, cpu_clocks_);
  }

 private:
  protocol::awaitable<void> Run(protocol::ConnectorOptions options, uint16_t port) {
    co_await Talk(std::move(options), port);
    std::lock_guard lock(mu_);
    ++finished_;
    finished_cv_.notify_all();
  }

  protocol::awaitable<void> Talk(protocol::ConnectorOptions options, uint16_t port) {
    auto connector = protocol::ClientConnector::Create(options);
    if (!connector.ok()) co_return;
    const std::string host = "127.0.0.1";
    auto channel = co_await connector->Connect(host, port);
    if (!channel.ok()) co_return;
    std::shared_ptr<protocol::Channel> ch = *channel;
    protocol::Hello hello;
    hello.software_version = "bench";
    hello.protocol_versions = {protocol::kProtocolVersion};
    const protocol::Message hello_message = hello;
    Status sent = co_await ch->Send(hello_message);
    while (sent.ok()) {
      auto in = co_await ch->Receive(std::chrono::milliseconds(120000));
      if (!in.ok() || std::holds_alternative<protocol::Bye>(*in)) break;
      const auto* task = std::get_if<protocol::Task>(&*in);
      if (task == nullptr) continue;
      protocol::Update update;
      update.run_id = task->run_id;
      update.round = task->round;
      update.num_samples = 600;
      update.blob = blob_;
      sent = co_await ch->Send(protocol::Message(std::move(update)));
    }
    ch->Close("bench client done");
  }

  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  std::vector<std::thread> threads_;
  std::vector<protocol::TlsConfig> tls_;
  protocol::Blob blob_;
  std::mutex mu_;
  std::vector<clockid_t> cpu_clocks_;  // of threads_, once started
  std::condition_variable finished_cv_;
  int finished_ = 0;
};

}  // namespace fedq::bench
