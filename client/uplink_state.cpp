#include "client/uplink_state.hpp"

#include <cstring>

#include "client/state_file.hpp"
#include "common/mlp.hpp"
#include "common/model_file.hpp"

namespace fedq::client {

Result<GlobalModel> DecodeGlobalModel(const protocol::Task& task,
                                      const std::vector<int>& fallback_layers) {
  GlobalModel out;
  const auto& blob = task.model;
  if (blob.size() >= 4 && std::memcmp(blob.data(), kModelFileMagic, 4) == 0) {
    FEDQ_ASSIGN_OR_RETURN(Mlp mlp, ParseModel(blob));
    out.layers = mlp.layer_sizes();
    out.params.assign(mlp.params().begin(), mlp.params().end());
    return out;
  }
  Result<std::vector<float>> params = codec::Decode(blob);
  if (!params.ok()) return params.status().WithContext("decoding the task's global model");
  out.params = std::move(params).value();
  out.layers = fallback_layers;
  if (Mlp::ParamCount(out.layers) != out.params.size()) {
    return InvalidArgument("the task's model has " + std::to_string(out.params.size()) +
                           " parameters, the configured layers need " +
                           std::to_string(Mlp::ParamCount(out.layers)) + " (check 'layers')");
  }
  return out;
}

Status UplinkState::Load() {
  if (state_file_.empty()) return Status::Ok();
  Result<std::optional<ClientState>> loaded = LoadState(state_file_);
  if (!loaded.ok()) return loaded.status().WithContext("state file ignored");
  if (!loaded->has_value()) return Status::Ok();
  ClientState& s = **loaded;
  Result<codec::ErrorFeedback> ef = codec::ErrorFeedback::Parse(s.residual);
  if (!ef.ok()) return ef.status().WithContext("state file ignored: residual");
  codec::ErrorFeedback previous;
  if (!s.previous_residual.empty()) {
    Result<codec::ErrorFeedback> prev = codec::ErrorFeedback::Parse(s.previous_residual);
    if (!prev.ok()) return prev.status().WithContext("state file ignored: previous residual");
    previous = std::move(prev).value();
  }
  run_id_ = s.run_id;
  spec_ = s.codec_spec;
  last_round_ = s.last_round;
  residual_ = std::move(ef).value();
  previous_ = std::move(previous);
  return Status::Ok();
}

Result<EncodedUpdate> UplinkState::Encode(const std::string& run_id, int64_t round,
                                          const std::string& spec_text,
                                          std::span<const float> delta, uint64_t seed) const {
  FEDQ_ASSIGN_OR_RETURN(codec::PipelineSpec spec, codec::ParseSpec(spec_text));
  EncodedUpdate out;
  out.run_id = run_id;
  out.spec = spec_text;
  out.round = round;
  // A residual of another run, pipeline or model size would add noise, not signal.
  if (run_id == run_id_ && spec_text == spec_) {
    const codec::ErrorFeedback& start = round <= last_round_ ? previous_ : residual_;
    if (start.size() == delta.size()) out.next_residual = start;
  }
  const bool lossless = spec.sparsifier == codec::SparsifierKind::kNone &&
                        spec.quantizer == codec::QuantizerKind::kFp32;
  FEDQ_ASSIGN_OR_RETURN(out.blob,
                        codec::Encode(spec, delta, lossless ? nullptr : &out.next_residual, seed));
  return out;
}

Status UplinkState::Commit(EncodedUpdate update) {
  const bool same_stream = update.run_id == run_id_ && update.spec == spec_;
  if (!same_stream) {
    previous_ = codec::ErrorFeedback();
  } else if (update.round > last_round_) {
    previous_ = std::move(residual_);
  }  // else: the same round again; previous_ stays the state before it
  run_id_ = std::move(update.run_id);
  spec_ = std::move(update.spec);
  last_round_ = update.round;
  residual_ = std::move(update.next_residual);
  if (state_file_.empty()) return Status::Ok();
  return SaveState(state_file_,
                   {run_id_, spec_, last_round_, residual_.Serialize(),
                    previous_.size() ? previous_.Serialize() : std::vector<uint8_t>()});
}

}  // namespace fedq::client
