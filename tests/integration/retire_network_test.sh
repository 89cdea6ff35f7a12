#!/usr/bin/env bash
# ps:retire after crashes, for bridge networking: a detached container whose
# shim was killed with -9 leaves its namespace, veth and address behind, and a
# crash inside Attach leaves a namespace and a veth that no address accounts
# for; ps:retire removes all of them and releases the address. Runs in its own
# mount and network namespaces, with a private /run/netns.
set -euo pipefail
# shellcheck source=tests/lib/assert.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/assert.sh"
container_test_setup --net
export BERTH_NAT=off
berth_test_extra_cleanup() {
  "$BERTH_BIN" ps:stop --all >/dev/null 2>&1 || true
  "$BERTH_BIN" ps:retire >/dev/null 2>&1 || true
}

"$BERTH_BIN" stacks:build tiny >/dev/null
"$BERTH_BIN" apps:create demo >/dev/null
"$BERTH_BIN" stacks:set --global tiny >/dev/null
"$BERTH_BIN" network:set --global subnet 10.212.10.0/24 >/dev/null
"$BERTH_BIN" network:set demo mode bridge >/dev/null

id="$("$BERTH_BIN" run:detached demo --restart no sleep 60)"
assert_eq "$id=10.212.10.2" "$("$BERTH_BIN" network:report demo --network-addresses)" \
  "the detached container holds an address"
state="$BERTH_ROOT/containers/$id/shim.json"
shim_pid=""
container_pid=""
for _ in $(seq 100); do
  container_pid="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get("container_pid", 0))' "$state")"
  [[ "$container_pid" != 0 ]] && break
  sleep 0.1
done
shim_pid="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["shim_pid"])' "$state")"
kill -9 "$shim_pid"
for _ in $(seq 50); do [[ -d "/proc/$shim_pid" ]] || break; sleep 0.1; done

# A crash inside Attach: a namespace and a veth with no address.
ip netns add berth-demo.run.424242
ip link add name bv0ad40a63 type veth peer name bp0ad40a63

assert_eq 1 "$(ip netns list | grep -c "berth-$id" || true)" "the killed container's namespace is left"
assert_eq 2 "$(ip -o link show type veth | grep -c ': bv' || true)" "two host veths are left"

run_berth ps:retire
assert_eq 0 "$code" "ps:retire works"
assert_contains "$out" "Removed $id" "the dead container is removed"
assert_contains "$out" "Removed berth-demo.run.424242" "the namespace without an address is removed"
assert_contains "$out" "Removed bv0ad40a63" "the veth without an address is removed"
assert_eq "" "$("$BERTH_BIN" network:report demo --network-addresses)" "the address is released"
assert_eq "" "$(ip netns list)" "no network namespaces are left"
assert_eq "" "$(ip -o link show type veth)" "no veths are left"
# Killed, it may stay a zombie for a moment: its shim (its parent) is gone, so
# the host's init reaps it.
runs() {
  local state
  state="$(sed -E 's/.*\) (.).*/\1/' "/proc/$1/stat" 2>/dev/null || true)"
  [[ -n "$state" && "$state" != Z ]]
}
if [[ "$container_pid" != 0 ]] && runs "$container_pid"; then
  fail "the container's process $container_pid still runs"
else
  pass "the container's process is gone"
fi
assert_eq 0 "$(find "$BERTH_ROOT/containers" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)" \
  "no container directories are left"
assert_eq 0 "$(grep -c " $BERTH_ROOT/" /proc/self/mountinfo || true)" "no mounts are left under BERTH_ROOT"

run_berth ps:retire
assert_contains "$out" "0 retired" "a second ps:retire finds nothing"
finish
