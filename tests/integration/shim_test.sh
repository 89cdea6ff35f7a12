#!/usr/bin/env bash
# Single quotes hold text for the container's shell, unexpanded here.
# shellcheck disable=SC2016
# Detached containers under berth-shim on the tiny stack: berth returns at once
# and the container runs on; logs are timestamped and prefixed; stop sends
# SIGTERM, then SIGKILL after the stop timeout; the restart policy restarts
# failures with back-off up to N times; a shim killed with -9 leaves state that
# ps:retire removes; one shim stays under 2 MiB resident; nothing is left over.
set -euo pipefail
# shellcheck source=tests/lib/assert.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/assert.sh"
container_test_setup
containers="$BERTH_ROOT/containers"

# The shims this test started (by the pid each recorded), ended if still there.
berth_test_extra_cleanup() {
  local f pid
  for f in "$containers"/*/shim.json; do
    [[ -f "$f" ]] || continue
    pid="$(state_field "$f" shim_pid)"
    if [[ "$(readlink "/proc/$pid/exe" 2>/dev/null || true)" == *berth-shim* ]]; then kill -9 "$pid"; fi
  done
  "$BERTH_BIN" ps:retire >/dev/null 2>&1 || true
}

# state_field FILE KEY: one field of a shim.json (flat, numbers and strings).
state_field() {
  sed -E "s/.*\"$2\":\"?([^\",}]*).*/\1/" "$1"
}
field() { state_field "$containers/$1/shim.json" "$2"; }

status_is() { [[ -f "$containers/$1/shim.json" && "$(field "$1" status)" == "$2" ]]; }

"$BERTH_BIN" stacks:build tiny >/dev/null
"$BERTH_BIN" apps:create demo >/dev/null
"$BERTH_BIN" stacks:set --global tiny >/dev/null

# --- a long-running ticker -------------------------------------------------
start=$(date +%s%N)
ticker="$("$BERTH_BIN" run:detached demo sh -c 'i=0; while true; do echo tick $i; i=$((i+1)); sleep 0.2; done')"
took_ms=$((($(date +%s%N) - start) / 1000000))
assert_contains "$ticker" "demo.run." "run:detached prints the container id"
if ((took_ms < 5000)); then pass "berth returned at once (${took_ms} ms)"; else fail "took ${took_ms} ms"; fi
wait_for 10 grep -q "tick 3" "$containers/$ticker/log" || fail "no ticks in the log"
assert_eq running "$(field "$ticker" status)" "the container keeps running after berth exits"
shim_pid="$(field "$ticker" shim_pid)"
rss_kb="$(awk '/^VmRSS/ {print $2}' "/proc/$shim_pid/status")"
echo "berth-shim VmRSS: ${rss_kb} kB"
if ((rss_kb <= 2048)); then pass "the shim is under 2 MiB resident (${rss_kb} kB)"; else fail "shim RSS ${rss_kb} kB"; fi
assert_eq "" "$(ldd "$(dirname "$BERTH_BIN")/berth-shim" 2>&1 | grep -v 'not a dynamic' || true)" \
  "berth-shim is static"
# The container cannot reach its shim: the shim is outside its pid namespace.
run_berth enter demo "$ticker" sh -c "if kill -0 $shim_pid 2>/dev/null; then echo reachable; else echo isolated; fi"
assert_contains "$out" "isolated" "the container cannot see or signal its shim (pid $shim_pid)"
assert_eq "$shim_pid" "$(field "$ticker" shim_pid)" "the shim is untouched"

run_berth logs demo -n 2
assert_eq 2 "$(wc -l <<<"$out")" "logs -n 2 prints two lines"
assert_contains "$out" "app[run.${ticker##*.}]: tick" "log lines carry app[TYPE.N] prefixes (Heroku's)"
if [[ "$out" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z\  ]]; then pass "log lines are timestamped"; else fail "no timestamp in [$out]"; fi
set +e
followed="$(timeout 1.5 "$BERTH_BIN" logs demo -n 0 -t)"
code=$?
set -e
assert_eq 124 "$code" "logs -t follows until interrupted"
assert_contains "$followed" "tick" "logs -t shows new output"
assert_contains "$("$BERTH_BIN" run:list demo)" "$ticker  running" "run:list shows it running"

