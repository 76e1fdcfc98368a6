#!/usr/bin/env bash
# The test command: installs what is missing, builds, and runs the suite in
# the Release build and again under AddressSanitizer + UBSan, then the
# concurrency tests under ThreadSanitizer: the coordinator's integration
# tests (real TLS sessions on two io threads, the worker pool, the store
# thread, the real process killed and signalled). Tests labelled "slow" are
# left out; run them with: ctest --test-dir build -L slow
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

echo "== ThreadSanitizer build and the concurrency tests" >&2
# The protocol's own integration tests run their sessions on one io thread:
# building them under TSan would cost CI a minute and test no concurrency.
tsan_tests=(fedq_integration_coordinator_tests)
scripts/build.sh tsan "${tsan_tests[@]}" fedq-coordinator
for t in "${tsan_tests[@]}"; do
  TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 timeout 600 build-tsan/bin/"$t" --gtest_brief=1
done
