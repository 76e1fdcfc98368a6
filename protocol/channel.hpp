// Channel: one authenticated TLS connection carrying fedq frames. It owns the
// ssl stream and its buffers, and lives in a shared_ptr (its timers hold it).
// Every read and write has a deadline; a bad frame is answered with an Error
// and the connection is closed. All calls must come from the channel's
// executor (the strand of its session): not thread-safe otherwise. At most
// one Receive at a time; Sends may overlap (they queue, one write in flight).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.hpp"
#include "protocol/asio.hpp"
#include "protocol/byte_budget.hpp"
#include "protocol/frame_decoder.hpp"
#include "protocol/frame_header.hpp"
#include "protocol/messages.hpp"
#include "protocol/tls_socket.hpp"

namespace fedq::protocol {

struct ChannelOptions {
  // Bounds the time to receive ONE whole frame once Receive is called, so a
  // slow-drip peer is dropped whatever its pace. Must exceed the heartbeat
  // interval on a side that waits for messages.
  std::chrono::milliseconds read_timeout{30000};
  std::chrono::milliseconds write_timeout{30000};
  FrameLimits limits;
  // Shared by the channels of a server: bounds the bytes of frames being
  // received or still held by their receiver (TakeLease). Null: unbounded.
  std::shared_ptr<ByteBudget> receive_budget;
};

struct PeerIdentity {
  std::string common_name;             // subject CN of the peer's certificate
  std::string sha256_fingerprint_hex;  // of its DER certificate, lower-case
  std::string endpoint;                // "127.0.0.1:53412"
  std::string tls_cipher;              // negotiated suite, "TLS_AES_128_GCM_SHA256"
};

class Channel : public std::enable_shared_from_this<Channel> {
 public:
  using Frame = std::shared_ptr<const OutgoingFrame>;

  // REQUIRES: the TLS handshake on `stream` has completed.
  Channel(TlsSocket stream, ChannelOptions options);
  ~Channel();

  // The next message. On a bad frame: sends Error, closes, returns the
  // decoding error. On timeout: sends Error(kTimeout), closes, returns
  // kTimeout. Peer gone: kUnavailable.
  awaitable<Result<Message>> Receive();
  awaitable<Result<Message>> Receive(std::chrono::milliseconds timeout);

  // Encodes with the channel's protocol version and sends. The rvalue form
  // sends the binary part from where it lies instead of copying it.
  awaitable<Status> Send(const Message& message);
  awaitable<Status> Send(Message&& message);
  // Sends bytes already framed (one Task encoded once for many clients; tests).
  awaitable<Status> SendEncoded(Frame frame);

  // Sends the Error, then closes in a way that lets the peer read it.
  awaitable<void> Reject(Error error);

  // Idempotent; logs the reason once. Pending operations complete with errors.
  void Close(std::string_view reason);
  bool closed() const { return closed_; }

  const PeerIdentity& peer() const { return peer_; }
  uint16_t version() const { return version_; }
  void set_version(uint16_t version) { version_ = version; }  // after negotiation
  asio::any_io_executor executor() { return stream_.get_executor(); }

  // The receive budget's grant for the last message received; the bytes go
  // back when the returned lease (and its copies) are destroyed. Null
  // without a budget.
  ByteBudget::Lease TakeLease() { return std::move(lease_); }

  // Bytes of frame bodies allocated by every Channel of the process: tests use
  // it to show an oversized header allocated nothing.
  static uint64_t TotalBodyBytesAllocated() { return body_bytes_allocated_.load(); }

 private:
  struct PendingWrite;

  awaitable<Status> WriteOne(const OutgoingFrame& frame);
  awaitable<Status> ReceiveBody(const FrameHeader& header, std::chrono::milliseconds timeout,
                                std::string& json, Blob& binary);
  awaitable<void> RejectFrame(const Status& why);
  awaitable<void> DrainBeforeClose();
  awaitable<Status> ReadFailure(boost::system::error_code ec, bool timed_out, std::string what);
  void CancelIo();

  TlsSocket stream_;
  ChannelOptions options_;
  FrameDecoder decoder_;
  PeerIdentity peer_;
  uint16_t version_ = kProtocolVersion;
  bool closed_ = false;
  bool writing_ = false;
  std::deque<std::shared_ptr<PendingWrite>> write_queue_;
  std::shared_ptr<ByteBudget::Wait> budget_wait_;  // while waiting for the budget
  ByteBudget::Lease lease_;

  static std::atomic<uint64_t> body_bytes_allocated_;
};

}  // namespace fedq::protocol
