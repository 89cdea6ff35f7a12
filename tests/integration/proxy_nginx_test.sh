#!/usr/bin/env bash
# The proxy berth runs itself, for real: PROXY_TYPE (nginx unless set; the
# haproxy test runs this script with haproxy) on high ports in a private network
# namespace, in front of small Python HTTP servers on 127.0.0.x that stand in for
# web containers. Routing by Host, the 404 page for an unknown Host, round-robin
# over three upstreams, a 503 page without upstreams, the forwarded headers, a
# configuration that fails validation is not applied (the old one keeps
# serving), TLS with certs:generate and the HTTP->HTTPS redirect, and reloads
# under load: 5 traffic switches during >= 2000 requests with 0 failures.
set -euo pipefail
# shellcheck source=tests/lib/assert.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/assert.sh"
PROXY_TYPE="${PROXY_TYPE:-nginx}"
export PROXY_TYPE

require_root
for tool in "$PROXY_TYPE" curl python3 ip unshare openssl; do
  command -v "$tool" >/dev/null || [[ -x "/usr/sbin/$tool" ]] ||
    { echo "SKIP: $tool is not installed (scripts/install-deps.sh)"; exit 77; }
done
if [[ -z "${BERTH_IN_TEST_NS:-}" ]]; then
  # A private network namespace: its own loopback, so the ports are free and
  # nothing the test starts is reachable from outside.
  BERTH_IN_TEST_NS=1 exec unshare --net bash "$0"
fi
ip link set lo up
berth_test_root
chmod 0755 "$BERTH_ROOT"  # the proxy's workers (www-data, haproxy) reach its temp dirs
HTTP=18080
HTTPS=18443

upstream_pids=()
load_pid=""
berth_test_extra_cleanup() {
  "$BERTH_BIN" proxy:stop >/dev/null 2>&1 || true
  [[ -z "$load_pid" ]] || kill "$load_pid" 2>/dev/null || true
  for pid in "${upstream_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}

# A web container stand-in: answers its name, or the request headers on /headers.
cat >"$BERTH_ROOT/upstream.py" <<'PY'
import http.server, sys
name, ip, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_GET(self):
        if self.path.startswith("/headers"):
            body = "".join(f"{k}: {v}\n" for k, v in self.headers.items())
        else:
            body = name + "\n"
        data = body.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
    def log_message(self, *args):
        pass
http.server.ThreadingHTTPServer.daemon_threads = True
http.server.ThreadingHTTPServer((ip, port), Handler).serve_forever()
PY
start_upstream() {  # NAME IP
  python3 "$BERTH_ROOT/upstream.py" "$1" "$2" 5000 &
  upstream_pids+=($!)
}
start_upstream alpha-1 127.0.0.2
start_upstream beta-1 127.0.0.3
start_upstream beta-2 127.0.0.4
start_upstream beta-3 127.0.0.5
for ip in 127.0.0.2 127.0.0.3 127.0.0.4 127.0.0.5; do
  wait_for 10 curl -fs -o /dev/null "http://$ip:5000/" || fail "upstream $ip did not start"
done

# What the scheduler does when it switches traffic: records the serving web
# containers' addresses (then berth rebuilds the proxy).
set_upstreams() {  # APP IP,IP...
  python3 - "$BERTH_ROOT/berth.db" "$1" "$2" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1], timeout=10)
db.execute("INSERT OR REPLACE INTO properties(plugin, app_id, key, value) "
           "SELECT 'scheduler', id, 'web-upstreams', ? FROM apps WHERE name = ?",
           (sys.argv[3], sys.argv[2]))
db.commit()
PY
}

get() {  # HOST [PATH] -> "CODE BODY"
  curl -sS -m 5 -o "$BERTH_ROOT/body" -w '%{http_code}' -H "Host: $1" "http://127.0.0.1:$HTTP${2:-/}" || true
  echo " $(tr -d '\n' <"$BERTH_ROOT/body" 2>/dev/null)"
}

