#!/usr/bin/env bash
# Soak (issue M6): SOAK_APPS apps (default 50) of the static sample deployed on
# one host by git pushes over ssh (SOAK_PARALLEL at a time), all served by
# nginx, in the test's own mount and network namespaces. Then SOAK_SECONDS
# (default 300) of bounded load through the proxy (SOAK_RATE requests/s, a new
# connection each, random apps; tests/lib/soak_load.py) while a driver
# redeploys (config:set) and scales (ps:scale web=2, back to web=1) random
# apps one after another and records when it touched which app. Asserts: no
# request to an app failed (connection error, non-2xx, wrong body) unless that
# app was being changed at the time; every change succeeded; every app still
# serves afterwards. Then every app is destroyed and nothing is left: no mount
# under BERTH_ROOT, no veth or network namespace, no berth-shim or app process,
# and nginx's master and workers hold no more open files than before the run.
# Prints the figures (deploy time, requests, req/s, failures by class, changes
# done, leaks).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=tests/lib/assert.sh
source "$here/../lib/assert.sh"
# shellcheck source=tests/lib/push.sh
source "$here/../lib/push.sh"
# shellcheck source=tests/lib/e2e_proxy.sh
source "$here/../lib/e2e_proxy.sh"
SOAK_APPS="${SOAK_APPS:-50}"
SOAK_SECONDS="${SOAK_SECONDS:-300}"
SOAK_RATE="${SOAK_RATE:-100}"
SOAK_PARALLEL="${SOAK_PARALLEL:-4}"
load_py="$here/../lib/soak_load.py"
push_test_setup
e2e_proxy_start nginx
test_started=$SECONDS

# Unique names: cgroups (/sys/fs/cgroup/berth/APP...) are the host's.
prefix="soak$$"
apps=()
for ((i = 1; i <= SOAK_APPS; i++)); do apps+=("$(printf '%s-%02d' "$prefix" "$i")"); done

