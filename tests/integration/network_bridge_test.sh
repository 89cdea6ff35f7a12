#!/usr/bin/env bash
# Single quotes hold text for the container's shell, unexpanded here.
# shellcheck disable=SC2016
# Bridge networking for `berth run`: the host side of the bridge reaches a
# server in the container at its address; two containers at once get different
# addresses; addresses, veths and namespaces are gone afterwards. Runs in its
# own mount and network namespaces, so the bridge and every veth live and die
# with the test and no traffic leaves it.
set -euo pipefail
# shellcheck source=tests/lib/assert.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/assert.sh"
container_test_setup --net
runners=()
berth_test_extra_cleanup() {
  local pid
  for pid in "${runners[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}

"$BERTH_BIN" stacks:build tiny >/dev/null
"$BERTH_BIN" apps:create demo >/dev/null
"$BERTH_BIN" stacks:set --global tiny >/dev/null
"$BERTH_BIN" network:set --global subnet 10.211.7.0/24 >/dev/null

assert_eq "1" "$("$BERTH_BIN" run demo sh -c 'ls /sys/class/net | wc -l')" "mode none: loopback only"
"$BERTH_BIN" network:set demo mode bridge >/dev/null
assert_eq "bridge" "$("$BERTH_BIN" network:report demo --network-computed-mode)" "the mode is reported"

# A server that answers one connection with its own address, then exits.
serve='echo "hello from $BERTH_CONTAINER_IP" | nc -l -p 5000'
"$BERTH_BIN" run demo sh -c "$serve" >/dev/null 2>&1 &
runners+=($!)
"$BERTH_BIN" run demo sh -c "$serve" >/dev/null 2>&1 &
runners+=($!)

# Waits (bounded) until the report lists $1 addresses for demo.
addresses=""
wait_for_addresses() {
  for _ in $(seq 100); do
    addresses="$("$BERTH_BIN" network:report demo --network-addresses)"
    [[ "$(wc -w <<<"$addresses")" == "$1" ]] && return 0
    sleep 0.1
  done
  return 1
}
wait_for_addresses 2 || fail "two containers did not get addresses: [$addresses]"
mapfile -t ips < <(tr ' ' '\n' <<<"$addresses" | cut -d= -f2 | sort)
assert_eq "10.211.7.2 10.211.7.3" "${ips[*]}" "two containers get different addresses in the subnet"
assert_eq "10.211.7.1/24" "$(ip -o -4 addr show dev berth0 | awk '{print $4}')" "the bridge has the gateway address"
bridge_mac() { ip -o link show dev berth0 | grep -o 'link/ether [0-9a-f:]*' | cut -d' ' -f2; }
mac="$(bridge_mac)"
assert_contains "$mac" "02:be:" "the bridge has a MAC of its own, not a port's ($mac)"

# Connect from the host side (bounded: a few tries of 2 s each per container).
for ip_address in "${ips[@]}"; do
  reply=""
  for _ in $(seq 20); do
    reply="$(timeout 2 bash -c "exec 3<>/dev/tcp/$ip_address/5000 && cat <&3" 2>/dev/null || true)"
    [[ -n "$reply" ]] && break
    sleep 0.2
  done
  assert_eq "hello from $ip_address" "$reply" "the host reaches the server at $ip_address:5000"
done
for pid in "${runners[@]}"; do timeout 20 tail --pid="$pid" -f /dev/null || kill "$pid" || true; done
runners=()

wait_for_addresses 0 || fail "addresses were not released: [$addresses]"
pass "addresses are released after the containers exit"
assert_eq "" "$(ip -o link show type veth)" "no veths are left"
assert_eq "$mac" "$(bridge_mac)" "the bridge's MAC stays when its ports go (the containers' ARP entries stay right)"
assert_eq "" "$(ip netns list)" "no network namespaces are left"

# The first address is handed out again; a failing command still cleans up.
run_berth run demo sh -c 'echo "$BERTH_CONTAINER_IP"; ip route 2>/dev/null | head -1; exit 4'
assert_eq 4 "$code" "the exit code comes back"
assert_contains "$out" "10.211.7.2" "a released address is reused"
assert_eq "" "$(ip -o link show type veth)$(ip netns list)" "nothing is left after a failing command"

run_berth network:set --global subnet 10.211.7.5/24
assert_eq 1 "$code" "a subnet with host bits is refused"
"$BERTH_BIN" network:set demo mode host >/dev/null
lo_count="$("$BERTH_BIN" run demo sh -c 'ls /sys/class/net | wc -l')"
if ((lo_count >= 2)); then pass "mode host: the test namespace's interfaces are visible"; else
  fail "mode host sees $lo_count interfaces"; fi

left="$(find "$BERTH_ROOT/containers" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)"
assert_eq 0 "$left" "no container directories are left"
assert_eq 0 "$(grep -c " $BERTH_ROOT/" /proc/self/mountinfo || true)" "no mounts are left under BERTH_ROOT"
finish