"$BERTH_BIN" apps:create alpha >/dev/null
"$BERTH_BIN" apps:create beta >/dev/null
"$BERTH_BIN" apps:create idle >/dev/null
"$BERTH_BIN" domains:add alpha alpha.test >/dev/null
"$BERTH_BIN" domains:add beta beta.test >/dev/null
"$BERTH_BIN" domains:add idle idle.test >/dev/null
set_upstreams alpha 127.0.0.2
set_upstreams beta 127.0.0.3,127.0.0.4,127.0.0.5
"$BERTH_BIN" proxy:set --global "$PROXY_TYPE" >/dev/null
"$BERTH_BIN" proxy:set --global http-port "$HTTP" >/dev/null
"$BERTH_BIN" proxy:set --global https-port "$HTTPS" >/dev/null

run_berth proxy:start
assert_eq 0 "$code" "proxy:start starts $PROXY_TYPE ($out)"
run_berth proxy:start
assert_eq 0 "$code" "proxy:start again is harmless"
assert_contains "$out" "already running" "proxy:start again says it runs"
pid="$(cat "$BERTH_ROOT/proxy/$PROXY_TYPE/$PROXY_TYPE.pid")"
assert_eq "$PROXY_TYPE" "$(cat "/proc/$pid/comm")" "the pid file names the $PROXY_TYPE master"
run_berth proxy:report alpha --proxy-running
assert_eq true "$out" "proxy:report says it runs"

# --- routing by Host ---
assert_eq "200 alpha-1" "$(get alpha.test)" "alpha.test reaches alpha's upstream"
assert_eq "200 alpha-1" "$(get ALPHA.test:$HTTP)" "Host matching ignores case and port"
beta="$(get beta.test)"
assert_contains "$beta" "200 beta-" "beta.test reaches a beta upstream"
unknown="$(get unknown.test)"
assert_contains "$unknown" "404 " "an unknown Host gets 404"
assert_contains "$unknown" "No such app" "an unknown Host gets berth's 404 page"
assert_not_contains "$unknown" "alpha" "the 404 page is not another app's content"
no_host="$(curl -sS -m 5 --http1.0 -H 'Host:' -o /dev/null -w '%{http_code}' "http://127.0.0.1:$HTTP/")"
assert_eq 404 "$no_host" "a request without a Host header gets 404"
idle="$(get idle.test)"
assert_contains "$idle" "503 " "an app without upstreams answers 503"
assert_contains "$idle" "idle has no web process" "with berth's page naming the app"

# --- round-robin over three upstreams ---
declare -A seen=()
for _ in $(seq 1 9); do
  body="$(get beta.test)"
  seen["$body"]=$((${seen["$body"]:-0} + 1))
done
assert_eq 3 "${#seen[@]}" "9 requests reach all 3 beta upstreams (${!seen[*]})"
for key in "${!seen[@]}"; do
  assert_eq 3 "${seen[$key]}" "round-robin: $key served 3 of 9"
done

# --- headers to the app ---
# (lowercased: header names are case-insensitive, and haproxy sends them lowercase)
headers="$(curl -sS -H 'Host: alpha.test' "http://127.0.0.1:$HTTP/headers")"
headers="${headers,,}"
assert_contains "$headers" "x-forwarded-for: 127.0.0.1" "X-Forwarded-For is set"
assert_contains "$headers" "x-forwarded-proto: http" "X-Forwarded-Proto is set"
assert_contains "$headers" "x-forwarded-port: $HTTP" "X-Forwarded-Port is set"
assert_contains "$headers" "x-request-start: t=" "X-Request-Start is set"
assert_contains "$headers" "alpha.test" "Host is passed on"

# --- a traffic switch and disabling an app ---
set_upstreams alpha 127.0.0.3
run_berth proxy:build-config alpha
assert_eq 0 "$code" "proxy:build-config applies a new upstream ($out)"
assert_eq "200 beta-1" "$(get alpha.test)" "alpha now reaches its new upstream"
set_upstreams alpha 127.0.0.2
"$BERTH_BIN" proxy:disable alpha >/dev/null
assert_contains "$(get alpha.test)" "404 " "a disabled app is not routed"
"$BERTH_BIN" proxy:enable alpha >/dev/null
assert_eq "200 alpha-1" "$(get alpha.test)" "enabled again, alpha is served"

