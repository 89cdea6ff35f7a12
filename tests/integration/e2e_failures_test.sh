#!/usr/bin/env bash
# End to end with nginx, as a new user would, when things go wrong, on the
# procfile sample pushed over ssh:
# - a second commit whose app.json health check fails (the body lacks the
#   content it asks for): the push is rejected with the check's output, and
#   the first version keeps answering through the proxy;
# - the web process crashes (GET /crash): its shim restarts it and it answers
#   again; ps:report counts the restart;
# - with `ps:set APP restart-policy on-failure:2`, a process that keeps
#   crashing is restarted twice, then left down, and ps:report says so.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=tests/lib/assert.sh
source "$here/../lib/assert.sh"
# shellcheck source=tests/lib/push.sh
source "$here/../lib/push.sh"
# shellcheck source=tests/lib/e2e_proxy.sh
source "$here/../lib/e2e_proxy.sh"
push_test_setup
e2e_proxy_start nginx

app=fragile
host=fragile.test
push_ssh apps:create "$app"
push_ssh domains:add "$app" "$host"
assert_eq 0 "$code" "domains:add over ssh ($out)"
repo="$PUSH_WORK/$app"
push_make_repo procfile "$repo"
v1="$(push_rev "$repo")"
push_app "$repo" "$app"
assert_eq 0 "$code" "the first push succeeds: $out"
assert_contains "$(e2e_get "$host")" "200 hello from procfile GIT_REV=$v1" "v1 answers through the proxy"

# --- a deploy whose health check fails ------------------------------------------
cat >"$repo/app.json" <<'JSON'
{
  "healthchecks": {
    "web": [
      {"type": "startup", "name": "status page", "path": "/", "content": "status: ok",
       "initialDelay": 1, "attempts": 3, "wait": 1, "timeout": 5}
    ]
  }
}
JSON
sed -i 's/hello from procfile/hello from the broken version/' "$repo/server.py"
push_commit "$repo" "a version that fails its health check"
push_app "$repo" "$app"
assert_eq 1 "$((code != 0))" "the push is rejected (exit $code)"
assert_contains "$out" "Running healthcheck 'status page': GET http://" "the check's output is streamed"
assert_contains "$out" "Attempt 3/3: 200 OK, but the body does not contain \"status: ok\"" \
  "each attempt says why it failed"
assert_contains "$out" "Healthcheck 'status page' failed" "the check's verdict is shown"
assert_contains "$out" "the running release is unchanged" "the push says nothing changed"
assert_contains "$out" "[remote rejected] main -> main" "git reports the rejection"
for _ in 1 2 3; do
  assert_contains "$(e2e_get "$host")" "200 hello from procfile GIT_REV=$v1" "the old version keeps answering"
done
webs="$(find "$BERTH_ROOT/containers" -mindepth 1 -maxdepth 1 -name "$app.web.*" | wc -l)"
assert_eq 1 "$webs" "the failed deploy's container is removed"
assert_eq "$v1" "$(git --git-dir "$BERTH_ROOT/repos/$app.git" rev-parse main)" "the app's branch still points at v1"

# --- a crash: the shim restarts the process -----------------------------------------
answers() { [[ "$(e2e_get "$host")" == "200 hello from procfile"* ]]; }
e2e_get "$host" /crash >/dev/null
if wait_for 20 answers; then pass "after a crash the process answers again"; else fail "no answer after a crash: $(e2e_get "$host")"; fi
run_berth ps:report "$app" --status
assert_eq "web.1: running (1 restart)" "$out" "ps:report counts the restart"
run_berth logs "$app" -n 50
assert_contains "$out" "crashing on request" "the crashed process's output is in the logs"

# --- a process that keeps crashing: at most two restarts ----------------------------
push_ssh ps:set "$app" restart-policy on-failure:2
assert_eq 0 "$code" "ps:set restart-policy over ssh ($out)"
push_ssh ps:restart "$app"
assert_eq 0 "$code" "ps:restart applies it to fresh containers ($out)"
restarts() { run_berth ps:report "$app" --status; [[ $out == "$1" ]]; }
for n in 1 2; do
  e2e_get "$host" /crash >/dev/null
  wait_for 20 restarts "web.1: running ($n restart$( ((n == 1)) || echo s))" || fail "no restart $n: $out"
  wait_for 20 answers || fail "no answer after restart $n"
done
pass "restarted twice"
e2e_get "$host" /crash >/dev/null
if wait_for 20 restarts "web.1: crashed, gave up after 2 restarts (exit code 3)"; then
  pass "after the third crash ps:report says it gave up"
else
  fail "ps:report does not say it gave up: $out"
fi
run_berth ps:report "$app" --running
assert_eq false "$out" "ps:report says nothing runs"
run_berth logs "$app" -n 5
assert_contains "$out" "crashed (status 3); gave up after 2 restarts (restart policy on-failure:2)" \
  "berth logs says why it stays down"
sleep 1
down="$(e2e_get "$host")"
assert_not_contains "$down" "200 hello" "the process stays down ($down)"
push_ssh ps:restart "$app"
assert_eq 0 "$code" "ps:restart brings it back ($out)"
assert_contains "$(e2e_get "$host")" "200 hello from procfile GIT_REV=$v1" "it answers again"
finish
