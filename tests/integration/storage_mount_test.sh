#!/usr/bin/env bash
# Single quotes hold text for the container's shell, unexpanded here.
# shellcheck disable=SC2016
# storage:mount applied by `berth run`: a file the container writes appears in
# the host directory, a read-only mount refuses writes, an unmounted directory
# is gone, and a mount whose host directory vanished stops `run` with a reason.
# Runs in its own mount namespace so a failure leaks no mount onto the host.
set -euo pipefail
# shellcheck source=tests/lib/assert.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/assert.sh"
container_test_setup
data="$(mktemp -d /tmp/berth-storage.XXXXXX)"
berth_test_extra_cleanup() { rm -rf "$data"; }
mkdir "$data/rw" "$data/ro"
chown 32767:32767 "$data/rw" "$data/ro"
echo "from the host" >"$data/ro/config.txt"

"$BERTH_BIN" stacks:build tiny >/dev/null
"$BERTH_BIN" apps:create demo >/dev/null
"$BERTH_BIN" stacks:set --global tiny >/dev/null
"$BERTH_BIN" storage:mount demo "$data/rw:/app/storage" >/dev/null
"$BERTH_BIN" storage:mount demo "$data/ro:/config:ro" >/dev/null

run_berth run demo sh -c 'echo "written inside" > /app/storage/out.txt && cat /config/config.txt'
assert_eq 0 "$code" "the container writes to its mount"
assert_eq "from the host" "$out" "the read-only mount shows the host's file"
assert_eq "written inside" "$(cat "$data/rw/out.txt" 2>/dev/null)" "the file appears in the host directory"
assert_eq "32767" "$(stat -c %u "$data/rw/out.txt" 2>/dev/null)" "it is owned by the app user"

run_berth run demo sh -c 'echo x > /config/new.txt'
assert_eq 1 "$code" "the read-only mount refuses writes"
assert_contains "$out" "Read-only file system" "the refusal says why"
if [[ -e "$data/ro/new.txt" ]]; then
  fail "a file appeared in the read-only directory"
else
  pass "nothing was written to the read-only directory"
fi

"$BERTH_BIN" storage:unmount demo "$data/ro:/config:ro" >/dev/null
run_berth run demo ls /config
assert_eq 1 "$code" "an unmounted directory is gone from new containers"

run_berth storage:mount demo "$BERTH_ROOT:/state"
assert_eq 1 "$code" "berth's own state cannot be mounted"
run_berth storage:mount demo "/etc:/etc2"
assert_eq 1 "$code" "a system directory cannot be mounted"

rm -rf "$data/rw"
run_berth run demo true
assert_eq 1 "$code" "a vanished host directory stops run"
assert_contains "$out" "does not exist" "and says which"

left="$(find "$BERTH_ROOT/containers" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)"
assert_eq 0 "$left" "no container directories are left"
assert_eq 0 "$(grep -c " $BERTH_ROOT/" /proc/self/mountinfo || true)" "no mounts are left under BERTH_ROOT"
finish
