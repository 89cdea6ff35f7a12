#!/usr/bin/env bash
# End to end, as a new user would, with haproxy as the proxy: the procfile
# sample pushed over ssh answers through haproxy by its Host (200 and its own
# body); an unknown Host gets berth's 404; config:set over ssh redeploys and
# the new value is served; ps:scale web=3 gives haproxy three servers and
# requests reach all three (DYNO web.1-3); back to web=1, one server again.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=tests/lib/assert.sh
source "$here/../lib/assert.sh"
# shellcheck source=tests/lib/push.sh
source "$here/../lib/push.sh"
# shellcheck source=tests/lib/e2e_proxy.sh
source "$here/../lib/e2e_proxy.sh"
push_test_setup
e2e_proxy_start haproxy

app=hello
push_ssh apps:create "$app"
assert_eq 0 "$code" "apps:create over ssh ($out)"
push_ssh domains:add "$app" hello.test
assert_eq 0 "$code" "domains:add over ssh ($out)"
e2e_app_repo "$PUSH_WORK/$app"
push_app "$PUSH_WORK/$app" "$app"
assert_eq 0 "$code" "the push over ssh succeeds: $out"
assert_contains "$out" "Release v1 created" "the push makes v1"

# --- served through haproxy by Host ---
assert_eq "200 hello from procfile DYNO=web.1 GREETING=" "$(e2e_get_norev hello.test)" \
  "hello.test answers 200 with the app's own body"
assert_contains "$(e2e_get HELLO.test:$E2E_HTTP)" "200 hello from procfile" "Host matching ignores case and port"
unknown="$(e2e_get unknown.test)"
assert_contains "$unknown" "404 " "an unknown Host gets 404"
assert_contains "$unknown" "No such app" "with berth's 404 page"
assert_not_contains "$unknown" "procfile" "never another app's body"
config="$BERTH_ROOT/proxy/haproxy/haproxy.cfg"
assert_contains "$(cat "$config")" "backend hello-5000" "haproxy's configuration has the app's backend"
run_berth proxy:report "$app" --proxy-computed-type
assert_eq haproxy "$out" "proxy:report says haproxy serves the app"

# --- config:set over ssh: a new release, visible in the app ---
push_ssh config:set "$app" GREETING=ahoy
assert_eq 0 "$code" "config:set over ssh redeploys ($out)"
assert_contains "$out" "Release v2 created" "config:set makes v2"
assert_eq "200 hello from procfile DYNO=web.1 GREETING=ahoy" "$(e2e_get_norev hello.test)" \
  "the new value is served through haproxy"

# --- ps:scale web=3: three servers, requests reach all three ---
push_ssh ps:scale "$app" web=3
assert_eq 0 "$code" "ps:scale web=3 over ssh ($out)"
run_berth haproxy:show-config "$app"
servers="$(grep -c '^ *server hello-5000-' <<<"$out" || true)"
assert_eq 3 "$servers" "haproxy:show-config lists three servers"
assert_eq "DYNO=web.1 DYNO=web.2 DYNO=web.3" "$(e2e_dynos hello.test 12)" \
  "12 requests reach web.1, web.2 and web.3 (round-robin)"
assert_eq "200 hello from procfile DYNO=web.1 GREETING=ahoy" "$(e2e_get_norev hello.test | sed 's/web\.[23]/web.1/')" \
  "every container runs the current release"

# --- back to web=1 ---
push_ssh ps:scale "$app" web=1
assert_eq 0 "$code" "ps:scale web=1 over ssh ($out)"
run_berth haproxy:show-config "$app"
servers="$(grep -c '^ *server hello-5000-' <<<"$out" || true)"
assert_eq 1 "$servers" "one server again"
assert_eq "DYNO=web.1" "$(e2e_dynos hello.test 6)" "every request reaches web.1"
run_berth ps:report "$app" --processes
assert_eq 1 "$out" "ps:report counts one process"

finish
