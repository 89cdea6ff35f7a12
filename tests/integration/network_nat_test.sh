#!/usr/bin/env bash
# Single quotes hold text for the container's shell, unexpanded here.
# shellcheck disable=SC2016
# Outbound NAT and isolation on the bridge: a container reaches an "outside"
# address (a namespace made here, with no route back to the bridge's subnet)
# only through berth's MASQUERADE rule; the rule is tagged, added once, and
# ip_forward is turned on; two containers on the bridge cannot reach each
# other. Runs in its own mount and network namespaces: nothing leaves them.
set -euo pipefail
# shellcheck source=tests/lib/assert.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/assert.sh"
if ! command -v iptables >/dev/null && ! command -v nft >/dev/null; then
  echo "SKIP: neither iptables nor nft is installed"
  exit 77
fi
container_test_setup --net
outside_ns="berth-test-outside-$$"
runners=()
berth_test_extra_cleanup() {
  local pid
  for pid in "${runners[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  ip netns del "$outside_ns" 2>/dev/null || true
}

# "Outside": its own namespace on a veth, 192.0.2.2, with no route to 10.211.8.0/24.
ip netns add "$outside_ns"
ip link add name bt-host type veth peer name bt-out
ip link set dev bt-out netns "$outside_ns"
ip addr add 192.0.2.1/24 dev bt-host
ip link set dev bt-host up
ip -n "$outside_ns" addr add 192.0.2.2/24 dev bt-out
ip -n "$outside_ns" link set dev bt-out up
ip -n "$outside_ns" link set dev lo up
echo 0 >/proc/sys/net/ipv4/ip_forward

"$BERTH_BIN" stacks:build tiny >/dev/null
"$BERTH_BIN" apps:create demo >/dev/null
"$BERTH_BIN" stacks:set --global tiny >/dev/null
"$BERTH_BIN" network:set --global subnet 10.211.8.0/24 >/dev/null
"$BERTH_BIN" network:set demo mode bridge >/dev/null
assert_contains "$("$BERTH_BIN" network:report demo --network-outbound-nat)" "masquerade via" \
  "the report names the NAT tool"
assert_contains "$("$BERTH_BIN" network:report demo --network-isolation)" "not each other" \
  "the report documents that containers do not reach each other"

# A server outside answering one connection (bounded by timeout).
ip netns exec "$outside_ns" timeout 30 busybox sh -c 'echo "hello from outside" | busybox nc -l -p 7000' &
runners+=($!)
sleep 0.3
run_berth run demo sh -c 'nc -w 5 192.0.2.2 7000 </dev/null'
assert_eq 0 "$code" "the container's connection to the outside succeeds"
assert_contains "$out" "hello from outside" "a container reaches the outside through NAT"
assert_eq 1 "$(cat /proc/sys/net/ipv4/ip_forward)" "ip_forward was turned on"

# Once more: the rule is not added twice.
run_berth run demo true
assert_eq 0 "$code" "a second container starts"
if command -v iptables >/dev/null; then
  assert_eq 1 "$(iptables -t nat -S POSTROUTING | grep -c -- '--comment "berth:berth0"')" \
    "one tagged MASQUERADE rule"
else
  assert_eq 1 "$(nft list chain ip berth postrouting | grep -c '"berth:berth0"')" "one tagged nft rule"
fi

# Isolation: a second container cannot reach a server in the first.
"$BERTH_BIN" run demo sh -c 'echo "$BERTH_CONTAINER_IP" >/tmp/ip; echo peer | nc -l -p 5000' \
  >/dev/null 2>&1 &
runners+=($!)
addresses=""
for _ in $(seq 100); do
  addresses="$("$BERTH_BIN" network:report demo --network-addresses)"
  [[ -n "$addresses" ]] && break
  sleep 0.1
done
server_ip="${addresses#*=}"
[[ -n "$server_ip" ]] || fail "the server container got no address"
reply=""
for _ in $(seq 20); do
  reply="$(timeout 2 bash -c "exec 3<>/dev/tcp/$server_ip/5000 && cat <&3" 2>/dev/null || true)"
  [[ -n "$reply" ]] && break
  sleep 0.2
done
# The host reached it (and ended it); start it again for the peer.
assert_eq "peer" "$reply" "the host reaches a container on the bridge"
for pid in "${runners[@]}"; do timeout 20 tail --pid="$pid" -f /dev/null || true; done
runners=()
# (not pid 1, which a SIGTERM from timeout would not end)
"$BERTH_BIN" run demo sh -c 'echo still-listening | timeout 8 nc -l -p 5000; true' >/dev/null 2>&1 &
runners+=($!)
for _ in $(seq 100); do
  addresses="$("$BERTH_BIN" network:report demo --network-addresses)"
  [[ -n "$addresses" ]] && break
  sleep 0.1
done
server_ip="${addresses#*=}"
sleep 0.3
run_berth run demo sh -c "nc -w 2 $server_ip 5000 </dev/null && echo connected"
assert_not_contains "$out" "connected" "a container cannot reach another on the bridge"
# The server was listening all along: the host's connection is its first.
reply="$(timeout 2 bash -c "exec 3<>/dev/tcp/$server_ip/5000 && cat <&3" 2>/dev/null || true)"
assert_eq "still-listening" "$reply" "the peer's attempt was blocked, not refused"
for pid in "${runners[@]}"; do timeout 20 tail --pid="$pid" -f /dev/null || true; done
runners=()

assert_eq "" "$(ip -o link show type veth | grep -v bt-host || true)" "no container veths are left"
assert_eq "$outside_ns" "$(ip netns list | awk '{print $1}')" "only the test's own namespace is left"
assert_eq 0 "$(grep -c " $BERTH_ROOT/" /proc/self/mountinfo || true)" "no mounts are left under BERTH_ROOT"
finish
