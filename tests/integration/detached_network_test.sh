#!/usr/bin/env bash
# Single quotes hold text for the container's shell, unexpanded here.
# shellcheck disable=SC2016
# A detached container gets the same spec as an attached one: bridge network,
# resource limits and storage mounts. The host reaches a server in it over the
# bridge; when it stops for good its shim takes the namespace and veth down,
# and ps:retire releases its address. Runs in its own mount and network
# namespaces, so the bridge and every veth live and die with the test.
set -euo pipefail
# shellcheck source=tests/lib/assert.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/assert.sh"
container_test_setup --net
export BERTH_NAT=off
containers="$BERTH_ROOT/containers"
berth_test_extra_cleanup() {
  "$BERTH_BIN" ps:stop --all >/dev/null 2>&1 || true
  "$BERTH_BIN" ps:retire >/dev/null 2>&1 || true
}

addresses() { "$BERTH_BIN" network:report demo --network-addresses; }

"$BERTH_BIN" stacks:build tiny >/dev/null
"$BERTH_BIN" apps:create demo >/dev/null
"$BERTH_BIN" stacks:set --global tiny >/dev/null
"$BERTH_BIN" network:set --global subnet 10.212.9.0/24 >/dev/null
"$BERTH_BIN" network:set demo mode bridge >/dev/null
"$BERTH_BIN" resource:limit demo --pids 64 >/dev/null
data="$(mktemp -d)"
echo "from the host" >"$data/note"
chmod -R a+rX "$data"
"$BERTH_BIN" storage:mount demo "$data:/data:ro" >/dev/null

serve='while true; do echo "hello from $BERTH_CONTAINER_IP $(cat /data/note)" | nc -l -p 5000; done'
id="$("$BERTH_BIN" run:detached demo --restart no sh -c "$serve")"
assert_contains "$id" "demo.run." "run:detached prints the id"
held="$(addresses)"
assert_eq "$id=10.212.9.2" "$held" "the detached container holds an address"
ip_address="${held#*=}"

reply=""
for _ in $(seq 40); do
  reply="$(timeout 2 bash -c "exec 3<>/dev/tcp/$ip_address/5000 && cat <&3" 2>/dev/null || true)"
  [[ -n "$reply" ]] && break
  sleep 0.2
done
assert_contains "$reply" "hello from $ip_address" "the host reaches the detached server over the bridge"
assert_contains "$reply" "from the host" "the storage mount is there"
pids_max="$(cat "/sys/fs/cgroup/pids/berth/$id/pids.max" 2>/dev/null ||
  cat "/sys/fs/cgroup/berth/$id/pids.max" 2>/dev/null || true)"
assert_eq 64 "$pids_max" "the pids limit applies to the detached container's cgroup"
reply="$(timeout 2 bash -c "exec 3<>/dev/tcp/$ip_address/5000 && cat <&3" 2>/dev/null || true)"
assert_contains "$reply" "hello from" "it keeps serving (a second connection)"
assert_eq 1 "$(ip netns list | grep -c "berth-$id" || true)" "its namespace exists while it runs"

"$BERTH_BIN" run:stop demo --container "$id" --stop-timeout 2 >/dev/null
wait_for 10 test -z "$(ip -o link show type veth 2>/dev/null)" || fail "the veth is still there after stop"
pass "the shim took the veth down when the container stopped"
assert_eq "" "$(ip netns list)" "the namespace is gone after stop"

run_berth ps:retire
assert_eq 0 "$code" "ps:retire works"
assert_eq "" "$(addresses)" "the address is released on removal"
assert_eq 0 "$(find "$containers" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)" "the bundle is removed"

# An address whose container vanished without its shim's help (a crash).
id2="$("$BERTH_BIN" run:detached demo --restart no sleep 600)"
assert_eq "$id2=10.212.9.2" "$(addresses)" "the released address is handed out again"
shim_pid="$(sed -E 's/.*"shim_pid":([0-9]+).*/\1/' "$containers/$id2/shim.json")"
kill -9 "$shim_pid"
runc --root "$BERTH_ROOT/runtime/runc" kill "$id2" KILL 2>/dev/null || true
run_berth ps:retire
assert_contains "$out" "Removed $id2" "ps:retire removes the container whose shim was killed"
assert_eq "" "$(addresses)" "and releases its address"
assert_eq "" "$(ip -o link show type veth 2>/dev/null)$(ip netns list)" "and takes its veth and namespace down"
assert_eq 0 "$(grep -c " $BERTH_ROOT/" /proc/self/mountinfo || true)" "no mounts are left under BERTH_ROOT"
rm -rf "$data"
finish
