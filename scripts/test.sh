#!/usr/bin/env bash
# Runs every berth test tier: installs dependencies, builds with -Werror, builds
# the default stack once per machine, runs the unit and integration tests through
# ctest, then builds again under AddressSanitizer + UndefinedBehaviorSanitizer and
# runs the unit tests there, and finally fuzzes every parser of untrusted text
# for FUZZ_SECONDS (default 20) per target (scripts/fuzz.sh) with a fixed seed
# (FUZZ_SEED, default 1), so that the tier gives the same answer on every run;
# exploratory fuzzing with new seeds is `bash scripts/fuzz.sh` on its own.
# Exits non-zero on any failure. Integration tests need root (they start sshd).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
jobs="$(nproc)"

bash scripts/install-deps.sh

echo "-----> Building (RelWithDebInfo, -Werror)"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBERTH_WERROR=ON >/dev/null
cmake --build build -j "$jobs"

# The default stack takes minutes to build: built once per machine, shared by
# every test through BERTH_STACK_CACHE, rebuilt only when its recipe changes.
export BERTH_STACK_CACHE=/var/cache/berth/stacks
echo "-----> Default stack (cached in $BERTH_STACK_CACHE)"
bash scripts/build-stack.sh default "$BERTH_STACK_CACHE/default" >/dev/null

echo "-----> Unit and integration tests"
ctest --test-dir build --output-on-failure -j "$jobs"

echo "-----> Building with ASan + UBSan"
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DBERTH_WERROR=ON -DBERTH_SANITIZE=ON >/dev/null
cmake --build build-asan -j "$jobs" --target berth_unit_tests

echo "-----> Unit tests under ASan + UBSan"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build-asan --output-on-failure -j "$jobs" -L unit

fuzz_targets=(fuzz/*_fuzzer.cc)
export FUZZ_SEED="${FUZZ_SEED:-1}"
echo "-----> Fuzzing (${FUZZ_SECONDS:-20} s per target, ${#fuzz_targets[@]} targets, seed $FUZZ_SEED)"
bash scripts/fuzz.sh
