#!/usr/bin/env bash
# Configures and builds one flavour of fedq into its own folder.
#   scripts/build.sh            -> build/        (Release)
#   scripts/build.sh asan       -> build-asan/   (AddressSanitizer + UBSan)
#   scripts/build.sh native     -> build-native/ (Release, -march=native)
#   scripts/build.sh tsan       -> build-tsan/   (ThreadSanitizer)
#   scripts/build.sh FLAVOUR TARGET... builds only those targets
set -euo pipefail
cd "$(dirname "$0")/.."
flavour="${1:-release}"
targets=("${@:2}")
jobs="${FEDQ_JOBS:-$(nproc)}"
case "$flavour" in
  release) dir=build; args=(-DCMAKE_BUILD_TYPE=Release) ;;
  # Sanitizer builds use -O1 -g1: half the compile time of -O2 -g on the
  # Asio/Beast coroutine files, line tables are all a report needs.
  asan) dir=build-asan; args=(-DCMAKE_BUILD_TYPE=RelWithDebInfo "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g1 -DNDEBUG"
                              -DFEDQ_SANITIZE=address,undefined -DFEDQ_BUILD_BENCH=OFF) ;;
  tsan) dir=build-tsan; args=(-DCMAKE_BUILD_TYPE=RelWithDebInfo "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g1 -DNDEBUG"
                              -DFEDQ_SANITIZE=thread -DFEDQ_BUILD_BENCH=OFF) ;;
  native) dir=build-native; args=(-DCMAKE_BUILD_TYPE=Release -DFEDQ_NATIVE=ON) ;;
  fuzz) dir=build-fuzz; args=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DFEDQ_BUILD_FUZZ=ON -DFEDQ_BUILD_TESTS=OFF -DFEDQ_BUILD_BENCH=OFF
                              -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++) ;;
  *) echo "build.sh: unknown flavour '$flavour' (release, asan, tsan, native, fuzz)" >&2; exit 2 ;;
esac
cmake -S . -B "$dir" -G Ninja "${args[@]}" >/dev/null
cmake --build "$dir" -j "$jobs" ${targets[@]:+--target "${targets[@]}"}
