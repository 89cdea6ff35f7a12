#!/usr/bin/env bash
# End to end with nginx behind service addresses: a client that keeps one
# keep-alive connection open sends requests all through two `config:set`
# redeploys; every request gets a 200, the connection is never closed on it,
# the new value is served after each deploy, and nginx is not reloaded (its
# workers are the same processes): the deploys switched NAT rules, not the
# proxy's configuration. A `ps:scale` still reloads it (a new slot).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=tests/lib/assert.sh
source "$here/../lib/assert.sh"
# shellcheck source=tests/lib/push.sh
source "$here/../lib/push.sh"
# shellcheck source=tests/lib/e2e_proxy.sh
source "$here/../lib/e2e_proxy.sh"
push_test_setup
command -v iptables >/dev/null || { echo "SKIP: iptables is not installed (scripts/install-deps.sh)"; exit 77; }
e2e_proxy_start nginx

app=ka
host=ka.test
push_ssh apps:create "$app"
push_ssh domains:add "$app" "$host"
e2e_app_repo "$PUSH_WORK/$app"
push_app "$PUSH_WORK/$app" "$app"
assert_eq 0 "$code" "the push over ssh succeeds: $out"
assert_contains "$(e2e_get "$host")" "200 hello from procfile" "$host answers"

service="$("$BERTH_BIN" network:report "$app" --network-service-addresses | sed -n "s/^$app.web.1.svc=//p")"
assert_contains "$service" "10.210." "web.1 has a service address on the bridge ($service)"
config="$("$BERTH_BIN" nginx:show-config "$app")"
assert_contains "$config" "server $service:5000;" "nginx's upstream is the service address"
assert_not_contains "$config" "keepalive_timeout 0;" "plain http keeps its clients' connections"

workers() { pgrep -P "$(cat "$BERTH_ROOT/proxy/nginx/nginx.pid")" | sort | tr '\n' ' '; }
before="$(workers)"

# One connection, requests back to back, for at most 60 s or until told to stop.
cat >"$PUSH_WORK/client.py" <<'PY'
import http.client, os, sys, time
host, stop, report = sys.argv[1], sys.argv[2], sys.argv[3]
conn = http.client.HTTPConnection("127.0.0.1", 18080, timeout=10)
ok = errors = other = connects = 0
seen = []
sock = None
deadline = time.time() + 60
while time.time() < deadline and not os.path.exists(stop):
    try:
        conn.request("GET", "/", headers={"Host": host})
        if conn.sock is not sock:
            connects += 1
            sock = conn.sock
        response = conn.getresponse()
        body = response.read().decode()
        if response.status == 200:
            ok += 1
        else:
            other += 1
        greeting = body.split("GREETING=")[-1].strip()
        if not seen or seen[-1] != greeting:
            seen.append(greeting)
        if response.will_close:
            conn.close()
    except Exception as e:
        errors += 1
        print("error:", repr(e), file=sys.stderr)
        conn.close()
with open(report, "w") as f:
    f.write(f"ok={ok} errors={errors} other={other} connects={connects} seen={','.join(seen)}\n")
PY
"$PUSH_PYTHON" "$PUSH_WORK/client.py" "$host" "$PUSH_WORK/stop" "$PUSH_WORK/report" &
client=$!
push_remember_pid "$client"
sleep 1
push_ssh config:set "$app" GREETING=one
assert_eq 0 "$code" "config:set under load succeeds: $out"
push_ssh config:set "$app" GREETING=two
assert_eq 0 "$code" "a second config:set under load succeeds: $out"
sleep 2  # pooled upstream connections live at most 1 s
touch "$PUSH_WORK/stop"
wait "$client" || true
report="$(cat "$PUSH_WORK/report" 2>/dev/null || true)"
echo "client: $report"
assert_contains "$report" "errors=0 other=0" "no request failed and every one got a 200"
assert_contains "$report" "seen=,one,two" "it saw the new value after each deploy, in order"
ok_count="$(sed -n 's/^ok=\([0-9]*\).*/\1/p' <<<"$report")"
connects="$(sed -n 's/.* connects=\([0-9]*\).*/\1/p' <<<"$report")"
if ((${ok_count:-0} > 50)); then pass "$ok_count requests were served"; else fail "only ${ok_count:-0} requests"; fi
# nginx ends a connection after 1000 requests (keepalive_requests), saying so
# in the response; no other connection was closed.
if ((${connects:-99} <= ${ok_count:-0} / 1000 + 1)); then
  pass "the connection stayed open through both deploys ($connects connections for $ok_count requests)"
else
  fail "$connects connections for $ok_count requests: some were closed by the deploys"
fi
assert_eq "$before" "$(workers)" "nginx was not reloaded: the same workers serve"
assert_contains "$("$BERTH_BIN" network:report "$app" --network-service-addresses)" "$app.web.1.svc=$service" \
  "web.1 keeps its service address"

# --- a new slot is a configuration change: nginx reloads ------------------------
push_ssh ps:scale "$app" web=2
assert_eq 0 "$code" "ps:scale web=2 succeeds: $out"
assert_eq 2 "$("$BERTH_BIN" nginx:show-config "$app" | grep -c 'server 10\.210\.[0-9.]*:5000;')" \
  "two upstream servers"
assert_eq "DYNO=web.1 DYNO=web.2" "$(e2e_dynos "$host" 12)" "requests reach both web processes"
if [[ "$(workers)" != "$before" ]]; then pass "nginx reloaded for the new slot"; else fail "nginx kept its workers"; fi
finish
