#include "protocol/message_codec.hpp"

#include <nlohmann/json.hpp>
#include <utility>

#include "protocol/json_fields.hpp"

namespace fedq::protocol {
namespace {

using nlohmann::json;

json ToJson(const Hello& m) {
  return {{"software_version", m.software_version},
          {"protocol_versions", m.protocol_versions},
          {"codecs", m.codecs},
          {"max_frame_bytes", m.max_frame_bytes}};
}

json ToJson(const Welcome& m) {
  return {{"run_id", m.run_id},
          {"protocol_version", m.protocol_version},
          {"limits",
           {{"max_json_bytes", m.limits.max_json_bytes},
            {"max_binary_bytes", m.limits.max_binary_bytes}}},
          {"heartbeat_interval_ms", m.heartbeat_interval_ms}};
}

json ToJson(const Task& m) {
  const TrainingConfig& c = m.config;
  return {{"run_id", m.run_id},
          {"round", m.round},
          {"model_codec", m.model_codec},
          {"config",
           {{"epochs", c.epochs},
            {"batch_size", c.batch_size},
            {"learning_rate", c.learning_rate},
            {"momentum", c.momentum},
            {"weight_decay", c.weight_decay},
            {"prox_mu", c.prox_mu},
            {"seed", c.seed}}},
          {"uplink_codec", m.uplink_codec},
          {"deadline_ms", m.deadline_ms}};
}

json ToJson(const Update& m) {
  json metrics = json::object();
  for (const auto& [k, v] : m.metrics.extra) metrics[k] = v;
  metrics["train_loss"] = m.metrics.train_loss;
  metrics["train_seconds"] = m.metrics.train_seconds;
  return {{"run_id", m.run_id},
          {"round", m.round},
          {"num_samples", m.num_samples},
          {"metrics", metrics}};
}

json ToJson(const Ack& m) { return {{"run_id", m.run_id}, {"round", m.round}}; }

json ToJson(const Error& m) {
  json j = {{"code", static_cast<uint32_t>(m.code)}, {"message", m.message}};
  if (!m.supported_versions.empty()) j["supported_versions"] = m.supported_versions;
  return j;
}

json ToJson(const Heartbeat& m) { return {{"sequence", m.sequence}}; }
json ToJson(const Bye& m) { return {{"reason", m.reason}}; }

Result<Message> Finish(FieldReader& r, Message m) {
  if (!r.status().ok()) return r.status();
  return m;
}

Result<Message> ReadHello(const json& j) {
  FieldReader r(j, "Hello");
  Hello m;
  m.software_version = r.String("software_version");
  m.protocol_versions = r.U16Array("protocol_versions");
  m.codecs = r.StringArray("codecs");
  m.max_frame_bytes = r.Unsigned("max_frame_bytes");
  return Finish(r, std::move(m));
}

Result<Message> ReadWelcome(const json& j) {
  FieldReader r(j, "Welcome");
  Welcome m;
  m.run_id = r.String("run_id");
  m.protocol_version = static_cast<uint16_t>(r.Unsigned("protocol_version", 0xFFFF));
  FieldReader limits(r.Object("limits"), "Welcome.limits");
  m.heartbeat_interval_ms = r.Unsigned("heartbeat_interval_ms");
  if (!r.status().ok()) return r.status();
  m.limits.max_json_bytes = static_cast<uint32_t>(limits.Unsigned("max_json_bytes", 0xFFFFFFFF));
  m.limits.max_binary_bytes =
      static_cast<uint32_t>(limits.Unsigned("max_binary_bytes", 0xFFFFFFFF));
  return Finish(limits, std::move(m));
}

Result<Message> ReadTask(const json& j, Blob binary) {
  FieldReader r(j, "Task");
  Task m;
  m.run_id = r.String("run_id");
  m.round = r.Unsigned("round");
  m.model_codec = r.String("model_codec");
  m.uplink_codec = r.String("uplink_codec");
  m.deadline_ms = r.Unsigned("deadline_ms");
  FieldReader c(r.Object("config"), "Task.config");
  if (!r.status().ok()) return r.status();
  m.config.epochs = static_cast<uint32_t>(c.Unsigned("epochs", 0xFFFFFFFF));
  m.config.batch_size = static_cast<uint32_t>(c.Unsigned("batch_size", 0xFFFFFFFF));
  m.config.learning_rate = c.Number("learning_rate");
  m.config.momentum = c.Number("momentum");
  m.config.weight_decay = c.Number("weight_decay");
  m.config.prox_mu = c.Number("prox_mu");
  m.config.seed = c.Unsigned("seed");
  m.model = std::move(binary);
  return Finish(c, std::move(m));
}

Result<Message> ReadUpdate(const json& j, Blob binary) {
  FieldReader r(j, "Update");
  Update m;
  m.run_id = r.String("run_id");
  m.round = r.Unsigned("round");
  m.num_samples = r.Unsigned("num_samples");
  FieldReader metrics(r.Object("metrics"), "Update.metrics");
  if (!r.status().ok()) return r.status();
  m.metrics.train_loss = metrics.Number("train_loss");
  m.metrics.train_seconds = metrics.Number("train_seconds");
  m.metrics.extra = metrics.OtherNumbers({"train_loss", "train_seconds"});
  m.blob = std::move(binary);
  return Finish(metrics, std::move(m));
}

Result<Message> ReadError(const json& j) {
  FieldReader r(j, "Error");
  Error m;
  m.code = static_cast<WireError>(r.Unsigned("code", 0xFFFFFFFF));
  m.message = r.String("message");
  if (j.is_object() && j.contains("supported_versions")) {
    m.supported_versions = r.U16Array("supported_versions");
  }
  return Finish(r, std::move(m));
}

Result<Message> ReadSmall(MessageType type, const json& j) {
  FieldReader r(j, std::string(MessageTypeName(type)));
  switch (type) {
    case MessageType::kAck: {
      Ack m;
      m.run_id = r.String("run_id");
      m.round = r.Unsigned("round");
      return Finish(r, std::move(m));
    }
    case MessageType::kHeartbeat:
      return Finish(r, Heartbeat{r.Unsigned("sequence")});
    case MessageType::kBye:
      return Finish(r, Bye{r.String("reason")});
    default:
      return Corrupt("unknown message type");
  }
}

}  // namespace

std::string EncodeMetadata(const Message& message) {
  const json j = std::visit([](const auto& m) { return ToJson(m); }, message);
  // Replace, not throw, on strings that are not UTF-8 (an Error may quote a peer).
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

const Blob* BinaryPartOf(const Message& message) {
  if (const auto* t = std::get_if<Task>(&message)) return &t->model;
  if (const auto* u = std::get_if<Update>(&message)) return &u->blob;
  return nullptr;
}

Blob* MutableBinaryPartOf(Message& message) {
  return const_cast<Blob*>(BinaryPartOf(std::as_const(message)));
}

Result<Message> DecodeMessage(MessageType type, std::string_view text, Blob binary) {
  if (!IsKnownMessageType(static_cast<uint16_t>(type))) return Corrupt("unknown message type");
  const bool has_binary = type == MessageType::kTask || type == MessageType::kUpdate;
  if (!has_binary && !binary.empty()) {
    return InvalidArgument(std::string(MessageTypeName(type)) + " carries no binary part");
  }
  FEDQ_ASSIGN_OR_RETURN(const json j, ParseJsonObject(text));
  switch (type) {
    case MessageType::kHello:
      return ReadHello(j);
    case MessageType::kWelcome:
      return ReadWelcome(j);
    case MessageType::kTask:
      return ReadTask(j, std::move(binary));
    case MessageType::kUpdate:
      return ReadUpdate(j, std::move(binary));
    case MessageType::kError:
      return ReadError(j);
    default:
      return ReadSmall(type, j);
  }
}

}  // namespace fedq::protocol
