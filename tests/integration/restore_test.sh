#!/usr/bin/env bash
# Single quotes hold text for the container's shell, unexpanded here.
# shellcheck disable=SC2016
# Starting detached containers again: after its shim and its process are
# killed with -9 (what a reboot does to them) ps:restore brings the container
# back (with two other apps', in parallel), on the same bundle so its log
# continues, with its bridge network made anew; `enter` runs a command in it; ps:start runs it again after ps:stop.
# Runs in its own mount and network namespaces.
set -euo pipefail
# shellcheck source=tests/lib/assert.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/assert.sh"
container_test_setup --net
export BERTH_NAT=off
containers="$BERTH_ROOT/containers"
berth_test_extra_cleanup() {
  "$BERTH_BIN" ps:stop --all --stop-timeout 1 >/dev/null 2>&1 || true
  "$BERTH_BIN" ps:retire >/dev/null 2>&1 || true
}

status_is() { [[ "$(shim_field "$1" status)" == "$2" ]]; }
starts() { grep -c "stdout start" "$containers/$1/log" || true; }
starts_at_least() { (($(starts "$1") >= $2)); }

"$BERTH_BIN" stacks:build tiny >/dev/null
"$BERTH_BIN" apps:create demo >/dev/null
"$BERTH_BIN" stacks:set --global tiny >/dev/null
"$BERTH_BIN" network:set --global subnet 10.213.4.0/24 >/dev/null
"$BERTH_BIN" network:set demo mode bridge >/dev/null

ticker='echo start; while true; do echo tick; sleep 0.2; done'
id="$("$BERTH_BIN" run:detached demo sh -c "$ticker")"
wait_for 10 grep -q "stdout tick" "$containers/$id/log" || fail "the container did not start"
# Two more apps, restored in parallel with demo.
declare -A others
for app in second third; do
  "$BERTH_BIN" apps:create "$app" >/dev/null
  others[$app]="$("$BERTH_BIN" run:detached "$app" sh -c "$ticker")"
  wait_for 10 grep -q "stdout tick" "$containers/${others[$app]}/log" || fail "$app did not start"
done

# --- a "reboot": shims and containers killed with -9 --------------------------
for killed in "$id" "${others[@]}"; do
  kill_container_hard "$killed"
done
assert_contains "$("$BERTH_BIN" run:list demo)" "$id  dead" "run:list shows it dead"

run_berth ps:restore --all
assert_eq 0 "$code" "ps:restore succeeds [$out]"
assert_contains "$out" "Starting $id" "ps:restore starts the container that should run"
wait_for 10 status_is "$id" running || fail "not running after ps:restore"
for app in second third; do
  assert_contains "$out" $'-----> Restoring '"$app"$'\n       Starting '"${others[$app]}" \
    "$app is restored too, its lines together"
  wait_for 10 status_is "${others[$app]}" running || fail "$app is not running after ps:restore"
done
"$BERTH_BIN" ps:stop second --stop-timeout 1 >/dev/null
"$BERTH_BIN" ps:stop third --stop-timeout 1 >/dev/null
wait_for 10 starts_at_least "$id" 2 || fail "the log did not continue: $(starts "$id") starts"
pass "the container runs again and its log continues"
assert_eq "$id=10.213.4.2" "$("$BERTH_BIN" network:report demo --network-addresses)" \
  "it keeps its address (the proxy's upstreams stay right)"
assert_eq 1 "$(ip netns list | wc -l)" "one namespace, made anew"
run_berth ps:restore demo
assert_not_contains "$out" "Starting" "a running container is not restored again"

# --- enter --------------------------------------------------------------------
run_berth enter demo "$id" sh -c 'echo "$DYNO as $(id -u)"' </dev/null
assert_eq 0 "$code" "enter succeeds"
assert_eq "run.${id##*.} as 32767" "$out" "enter runs in the container, as the app user, with its env"
run_berth enter demo sh -c 'exit 7' </dev/null
assert_eq 7 "$code" "enter without an id picks the running container and returns the exit code"
assert_eq "hi" "$(echo 'echo hi' | "$BERTH_BIN" enter demo)" "enter defaults to /bin/sh, reading stdin"

# --- ps:stop, then ps:start ---------------------------------------------------
"$BERTH_BIN" ps:stop demo --stop-timeout 2 >/dev/null
assert_eq stopped "$(shim_field "$id" status)" "ps:stop stops it"
run_berth ps:restore
assert_not_contains "$out" "Starting" "ps:restore leaves a stopped container stopped"
run_berth ps:start demo
assert_eq 0 "$code" "ps:start succeeds [$out]"
wait_for 10 status_is "$id" running || fail "not running after ps:start"
wait_for 10 starts_at_least "$id" 3 || fail "no third start in the log: $(tail -5 "$containers/$id/log")"
pass "ps:start runs it again"
run_berth logs demo -p run -n 500
assert_contains "$out" "app[run.${id##*.}]: start" "logs -p run shows it"
run_berth logs demo -p web
assert_eq "" "$out" "logs -p web shows nothing"

"$BERTH_BIN" ps:stop demo --stop-timeout 2 >/dev/null
"$BERTH_BIN" ps:retire >/dev/null
assert_eq "" "$(ip -o link show type veth 2>/dev/null)$(ip netns list)" "no veths or namespaces are left"
assert_eq 0 "$(grep -c " $BERTH_ROOT/" /proc/self/mountinfo || true)" "no mounts are left under BERTH_ROOT"
finish