# --- TLS: certs:generate, https, the redirect ---
run_berth certs:generate beta beta.test
assert_eq 0 "$code" "certs:generate ($out)"
cert="$BERTH_ROOT/proxy/certs/beta/server.crt"
https="$(curl -sS -m 5 --cacert "$cert" --resolve "beta.test:$HTTPS:127.0.0.1" "https://beta.test:$HTTPS/" || true)"
assert_contains "$https" "beta-" "https://beta.test verifies with the generated certificate and is served"
proto="$(curl -sS -m 5 --cacert "$cert" --resolve "beta.test:$HTTPS:127.0.0.1" "https://beta.test:$HTTPS/headers" || true)"
assert_contains "${proto,,}" "x-forwarded-proto: https" "X-Forwarded-Proto is https over TLS"
redirect="$(curl -sS -o /dev/null -w '%{http_code} %{redirect_url}' -H 'Host: beta.test' "http://127.0.0.1:$HTTP/a/b?c=1")"
assert_eq "301 https://beta.test:$HTTPS/a/b?c=1" "$redirect" "http redirects to https, path and query kept"
assert_eq "200 alpha-1" "$(get alpha.test)" "an app without a certificate stays on http"
set +e
curl -sS -m 5 -k --resolve "zzz.test:$HTTPS:127.0.0.1" "https://zzz.test:$HTTPS/" >/dev/null 2>&1
sni=$?
set -e
assert_eq 35 "$sni" "an unknown server name is refused during the TLS handshake"
run_berth certs:report beta --ssl-hostnames
assert_eq "beta.test" "$out" "certs:report lists the certificate's names"

# --- a configuration that fails validation is never applied ---
config="$BERTH_ROOT/proxy/$PROXY_TYPE/$([[ $PROXY_TYPE == nginx ]] && echo nginx.conf || echo haproxy.cfg)"
cp "$config" "$BERTH_ROOT/config.before"
cp "$cert" "$BERTH_ROOT/good.crt"
echo "not a certificate" >"$cert"  # as a broken file on disk would be
run_berth proxy:build-config beta
assert_eq 1 "$code" "proxy:build-config fails on a configuration the validator refuses"
assert_contains "$out" "configuration is invalid; the running one is unchanged" "the error says nothing changed"
if cmp -s "$config" "$BERTH_ROOT/config.before"; then pass "the live configuration file is unchanged"; else fail "the live configuration changed"; fi
assert_eq "200 alpha-1" "$(get alpha.test)" "the old configuration keeps serving http"
https="$(curl -sS -m 5 -k --resolve "beta.test:$HTTPS:127.0.0.1" "https://beta.test:$HTTPS/" || true)"
assert_contains "$https" "beta-" "the old configuration keeps serving https"
cp "$BERTH_ROOT/good.crt" "$cert"
if [[ $PROXY_TYPE == nginx ]]; then
  # An app's own template that nginx refuses.
  printf '{{#http}}\n  server {\n    listen {{port}};\n    server_name {{server_names}};\n    bogus_directive on;\n  }\n{{/http}}\n' \
    >"$BERTH_ROOT/bad.mustache"
  python3 - "$BERTH_ROOT/berth.db" "$BERTH_ROOT/bad.mustache" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1], timeout=10)
db.execute("INSERT OR REPLACE INTO properties(plugin, app_id, key, value) "
           "SELECT 'proxy', id, 'custom-template-path', ? FROM apps WHERE name = 'alpha'", (sys.argv[2],))
db.commit()
PY
  run_berth proxy:build-config alpha
  assert_eq 1 "$code" "a custom template nginx refuses fails the rebuild"
  assert_contains "$out" "bogus_directive" "the validator's message is shown"
  assert_eq "200 alpha-1" "$(get alpha.test)" "and the old configuration keeps serving"
  # A good one is used.
  printf '{{#upstreams}}\n  upstream {{name}} {\n{{#servers}}\n    server {{address}};\n{{/servers}}\n  }\n{{/upstreams}}\n{{#http}}\n  server {\n    listen {{port}};\n    server_name {{server_names}};\n    add_header X-Custom-Template yes;\n    location / { proxy_pass http://{{upstream}}; }\n  }\n{{/http}}\n' \
    >"$BERTH_ROOT/bad.mustache"
  run_berth proxy:build-config alpha
  assert_eq 0 "$code" "a valid custom template applies ($out)"
  custom="$(curl -sS -D - -o /dev/null -H 'Host: alpha.test' "http://127.0.0.1:$HTTP/")"
  assert_contains "$custom" "X-Custom-Template: yes" "the app's own template is used"
  run_berth nginx:show-config alpha
  assert_contains "$out" "add_header X-Custom-Template yes;" "nginx:show-config shows the app's part"
