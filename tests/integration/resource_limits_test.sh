#!/usr/bin/env bash
# Single quotes hold text for the container's shell, unexpanded here.
# shellcheck disable=SC2016
# resource:limit applied by `berth run` through runc's cgroups: a process that
# allocates past its memory limit is killed and berth says so, a loop that forks
# more than the pids limit allows cannot, and the CPU quota reaches the cgroup.
# A detached container killed by the OOM killer has it recorded by its shim
# (shim.json, run:list, logs). Runs in its own mount namespace so a failure
# leaks no mount onto the host.
set -euo pipefail
# shellcheck source=tests/lib/assert.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/assert.sh"
container_test_setup

"$BERTH_BIN" stacks:build tiny >/dev/null
"$BERTH_BIN" apps:create demo >/dev/null
"$BERTH_BIN" stacks:set --global tiny >/dev/null

# Without limits, the 200 MB allocation succeeds (so the limit is what stops it below).
grow='x=$(head -c 200000000 /dev/zero | tr "\0" x); echo survived ${#x}'
run_berth run demo sh -c "$grow"
assert_eq "survived 200000000" "$out" "without a limit the allocation succeeds"

"$BERTH_BIN" resource:limit demo --memory 64m >/dev/null
run_berth run demo sh -c "$grow"
assert_not_contains "$out" "survived" "a process past its memory limit does not survive"
assert_eq 137 "$code" "it is killed by the OOM killer (SIGKILL)"
assert_contains "$out" "the process was killed: out of memory (limit 64M); raise it with" \
  "berth run says the OOM killer ended it, and how to raise the limit"
run_berth run demo sh -c 'sleep 10 & kill -9 $!; wait $!'
assert_eq 137 "$code" "a process killed otherwise ends with 137 too"
assert_not_contains "$out" "out of memory" "but is not said to be out of memory"
run_berth run demo sh -c 'x=$(head -c 1000000 /dev/zero | tr "\0" x); echo ok ${#x}'
assert_eq "ok 1000000" "$out" "an allocation within the limit works"

# A type's own limit wins over the default: "run" may have 1g.
"$BERTH_BIN" resource:limit demo --memory 1g --process-type run >/dev/null
run_berth run demo sh -c "$grow"
assert_eq "survived 200000000" "$out" "the run type's own memory limit applies"
"$BERTH_BIN" resource:limit-clear demo --process-type run >/dev/null
"$BERTH_BIN" resource:limit-clear demo >/dev/null

# pids: 20 processes at most; the loop tries 50 short sleeps, echoing (a
# builtin, no fork) each one started. busybox sh gives up at the first failed fork.
"$BERTH_BIN" resource:limit demo --pids 20 >/dev/null
run_berth run demo sh -c 'for i in $(seq 50); do sleep 2 & echo "$i"; done; echo all; wait'
started="$(grep -c '^[0-9]*$' <<<"$out" || true)"
if ((started < 20)) && [[ "$out" != *all* ]]; then
  pass "the pids limit stops the fork loop ($started of 50 started)"
else
  fail "the pids limit did not hold: [$out]"
fi
assert_contains "$out" "can't fork" "the failed fork is reported"
"$BERTH_BIN" resource:limit-clear demo >/dev/null
assert_eq "fine" "$("$BERTH_BIN" run demo echo fine)" "containers run normally afterwards"

# cpu: 0.5 cores is a 50 ms quota per 100 ms period in the container's cgroup.
"$BERTH_BIN" resource:limit demo --cpu 0.5 >/dev/null
"$BERTH_BIN" run demo sleep 3 &
runner=$!
quota=""
for _ in $(seq 50); do
  # This test's container only: other tests may run demo.run.* containers too.
  quota=""
  for bundle in "$BERTH_ROOT"/containers/demo.run.*; do
    quota="$(cat "/sys/fs/cgroup/cpu/berth/${bundle##*/}/cpu.cfs_quota_us" 2>/dev/null || true)"
  done
  [[ -n "$quota" ]] && break
  sleep 0.1
done
wait "$runner"
assert_eq 50000 "$quota" "the CPU limit becomes the cgroup's quota"

# A detached container past its memory limit: its shim records why it ended.
"$BERTH_BIN" resource:limit demo --memory 32m >/dev/null
hog="$("$BERTH_BIN" run:detached demo --restart no sh -c "echo allocating; $grow")"
exited() { [[ "$(shim_field "$1" status)" == exited ]]; }
wait_for 30 exited "$hog" || fail "the detached hog did not end: $(cat "$BERTH_ROOT/containers/$hog/shim.json")"
assert_eq 137 "$(shim_field "$hog" exit_code)" "the detached hog was SIGKILLed"
assert_eq oom "$(shim_field "$hog" reason)" "its shim records that the OOM killer ended it"
assert_contains "$("$BERTH_BIN" run:list demo)" "$hog  exited (137, out of memory)" \
  "run:list shows it was out of memory"
run_berth logs demo
assert_contains "$(tail -n 1 <<<"$out")" "berth[run.${hog##*.}]: container killed: out of memory (limit 32M)" \
  "logs ends with the shim's note of the OOM kill"
assert_contains "$out" "app[run.${hog##*.}]: allocating" "after the container's own output"
clean="$("$BERTH_BIN" run:detached demo --restart no sh -c 'exit 3')"
wait_for 10 exited "$clean" || fail "the clean container did not end"
assert_eq exit "$(shim_field "$clean" reason)" "an ordinary exit is recorded as such"
"$BERTH_BIN" resource:limit-clear demo >/dev/null
"$BERTH_BIN" ps:retire >/dev/null
if [[ ! -d "/sys/fs/cgroup/memory/berth/$hog" && ! -d "/sys/fs/cgroup/memory/berth/$clean" ]]; then
  pass "the containers' memory cgroups are gone"
else
  fail "a memory cgroup of $hog or $clean is left"
fi

left="$(find "$BERTH_ROOT/containers" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)"
assert_eq 0 "$left" "no container directories are left"
assert_eq 0 "$(grep -c " $BERTH_ROOT/" /proc/self/mountinfo || true)" "no mounts are left under BERTH_ROOT"
finish
