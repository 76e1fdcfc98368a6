#!/usr/bin/env bash
# The test command: installs what is missing, builds, and runs the suite in
# the Release build and again under AddressSanitizer + UBSan. Tests labelled
# "slow" are left out; run them with: ctest --test-dir build -L slow
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
jobs="${FEDQ_JOBS:-$(nproc)}"

echo "== Release build and tests" >&2
scripts/build.sh release
ctest --test-dir build -LE slow -j "$jobs" --output-on-failure --timeout 300

echo "== AddressSanitizer + UndefinedBehaviorSanitizer build and tests" >&2
scripts/build.sh asan
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build-asan -LE slow -j "$jobs" --output-on-failure --timeout 600
