#!/usr/bin/env bash
# The bundled maintenance plugin, for real: the procfile sample pushed behind
# berth's proxy (high ports, the test's own network namespace). maintenance:on
# makes its domain answer 503 with the maintenance page on every path while the
# web container keeps running and answering; a custom page replaces the default
# one (a page over 12 KB is refused, the previous one kept); the same under
# haproxy; maintenance:off brings the app back; bad input is refused; the
# plugin's state goes with the app.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=tests/lib/assert.sh
source "$here/../lib/assert.sh"
# shellcheck source=tests/lib/push.sh
source "$here/../lib/push.sh"
for tool in nginx haproxy curl; do
  command -v "$tool" >/dev/null || [[ -x /usr/sbin/$tool ]] ||
    { echo "SKIP: $tool is not installed (scripts/install-deps.sh)"; exit 77; }
done
push_test_setup
chmod 0755 "$BERTH_ROOT"  # the proxy's workers read the maintenance page
HTTP=18080

push_test_extra_cleanup() {
  "$BERTH_BIN" proxy:stop >/dev/null 2>&1 || true
}

# get PATH: GET http://maint.test:HTTP/PATH; the status in $status, the body in $body.
get() {
  rm -f "$PUSH_WORK/body"
  status="$(curl -sS -m 5 -o "$PUSH_WORK/body" -w '%{http_code}' -H 'Host: maint.test' \
    "http://127.0.0.1:$HTTP${1:-/}" 2>/dev/null || true)"
  body="$(cat "$PUSH_WORK/body" 2>/dev/null || true)"
}
status_is() {
  get "${2:-/}"
  [[ $status == "$1" ]]
}

"$BERTH_BIN" apps:create maint >/dev/null
"$BERTH_BIN" domains:add maint maint.test >/dev/null
"$BERTH_BIN" proxy:set --global http-port "$HTTP" >/dev/null
"$BERTH_BIN" proxy:set --global https-port 18443 >/dev/null
run_berth proxy:start
assert_eq 0 "$code" "nginx starts ($out)"

push_make_repo procfile "$PUSH_WORK/maint"
push_app "$PUSH_WORK/maint" maint
assert_eq 0 "$code" "the procfile sample is pushed: $out"
wait_for 30 status_is 200 || fail "the app does not answer through the proxy: $status $body"
assert_contains "$body" "hello from procfile" "the app answers through nginx"

run_berth maintenance:report maint
assert_contains "$out" "Maintenance enabled:           false" "report: off at first"

run_berth maintenance:on maint
assert_eq 0 "$code" "maintenance:on succeeds ($out)"
assert_contains "$out" "Enabling maintenance mode for maint" "maintenance:on says what it does"
get /
assert_eq 503 "$status" "with maintenance on, / answers 503"
assert_contains "$body" "Down for maintenance" "the maintenance page is served"
assert_contains "$body" "maint is undergoing maintenance" "the page names the app"
get '/some/path?x=1'
assert_eq 503 "$status" "every path answers 503"
assert_contains "$body" "Down for maintenance" "every path gets the page"
assert_eq 404 "$(curl -sS -m 5 -o /dev/null -w '%{http_code}' -H 'Host: other.test' \
  "http://127.0.0.1:$HTTP/")" "another Host still gets berth's 404"

# The web container still runs and answers on its own address.
upstream="$("$BERTH_BIN" nginx:show-config maint | sed -n 's/^ *server \([0-9.]*:[0-9]*\);$/\1/p' | head -n 1)"
if [[ -n $upstream ]]; then
  direct="$(curl -sS -m 5 "http://$upstream/" || true)"
  assert_contains "$direct" "hello from procfile" "the web container keeps running behind the page ($upstream)"
else
  fail "no upstream server in nginx:show-config maint: $("$BERTH_BIN" nginx:show-config maint)"
fi
run_berth maintenance:report maint
assert_contains "$out" "Maintenance enabled:           true" "report: on"
run_berth maintenance:report
assert_contains "$out" "=====> maint maintenance information" "report without an app lists every app"

run_berth maintenance:on maint
assert_eq 0 "$code" "maintenance:on twice is harmless"
assert_contains "$out" "already on" "maintenance:on twice says so"

# A custom page, and one that is too large.
run_berth maintenance:custom-page maint <<<'<html><body><h1>Back at noon</h1></body></html>'
assert_eq 0 "$code" "maintenance:custom-page takes the page on stdin ($out)"
get /
assert_eq 503 "$status" "the custom page is served with 503"
assert_contains "$body" "Back at noon" "the custom page replaces the default one"
set +e
out="$(head -c 13000 /dev/zero | tr '\0' x | "$BERTH_BIN" maintenance:custom-page maint 2>&1)"
code=$?
set -e
assert_eq 1 "$((code != 0))" "a page over 12 KB is refused"
assert_contains "$out" "larger than 12 KB" "the error says why"
get /
assert_contains "$body" "Back at noon" "the previous custom page is kept"

# The same under haproxy.
"$BERTH_BIN" proxy:stop >/dev/null
"$BERTH_BIN" proxy:set --global haproxy >/dev/null
run_berth proxy:start
assert_eq 0 "$code" "haproxy starts with the app in maintenance ($out)"
wait_for 10 status_is 503 || true
get /
assert_eq 503 "$status" "haproxy answers 503 too"
assert_contains "$body" "Back at noon" "haproxy serves the custom page"
run_berth maintenance:custom-page maint --clear
assert_eq 0 "$code" "--clear goes back to the default page ($out)"
get /
assert_eq 503 "$status" "still 503 after --clear"
assert_contains "$body" "Down for maintenance" "haproxy serves the default page after --clear"

run_berth maintenance:off maint
assert_eq 0 "$code" "maintenance:off succeeds ($out)"
get /
assert_eq 200 "$status" "with maintenance off the app answers 200 again"
assert_contains "$body" "hello from procfile" "the app's own answer is back"
run_berth maintenance:off maint
assert_contains "$out" "already off" "maintenance:off twice says so"

# Bad input.
run_berth maintenance:on nosuchapp
assert_eq 1 "$((code != 0))" "maintenance:on of a missing app fails"
run_berth maintenance:on '../etc'
assert_eq 1 "$((code != 0))" "maintenance:on refuses a path as the app"
assert_contains "$out" "Invalid app name" "the error names the problem"
[[ ! -e $BERTH_ROOT/data/etc ]] || fail "nothing is written outside the plugin's folder"
run_berth maintenance:on
assert_contains "$out" "Usage: berth maintenance:on APP" "maintenance:on without an app shows the usage"

# The state goes with the app.
"$BERTH_BIN" maintenance:on maint >/dev/null
[[ -f $BERTH_ROOT/data/maintenance/maint/enabled ]] || fail "the maintenance state is kept under data/maintenance"
run_berth apps:destroy maint --force
assert_eq 0 "$code" "apps:destroy succeeds ($out)"
if [[ -e $BERTH_ROOT/data/maintenance/maint ]]; then
  fail "data/maintenance/maint is left behind"
else
  pass "apps:destroy removes the maintenance state"
fi
finish
