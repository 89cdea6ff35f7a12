#!/usr/bin/env bash
# The bundled cron plugin, for real, with berth's own scheduler process (the
# backend without systemd): a push whose app.json has an invalid cron entry is
# rejected naming the entry and the field; a valid one is deployed and its
# entries scheduled; cron:list shows id, schedule, next run and command;
# cron:run runs an entry now in a one-off container of the release; the
# scheduler runs a `* * * * *` entry on its own within ~70 s; cron:stop stops
# it. Bad input is refused; the state goes with the app.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=tests/lib/assert.sh
source "$here/../lib/assert.sh"
# shellcheck source=tests/lib/push.sh
source "$here/../lib/push.sh"
push_test_setup

push_test_extra_cleanup() {
  "$BERTH_BIN" cron:stop >/dev/null 2>&1 || true
}

# Whatever the host runs, this test uses berth's scheduler process.
run_berth cron:set-backend loop
assert_eq 0 "$code" "cron:set-backend loop ($out)"

repo="$PUSH_WORK/ticker"
push_make_repo procfile "$repo"

# push_app_json MESSAGE: commits stdin as app.json and pushes; $out and $code.
push_app_json() {
  cat >"$repo/app.json"
  push_commit "$repo" "$1"
  push_app "$repo" ticker
}

# An invalid entry: the push is rejected and names the entry and the field.
push_app_json "invalid cron" <<'JSON'
{"cron": [
  {"command": "echo fine", "schedule": "*/5 * * * *"},
  {"command": "echo never", "schedule": "61 * * * *"}
]}
JSON
assert_eq 1 "$((code != 0))" "a push with an invalid cron schedule is rejected"
assert_contains "$out" "cron[1].schedule '61 * * * *'" "the error names the entry"
assert_contains "$out" "the minute field '61': 61 is out of range 0-59" "the error names the field"
assert_eq "" "$("$BERTH_BIN" releases ticker --format json | push_json_query 'len(j) or None')" \
  "no release is created"

# A valid app.json: two entries.
push_app_json "valid cron" <<'JSON'
{"cron": [
  {"command": "echo \"cron-ran-$CRON_ID on $DYNO\"", "schedule": "* * * * *"},
  {"command": "echo nightly", "schedule": "30 3 * * mon-fri"}
]}
JSON
assert_eq 0 "$code" "a push with valid cron entries is deployed: $out"
assert_contains "$out" "2 cron entries scheduled (loop)" "the push says the entries are scheduled"

run_berth cron:list ticker
assert_eq 0 "$code" "cron:list succeeds ($out)"
assert_contains "$out" "=====> ticker cron entries" "cron:list has a header"
assert_contains "$out" "30 3 * * mon-fri" "cron:list shows the second schedule"
assert_contains "$out" "echo nightly" "cron:list shows the second command"
assert_contains "$out" "Scheduled by berth's cron scheduler (pid" "the scheduler runs after the deploy"
every_id="$(awk '$2 == "*" && $3 == "*" && $4 == "*" { print $1 }' <<<"$out")"
if [[ $every_id =~ ^[0-9a-f]{8}$ ]]; then
  pass "the every-minute entry has an id ($every_id)"
else
  fail "no id for the every-minute entry in: $out"
fi
line="$(grep -F 'echo nightly' <<<"$out" || true)"
if [[ $line =~ [0-9]{4}-[0-9]{2}-[0-9]{2}\ 03:30 ]]; then
  pass "cron:list shows the next run at 03:30"
else
  fail "no next run at 03:30 in [$line]"
fi

# cron:run: now, attached.
run_berth cron:run ticker "$every_id"
assert_eq 0 "$code" "cron:run runs the entry ($out)"
assert_contains "$out" "cron-ran-$every_id on run." "the entry ran in a one-off container with CRON_ID set"
run_berth cron:run ticker deadbeef
assert_eq 1 "$((code != 0))" "cron:run of an unknown id fails"
assert_contains "$out" "ticker has no cron entry deadbeef" "the error names the id"
run_berth cron:run ticker '../x'
assert_eq 1 "$((code != 0))" "cron:run refuses a malformed id"
run_berth cron:list nosuchapp
assert_eq 1 "$((code != 0))" "cron:list of a missing app fails"

# The scheduler runs the every-minute entry on its own (the next whole minute).
log="$BERTH_ROOT/data/cron/ticker/cron.log"
ran_on_schedule() { grep -q "cron-ran-$every_id" "$log" 2>/dev/null; }
started=$SECONDS
if wait_for 80 ran_on_schedule; then
  pass "the scheduler ran the * * * * * entry after $((SECONDS - started)) s"
else
  fail "the scheduler did not run the entry within 80 s: $(cat "$log" "$BERTH_ROOT/data/cron/scheduler.log" 2>&1)"
fi
next="$(cat "$BERTH_ROOT/data/cron/ticker/next.$every_id" 2>/dev/null || true)"
if [[ $next =~ ^[0-9]+$ ]] && ((next > $(date +%s) - 5 && next % 60 == 0)); then
  pass "the entry's next run is the following whole minute"
else
  fail "next run of the entry is [$next]"
fi

run_berth cron:start
assert_contains "$out" "scheduler runs" "cron:start while it runs is harmless"
run_berth cron:stop
assert_eq 0 "$code" "cron:stop stops the scheduler ($out)"
run_berth cron:list ticker
assert_contains "$out" "scheduler is not running" "cron:list says the scheduler is not running"
run_berth cron:start
assert_eq 0 "$code" "cron:start starts it again ($out)"
"$BERTH_BIN" cron:stop >/dev/null

"$BERTH_BIN" apps:destroy ticker --force >/dev/null
[[ ! -e $BERTH_ROOT/data/cron/ticker ]] || fail "data/cron/ticker is left behind"
finish
