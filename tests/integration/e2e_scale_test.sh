#!/usr/bin/env bash
# End to end with nginx, as a new user would, on the procfile sample pushed
# over ssh: `config:set APP GREETING=...` redeploys and the new value is in
# the app's answer through the proxy; `ps:scale APP web=3` gives the app's
# nginx upstream three servers and requests reach all three web processes
# (their DYNO); back to web=1, one server, the two extra containers stopped
# (within the app's stop-timeout-seconds, between the pre-stop and post-stop
# triggers of a plugin) and removed, and requests reach web.1 only.
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

# A plugin that records the stop triggers it sees (enabled: in plugins/enabled).
plugin="$BERTH_ROOT/plugins/enabled/stop-recorder"
mkdir -p "$plugin"
printf '[plugin]\ndescription = "Records the stop triggers"\nversion = "0.1.0"\n' >"$plugin/plugin.toml"
for trigger in pre-stop post-stop; do
  printf '#!/bin/sh\necho "%s $*" >>"%s/stops.log"\n' "$trigger" "$PUSH_WORK" >"$plugin/$trigger"
  chmod +x "$plugin/$trigger"
done

app=hello
host=hello.test
push_ssh apps:create "$app"
push_ssh domains:add "$app" "$host"
assert_eq 0 "$code" "domains:add over ssh ($out)"
push_make_repo procfile "$PUSH_WORK/$app"
push_app "$PUSH_WORK/$app" "$app"
assert_eq 0 "$code" "the push over ssh succeeds: $out"
assert_contains "$(e2e_get "$host")" "200 hello from procfile GIT_REV=$(push_rev "$PUSH_WORK/$app") DYNO=web.1 GREETING=" \
  "$host answers with the app's body"

# --- config:set: a new release, its value served --------------------------------
push_ssh config:set "$app" GREETING=bonjour
assert_eq 0 "$code" "config:set over ssh succeeds: $out"
assert_contains "$out" "Release v2 created: Set GREETING" "config:set makes v2"
assert_contains "$(e2e_get "$host")" "GREETING=bonjour" "the new value is served through the proxy"
# Python's http.server looks up the container's own name at every start: no
# DNS wait for it (the container's /etc/hosts names it).
# ("after 916ms", or "after 10.9s" when it waited on DNS).
waited="$(sed -n 's/.*Accepting connections on .* after \([0-9.]*m\{0,1\}s\).*/\1/p' <<<"$out" | head -n 1)"
if [[ $waited == *ms || $waited =~ ^[0-4](\.[0-9]*)?s$ ]]; then
  pass "the new web process accepted connections after $waited"
else
  fail "the new web process took ${waited:-?} to accept connections"
fi
# ssh sends one command line: a value with spaces is quoted for berth's parser.
push_ssh config:set "$app" "'GREETING=hello world & more'"
assert_eq 0 "$code" "config:set of a quoted value over ssh succeeds: $out"
assert_contains "$(e2e_get "$host")" "GREETING=hello world & more" "a value with spaces and & arrives as it was set"

# --- ps:scale web=3 ----------------------------------------------------------------
upstream_servers() { "$BERTH_BIN" nginx:show-config "$app" | grep -cE '^\s*server [0-9.]+:5000' || true; }
assert_eq 1 "$(upstream_servers)" "one upstream server before scaling"
push_ssh ps:scale "$app" web=3
assert_eq 0 "$code" "ps:scale web=3 over ssh succeeds: $out"
assert_eq 3 "$(upstream_servers)" "the nginx config has three upstream servers"
assert_eq "DYNO=web.1 DYNO=web.2 DYNO=web.3" "$(e2e_dynos "$host" 12)" "requests reach all three web processes"
assert_contains "$(e2e_get "$host")" "GREETING=hello world & more" "the new processes have the config too"
run_berth ps:report "$app" --processes
assert_eq 3 "$out" "ps:report counts three processes"

# --- back to web=1 -------------------------------------------------------------------
"$BERTH_BIN" ps:set "$app" stop-timeout-seconds 2 >/dev/null
rm -f "$PUSH_WORK/stops.log"
started=$SECONDS
push_ssh ps:scale "$app" web=1
assert_eq 0 "$code" "ps:scale web=1 over ssh succeeds: $out"
assert_contains "$out" "Stopping web.3" "the extra processes are stopped"
if ((SECONDS - started < 20)); then pass "scaling down took $((SECONDS - started)) s"; else fail "scaling down took $((SECONDS - started)) s"; fi
assert_eq 1 "$(upstream_servers)" "one upstream server again"
assert_eq "DYNO=web.1" "$(e2e_dynos "$host" 6)" "requests reach web.1 only"
left="$(find "$BERTH_ROOT/containers" -mindepth 1 -maxdepth 1 -name "$app.web.*" -printf '%f\n' | sort)"
assert_eq 1 "$(grep -c . <<<"$left")" "one web container is left ($left)"
assert_contains "$left" "$app.web.1." "and it is web.1"
assert_eq "" "$(find "$BERTH_ROOT"/runtime/* -mindepth 1 -maxdepth 1 -name "$app.web.[23].*" 2>/dev/null)" \
  "the runtime has no state of the extra containers"
assert_eq $'pre-stop hello\npost-stop hello' "$(cat "$PUSH_WORK/stops.log" 2>/dev/null)" \
  "the pre-stop and post-stop triggers ran around the scale-down"
run_berth ps:report "$app" --status
assert_eq "web.1: running" "$out" "ps:report shows one running process"
finish
