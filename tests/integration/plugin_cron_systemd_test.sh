#!/usr/bin/env bash
# The bundled cron plugin with systemd timers, for real: the test runs under a
# systemd of its own (tests/lib/systemd.sh). With the backend on auto, berth
# sees systemd and a push whose app.json has cron entries gets a timer and a
# service per entry; each timer's next run is the one cron:list shows; systemd
# runs the every-minute entry on its own in a one-off container of the release
# (its output in the app's cron.log); a push that drops an entry removes its
# units; switching to berth's scheduler and back moves the entries; apps:destroy
# removes the units.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=tests/lib/assert.sh
source "$here/../lib/assert.sh"
# shellcheck source=tests/lib/push.sh
source "$here/../lib/push.sh"
# shellcheck source=tests/lib/systemd.sh
source "$here/../lib/systemd.sh"
sd_test_setup
push_test_setup

push_test_extra_cleanup() {
  "$BERTH_BIN" cron:stop >/dev/null 2>&1 || true
}

units_of() { find /etc/systemd/system -maxdepth 1 -name "berth-cron-$1-*" -printf '%f\n' | sort; }
timers() { systemctl list-timers --all --no-legend --no-pager 2>&1; }

run_berth cron:set-backend auto
assert_eq 0 "$code" "cron:set-backend auto ($out)"
assert_contains "$out" "scheduled by systemd timers" "auto picks systemd timers when systemd runs"

repo="$PUSH_WORK/ticker"
push_make_repo procfile "$repo"
cat >"$repo/app.json" <<'JSON'
{"cron": [
  {"command": "echo \"cron-ran-$CRON_ID on $DYNO\"", "schedule": "* * * * *"},
  {"command": "echo nightly", "schedule": "30 3 * * mon-fri"}
]}
JSON
push_commit "$repo" "two cron entries"
push_app "$repo" ticker
assert_eq 0 "$code" "a push with cron entries is deployed: $out"
assert_contains "$out" "2 cron entries scheduled (systemd)" "the push says systemd schedules the entries"

run_berth cron:list ticker
assert_eq 0 "$code" "cron:list succeeds ($out)"
assert_contains "$out" "Scheduled by systemd timers (berth-cron-ticker-ID.timer)" \
  "cron:list names the timers"
every_id="$(awk '$2 == "*" && $3 == "*" && $4 == "*" { print $1 }' <<<"$out")"
nightly_id="$(awk '/echo nightly/ { print $1 }' <<<"$out")"
nightly_next="$(grep -F 'echo nightly' <<<"$out" | grep -oE '[0-9]{4}-[0-9]{2}-[0-9]{2} 03:30' || true)"
[[ $every_id =~ ^[0-9a-f]{8}$ && $nightly_id =~ ^[0-9a-f]{8}$ && -n $nightly_next ]] ||
  fail "cron:list gave ids [$every_id] [$nightly_id] and next run [$nightly_next]: $out"

assert_eq "$(printf '%s\n' "berth-cron-ticker-$every_id.service" "berth-cron-ticker-$every_id.timer" \
  "berth-cron-ticker-$nightly_id.service" "berth-cron-ticker-$nightly_id.timer" | sort)" \
  "$(units_of ticker)" "a service and a timer per entry"
for id in "$every_id" "$nightly_id"; do
  assert_eq active "$(systemctl is-active "berth-cron-ticker-$id.timer" 2>&1)" "the timer of $id runs"
  assert_eq enabled "$(systemctl is-enabled "berth-cron-ticker-$id.timer" 2>&1)" \
    "the timer of $id is enabled (it comes back after a reboot)"
done
elapse="$(systemctl show -P NextElapseUSecRealtime "berth-cron-ticker-$nightly_id.timer")"
assert_contains "$elapse" "$nightly_next:00" "systemd's next run of the nightly entry is cron:list's"
elapse="$(systemctl show -P NextElapseUSecRealtime "berth-cron-ticker-$every_id.timer")"
if [[ $elapse =~ [0-9]{2}:[0-9]{2}:00 ]]; then
  pass "the every-minute timer elapses on a whole minute ($elapse)"
else
  fail "the every-minute timer's next run is [$elapse]"
fi

# systemd runs the every-minute entry on its own (the next whole minute).
log="$BERTH_ROOT/data/cron/ticker/cron.log"
ran_on_schedule() { grep -q "cron-ran-$every_id on run." "$log" 2>/dev/null; }
started=$SECONDS
if wait_for 80 ran_on_schedule; then
  pass "systemd ran the * * * * * entry after $((SECONDS - started)) s"
else
  fail "systemd did not run the entry within 80 s: $(cat "$log" 2>&1;
    systemctl status --no-pager "berth-cron-ticker-$every_id.service" 2>&1 | tail -n 20)"
fi
service="berth-cron-ticker-$every_id.service"
ran_and_done() { [[ $(systemctl show -P ActiveState "$service") == inactive ]]; }
wait_for 30 ran_and_done || true
assert_eq "success" "$(systemctl show -P Result "$service")" "the run's service ended well"
assert_not_contains "$(cat "$log")" "cron-ran-$nightly_id" "the nightly entry did not run"

# A push that drops the nightly entry removes its units.
cat >"$repo/app.json" <<'JSON'
{"cron": [{"command": "echo \"cron-ran-$CRON_ID on $DYNO\"", "schedule": "* * * * *"}]}
JSON
push_commit "$repo" "one cron entry"
push_app "$repo" ticker
assert_eq 0 "$code" "a push with one entry left is deployed: $out"
assert_contains "$out" "1 cron entry scheduled (systemd)" "the push says one entry is scheduled"
assert_eq "$(printf '%s\n' "berth-cron-ticker-$every_id.service" "berth-cron-ticker-$every_id.timer")" \
  "$(units_of ticker)" "the dropped entry's units are gone"
assert_not_contains "$(timers)" "berth-cron-ticker-$nightly_id" "systemd no longer has its timer"
assert_contains "$(timers)" "berth-cron-ticker-$every_id.timer" "the other timer stays"

# To berth's own scheduler and back.
run_berth cron:set-backend loop
assert_eq 0 "$code" "cron:set-backend loop ($out)"
assert_eq "" "$(units_of ticker)" "the units go with the systemd backend"
assert_not_contains "$(timers)" "berth-cron-ticker" "systemd has no timer of the app left"
run_berth cron:list ticker
assert_contains "$out" "Scheduled by berth's cron scheduler (pid" "berth's scheduler runs the entries"
run_berth cron:set-backend systemd
assert_eq 0 "$code" "cron:set-backend systemd ($out)"
assert_contains "$(timers)" "berth-cron-ticker-$every_id.timer" "the timer is back"
run_berth cron:list ticker
assert_contains "$out" "Scheduled by systemd timers" "cron:list says so"
[[ ! -s $BERTH_ROOT/data/cron/scheduler.pid ]] || [[ -z $(pgrep -F "$BERTH_ROOT/data/cron/scheduler.pid" 2>/dev/null) ]] ||
  fail "berth's scheduler still runs after switching to systemd"

"$BERTH_BIN" apps:destroy ticker --force >/dev/null
assert_eq "" "$(units_of ticker)" "apps:destroy removes the app's units"
assert_not_contains "$(timers)" "berth-cron-ticker" "and systemd has none of its timers"
[[ ! -e $BERTH_ROOT/data/cron/ticker ]] || fail "data/cron/ticker is left behind"
finish