fi
run_berth proxy:build-config --all
assert_eq 0 "$code" "a repaired configuration applies again ($out)"

# --- reloads under load ---
# A bounded load on loopback: 4 client threads, a new connection per request,
# until at least 2000 requests were made and the reloads are done (at most
# 20000 requests or 60 s). Every request must get 200 from a beta upstream.
cat >"$BERTH_ROOT/load.py" <<'PY'
import http.client, os, sys, threading, time
port, stop_file, progress_file = int(sys.argv[1]), sys.argv[2], sys.argv[3]
lock = threading.Lock()
count, failures, latencies, errors = 0, 0, [], {}
deadline = time.time() + 60
def worker():
    global count, failures
    while True:
        with lock:
            if count >= 20000 or time.time() > deadline or (count >= 2000 and os.path.exists(stop_file)):
                return
            count += 1
            if count % 100 == 0:
                open(progress_file, "w").write(str(count))
        start = time.time()
        ok, why = False, ""
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            c.request("GET", "/", headers={"Host": "beta.test", "Connection": "close"})
            r = c.getresponse()
            body = r.read().decode()
            ok = r.status == 200 and body.startswith("beta-")
            why = f"{r.status} {body[:30]!r}"
            c.close()
        except Exception as e:
            why = type(e).__name__
        with lock:
            latencies.append(time.time() - start)
            if not ok:
                failures += 1
                errors[why] = errors.get(why, 0) + 1
threads = [threading.Thread(target=worker) for _ in range(4)]
t0 = time.time()
for t in threads: t.start()
for t in threads: t.join()
elapsed = time.time() - t0
latencies.sort()
p99 = latencies[int(len(latencies) * 0.99) - 1] * 1000 if latencies else 0
print(f"{len(latencies)} {failures} {elapsed:.1f} {p99:.1f} {errors}")
PY
# beta goes back to plain http for the load.
rm -f "$BERTH_ROOT/load.stop" "$BERTH_ROOT/load.progress"
"$BERTH_BIN" certs:remove beta >/dev/null
python3 "$BERTH_ROOT/load.py" "$HTTP" "$BERTH_ROOT/load.stop" "$BERTH_ROOT/load.progress" \
  >"$BERTH_ROOT/load.out" 2>&1 &
load_pid=$!
wait_for 20 test -s "$BERTH_ROOT/load.progress" || fail "the load did not start"
reloads=0
sets=("127.0.0.3,127.0.0.4" "127.0.0.4,127.0.0.5" "127.0.0.3,127.0.0.5" "127.0.0.3,127.0.0.4,127.0.0.5" "127.0.0.5")
for set in "${sets[@]}"; do
  set_upstreams beta "$set"
  if "$BERTH_BIN" proxy:build-config beta >/dev/null; then reloads=$((reloads + 1)); fi
  sleep 0.2
done
during="$(cat "$BERTH_ROOT/load.progress")"
touch "$BERTH_ROOT/load.stop"
wait "$load_pid" || true
load_pid=""
read -r requests failures seconds p99 errors <"$BERTH_ROOT/load.out" || true
echo "reload under load ($PROXY_TYPE): $requests requests in ${seconds}s, $failures failed, p99 ${p99} ms, 5 reloads (progress when they ended: $during) ${errors:-}"
assert_eq 5 "$reloads" "5 traffic switches (reloads) succeeded"
if ((during < requests)); then pass "the reloads happened while the load ran"; else fail "the load ended before the reloads did"; fi
if ((requests >= 2000)); then pass "at least 2000 requests were made ($requests)"; else fail "only $requests requests"; fi
assert_eq 0 "$failures" "no request failed during the reloads"

# --- stop ---
run_berth proxy:stop
assert_eq 0 "$code" "proxy:stop"
if wait_for 10 bash -c "! grep -qv Z /proc/$pid/stat 2>/dev/null"; then pass "the $PROXY_TYPE master is gone"; else fail "$PROXY_TYPE still runs"; fi
set +e
curl -sS -m 2 -o /dev/null -H 'Host: alpha.test' "http://127.0.0.1:$HTTP/" 2>/dev/null
refused=$?
set -e
assert_eq 7 "$refused" "nothing listens on the http port any more"
run_berth proxy:report alpha --proxy-running
assert_eq false "$out" "proxy:report says it is stopped"
finish
