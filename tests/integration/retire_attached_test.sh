#!/usr/bin/env bash
# ps:retire and attached runs: a `berth run` in progress has a bundle but no
# shim; its bundle names the berth process as its owner, so a concurrent
# ps:retire leaves it alone and it finishes normally. Once that berth process
# and its runc are killed with -9, what they leave is a crash's leftovers and
# ps:retire removes it: bundle, mount, runtime record, process. Runs in its own
# mount namespace.
set -euo pipefail
# shellcheck source=tests/lib/assert.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/assert.sh"
container_test_setup
containers="$BERTH_ROOT/containers"
runner=""
berth_test_extra_cleanup() {
  if [[ -n "$runner" ]]; then kill -9 "$runner" 2>/dev/null || true; fi
  "$BERTH_BIN" ps:retire >/dev/null 2>&1 || true
}

"$BERTH_BIN" stacks:build tiny >/dev/null
"$BERTH_BIN" apps:create demo >/dev/null
"$BERTH_BIN" stacks:set --global tiny >/dev/null

# The one container of the test, once the runtime says it runs.
started() {
  local record
  record="$(compgen -G "$BERTH_ROOT/runtime/runc/demo.run.*")" || return 1
  runc --root "$BERTH_ROOT/runtime/runc" state "${record##*/}" 2>/dev/null |
    grep -q '"status": "running"'
}
the_id() { basename "$(compgen -G "$containers/demo.run.*")"; }
runs() {
  local state
  state="$(sed -E 's/.*\) (.).*/\1/' "/proc/$1/stat" 2>/dev/null || true)"
  [[ -n "$state" && "$state" != Z ]]
}

# --- a run in progress survives ps:retire --------------------------------------
"$BERTH_BIN" run demo sh -c 'sleep 4; echo finished' </dev/null >"$BERTH_ROOT/run.out" 2>&1 &
runner=$!
wait_for 10 started || fail "berth run did not start its container"
id="$(the_id)"
assert_contains "$("$BERTH_BIN" run:list demo)" "$id  running" "run:list shows the attached run running"
run_berth ps:retire
assert_eq 0 "$code" "ps:retire works [$out]"
assert_contains "$out" "Kept $id: berth process $runner runs it" "ps:retire names the run's owner"
assert_not_contains "$out" "Removed $id" "and does not remove it"
set +e
wait "$runner"
run_code=$?
set -e
runner=""
assert_eq 0 "$run_code" "the attached run was not disturbed"
assert_eq finished "$(cat "$BERTH_ROOT/run.out")" "its output came back"
assert_eq "" "$(ls -A "$containers")" "berth run removed its own bundle"

# --- its berth process and runc killed with -9: leftovers ps:retire removes ------
"$BERTH_BIN" run demo sleep 30 </dev/null >/dev/null 2>&1 &
runner=$!
wait_for 10 started || fail "the second run did not start"
id="$(the_id)"
container_pid="$(runc --root "$BERTH_ROOT/runtime/runc" state "$id" |
  sed -nE 's/.*"pid": ([0-9]+).*/\1/p')"
runc_pid="$(pgrep -P "$runner" -x runc || true)"
assert_eq 1 "$(wc -w <<<"$runc_pid")" "berth run runs runc as its child"
kill -9 "$runner" "$runc_pid"
set +e
wait "$runner"
set -e
runner=""
if runs "$container_pid"; then
  pass "the container outlives its killed berth (pid $container_pid)"
else
  fail "the container $container_pid went with its berth"
fi
assert_contains "$("$BERTH_BIN" run:list demo)" "$id  dead" "run:list shows it dead"
run_berth ps:retire
assert_contains "$out" "Removed $id" "ps:retire removes the crashed run's container"
if [[ ! -d "$containers/$id" ]]; then pass "its bundle is gone"; else fail "its bundle is left"; fi
# Killed, it may stay a zombie for a moment: its parent is gone, so init reaps it.
if runs "$container_pid"; then fail "its process $container_pid still runs"; else pass "its process is gone"; fi
assert_eq "" "$(ls -A "$BERTH_ROOT/runtime/runc" 2>/dev/null || true)" "no runtime record is left"
assert_eq 0 "$(grep -c " $BERTH_ROOT/" /proc/self/mountinfo || true)" "no mounts are left under BERTH_ROOT"
finish
