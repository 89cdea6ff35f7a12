#!/usr/bin/env bash
# The bundled webhooks plugin, for real: a small HTTP server on loopback (in the
# test's own network namespace) records what it receives. A push of the
# procfile sample POSTs {"event":"deploy", app, release v1, the pushed commit,
# "succeeded", time}; a push that fails POSTs the same with "failed", the
# version it would have had and the reason. A URL that refuses connections is
# only a warning: the deploy goes on. Bad URLs are refused; add, list and
# remove round-trip; the webhooks go with the app.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=tests/lib/assert.sh
source "$here/../lib/assert.sh"
# shellcheck source=tests/lib/push.sh
source "$here/../lib/push.sh"
command -v curl >/dev/null || { echo "SKIP: curl is missing"; exit 77; }
push_test_setup
HOOK_PORT=18099
mkdir -p "$PUSH_WORK/hooks"

# The receiver: every POST body goes to hooks/N.json (N counts from 1).
cat >"$PUSH_WORK/receiver.py" <<'PY'
import http.server, os, sys
out, port = sys.argv[1], int(sys.argv[2])
class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        data = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        n = len(os.listdir(out)) + 1
        with open(os.path.join(out, "%d.tmp" % n), "wb") as f:
            f.write(data)
        os.rename(os.path.join(out, "%d.tmp" % n), os.path.join(out, "%d.json" % n))
        self.send_response(204)
        self.end_headers()
    def log_message(self, *args):
        pass
http.server.HTTPServer(("127.0.0.1", port), Handler).serve_forever()
PY
"$PUSH_PYTHON" "$PUSH_WORK/receiver.py" "$PUSH_WORK/hooks" "$HOOK_PORT" &
push_remember_pid $!
wait_for 10 curl -s -o /dev/null -X POST -d '{}' "http://127.0.0.1:$HOOK_PORT/ready" ||
  fail "the receiver did not start"
rm -f "$PUSH_WORK/hooks/"*

# event N FIELD: a field of the Nth event received.
event() {
  "$PUSH_PYTHON" -c 'import json, sys; print(json.load(open(sys.argv[1])).get(sys.argv[2], ""))' \
    "$PUSH_WORK/hooks/$1.json" "$2"
}
received() { [[ -f $PUSH_WORK/hooks/$1.json ]]; }

"$BERTH_BIN" apps:create hooked >/dev/null

# Bad input.
for bad in 'ftp://example.com/x' 'http://' 'http://exa mple.com/' 'file:///etc/passwd' '-d' \
  "http://example.com/$(printf 'a\nb')"; do
  run_berth webhooks:add hooked "$bad"
  assert_eq 1 "$((code != 0))" "webhooks:add refuses '$bad'"
done
assert_contains "$out" "Invalid URL" "the error names the problem"
run_berth webhooks:add nosuchapp "http://127.0.0.1:$HOOK_PORT/hook"
assert_eq 1 "$((code != 0))" "webhooks:add to a missing app fails"
run_berth webhooks:add hooked
assert_contains "$out" "Usage: berth webhooks:add APP URL" "webhooks:add without a URL shows the usage"

run_berth webhooks:add hooked "http://127.0.0.1:$HOOK_PORT/hook?token=s3cret"
assert_eq 0 "$code" "webhooks:add takes an http URL ($out)"
assert_not_contains "$out" "s3cret" "the URL's query is not echoed"
run_berth webhooks:add hooked "http://127.0.0.1:$HOOK_PORT/hook?token=s3cret"
assert_contains "$out" "already" "adding a URL twice says so"
run_berth webhooks:add hooked "http://127.0.0.1:1/refused"
assert_eq 0 "$code" "webhooks:add takes a second URL"
run_berth webhooks:list hooked
assert_contains "$out" "http://127.0.0.1:$HOOK_PORT/hook?token=s3cret" "webhooks:list shows the first URL"
assert_contains "$out" "http://127.0.0.1:1/refused" "webhooks:list shows the second URL"

# A deploy that succeeds.
push_make_repo procfile "$PUSH_WORK/hooked"
rev="$(push_rev "$PUSH_WORK/hooked")"
started=$SECONDS
push_app "$PUSH_WORK/hooked" hooked
assert_eq 0 "$code" "the push succeeds although one webhook refuses connections: $out"
assert_contains "$out" "Webhook http://127.0.0.1:1 did not take the succeeded deploy event of hooked" \
  "the refused delivery is a warning in the push output"
((SECONDS - started < PUSH_TIMEOUT)) || fail "the push took too long"
if wait_for 10 received 1; then
  assert_eq deploy "$(event 1 event)" "event: deploy"
  assert_eq hooked "$(event 1 app)" "event: the app"
  assert_eq v1 "$(event 1 release)" "event: the release"
  assert_eq "$rev" "$(event 1 git_rev)" "event: the pushed commit"
  assert_eq succeeded "$(event 1 status)" "event: succeeded"
  time="$(event 1 time)"
  if [[ $time =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$ ]]; then
    pass "event: an ISO 8601 time ($time)"
  else
    fail "event: time is [$time]"
  fi
else
  fail "no event arrived for the successful deploy"
fi
log="$BERTH_ROOT/data/webhooks/hooked/deliveries.log"
assert_contains "$(cat "$log" 2>/dev/null)" "deploy succeeded http://127.0.0.1:$HOOK_PORT ok" \
  "the delivery is logged"
assert_not_contains "$(cat "$log" 2>/dev/null)" "s3cret" "the log leaves the URL's query out"

# A deploy that fails: app.json is not valid JSON.
echo '{"cron": [' >"$PUSH_WORK/hooked/app.json"
push_commit "$PUSH_WORK/hooked" "broken app.json"
bad_rev="$(push_rev "$PUSH_WORK/hooked")"
push_app "$PUSH_WORK/hooked" hooked
assert_eq 1 "$((code != 0))" "the broken push is rejected"
if wait_for 10 received 2; then
  assert_eq failed "$(event 2 status)" "failed event: failed"
  assert_eq v2 "$(event 2 release)" "failed event: the version it would have had"
  assert_eq "$bad_rev" "$(event 2 git_rev)" "failed event: the pushed commit"
  assert_contains "$(event 2 reason)" "app.json" "failed event: the reason"
else
  fail "no event arrived for the failed deploy"
fi

# Remove, and the state goes with the app.
run_berth webhooks:remove hooked "http://127.0.0.1:1/refused"
assert_eq 0 "$code" "webhooks:remove succeeds ($out)"
run_berth webhooks:remove hooked "http://127.0.0.1:1/refused"
assert_eq 1 "$((code != 0))" "removing it again fails"
run_berth webhooks:list hooked
assert_not_contains "$out" "127.0.0.1:1/" "the removed URL is gone"
assert_contains "$out" "127.0.0.1:$HOOK_PORT" "the other URL stays"
"$BERTH_BIN" apps:destroy hooked --force >/dev/null
[[ ! -e $BERTH_ROOT/data/webhooks/hooked ]] || fail "data/webhooks/hooked is left behind"
finish
