// Small in-test fedq clients for the coordinator's integration tests: they
// speak the protocol over loopback mTLS (protocol library) and answer each
// Task as a script says, with synthetic deltas instead of training. All
// clients of a test share one io_context thread. Not thread-safe: the
// records are read under `mu` once the clients are done.
#pragma once

#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "common/codec/codec.hpp"
#include "common/codec/crc32c.hpp"
#include "coordinator/config.hpp"
#include "protocol/asio.hpp"
#include "protocol/client_connector.hpp"
#include "protocol/frame_header.hpp"
#include "protocol/pki.hpp"

namespace fedq::coordinator::testing {

namespace asio = boost::asio;
using protocol::awaitable;

// What a client does with one Task.
enum class Act {
  kSend,           // the update the script built
  kSilent,         // nothing (the round's deadline decides)
  kHalfAndVanish,  // half of the Update frame, then a closed connection
  kGarbageFrame,   // bytes that are no frame at all
};

struct Reply {
  Act act = Act::kSend;
  protocol::Update update;  // for kSend and kHalfAndVanish
  // Wait this long before answering: varies arrival order between runs; no
  // test outcome depends on it.
  std::chrono::milliseconds delay{0};
};

// (client index, task, tasks this client received before) -> what to do.
using Script = std::function<Reply(int client, const protocol::Task& task, int nth)>;

struct ClientLog {
  int tasks = 0;
  int acks = 0;
  int errors = 0;
  bool bye = false;
  bool welcomed = false;
  bool ended = false;
  std::string run_id;
};

inline protocol::Blob Fp32(const std::vector<float>& values) {
  auto spec = codec::ParseSpec("fp32");
  return codec::Encode(*spec, values, nullptr, 0).value();
}

// A deterministic synthetic delta of client `c` for `round`.
inline std::vector<float> SyntheticDelta(std::size_t n, int c, uint64_t round) {
  std::vector<float> d(n);
  for (std::size_t i = 0; i < n; ++i) {
    d[i] = 0.01f * std::sin(static_cast<float>(c * 131 + round * 17 + i));
  }
  return d;
}

inline std::size_t ModelSize(const protocol::Task& task) {
  auto info = codec::Inspect(task.model);
  return info.ok() ? info->count : 0;
}

inline protocol::Update MakeUpdate(const protocol::Task& task, uint64_t samples,
                                   protocol::Blob blob) {
  protocol::Update u;
  u.run_id = task.run_id;
  u.round = task.round;
  u.num_samples = samples;
  u.metrics.train_loss = 0.25;
  u.blob = std::move(blob);
  return u;
}

// A valid fp32 blob (checksum and all) whose element `i` is NaN: what a
// hostile client could send, since the encoder refuses NaN input.
inline protocol::Blob NanBlob(std::vector<float> values, std::size_t i) {
  protocol::Blob blob = Fp32(values);
  const std::size_t spec_len = blob[6] | (blob[7] << 8);
  const std::size_t at = 40 + spec_len + 4 * i;  // fixed header, spec, then the floats
  const uint8_t nan[4] = {0x00, 0x00, 0xC0, 0x7F};
  std::copy(nan, nan + 4, blob.begin() + static_cast<std::ptrdiff_t>(at));
  const uint32_t crc = codec::Crc32c(std::span(blob.data(), blob.size() - 4));
  for (int b = 0; b < 4; ++b) blob[blob.size() - 4 + b] = static_cast<uint8_t>(crc >> (8 * b));
  return blob;
}

// The script of an honest client: a synthetic fp32 delta, 10 samples.
inline Reply Honest(int client, const protocol::Task& task) {
  return {Act::kSend,
          MakeUpdate(task, 10, Fp32(SyntheticDelta(ModelSize(task), client, task.round)))};
}

// A CA, the coordinator's certificate (127.0.0.1) and client certificates.
struct TestPki {
  explicit TestPki(const std::string& dir) : pki(dir) {
    ca = pki.InitCa().value().cert_file.string();
    auto server = pki.IssueServer("localhost", {"127.0.0.1"}).value();
    server_cert = server.cert_file.string();
    server_key = server.key_file.string();
  }
  // Issued once per name, then reused.
  protocol::TlsConfig Client(const std::string& name) {
    std::lock_guard lock(mu);
    auto it = clients.find(name);
    if (it == clients.end()) {
      auto issued = pki.IssueClient(name).value();
      it = clients
               .emplace(name,
                        protocol::TlsConfig{ca, issued.cert_file, issued.key_file, "", "127.0.0.1"})
               .first;
    }
    return it->second;
  }
  // What the coordinator tests share: loopback with this PKI, the small
  // 8-4-3 MLP, fp32 updates, k clients per round (all of them needed to
  // start one), no HTTP status page. Tests change what they exercise.
  CoordinatorConfig RunConfig(const std::string& db_path, int k, int rounds) const {
    CoordinatorConfig c;
    c.listen_address = "127.0.0.1";
    c.listen_port = 0;
    c.ca_cert = ca;
    c.server_cert = server_cert;
    c.server_key = server_key;
    c.layers = {8, 4, 3};
    c.clients_per_round = k;
    c.min_clients = k;
    c.min_available_clients = k;
    c.rounds = rounds;
    c.uplink_codec = "fp32";
    c.db_path = db_path;
    c.http = "";
    return c;
  }

