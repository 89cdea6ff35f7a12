#!/usr/bin/env bash
# Faults (M6), on the procfile sample served through nginx; after each one the
# running release keeps answering, the state database is sound, nothing of
# the failed deploy is left, and once the fault is gone a deploy works:
#  a) the OCI runtime cannot start containers (BERTH_OCI_RUNTIME points at a
#     wrapper whose `run`/`create` fail): ps:restart fails with the runtime's
#     message;
#  b) the proxy refuses the new configuration (an `nginx` first in PATH whose
#     -t fails) and cannot reload (its master stopped with SIGSTOP, so it never
#     loads the configuration): a deploy needs neither (behind service
#     addresses it swaps NAT rules) and works; a change of the configuration
#     (ps:scale web=2, a new slot) fails with a clear error, its container is
#     removed and the previous configuration stays live. Or the proxy was
#     killed outright (master and workers): the deploy fails saying so (the
#     previous configuration live again once proxy:start brought it back);
#  c) a full disk: BERTH_ROOT's tmp, slugs, builds and cache on a 64 MB tmpfs
#     filled up: the push fails saying the disk is full; freed, the next works;
#  d) a busy state database: a write transaction held by another process
#     shorter than berth's busy timeout (30 s) is waited for; one held longer
#     makes config:set fail with "the state database is busy" and set nothing.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=tests/lib/assert.sh
source "$here/../lib/assert.sh"
# shellcheck source=tests/lib/push.sh
source "$here/../lib/push.sh"
# shellcheck source=tests/lib/e2e_proxy.sh
source "$here/../lib/e2e_proxy.sh"
# shellcheck source=tests/lib/reliability.sh
source "$here/../lib/reliability.sh"
push_test_setup
e2e_proxy_start nginx
started=$SECONDS

app=faulty
host=faulty.test
repo="$PUSH_WORK/$app"
push_ssh apps:create "$app"
assert_eq 0 "$code" "apps:create over ssh: $out"
push_ssh domains:add "$app" "$host"
push_make_repo procfile "$repo"
push_app "$repo" "$app"
assert_eq 0 "$code" "v1 is deployed: $out"
serving="$(push_rev "$repo")"

serves() { [[ "$(e2e_get "$host")" == "200 hello from procfile GIT_REV=$1"* ]]; }

# unharmed WHEN: the current release answers, the database is sound, one web
# container, no release was added (RELEASES), no workspace is left.
unharmed() {
  local when=$1 releases=$2
  if serves "$serving"; then pass "$when: the running release keeps answering"; else fail "$when: $(e2e_get "$host")"; fi
  rel_assert_db_ok "$when"
  assert_eq "$releases" "$(push_release_count "$app")" "$when: no release was added"
  assert_eq 1 "$(rel_web_containers "$app" | wc -l)" "$when: one web container ($(rel_web_containers "$app" | paste -sd' '))"
  assert_eq 0 "$(find "$BERTH_ROOT/tmp" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)" "$when: no workspace is left"
  if rel_lock_held "$app"; then fail "$when: the deploy lock is held"; fi
}

# --- a) the OCI runtime fails to start containers -----------------------------------
t0=$SECONDS
# The wrapper has the runtime's name, so that it shares the runtime's state directory.
runtime_name="$(find "$BERTH_ROOT/runtime" -mindepth 1 -maxdepth 1 -printf '%f\n' | head -1)"
runtime_path="$(command -v "$runtime_name")"
echo "a) the OCI runtime is $runtime_path"
mkdir -p "$PUSH_WORK/badrt"
cat >"$PUSH_WORK/badrt/$runtime_name" <<EOF
#!/usr/bin/env bash
# $runtime_name, except that it cannot start containers.
for arg in "\$@"; do
  if [[ \$arg == run || \$arg == create ]]; then
    echo "badrt: cannot start container: injected runtime failure" >&2
    exit 1
  fi
