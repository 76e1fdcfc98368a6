#!/usr/bin/env bash
# The main job: installs what is missing, builds, and runs the federated
# simulation on Fashion-MNIST (configs/sim-fmnist.json: 20 clients, 5 per
# round, Dirichlet(0.5) label skew, top-1% + int8 uplink with error
# feedback), the real coordinator and 20 real clients over loopback mutual
# TLS in one process. Prints where its report is. Extra arguments go to
# fedq-sim (e.g. --rounds 30 --codec int8 --json).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh release
# A fresh run each time (the same --db again would resume the finished run).
rm -rf out/sim-fmnist
build/bin/fedq-sim --config configs/sim-fmnist.json "$@"
echo "report: $(pwd)/out/sim-fmnist/index.html (rounds.csv, summary.json beside it)" >&2
