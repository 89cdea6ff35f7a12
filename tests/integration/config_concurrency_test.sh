#!/usr/bin/env bash
# 20 concurrent `berth config:set` processes on one app, each setting its own key,
# must leave all 20 keys set: every command's writes are one transaction and
# writers wait for each other instead of failing or overwriting.
# Also: concurrent apps:create of 20 distinct apps, and of one name (exactly one wins).
set -euo pipefail
# shellcheck source=tests/lib/assert.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/assert.sh"
berth_test_root

"$BERTH_BIN" apps:create shared >/dev/null

pids=()
for i in $(seq 1 20); do
  "$BERTH_BIN" config:set shared "KEY_$i=value $i with 'quotes' and \$(subshell)" >/dev/null &
  pids+=($!)
done
failed=0
for pid in "${pids[@]}"; do wait "$pid" || failed=$((failed + 1)); done
assert_eq 0 "$failed" "all 20 concurrent config:set calls succeeded"

keys="$("$BERTH_BIN" config:keys shared | wc -l)"
assert_eq 20 "$keys" "all 20 keys are set"
for i in 1 7 20; do
  assert_eq "value $i with 'quotes' and \$(subshell)" "$("$BERTH_BIN" config:get shared "KEY_$i")" \
    "KEY_$i kept its exact value"
done

pids=()
for i in $(seq 1 20); do
  "$BERTH_BIN" apps:create "app-$i" >/dev/null &
  pids+=($!)
done
failed=0
for pid in "${pids[@]}"; do wait "$pid" || failed=$((failed + 1)); done
assert_eq 0 "$failed" "20 concurrent apps:create of distinct apps succeeded"
assert_eq 21 "$("$BERTH_BIN" --quiet apps:list | wc -l)" "21 apps exist"

pids=()
for _ in $(seq 1 10); do
  "$BERTH_BIN" apps:create contested >/dev/null 2>&1 &
  pids+=($!)
done
won=0
for pid in "${pids[@]}"; do if wait "$pid"; then won=$((won + 1)); fi; done
assert_eq 1 "$won" "exactly one of 10 concurrent apps:create of one name wins"

finish