# What berth's long-lived processes hold, and what an app leaves behind.
nginx_master() { cat "$BERTH_ROOT/proxy/nginx/nginx.pid"; }
fd_count() { find "/proc/$1/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l; }
nginx_workers() { pgrep -P "$(nginx_master)" || true; }
max_worker_fds() {
  local pid max=0 n
  for pid in $(nginx_workers); do
    n="$(fd_count "$pid")"
    ((n > max)) && max=$n
  done
  echo "$max"
}
berth_mounts() { grep -c " $BERTH_ROOT/" /proc/self/mountinfo || true; }
veth_count() { ip -o link show type veth | wc -l; }
netns_count() { ip netns list | wc -l; }
shim_count() { pgrep -f -- "--bundle $BERTH_ROOT/" | wc -l || true; }
# Processes in a cgroup of one of the test's apps.
app_process_count() {
  grep -ls ":/berth/$prefix-" /proc/[0-9]*/cgroup 2>/dev/null | wc -l || true
}

mounts_before="$(berth_mounts)"
master_fds_before="$(fd_count "$(nginx_master)")"
worker_fds_before="$(max_worker_fds)"
echo "before: $mounts_before mounts under BERTH_ROOT; nginx master $master_fds_before fds, workers up to $worker_fds_before"

# --- deploy -------------------------------------------------------------------------
push_make_repo static "$PUSH_WORK/site"
for app in "${apps[@]}"; do
  "$BERTH_BIN" apps:create "$app" >/dev/null
  "$BERTH_BIN" domains:add "$app" "$app.soak.test" >/dev/null
done
deploy_started=$SECONDS
running=()
deployed=0
# collect_one: waits for the oldest push in flight.
collect_one() {
  push_wait "push-${running[0]}"
  if ((code == 0)); then deployed=$((deployed + 1)); else fail "${running[0]} is pushed: $out"; fi
  running=("${running[@]:1}")
}
for app in "${apps[@]}"; do
  ((${#running[@]} < SOAK_PARALLEL)) || collect_one
  push_app_bg "$PUSH_WORK/site" "$app" "push-$app"
  running+=("$app")
done
while ((${#running[@]} > 0)); do collect_one; done
deploy_seconds=$((SECONDS - deploy_started))
echo "deployed $deployed of $SOAK_APPS apps in $deploy_seconds s ($SOAK_PARALLEL pushes at a time)"
assert_eq "$SOAK_APPS" "$deployed" "every app is deployed"
unserved=0
for app in "${apps[@]}"; do
  [[ "$(e2e_get "$app.soak.test")" == "200 "*"hello from static"* ]] || unserved=$((unserved + 1))
done
assert_eq 0 "$unserved" "every app answers through the proxy before the load"
master_fds_loaded="$(fd_count "$(nginx_master)")"
echo "with $SOAK_APPS apps: nginx master $master_fds_loaded fds, workers up to $(max_worker_fds); $(veth_count) veths"

# --- load, with changes ---------------------------------------------------------------
results="$PUSH_WORK/load.json"
windows="$PUSH_WORK/windows"
: >"$windows"
load_started=$SECONDS
"$PUSH_PYTHON" "$load_py" load "$E2E_HTTP" "$SOAK_SECONDS" "$SOAK_RATE" 8 "$results" "${apps[@]}" &
loader=$!
push_remember_pid "$loader"

# change APP ACTION ARGS...: runs one berth change, recorded as a window.
change() {
  local app=$1 action=$2 start rc=0
  shift 2
  start="$(date +%s.%N)"
  "$BERTH_BIN" "$@" >"$PUSH_WORK/change.out" 2>&1 || rc=$?
  echo "$app $start $(date +%s.%N) $action $rc" >>"$windows"
  ((rc == 0)) || { echo "change failed: $*"; tail -n 5 "$PUSH_WORK/change.out"; }
}
scaled=()
redeploys=0
scales=0
sleep 5  # some steady traffic first
while ((SECONDS - load_started < SOAK_SECONDS - 10)) && kill -0 "$loader" 2>/dev/null; do
  app="${apps[RANDOM % SOAK_APPS]}"
  case $((RANDOM % 3)) in
    0)
      change "$app" redeploy config:set "$app" "SOAK_GENERATION=$SECONDS"
      redeploys=$((redeploys + 1))
      ;;
    1)
      change "$app" scale-up ps:scale "$app" web=2
      scaled+=("$app")
      scales=$((scales + 1))
      ;;
    2)
      if ((${#scaled[@]} > 0)); then
        app="${scaled[0]}"
        scaled=("${scaled[@]:1}")
        change "$app" scale-down ps:scale "$app" web=1
        scales=$((scales + 1))
      fi
      ;;
  esac
  sleep 1
done
wait "$loader" || fail "the load generator failed"
load_seconds=$((SECONDS - load_started))
echo "load ran $load_seconds s; $redeploys redeploys and $scales scales done"
failed_changes="$(awk '$5 != 0' "$windows" | wc -l)"
assert_eq 0 "$failed_changes" "every redeploy and scale succeeded"
set +e
analysis="$("$PUSH_PYTHON" "$load_py" analyze "$results" "$windows" 2)"
analysis_code=$?
set -e
echo "$analysis"
assert_eq 0 "$analysis_code" "no request to an app failed unless the app was being changed"
requests="$(sed -n 's/^FIGURES requests=\([0-9]*\).*/\1/p' <<<"$analysis")"
if ((requests >= SOAK_SECONDS * SOAK_RATE / 2)); then
  pass "the load held: $requests requests"
else
  fail "only ${requests:-0} requests were made (wanted about $((SOAK_SECONDS * SOAK_RATE)))"
fi
unserved=0
for app in "${apps[@]}"; do
  [[ "$(e2e_get "$app.soak.test")" == "200 "*"hello from static"* ]] || unserved=$((unserved + 1))
done
assert_eq 0 "$unserved" "every app answers through the proxy after the load"

# --- destroy everything; nothing is left ----------------------------------------------
destroy_started=$SECONDS
for app in "${apps[@]}"; do
  run_berth apps:destroy "$app" --force
  ((code == 0)) || fail "apps:destroy $app: $out"
done
echo "destroyed $SOAK_APPS apps in $((SECONDS - destroy_started)) s"
wait_for 20 test "$(shim_count)" -eq 0 || true
assert_eq 0 "$(shim_count)" "no berth-shim of the test's containers is left"
assert_eq 0 "$(app_process_count)" "no app process is left"
assert_eq 0 "$(veth_count)" "no veth is left"
assert_eq 0 "$(netns_count)" "no network namespace is left"
assert_eq "$mounts_before" "$(berth_mounts)" "no mount under BERTH_ROOT is left ($mounts_before before)"
left="$(find "$BERTH_ROOT/containers" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)"
assert_eq 0 "$left" "no container directory is left"
master_fds_after="$(fd_count "$(nginx_master)")"
worker_fds_after="$(max_worker_fds)"
echo "after: nginx master $master_fds_after fds (before $master_fds_before), workers up to $worker_fds_after (before $worker_fds_before)"
assert_eq "$master_fds_before" "$master_fds_after" "nginx's master holds as many files as before"
if ((worker_fds_after <= worker_fds_before)); then
  pass "nginx's workers hold no more files than before"
else
  fail "nginx's workers hold $worker_fds_after files, $worker_fds_before before"
fi
echo "soak test took $((SECONDS - test_started)) s (deploy $deploy_seconds s, load $load_seconds s)"
finish