done
exec "$runtime_path" "\$@"
EOF
chmod 0755 "$PUSH_WORK/badrt/$runtime_name"
releases="$(push_release_count "$app")"
set +e
out="$(BERTH_OCI_RUNTIME="$PUSH_WORK/badrt/$runtime_name" timeout 120 "$BERTH_BIN" ps:restart "$app" 2>&1)"
code=$?
set -e
assert_eq 1 "$((code != 0))" "a) ps:restart with a runtime that cannot start containers fails (exit $code)"
assert_contains "$out" "injected runtime failure" "a) the error carries the runtime's message: $out"
unharmed "a) runtime failure" "$releases"
run_berth ps:restart "$app"
assert_eq 0 "$code" "a) with the real runtime ps:restart works: $out"
echo "--- a) $((SECONDS - t0)) s"

# --- b) the proxy refuses the configuration, then cannot reload ---------------------
t0=$SECONDS
nginx_path="$(command -v nginx || echo /usr/sbin/nginx)"
mkdir -p "$PUSH_WORK/badnginx"
cat >"$PUSH_WORK/badnginx/nginx" <<EOF
#!/usr/bin/env bash
# nginx, except that every configuration fails its test.
for arg in "\$@"; do
  [[ \$arg != -t ]] || { echo "nginx: [emerg] injected validation failure" >&2; exit 1; }
done
exec "$nginx_path" "\$@"
EOF
chmod 0755 "$PUSH_WORK/badnginx/nginx"
conf="$BERTH_ROOT/proxy/nginx/nginx.conf"
before="$(sha256sum <"$conf")"
set +e
out="$(PATH="$PUSH_WORK/badnginx:$PATH" timeout 120 "$BERTH_BIN" ps:restart "$app" 2>&1)"
code=$?
set -e
assert_eq 0 "$code" "b) ps:restart works while nginx refuses every configuration (none is needed): $out"
assert_eq "$before" "$(sha256sum <"$conf")" "b) the configuration file is the same"
if serves "$serving"; then pass "b) the restarted release answers"; else fail "b) $(e2e_get "$host")"; fi
set +e
out="$(PATH="$PUSH_WORK/badnginx:$PATH" timeout 120 "$BERTH_BIN" ps:scale "$app" web=2 2>&1)"
code=$?
set -e
assert_eq 1 "$((code != 0))" "b) ps:scale web=2 fails when nginx refuses the configuration (exit $code)"
assert_contains "$out" "configuration is invalid; the running one is unchanged" "b) the error says so: $out"
assert_contains "$out" "injected validation failure" "b) with nginx's message"
assert_eq "$before" "$(sha256sum <"$conf")" "b) the live configuration file is unchanged"
assert_contains "$("$BERTH_BIN" ps:scale "$app" --format json)" '"process_type":"web","quantity":1' "b) the scale is web=1 again"
unharmed "b) validation failure" "$releases"

master="$(cat "$BERTH_ROOT/proxy/nginx/nginx.pid")"
kill -STOP "$master"
set +e
out="$(timeout 120 "$BERTH_BIN" ps:scale "$app" web=2 2>&1)"
code=$?
set -e
kill -CONT "$master"
assert_eq 1 "$((code != 0))" "b) ps:scale web=2 fails when nginx does not reload (exit $code)"
assert_contains "$out" "nginx did not load the new configuration; it keeps serving the previous one" \
  "b) the error says the proxy kept its configuration: $out"
sleep 1  # the master handles the reload it was sent while stopped
unharmed "b) reload failure" "$releases"
assert_eq "$before" "$(sha256sum <"$conf")" "b) the configuration on disk is the previous one again"
run_berth ps:restart "$app"
assert_eq 0 "$code" "b) with nginx healthy ps:restart works: $out"

# The proxy killed outright (master and workers): a deploy fails saying so
# rather than retiring the containers the proxy config on disk points at.
master="$(cat "$BERTH_ROOT/proxy/nginx/nginx.pid")"
mapfile -t workers < <(ps -o pid= --ppid "$master")
kill -9 "$master" "${workers[@]}"
wait_for 10 sh -c "! kill -0 $master 2>/dev/null" || fail "b) nginx did not die"
run_berth ps:restart "$app"
assert_eq 1 "$((code != 0))" "b) ps:restart fails while the proxy is dead (exit $code)"
assert_contains "$out" "nginx was started but is not running any more" "b) the error says the proxy died: $out"
assert_contains "$out" "berth proxy:start" "b) and how to bring it back"
run_berth proxy:start
assert_eq 0 "$code" "b) proxy:start brings nginx back: $out"
unharmed "b) dead proxy" "$releases"
run_berth ps:restart "$app"
assert_eq 0 "$code" "b) with nginx back ps:restart works: $out"
echo "--- b) $((SECONDS - t0)) s"

