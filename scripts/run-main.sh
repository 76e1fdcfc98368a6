#!/usr/bin/env bash
# The main job: installs what is missing, builds, and trains the MLP on
# Fashion-MNIST (centralized float baseline for now; the federated
# simulation takes its place when fedq-sim lands).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh release
mkdir -p out
build/bin/fedq-model train --data /usr/share/datasets/fashion-mnist \
  --layers 784,200,200,10 --epochs 10 --batch 32 --lr 0.01 --momentum 0.9 \
  --seed 1 --out out/model.fdqm --json "$@"
echo "model written to out/model.fdqm" >&2
