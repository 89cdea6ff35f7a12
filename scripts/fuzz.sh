#!/usr/bin/env bash
# Builds berth's libFuzzer targets (fuzz/, clang with ASan + UBSan) and runs
# each for FUZZ_SECONDS (default 20) from a copy of its seed corpus in
# fuzz/corpus/TARGET, so the checked-in corpus never grows. Prints, per target,
# the executions and the corpus size at the end; fails on any crash, leak,
# timeout or broken invariant and names the saved input that caused it.
#
#   FUZZ_SECONDS=20         seconds per target
#   FUZZ_TARGETS="a b"      only these targets (default: every fuzz/*_fuzzer.cc)
#   FUZZ_BUILD_DIR=DIR      build directory (default build-fuzz)
#   FUZZ_ARTIFACTS=DIR      where crashing inputs are kept (default DIR/artifacts)
#   FUZZ_KEEP_CORPUS=DIR    keep each grown corpus in DIR/TARGET (for seeding by hand)
#   FUZZ_SEED=N             libFuzzer's random seed (default: a new one each run).
#                           With a seed a run is repeatable: the same inputs in the
#                           same order, so a longer run covers every shorter one.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
seconds="${FUZZ_SECONDS:-20}"
build="${FUZZ_BUILD_DIR:-build-fuzz}"
artifacts="${FUZZ_ARTIFACTS:-$build/artifacts}"

if [[ -n "${FUZZ_TARGETS:-}" ]]; then
  read -r -a targets <<<"$FUZZ_TARGETS"
else
  targets=()
  for f in fuzz/*_fuzzer.cc; do
    name="$(basename "$f")"
    targets+=("${name%_fuzzer.cc}")
  done
fi

# The longest input each target is given: a line for command lines and
# schedules, a few KiB for files.
max_len() {
  case "$1" in
    ssh_command | storage_mount | cron_schedule) echo 1024 ;;
    *) echo 8192 ;;
  esac
}

cxx="$(command -v clang++-14 || command -v clang++ || true)"
if [[ -z "$cxx" ]]; then
  echo " !     fuzz.sh needs clang++ (scripts/install-deps.sh installs clang-14)" >&2
  exit 1
fi
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBERTH_WERROR=ON \
  -DBERTH_FUZZ=ON -DCMAKE_CXX_COMPILER="$cxx" >/dev/null
build_targets=()
for t in "${targets[@]}"; do build_targets+=("fuzz_$t"); done
cmake --build "$build" -j "$(nproc)" --target "${build_targets[@]}"

work="$(mktemp -d /tmp/berth-fuzz.XXXXXX)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$artifacts"
artifacts="$(cd "$artifacts" && pwd)"

failed=()
for t in "${targets[@]}"; do
  corpus="$work/$t"
  mkdir -p "$corpus"
  cp -a "fuzz/corpus/$t/." "$corpus/"
  seeds="$(find "$corpus" -type f | wc -l)"
  args=(-max_total_time="$seconds" -max_len="$(max_len "$t")" -timeout=10 -rss_limit_mb=2048
        -print_final_stats=1 -artifact_prefix="$artifacts/$t-")
  if [[ -f "fuzz/dict/$t.dict" ]]; then args+=(-dict="fuzz/dict/$t.dict"); fi
  if [[ -n "${FUZZ_SEED:-}" ]]; then args+=(-seed="$FUZZ_SEED"); fi
  log="$work/$t.log"
  status=0
  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    "$build/fuzz/fuzz_$t" "${args[@]}" "$corpus" >"$log" 2>&1 || status=$?
  execs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n1)"
  size="$(find "$corpus" -type f | wc -l)"
  if [[ -n "${FUZZ_KEEP_CORPUS:-}" ]]; then
    mkdir -p "$FUZZ_KEEP_CORPUS/$t"
    cp -a "$corpus/." "$FUZZ_KEEP_CORPUS/$t/"
  fi
  if ((status == 0)); then
    printf '       %-24s %4ss  %10s executions  corpus %d -> %d\n' "$t" "$seconds" "${execs:-?}" "$seeds" "$size"
  else
    crash="$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -n1)"
    echo " !     $t failed (exit $status) after ${execs:-?} executions; input: ${crash:-not saved}"
    grep -E '^(==[0-9]+==ERROR|SUMMARY|.*fuzz invariant broken|.*runtime error)' "$log" | head -n 5 | sed 's/^/       /' || true
    cp "$log" "$artifacts/$t.log"
    echo "       full log: $artifacts/$t.log"
    failed+=("$t")
  fi
done

if ((${#failed[@]} > 0)); then
  echo " !     fuzzing found failures in: ${failed[*]}" >&2
  exit 1
fi
echo "-----> Fuzzing: ${#targets[@]} targets, ${seconds}s each, no failures"
