#!/usr/bin/env bash
# Single quotes hold text for the container's shell, unexpanded here.
# shellcheck disable=SC2016
# `berth run` on the tiny stack with the real OCI runtime and overlayfs: output,
# exit code and stdin come back; the process is the app user with no
# capabilities, sees neither host processes nor host files, cannot remount /proc
# or write /proc/sys; nothing is left behind. Runs in its own mount namespace so
# even a failure leaks no mount onto the host.
set -euo pipefail
# shellcheck source=tests/lib/assert.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/assert.sh"
container_test_setup

"$BERTH_BIN" stacks:build tiny >/dev/null
"$BERTH_BIN" apps:create demo >/dev/null
"$BERTH_BIN" config:set demo 'GREETING=hello $(id) `id`' >/dev/null
"$BERTH_BIN" stacks:set --global tiny >/dev/null

run_berth run demo sh -c 'echo "$GREETING"; exit 3'
assert_eq 3 "$code" "the container's exit code is passed on"
assert_eq 'hello $(id) `id`' "$out" "config vars arrive unevaluated"

assert_eq "got piped" "$(echo piped | "$BERTH_BIN" run demo sh -c 'read -r l; echo "got $l"')" \
  "stdin reaches the container"
assert_eq "X=1 --all" "$("$BERTH_BIN" run demo --env X=1 sh -c 'echo "X=$X $1"' sh --all)" \
  "--env is set and words after the command stay the command's"
assert_eq "uid=32767(app) gid=32767(app)" "$("$BERTH_BIN" run demo id)" "runs as the app user"
assert_eq "0000000000000000" "$("$BERTH_BIN" run demo sh -c "grep CapEff /proc/self/status | cut -f2")" \
  "no effective capabilities"
assert_eq "1" "$("$BERTH_BIN" run demo sh -c "grep NoNewPrivs /proc/self/status | cut -f2")" \
  "no_new_privs is set"
pids="$("$BERTH_BIN" run demo sh -c 'ls /proc | grep -c "^[0-9]"')"
if ((pids <= 4)); then pass "host processes are invisible ($pids pids)"; else fail "sees $pids pids"; fi
run_berth run demo ls "$BERTH_ROOT"
assert_eq 1 "$code" "host files are invisible"
run_berth run demo sh -c 'echo 1 > /proc/sys/kernel/panic'
assert_eq 1 "$code" "/proc/sys is read-only"
run_berth run demo mount -o remount,rw /proc
if [[ "$code" -ne 0 ]]; then pass "cannot remount /proc"; else fail "remounted /proc"; fi
assert_eq "demo.run" "$("$BERTH_BIN" run demo hostname | cut -d. -f1-2)" "hostname is APP.run.N"

run_berth run nope true
assert_eq 20 "$code" "a missing app exits 20"
run_berth run demo
assert_eq 1 "$code" "a run without a command is refused"

left="$(find "$BERTH_ROOT/containers" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)"
assert_eq 0 "$left" "no container directories are left"
assert_eq 0 "$(grep -c " $BERTH_ROOT/" /proc/self/mountinfo || true)" "no mounts are left under BERTH_ROOT"
finish
