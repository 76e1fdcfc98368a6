#!/usr/bin/env bash
# Installs what fedq needs from Debian 12's archive, only what is missing.
#   scripts/install-deps.sh          build, tests and the main job
#   scripts/install-deps.sh --bench  also the peers of the benchmarks
#                                    (PyTorch on OpenBLAS, numpy)
#   scripts/install-deps.sh --fuzz   also clang for the libFuzzer targets
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git
  libboost-dev libssl-dev nlohmann-json3-dev libeigen3-dev libsqlite3-dev
  libgtest-dev libgmock-dev libbenchmark-dev zlib1g-dev libzstd-dev
  libspdlog-dev libcli11-dev
  dataset-fashion-mnist
  sqlite3 openssl
)
for arg in "$@"; do
  case "$arg" in
    --bench) packages+=(python3-torch python3-numpy libopenblas0-pthread) ;;
    --fuzz) packages+=(clang libclang-rt-14-dev) ;;
    *) echo "install-deps.sh: unknown option '$arg' (use --bench or --fuzz)" >&2; exit 2 ;;
  esac
done

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "install-deps: installing ${missing[*]}" >&2
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
