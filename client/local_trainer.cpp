#include "client/local_trainer.hpp"

#include "common/mlp.hpp"
#include "common/trainer.hpp"

namespace fedq::client {

Result<LocalResult> MlpLocalTrainer::Train(const std::vector<int>& layers,
                                           std::span<const float> global,
                                           const protocol::TrainingConfig& config, uint64_t seed) {
  if (!data_.data || data_.size() == 0) return FailedPrecondition("no local data to train on");
  FEDQ_RETURN_IF_ERROR(CheckDatasetFits(layers, *data_.data));
  FEDQ_ASSIGN_OR_RETURN(Mlp model, Mlp::FromParams(layers, global));
  TrainConfig tc;
  tc.epochs = static_cast<int>(config.epochs);
  tc.batch_size = static_cast<int>(config.batch_size);
  tc.learning_rate = static_cast<float>(config.learning_rate);
  tc.momentum = static_cast<float>(config.momentum);
  tc.weight_decay = static_cast<float>(config.weight_decay);
  tc.prox_mu = static_cast<float>(config.prox_mu);
  tc.seed = seed;
  FEDQ_RETURN_IF_ERROR(ValidateTrainConfig(tc));
  Trainer trainer(tc);
  FEDQ_ASSIGN_OR_RETURN(TrainStats stats,
                        trainer.Train(model, *data_.data, data_.indices,
                                      tc.prox_mu > 0 ? global : std::span<const float>()));
  LocalResult out;
  std::span<const float> local = model.params();
  out.delta.resize(local.size());
  for (std::size_t i = 0; i < local.size(); ++i) out.delta[i] = local[i] - global[i];
  out.num_samples = data_.size();
  out.train_loss = stats.mean_loss;
  out.train_seconds = stats.seconds;
  return out;
}

}  // namespace fedq::client
