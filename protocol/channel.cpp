#include "protocol/channel.hpp"

#include <openssl/ssl.h>
#include <spdlog/spdlog.h>

#include <array>
#include <optional>

#include "protocol/frame_header.hpp"
#include "protocol/openssl_util.hpp"
#include "protocol/operation_deadline.hpp"

namespace fedq::protocol {
namespace {

using boost::system::error_code;
constexpr auto kUseAwaitable = asio::use_awaitable;

// Read-ahead while a large body arrives: four records per recv. Counted in
// the body's receive budget.
constexpr std::size_t kBodyReadAhead = 64 * 1024;

PeerIdentity IdentityOf(TlsSocket& stream) {
  PeerIdentity id;
  const X509* cert = SSL_get0_peer_certificate(stream.native_handle());
  id.common_name = CommonNameOf(cert);
  id.sha256_fingerprint_hex = Sha256FingerprintHex(cert);
  id.tls_cipher = SSL_get_cipher_name(stream.native_handle());
  error_code ec;
  const auto ep = stream.socket().remote_endpoint(ec);
  id.endpoint = ec ? std::string("?") : ep.address().to_string() + ":" + std::to_string(ep.port());
  return id;
}

}  // namespace

std::atomic<uint64_t> Channel::body_bytes_allocated_{0};

struct Channel::PendingWrite {
  PendingWrite(Frame f, const asio::any_io_executor& ex)
      : frame(std::move(f)), wake(ex, asio::steady_timer::time_point::max()) {}
  Frame frame;
  asio::steady_timer wake;  // cancelled when the write is done
  Status result;
  bool done = false;
};

Channel::Channel(TlsSocket stream, ChannelOptions options)
    : stream_(std::move(stream)),
      options_(options),
      decoder_(options.limits),
      peer_(IdentityOf(stream_)) {}

Channel::~Channel() {
  error_code ec;
  stream_.socket().close(ec);
}

void Channel::CancelIo() {
  if (budget_wait_) budget_wait_->Cancel();
  error_code ec;
  stream_.socket().cancel(ec);
}

void Channel::Close(std::string_view reason) {
  if (closed_) return;
  closed_ = true;
  if (budget_wait_) budget_wait_->Cancel();
  spdlog::info("channel {} (CN='{}') closed: {}", peer_.endpoint, peer_.common_name, reason);
  error_code ec;
  stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
  stream_.socket().close(ec);
  for (auto& w : write_queue_) {
    w->result = Unavailable("channel closed before the write");
    w->done = true;
    w->wake.cancel();
  }
  write_queue_.clear();
}

awaitable<Status> Channel::ReadFailure(error_code ec, bool timed_out, std::string what) {
  if (timed_out) {
    spdlog::warn(
        "dropping {} (CN='{}'): no complete {} before the read deadline (stalled or "
        "slow peer)",
        peer_.endpoint, peer_.common_name, what);
    const std::string message = "no complete " + what + " before the read deadline";
    Error timeout_error{WireError::kTimeout, message, {}};  // named: see README, GCC 12
    co_await Reject(std::move(timeout_error));
    co_return Timeout(message);
  }
  if (closed_) co_return Unavailable("channel closed");
  const bool eof = ec == asio::error::eof || ec == asio::ssl::error::stream_truncated;
  const std::string why =
      (eof ? "peer closed the connection" : ec.message()) + " while reading " + what;
  Close(why);
  co_return Unavailable(why);
}

// Not a coroutine: forwarding the awaitable avoids a coroutine frame (and
// GCC 12's trouble with `co_return co_await` temporaries).
awaitable<Result<Message>> Channel::Receive() { return Receive(options_.read_timeout); }

awaitable<Result<Message>> Channel::Receive(std::chrono::milliseconds timeout) {
  if (closed_) co_return Unavailable("channel closed");
  lease_.reset();
  auto self = shared_from_this();
  // Between frames OpenSSL reads one record at a time: a session waiting
  // for the receive budget then holds one record, not a read-ahead buffer.
  stream_.SetReadAhead(0);
  std::optional<OperationDeadline> deadline;
  deadline.emplace(executor(), timeout, [self] { self->CancelIo(); });
  std::array<uint8_t, kHeaderSize> head{};
  const error_code ec = co_await stream_.ReadExactly(asio::buffer(head));
  const bool expired = deadline->expired();
  deadline.reset();
  if (ec) {
    Status failure = co_await ReadFailure(ec, expired, "frame header");
    co_return failure;
  }
  Result<FrameHeader> header = decoder_.ParseHeader(head);
  if (!header.ok()) {
    co_await RejectFrame(header.status());
    co_return header.status();
  }
  if (options_.receive_budget) {
    // Not under the read deadline: waiting here is not the peer's doing.
    budget_wait_ = std::make_shared<ByteBudget::Wait>(executor());
    lease_ = co_await options_.receive_budget->Acquire(header->body_length() + kBodyReadAhead,
                                                       budget_wait_);
    budget_wait_.reset();
    if (!lease_ || closed_) co_return Unavailable("channel closed");
  }
  std::string json;
  Blob binary;
  if (Status body = co_await ReceiveBody(*header, timeout, json, binary); !body.ok()) {
    co_return body;
  }
  Result<Message> message = decoder_.DecodeBody(*header, json, std::move(binary));
  if (!message.ok()) co_await RejectFrame(message.status());
  co_return message;
}

awaitable<Status> Channel::ReceiveBody(const FrameHeader& header, std::chrono::milliseconds timeout,
                                       std::string& json, Blob& binary) {
  auto self = shared_from_this();
  if (header.body_length() > kBodyReadAhead) stream_.SetReadAhead(kBodyReadAhead);
  std::optional<OperationDeadline> deadline;
  deadline.emplace(executor(), timeout, [self] { self->CancelIo(); });
  // Only now, with both lengths inside the limits, is the body allocated.
  json.assign(header.json_length, '\0');
  binary.resize(header.binary_length);
  body_bytes_allocated_ += header.body_length();
  error_code ec = co_await stream_.ReadExactly(asio::buffer(json));
  if (!ec) ec = co_await stream_.ReadExactly(asio::buffer(binary));
  const bool expired = deadline->expired();
  deadline.reset();
  if (!ec) co_return Status::Ok();
  Status failure = co_await ReadFailure(ec, expired, "frame body");
  co_return failure;
}

awaitable<void> Channel::RejectFrame(const Status& why) {
  spdlog::warn("bad frame from {} (CN='{}'): {}", peer_.endpoint, peer_.common_name,
               why.ToString());
  Error error;
  error.code = WireErrorFor(why);
  error.message = why.message();
  if (error.code == WireError::kUnsupportedVersion) {
    error.supported_versions.assign(kSupportedVersions.begin(), kSupportedVersions.end());
  }
  co_await Reject(std::move(error));
}

awaitable<void> Channel::Reject(Error error) {
  if (closed_) co_return;
  const std::string reason = "rejected: " + error.message;
  const Status sent = co_await Send(error);
  if (sent.ok()) co_await DrainBeforeClose();
  Close(reason);
}

// Closing a socket with unread input makes the kernel send RST, which can
// destroy the Error we just sent before the peer reads it. So: FIN first,
// then discard what the peer still sends, briefly and boundedly.
awaitable<void> Channel::DrainBeforeClose() {
  error_code ec;
  stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
  auto self = shared_from_this();
  const auto limit = std::min(options_.read_timeout, std::chrono::milliseconds(2000));
  OperationDeadline deadline(executor(), limit, [self] { self->CancelIo(); });
  std::array<char, 16384> sink;
  for (size_t drained = 0; !ec && drained < (1u << 20);) {
    drained += co_await stream_.socket().async_read_some(asio::buffer(sink),
                                                         asio::redirect_error(kUseAwaitable, ec));
  }
}

// Not a coroutine: the message is encoded at the call, so the caller's
// temporary never has to outlive a suspension.
awaitable<Status> Channel::Send(const Message& message) {
  return SendEncoded(std::make_shared<const OutgoingFrame>(EncodeOutgoingFrame(message, version_)));
}

awaitable<Status> Channel::Send(Message&& message) {
  return SendEncoded(
      std::make_shared<const OutgoingFrame>(EncodeOutgoingFrame(std::move(message), version_)));
}

awaitable<Status> Channel::SendEncoded(Frame frame) {
  if (closed_) co_return Unavailable("channel closed");
  auto self = shared_from_this();
  auto pending = std::make_shared<PendingWrite>(std::move(frame), executor());
  write_queue_.push_back(pending);
  if (writing_) {  // another Send is the writer; it completes ours too
    while (!pending->done) {
      error_code ec;
      co_await pending->wake.async_wait(asio::redirect_error(kUseAwaitable, ec));
    }
    co_return pending->result;
  }
  writing_ = true;
  while (!write_queue_.empty()) {
    auto next = write_queue_.front();
    write_queue_.pop_front();
    next->result = co_await WriteOne(*next->frame);
    next->done = true;
    next->wake.cancel();
  }
  writing_ = false;
  co_return pending->result;
}

awaitable<Status> Channel::WriteOne(const OutgoingFrame& frame) {
  if (closed_) co_return Unavailable("channel closed");
  auto self = shared_from_this();
  OperationDeadline deadline(executor(), options_.write_timeout, [self] { self->CancelIo(); });
  const std::array<asio::const_buffer, 2> parts = {asio::buffer(frame.head),
                                                   asio::buffer(frame.binary)};
  const error_code ec = co_await stream_.WriteAll(parts);
  if (!ec) co_return Status::Ok();
  if (deadline.expired()) {
    spdlog::warn(
        "dropping {} (CN='{}'): write of {} bytes not done within {} ms (peer not reading)",
        peer_.endpoint, peer_.common_name, frame.size(), options_.write_timeout.count());
    Close("write timeout");
    co_return Timeout("write deadline passed");
  }
  Close("write failed: " + ec.message());
  co_return Unavailable("write failed: " + ec.message());
}

}  // namespace fedq::protocol
