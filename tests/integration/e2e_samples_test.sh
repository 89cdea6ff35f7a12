#!/usr/bin/env bash
# End to end, as a new user would: every sample app (tests/apps: procfile,
# static, python, go, make) pushed over ssh with git, then reached through
# berth's nginx (on a high port in the test's network namespace) by its Host,
# APP.berth.test under the global domain: 200 and the app's own body. An
# unknown Host gets berth's 404 page. A web container resolves its own name
# without DNS (Python's http.server looks it up at every start). Then a
# "reboot": every shim and container killed with -9, the apps no longer
# answer; `ps:restore --all` brings every app and the killed proxy back, each
# reaching its own containers (the nodejs sample needs the npm registry: it is
# in push_nodejs_test.sh).
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
"$BERTH_BIN" domains:set-global berth.test >/dev/null

apps=(procfile static python go make)
for app in "${apps[@]}"; do
  push_make_repo "$app" "$PUSH_WORK/$app"
  started=$SECONDS
  push_app "$PUSH_WORK/$app" "$app"
  echo "$app: pushed, built and deployed in $((SECONDS - started)) s"
  assert_eq 0 "$code" "$app: git push over ssh succeeds: $out"
  assert_contains "$out" "remote: -----> Release v1 created" "$app: the push releases v1"
  body="$(e2e_get "$app.berth.test")"
  assert_eq 200 "${body%% *}" "$app: $app.berth.test answers 200"
  assert_contains "$body" "hello from $app" "$app: with the app's own body"
done
assert_contains "$(e2e_get python.berth.test)" "virtualenv=/app/.venv" "python: its body comes from the virtualenv"
assert_contains "$(e2e_get go.berth.test)" "GIT_REV=$(push_rev "$PUSH_WORK/go")" "go: the body shows the pushed commit"
unknown="$(e2e_get nosuchapp.berth.test)"
assert_contains "$unknown" "404 " "an unknown Host gets 404"
assert_contains "$unknown" "No such app" "an unknown Host gets berth's 404 page"
assert_not_contains "$unknown" "hello from" "the 404 page is no app's content"

# --- names inside a web container ----------------------------------------------
web_id() { find "$BERTH_ROOT/containers" -mindepth 1 -maxdepth 1 -name "$1.web.1.*" -printf '%f\n' | head -n 1; }
id="$(web_id python)"
# shellcheck disable=SC2016  # expanded by the container's shell
run_berth enter python "$id" sh -c 'getent hosts "$(hostname)"' </dev/null
assert_eq 0 "$code" "the container's own name resolves ($out)"
assert_contains "$out" "python.web.1" "from the generated /etc/hosts"
address="$("$BERTH_BIN" network:report python --network-addresses | sed -n "s/^$id=//p")"
assert_contains "$out" "$address" "to its bridge address ($address)"
started=$SECONDS
run_berth enter python "$id" python3 -c 'import socket; print(socket.getfqdn("0.0.0.0"))' </dev/null
assert_eq 0 "$code" "getfqdn runs in the container ($out)"
if ((SECONDS - started < 4)); then pass "getfqdn answers at once ($((SECONDS - started)) s)"; else fail "getfqdn took $((SECONDS - started)) s"; fi
run_berth enter python "$id" sh -c 'touch /etc/hosts' </dev/null
assert_eq 1 "$((code != 0))" "the app user cannot change /etc/hosts"

# --- a reboot: every shim and container killed, then ps:restore ----------------
for app in "${apps[@]}"; do
  kill_container_hard "$(web_id "$app")"
done
# The proxy goes down with the machine too: ps:restore starts it again once
# the containers are back.
master="$(cat "$BERTH_ROOT/proxy/nginx/nginx.pid")"
mapfile -t workers < <(pgrep -P "$master")
kill -9 "$master" "${workers[@]}"
wait_for 10 sh -c "! kill -0 $master 2>/dev/null" || fail "nginx did not die"
for app in "${apps[@]}"; do
  down="$(e2e_get "$app.berth.test")"
  assert_not_contains "$down" "200 hello" "$app does not answer once its container is killed ($down)"
done
started=$SECONDS
push_ssh ps:restore --all
echo "ps:restore --all took $((SECONDS - started)) s"
assert_eq 0 "$code" "ps:restore --all over ssh succeeds: $out"
assert_contains "$out" "Starting nginx" "ps:restore starts the proxy that went down"
answers() { [[ "$(e2e_get "$1.berth.test")" == "200 "*"hello from $1"* ]]; }
for app in "${apps[@]}"; do
  assert_contains "$out" "Restoring $app" "ps:restore restores $app"
  if wait_for 30 answers "$app"; then
    pass "$app answers through the proxy again"
  else
    fail "$app does not answer after ps:restore: $(e2e_get "$app.berth.test")"
  fi
done
# Each app is reached in its own containers (addresses are handed out anew).
for app in "${apps[@]}"; do
  for _ in 1 2 3; do
    if answers "$app"; then pass "$app.berth.test reaches $app"; else fail "$app.berth.test reaches $(e2e_get "$app.berth.test")"; fi
  done
done
push_no_leftovers
finish
