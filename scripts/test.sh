#!/usr/bin/env bash
# Runs every berth test tier: installs dependencies, builds with -Werror, runs the
# unit and integration tests through ctest, then builds the unit tests again
# under AddressSanitizer + UndefinedBehaviorSanitizer and runs them.
# Exits non-zero on any failure. Integration tests need root (they start sshd).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
jobs="$(nproc)"

bash scripts/install-deps.sh

echo "-----> Building (RelWithDebInfo, -Werror)"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBERTH_WERROR=ON >/dev/null
cmake --build build -j "$jobs"

echo "-----> Unit and integration tests"
ctest --test-dir build --output-on-failure -j "$jobs"

echo "-----> Building with ASan + UBSan"
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DBERTH_WERROR=ON -DBERTH_SANITIZE=ON >/dev/null
cmake --build build-asan -j "$jobs"

echo "-----> Tests under ASan + UBSan"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build-asan --output-on-failure -j "$jobs"