# --- c) a full disk -----------------------------------------------------------------
t0=$SECONDS
disk="$PUSH_WORK/disk"
mkdir -p "$disk"
mount -t tmpfs -o size=64m berth-test-full "$disk"
for part in tmp slugs builds cache; do
  mkdir -p "$disk/$part" "$BERTH_ROOT/$part"
  cp -a "$BERTH_ROOT/$part/." "$disk/$part/"
  mount --bind "$disk/$part" "$BERTH_ROOT/$part"
done
dd if=/dev/zero of="$disk/filler" bs=1M status=none 2>/dev/null || true
echo "c) free on the small disk: $(df --output=avail -B1 "$disk" | tail -1) bytes"
echo "full disk" >"$repo/disk.txt"
push_commit "$repo" "pushed to a full disk"
push_app "$repo" "$app"
assert_eq 1 "$((code != 0))" "c) a push to a full disk fails (exit $code)"
assert_contains "$out" "No space left on device" "c) the error says the disk is full: $out"
assert_contains "$out" "the previous release is unchanged" "c) and that nothing changed"
unharmed "c) full disk" "$releases"
rm -f "$disk/filler"
push_app "$repo" "$app"
assert_eq 0 "$code" "c) with space again the push succeeds: $out"
serving="$(push_rev "$repo")"
releases=$((releases + 1))
if serves "$serving"; then pass "c) the new release answers"; else fail "c) $(e2e_get "$host")"; fi
# Lazily: the new release's container runs on the slug layer on the small disk.
for part in tmp slugs builds cache; do umount -l "$BERTH_ROOT/$part"; done
umount -l "$disk"
echo "--- c) $((SECONDS - t0)) s"

# --- d) the state database is busy --------------------------------------------------
t0=$SECONDS
# hold_db SECONDS: another process holds a write transaction on berth.db for
# SECONDS; returns once it has it.
hold_db() {
  rm -f "$PUSH_WORK/held"
  /usr/bin/python3 -c '
import sqlite3, sys, time
con = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=30)
con.execute("BEGIN EXCLUSIVE")
open(sys.argv[2], "w").close()
time.sleep(float(sys.argv[3]))
con.execute("ROLLBACK")
' "$BERTH_ROOT/berth.db" "$PUSH_WORK/held" "$1" &
  holder=$!
  push_remember_pid "$holder"
  wait_for 30 test -e "$PUSH_WORK/held" || fail "d) the database lock was not taken"
}
hold_db 3
t1=$SECONDS
run_berth config:set --no-restart "$app" SHORT_WAIT=yes
assert_eq 0 "$code" "d) config:set waits out a 3 s write lock and succeeds ($((SECONDS - t1)) s): $out"
assert_eq yes "$("$BERTH_BIN" config:get "$app" SHORT_WAIT)" "d) its value is stored"
wait "$holder" || true
hold_db 36
t1=$SECONDS
run_berth config:set --no-restart "$app" LONG_A=1 LONG_B=2
waited=$((SECONDS - t1))
assert_eq 1 "$((code != 0))" "d) config:set gives up on a 36 s write lock after ${waited} s (exit $code)"
assert_contains "$out" "the state database is busy" "d) the error says the database is busy: $out"
assert_contains "$out" "try again" "d) and to try again"
wait "$holder" || true
assert_eq "" "$("$BERTH_BIN" config:keys "$app" | grep '^LONG_' || true)" "d) neither key was written"
unharmed "d) busy database" "$releases"
echo "--- d) $((SECONDS - t0)) s"

push_no_leftovers
echo "faults test took $((SECONDS - started)) s"
finish