  std::mutex mu;
  std::map<std::string, protocol::TlsConfig> clients;
  protocol::PkiDirectory pki;
  std::string ca, server_cert, server_key;
};

class TestClients {
 public:
  explicit TestClients(TestPki& pki) : pki_(pki), work_(io_.get_executor()) {
    thread_ = std::thread([this] { io_.run(); });
  }
  ~TestClients() {
    work_.reset();
    io_.stop();
    thread_.join();
  }

  // Starts client `index` (certificate CN "client-<index>") against `port`.
  void Start(int index, uint16_t port, Script script) {
    protocol::ConnectorOptions options;
    options.tls = pki_.Client("client-" + std::to_string(index));
    {
      std::lock_guard lock(mu);
      logs[index] = {};
    }
    asio::co_spawn(io_, Run(index, port, options, std::move(script)), asio::detached);
  }

  template <typename Pred>
  bool WaitFor(Pred pred, std::chrono::seconds limit = std::chrono::seconds(30)) {
    std::unique_lock lock(mu);
    return cv.wait_for(lock, limit, pred);
  }

  std::mutex mu;
  std::condition_variable cv;
  std::map<int, ClientLog> logs;

 private:
  template <typename F>
  void Note(int index, F f) {
    {
      std::lock_guard lock(mu);
      f(logs[index]);
    }
    cv.notify_all();
  }

  awaitable<void> Run(int index, uint16_t port, protocol::ConnectorOptions options, Script script) {
    Result<protocol::ClientConnector> connector = protocol::ClientConnector::Create(options);
    if (connector.ok()) {
      const std::string host = "127.0.0.1";
      Result<std::shared_ptr<protocol::Channel>> channel = co_await connector->Connect(host, port);
      if (channel.ok()) co_await Talk(index, *channel, script);
    }
    Note(index, [](ClientLog& log) { log.ended = true; });
  }

  awaitable<void> Talk(int index, std::shared_ptr<protocol::Channel> ch, const Script& script) {
    protocol::Hello hello;
    hello.software_version = "test";
    hello.protocol_versions = {protocol::kProtocolVersion};
    hello.codecs = {"fp32"};
    hello.max_frame_bytes = 1 << 24;
    const protocol::Message hello_message = hello;
    Status sent = co_await ch->Send(hello_message);
    int nth = 0;
    while (sent.ok() && !ch->closed()) {
      Result<protocol::Message> in = co_await ch->Receive(std::chrono::milliseconds(60000));
      if (!in.ok()) break;
      protocol::Message& m = in.value();
      if (auto* w = std::get_if<protocol::Welcome>(&m)) {
        const std::string run = w->run_id;
        Note(index, [&](ClientLog& log) {
          log.welcomed = true;
          log.run_id = run;
        });
      } else if (std::get_if<protocol::Ack>(&m)) {
        Note(index, [](ClientLog& log) { ++log.acks; });
      } else if (std::get_if<protocol::Error>(&m)) {
        Note(index, [](ClientLog& log) { ++log.errors; });
      } else if (std::get_if<protocol::Bye>(&m)) {
        Note(index, [](ClientLog& log) { log.bye = true; });
        break;
      } else if (auto* task = std::get_if<protocol::Task>(&m)) {
        Note(index, [](ClientLog& log) { ++log.tasks; });
        Reply reply = script(index, *task, nth++);
        const bool go_on = co_await Answer(*ch, reply);
        if (!go_on) break;
      }
    }
    ch->Close("test client done");
  }

  // false: the client leaves.
  awaitable<bool> Answer(protocol::Channel& ch, Reply& reply) {
    if (reply.act == Act::kSilent) co_return true;
    if (reply.delay.count() > 0) {
      asio::steady_timer timer(ch.executor());
      timer.expires_after(reply.delay);
      co_await timer.async_wait(asio::use_awaitable);
    }
    if (reply.act == Act::kSend) {
      Status s = co_await ch.Send(protocol::Message(std::move(reply.update)));
      co_return s.ok();
    }
    std::vector<uint8_t> bytes;
    if (reply.act == Act::kHalfAndVanish) {
      bytes = protocol::EncodeFrame(protocol::Message(std::move(reply.update)));
      bytes.resize(bytes.size() / 2);
    } else {
      bytes.assign(64, 0x5A);
    }
    auto frame = std::make_shared<const protocol::OutgoingFrame>(
        protocol::RawOutgoingFrame(std::move(bytes)));
    Status s = co_await ch.SendEncoded(frame);
    (void)s;
    if (reply.act == Act::kHalfAndVanish) co_return false;
    // Garbage: the coordinator answers with an Error and closes; read it.
    Result<protocol::Message> answer = co_await ch.Receive(std::chrono::milliseconds(10000));
    (void)answer;
    co_return false;
  }

  TestPki& pki_;
  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> work_;
  std::thread thread_;
};

}  // namespace fedq::coordinator::testing
