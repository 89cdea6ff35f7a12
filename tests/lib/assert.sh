# Assertions and scaffolding for berth's shell integration tests.
# Source it: `source "$(dirname "$0")/../lib/assert.sh"`.
# shellcheck shell=bash

: "${BERTH_BIN:?BERTH_BIN must point at the berth binary}"
BERTH_TEST_FAILURES=0

# A private state directory, removed when the test exits.
berth_test_root() {
  BERTH_ROOT="$(mktemp -d /tmp/berth-test.XXXXXX)"
  export BERTH_ROOT
  trap 'berth_test_cleanup' EXIT
}

# Tests add their own cleanup by defining berth_test_extra_cleanup.
berth_test_cleanup() {
  if declare -F berth_test_extra_cleanup >/dev/null; then berth_test_extra_cleanup || true; fi
  if [[ -n ${BERTH_TEST_BRIDGE:-} ]]; then berth_test_remove_bridge "$BERTH_TEST_BRIDGE"; fi
  rm -rf "$BERTH_ROOT"
}

require_root() {
  if [[ $(id -u) -ne 0 ]]; then
    echo "SKIP: needs root"
    exit 77
  fi
}

fail() {
  echo "FAIL: $*" >&2
  BERTH_TEST_FAILURES=$((BERTH_TEST_FAILURES + 1))
}

pass() { echo "ok: $*"; }

# assert_eq EXPECTED ACTUAL DESCRIPTION
assert_eq() {
  if [[ "$1" == "$2" ]]; then pass "$3"; else fail "$3: expected [$1], got [$2]"; fi
}

# assert_contains HAYSTACK NEEDLE DESCRIPTION
assert_contains() {
  if [[ "$1" == *"$2"* ]]; then pass "$3"; else fail "$3: [$2] not found in [$1]"; fi
}

assert_not_contains() {
  if [[ "$1" != *"$2"* ]]; then pass "$3"; else fail "$3: [$2] unexpectedly found in [$1]"; fi
}

# Runs berth, capturing stdout+stderr in $out and the exit code in $code.
# shellcheck disable=SC2034  # out and code are read by the calling test
run_berth() {
  set +e
  out="$("$BERTH_BIN" "$@" 2>&1)"
  code=$?
  set -e
}

# wait_for SECONDS COMMAND...: polls every 0.1 s; false when time runs out.
wait_for() {
  local deadline=$((SECONDS + $1))
  shift
  until "$@"; do
    ((SECONDS < deadline)) || return 1
    sleep 0.1
  done
}

# A field of a detached container's shim.json (status, shim_pid, container_pid, ...).
shim_field() { sed -E "s/.*\"$2\":\"?([^\",}]*).*/\1/" "$BERTH_ROOT/containers/$1/shim.json"; }

# Whether the process PID is no longer a berth-shim.
shim_gone() { [[ "$(readlink "/proc/$1/exe" 2>/dev/null || true)" != *berth-shim* ]]; }

# What a reboot does to a detached container: its shim and its process killed
# with -9; waits until the shim is gone.
kill_container_hard() {
  local shim_pid container_pid
  shim_pid="$(shim_field "$1" shim_pid)"
  container_pid="$(shim_field "$1" container_pid)"
  kill -9 "$shim_pid"
  kill -9 "$container_pid" 2>/dev/null || true
  wait_for 5 shim_gone "$shim_pid" || fail "the shim of $1 did not die"
}

finish() {
  if ((BERTH_TEST_FAILURES > 0)); then
    echo "$BERTH_TEST_FAILURES assertion(s) failed" >&2
    exit 1
  fi
  echo "all assertions passed"
}

# For tests that start containers: skips without root or runc, re-runs the test
# script in its own mount namespace (with --net also its own network namespace,
# loopback up and a private /run/netns, so bridges, veths and named namespaces
# stay inside it), then makes the test's BERTH_ROOT. Nothing leaks onto the host,
# even when the test fails half-way.
# shellcheck disable=SC2120  # the optional --net is passed by some tests only
container_test_setup() {
  require_root
  command -v runc >/dev/null || { echo "SKIP: runc is not installed"; exit 77; }
  local net=()
  if [[ "${1:-}" == --net ]]; then
    net=(--net)
    command -v ip >/dev/null || { echo "SKIP: iproute2 is not installed"; exit 77; }
  fi
  if [[ -z "${BERTH_IN_TEST_NS:-}" ]]; then
    BERTH_IN_TEST_NS=1 exec unshare --mount "${net[@]}" --propagation private bash "$0"
  fi
  if ((${#net[@]} > 0)); then
    ip link set lo up
    mkdir -p /run/netns
    mount -t tmpfs -o mode=0755 berth-test-netns /run/netns
  fi
  berth_test_root
  export BERTH_STACK_CACHE="${BERTH_STACK_CACHE:-/var/cache/berth/stacks}"
  if ((${#net[@]} == 0)); then
    # The host's network is shared, and another berth may run on it (the
    # quickstart's, on berth0 and 10.210.0.0/16): this root gets a bridge and
    # a subnet of its own, so its addresses, veths and ps:retire never meet
    # that berth's. Removed on exit with its NAT rules.
    BERTH_TEST_BRIDGE="berth-t$$"
    "$BERTH_BIN" network:set --global bridge "$BERTH_TEST_BRIDGE" >/dev/null
    "$BERTH_BIN" network:set --global subnet "10.211.$(($$ % 256)).0/24" >/dev/null
  fi
}

# The bridge container_test_setup gave a test on the host's network, and the
# NAT rules berth tagged with it (iptables comments, or nft rules in table ip
# berth).
berth_test_remove_bridge() {
  local br=$1 table line words=()
  ip link del dev "$br" 2>/dev/null || true
  if command -v iptables >/dev/null; then
    for table in nat filter; do
      # -S quotes the comment: --comment "berth:BR".
      while IFS= read -r line; do
        line="${line//\"/}"
        read -ra words <<<"${line/#-A /-D }"
        iptables -w 5 -t "$table" "${words[@]}" 2>/dev/null || true
      done < <(iptables -w 5 -t "$table" -S 2>/dev/null | grep -F -- "--comment \"berth:$br\"" || true)
    done
    # The chain of its service addresses (core/runtime/service_nat.h), empty now.
    iptables -w 5 -t nat -X "BERTH-SVC-$br" 2>/dev/null || true
  fi
  if command -v nft >/dev/null; then
    while IFS= read -r line; do
      nft delete rule ip berth postrouting handle "${line##* }" 2>/dev/null || true
    done < <(nft -a list chain ip berth postrouting 2>/dev/null | grep -F "\"berth:$br\"" || true)
    nft delete chain ip berth "svc_${br//-/_}" 2>/dev/null || true
  fi
}
