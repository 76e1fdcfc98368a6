// `fedq-client predict`: on-device inference with a quantized (.q8) model.
// Reads local samples (IDX images, with or without labels, or a CSV of
// label then features), writes one predicted label per line, and reports
// accuracy when the samples carry labels. Runs on the calling thread.
#pragma once

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <string>

#include "common/status.hpp"

namespace fedq::client {

struct PredictOptions {
  std::string model;   // .q8 file from `fedq-model quantize`
  std::string images;  // IDX images (gzip or plain)...
  std::string labels;  // ...and, optionally, their IDX labels
  std::string csv;     // or a CSV: label, then features
  bool csv_header = false;
  float csv_scale = 1.0f;
  std::string out;  // labels file, one per line
  bool json = false;
};

// Registers the subcommand; `options` must outlive parsing.
CLI::App* AddPredictCommand(CLI::App& app, PredictOptions& options);

// Everything after parsing. On success `summary` holds samples, seconds,
// samples_per_second, the kernel, and accuracy when labels were given.
Status RunPredict(const PredictOptions& options, nlohmann::json& summary);

}  // namespace fedq::client
