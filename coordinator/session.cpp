#include "coordinator/session.hpp"

#include <spdlog/spdlog.h>

#include "protocol/version_negotiation.hpp"

namespace fedq::coordinator {

using protocol::awaitable;
namespace asio = boost::asio;

Session::Session(std::shared_ptr<protocol::Channel> channel, const SessionContext& context)
    : channel_(std::move(channel)),
      context_(context),
      name_(channel_->peer().common_name),
      fingerprint_(channel_->peer().sha256_fingerprint_hex),
      key_(ClientKey(name_, fingerprint_)) {}

awaitable<void> Session::Serve(std::shared_ptr<protocol::Channel> channel,
                               const SessionContext& context) {
  auto session = std::make_shared<Session>(std::move(channel), context);
  if (context.on_connected_change) context.on_connected_change(session->fingerprint_, +1);
  co_await session->Run();
  if (context.on_connected_change) context.on_connected_change(session->fingerprint_, -1);
}

awaitable<void> Session::Run() {
  if (co_await Greet()) {
    Register();
    while (!channel_->closed()) {
      Result<protocol::Message> message = co_await channel_->Receive(context_.idle_timeout);
      if (!message.ok()) {
        spdlog::info("session {} ended: {}", name_, message.status().ToString());
        break;
      }
      protocol::Message next = std::move(message).value();
      const bool go_on = co_await Dispatch(next);
      if (!go_on) break;
    }
  }
  ended_ = true;
  if (joined_) context_.engine->ClientLeft(shared_from_this());
  channel_->Close("session ended");
}

awaitable<bool> Session::Greet() {
  Result<protocol::Message> first = co_await channel_->Receive(context_.hello_timeout);
  if (!first.ok()) {
    spdlog::info("client {} sent no Hello: {}", name_, first.status().ToString());
    co_return false;
  }
  const auto* hello = std::get_if<protocol::Hello>(&first.value());
  if (hello == nullptr) {
    protocol::Error error{protocol::WireError::kUnexpectedMessage, "expected Hello", {}};
    co_await channel_->Reject(std::move(error));
    co_return false;
  }
  const std::optional<uint16_t> version = protocol::ChooseVersion(hello->protocol_versions);
  if (!version) {
    protocol::Error error = protocol::UnsupportedVersionError(hello->protocol_versions);
    co_await channel_->Reject(std::move(error));
    co_return false;
  }
  channel_->set_version(*version);
  protocol::Welcome welcome;
  welcome.run_id = context_.run_id;
  welcome.protocol_version = *version;
  welcome.limits = context_.limits;
  welcome.heartbeat_interval_ms = static_cast<uint64_t>(context_.idle_timeout.count() / 4);
  const protocol::Message welcome_message = std::move(welcome);
  Status sent = co_await channel_->Send(welcome_message);
  if (!sent.ok()) co_return false;
  spdlog::info("client {} ({}...) connected from {}, software {}", name_,
               fingerprint_.substr(0, 16), channel_->peer().endpoint, hello->software_version);
  co_return true;
}

void Session::Register() {
  // The registry lives on the store thread; the engine learns of the client
  // once it has its id. An update before then has no task: nothing is lost.
  auto self = shared_from_this();
  const int64_t now = context_.clock->UnixMillis();
  const bool queued = context_.store->Post([self, now](Store& store) {
    Result<int64_t> id = store.UpsertClient(self->fingerprint_, self->name_, now);
    asio::post(self->channel_->executor(), [self, id = std::move(id)] {
      if (!id.ok()) {
        spdlog::error("client registry: {}", id.status().ToString());
        return self->Close("coordinator error");
      }
      if (self->ended_) return;
      self->client_id_ = id.value();
      self->joined_ = true;
      self->context_.engine->ClientJoined(self);
    });
  });
  if (!queued) Close("coordinator shutting down");
}

awaitable<bool> Session::Dispatch(protocol::Message& message) {
  if (auto* update = std::get_if<protocol::Update>(&message)) {
    const std::size_t bytes = update->blob.size();
    context_.engine->UpdateArrived(shared_from_this(), std::move(*update), bytes,
                                   channel_->TakeLease());
    co_return true;
  }
  if (auto* beat = std::get_if<protocol::Heartbeat>(&message)) {
    const protocol::Message echo = protocol::Heartbeat{beat->sequence};
    Status sent = co_await channel_->Send(echo);
    co_return sent.ok();
  }
  if (auto* bye = std::get_if<protocol::Bye>(&message)) {
    spdlog::info("client {} said Bye: {}", name_, bye->reason);
    co_return false;
  }
  spdlog::warn("client {} sent an unexpected {}", name_,
               protocol::MessageTypeName(protocol::TypeOf(message)));
  protocol::Error error{
      protocol::WireError::kUnexpectedMessage,
      "unexpected " + std::string(protocol::MessageTypeName(protocol::TypeOf(message))),
      {}};
  co_await channel_->Reject(std::move(error));
  co_return false;
}

void Session::SendFrame(Frame frame) {
  if (closing_) return;
  asio::co_spawn(
      channel_->executor(),
      [self = shared_from_this(), frame = std::move(frame)]() -> awaitable<void> {
        Status s = co_await self->channel_->SendEncoded(frame);
        if (!s.ok()) spdlog::debug("send to {} failed: {}", self->name_, s.ToString());
      },
      asio::detached);
}

void Session::Send(protocol::Message message) {
  if (closing_) return;
  asio::co_spawn(
      channel_->executor(),
      [self = shared_from_this(), m = std::move(message)]() mutable -> awaitable<void> {
        Status s = co_await self->channel_->Send(m);
        if (!s.ok()) spdlog::debug("send to {} failed: {}", self->name_, s.ToString());
      },
      asio::detached);
}

void Session::Close(std::string reason) {
  if (closing_.exchange(true)) return;
  asio::co_spawn(
      channel_->executor(),
      [self = shared_from_this(), reason = std::move(reason)]() -> awaitable<void> {
        if (!self->channel_->closed()) {
          const protocol::Message bye = protocol::Bye{reason};
          Status sent = co_await self->channel_->Send(bye);
          (void)sent;  // closing either way
          self->channel_->Close(reason);
        }
      },
      asio::detached);
}

}  // namespace fedq::coordinator