start=$SECONDS
"$BERTH_BIN" run:stop demo --container "$ticker" >/dev/null
assert_eq stopped "$(field "$ticker" status)" "run:stop stops it"
assert_eq 143 "$(field "$ticker" exit_code)" "by SIGTERM, passed on by the init"
if ((SECONDS - start < 10)); then pass "SIGTERM was handled within the timeout"; else fail "stop took $((SECONDS - start)) s"; fi
if shim_gone "$shim_pid"; then pass "the shim exited"; else fail "shim $shim_pid still runs"; fi
assert_contains "$(cat "$containers/$ticker/log")" "tick" "the log stays after a stop"
assert_eq 0 "$(grep -c " $containers/$ticker/rootfs " /proc/self/mountinfo || true)" \
  "the stopped container's rootfs is unmounted"

# --- restart policy ----------------------------------------------------------
failing="$("$BERTH_BIN" run:detached demo --restart on-failure:2 sh -c 'echo failing; exit 1')"
wait_for 20 status_is "$failing" exited || fail "the failing container did not settle"
assert_eq 2 "$(field "$failing" restarts)" "on-failure:2 restarts twice, then stays exited"
assert_eq 1 "$(field "$failing" exit_code)" "the exit code is recorded"
assert_eq 3 "$(grep -c "stdout failing" "$containers/$failing/log")" "three runs are logged"
assert_contains "$(cat "$containers/$failing/log")" "restarting in 200 ms" "back-off doubles"

once="$("$BERTH_BIN" run:detached demo --restart no sh -c 'exit 1')"
wait_for 10 status_is "$once" exited || fail "restart no: did not settle"
assert_eq 0 "$(field "$once" restarts)" "restart policy no: not restarted"

# --- SIGKILL after the stop timeout ------------------------------------------
stubborn="$("$BERTH_BIN" run:detached demo --stop-timeout 1 sh -c 'trap "" TERM; echo up; while true; do sleep 0.1; done')"
wait_for 10 grep -q "stdout up" "$containers/$stubborn/log" || fail "stubborn did not start"
start=$(date +%s%N)
"$BERTH_BIN" ps:stop demo >/dev/null
took_ms=$((($(date +%s%N) - start) / 1000000))
assert_eq 137 "$(field "$stubborn" exit_code)" "a process ignoring SIGTERM is SIGKILLed"
if ((took_ms >= 1000 && took_ms < 8000)); then pass "after the 1 s stop timeout (${took_ms} ms)"; else fail "stop took ${took_ms} ms"; fi

# --- a shim killed with -9 ------------------------------------------------------
orphan="$("$BERTH_BIN" run:detached demo sh -c 'while true; do sleep 0.1; done')"
has_container_pid() { (($(field "$1" container_pid) > 0)); }
wait_for 10 has_container_pid "$orphan" || fail "no container pid recorded"
orphan_shim="$(field "$orphan" shim_pid)"
container_pid="$(field "$orphan" container_pid)"
kill -9 "$orphan_shim"
wait_for 5 shim_gone "$orphan_shim" || fail "the shim survived kill -9"
assert_contains "$("$BERTH_BIN" run:list demo)" "$orphan  dead" "a container without its shim shows as dead"
"$BERTH_BIN" ps:retire >/dev/null
if [[ ! -d "$containers/$orphan" ]]; then pass "ps:retire removed its bundle"; else fail "bundle left"; fi
wait_for 5 test ! -d "/proc/$container_pid" || fail "its process still runs"

# --- nothing left ---------------------------------------------------------------
assert_eq "" "$(ls -A "$containers")" "ps:retire removed every stopped container"
assert_eq "" "$(ls -A "$BERTH_ROOT/runtime/runc" 2>/dev/null || true)" "no runtime state is left"
assert_eq 0 "$(grep -c " $BERTH_ROOT/" /proc/self/mountinfo || true)" "no mounts are left under BERTH_ROOT"
assert_eq "" "$("$BERTH_BIN" run:list demo | tail -n +2)" "run:list is empty"
finish
