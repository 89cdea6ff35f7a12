#!/usr/bin/env bash
# Single quotes hold text for the containers' shell, unexpanded here.
# shellcheck disable=SC2016
# logs and logs:failed with real containers: a pushed app scaled to web=2 shows
# both processes' output merged with Dokku's prefixes (app[web.1], app[web.2]);
# `logs -t` over ssh keeps following when the shim restarts a killed process
# and when config:set deploys a new generation, and ends once the ssh client
# has gone; a deploy whose check fails keeps its containers' output and the
# check's for logs:failed. Runs in its own mount and network namespaces.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=tests/lib/assert.sh
source "$here/../lib/assert.sh"
# shellcheck source=tests/lib/push.sh
source "$here/../lib/push.sh"
push_test_setup

app=logsdemo
follow_cmd="logs $app -t"
# The berth processes serving `ssh ... logs APP -t` (ssh-dispatch, with the
# command in SSH_ORIGINAL_COMMAND).
followers() {
  local p
  for p in /proc/[0-9]*; do
    { tr '\0' '\n' <"$p/environ"; } 2>/dev/null |
      grep -qxF "SSH_ORIGINAL_COMMAND=$follow_cmd" && echo "${p#/proc/}"
  done
  return 0
}
no_followers() { [[ -z "$(followers)" ]]; }
followed() { grep -qF "$1" "$PUSH_WORK/follow.out"; }
followed_times() { grep -cF "$1" "$PUSH_WORK/follow.out" || true; }
followed_at_least() { (($(followed_times "$1") >= $2)); }

# The procfile sample, saying which process it is and its MARK as it starts;
# with CRASH set it fails at once.
push_make_repo procfile "$PUSH_WORK/$app"
cat >"$PUSH_WORK/$app/Procfile" <<'EOF'
web: echo "boot $DYNO mark=${MARK:-none}"; if [ -n "${CRASH:-}" ]; then echo "crashing on purpose" >&2; exit 3; fi; exec python3 -u server.py
EOF
push_commit "$PUSH_WORK/$app" "says who it is"
push_app "$PUSH_WORK/$app" "$app"
assert_eq 0 "$code" "the push succeeds: $out"

# --- merged, prefixed, selected ----------------------------------------------
run_berth ps:scale "$app" web=2
assert_eq 0 "$code" "ps:scale web=2: $out"
run_berth logs "$app"
assert_eq 0 "$code" "logs succeeds"
stamp='[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\.[0-9]{6}Z'
if grep -qE "^$stamp app\[web\.1\]: boot web\.1 mark=none$" <<<"$out"; then
  pass "web.1's line has the timestamp and the app[web.1] prefix"
else
  fail "no 'TIME app[web.1]: boot web.1' line in [$out]"
fi
assert_contains "$out" "app[web.2]: boot web.2 mark=none" "web.2's output is there too"
assert_contains "$out" "app[web.2]: listening on 0.0.0.0:5000" "with everything it printed"
if LC_ALL=C sort -c <<<"$out" 2>/dev/null; then pass "the lines are in time order"; else fail "not in time order: [$out]"; fi
assert_eq "boot web.2 mark=none
listening on 0.0.0.0:5000" "$("$BERTH_BIN" logs "$app" -p web.2 -q)" "-p web.2 -q: that process's lines alone"
assert_eq 1 "$("$BERTH_BIN" logs "$app" -n 1 | wc -l)" "-n 1: one line"

# --- following over ssh ---------------------------------------------------------
"${PUSH_SSH[@]}" -- "$PUSH_REMOTE_HOST" "$follow_cmd" >"$PUSH_WORK/follow.out" 2>&1 </dev/null &
follow_pid=$!
push_remember_pid "$follow_pid"
wait_for 15 followed "app[web.2]: listening" || fail "logs -t shows the recent lines first"

# The shim restarts a killed process: the same container, its log continues.
web1="$(find "$BERTH_ROOT/containers" -mindepth 1 -maxdepth 1 -name "$app.web.1.*" -printf '%f\n')"
kill -9 "$(shim_field "$web1" container_pid)"
wait_for 20 followed_at_least "app[web.1]: boot web.1 mark=none" 2 ||
  fail "the restarted process's lines are followed: [$(cat "$PUSH_WORK/follow.out")]"

# A redeploy: new containers (a new generation) replace both.
run_berth config:set "$app" MARK=two
assert_eq 0 "$code" "config:set redeploys: $out"
wait_for 15 followed "app[web.1]: boot web.1 mark=two" ||
  fail "the new generation's web.1 is followed: [$(cat "$PUSH_WORK/follow.out")]"
wait_for 15 followed "app[web.2]: boot web.2 mark=two" || fail "and its web.2"
assert_eq 1 "$(followed_times "app[web.2]: boot web.2 mark=none")" "nothing is shown twice"
if kill -0 "$follow_pid" 2>/dev/null; then pass "logs -t is still running"; else fail "logs -t ended"; fi

# The ssh client goes away: the follower on the server ends.
if [[ -n "$(followers)" ]]; then pass "the follower runs on the server"; else fail "no follower found"; fi
berth_stop_pid "$follow_pid"
wait_for 10 no_followers || fail "berth logs -t still runs after its client left: $(followers)"
pass "logs -t ends once its client has gone"

# --- logs:failed ----------------------------------------------------------------
run_berth logs:failed "$app"
assert_eq "No failed deploy of $app is recorded" "$out" "no failed deploy yet"
run_berth config:set "$app" CRASH=1
assert_eq 1 "$code" "a deploy whose processes crash fails: $out"
run_berth logs:failed "$app"
assert_eq 0 "$code" "logs:failed succeeds"
assert_contains "$out" "=====> $app failed deploy, " "logs:failed has a header"
assert_contains "$out" "failed; the running release is unchanged" "and the reason"
assert_contains "$out" "Default check failed: container $app.web.1." "and the check's output"
assert_contains "$out" "app[web.1]: crashing on purpose" "and the failed container's output"
assert_contains "$out" "app[web.1]: boot web.1 mark=two" "all of it"
run_berth logs:failed --all
assert_contains "$out" "app[web.1]: crashing on purpose" "logs:failed --all shows it too"
assert_not_contains "$("$BERTH_BIN" logs "$app")" "crashing" "logs shows the running processes only"
assert_contains "$(push_ssh logs:failed "$app" && echo "$out")" "crashing on purpose" "logs:failed over ssh"

finish
