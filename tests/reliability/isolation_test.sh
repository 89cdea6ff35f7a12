#!/usr/bin/env bash
# Single quotes hold text for the container's shell, unexpanded here.
# shellcheck disable=SC2016
# Isolation between apps (issue M6). Two apps, alpha and beta (the static
# sample), pushed over ssh and served through nginx, in the test's own mount
# and network namespaces. From inside alpha — its running web container
# (`berth enter`) and a one-off `berth run` container on the bridge — the test
# tries to get at beta: beta's config (a secret in its env, through /proc or
# anywhere on the filesystem), beta's log lines, BERTH_ROOT, the host's
# /etc/shadow, mounting a filesystem, and beta's web process at its bridge
# address IP:PORT. Everything must fail, while beta answers through the proxy
# (also to alpha, at the bridge's gateway). The processes run as the app user
# with no capabilities and no_new_privs. Then alpha with resource limits runs a
# fork bomb and a memory hog: they are contained (pids capped, the hog killed),
# beta keeps serving all along, and the host's process count returns to what it
# was.
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
started=$SECONDS

secret="s3cr3t-of-beta-$RANDOM$RANDOM"
marker="beta-log-marker-$RANDOM$RANDOM"
push_make_repo static "$PUSH_WORK/site"
for app in alpha beta; do
  "$BERTH_BIN" apps:create "$app" >/dev/null
  "$BERTH_BIN" domains:add "$app" "$app.test" >/dev/null
done
"$BERTH_BIN" config:set --no-restart beta "SECRET=$secret" >/dev/null
push_app_bg "$PUSH_WORK/site" alpha push-alpha
push_app_bg "$PUSH_WORK/site" beta push-beta
for app in alpha beta; do
  push_wait "push-$app"
  assert_eq 0 "$code" "$app is pushed: $out"
done
echo "pushed both apps in $((SECONDS - started)) s"
assert_contains "$(e2e_get beta.test)" "200 " "beta answers through the proxy"
# A request that beta's web process writes to its log.
e2e_get beta.test "/$marker" >/dev/null
wait_for 10 grep -rqs "$marker" "$BERTH_ROOT/containers" || fail "beta's log has the marker line"

beta_ip="$("$BERTH_BIN" network:report beta --network-addresses | tr ' ' '\n' | sed -n 's/^beta[.]web[.]1[.].*=//p')"
gateway="$(ip -o -4 addr show dev berth0 | awk '{print $4}' | cut -d/ -f1)"
[[ -n $beta_ip && -n $gateway ]] || fail "beta's address [$beta_ip] and the gateway [$gateway] are known"
reply="$(curl -sS -m 5 "http://$beta_ip:5000/" 2>&1 || true)"
assert_contains "$reply" "hello from static" "the host reaches beta at $beta_ip:5000 (so beta listens there)"

# The probes, as one shell script run inside alpha's containers (argv, no
# shell on berth's side). Each line is "NAME RESULT".
probe='
secret=$1 marker=$2 root=$3 beta=$4 gateway=$5
say() { echo "$1 $2"; }
if grep -qs "$secret" /proc/[0-9]*/environ; then say environ LEAK; else say environ none; fi
say procs "$(ls -d /proc/[0-9]* | wc -l)"
if [ -e "$root" ] || [ -e /var/lib/berth ]; then say berth_root VISIBLE; else say berth_root absent; fi
found=$(timeout 60 grep -rsl -e "$secret" -e "$marker" / --exclude-dir=proc --exclude-dir=sys \
  --exclude-dir=dev 2>/dev/null | head -n 3)
say files "${found:-none}"
if cat /etc/shadow >/dev/null 2>&1; then say shadow READ; else say shadow denied; fi
mkdir -p /tmp/mnt
if mount -t tmpfs none /tmp/mnt 2>/dev/null; then say mount MOUNTED; else say mount denied; fi
say uid "$(id -u)"
say capeff "$(sed -n "s/^CapEff:[[:space:]]*//p" /proc/self/status)"
say capbnd "$(sed -n "s/^CapBnd:[[:space:]]*//p" /proc/self/status)"
say nnp "$(sed -n "s/^NoNewPrivs:[[:space:]]*//p" /proc/self/status)"
python3 - "$beta" "$gateway" <<EOF
import socket, sys, urllib.request
beta, gateway = sys.argv[1], sys.argv[2]
try:
    socket.create_connection((beta, 5000), timeout=3).close()
    print("direct CONNECTED")
except OSError as e:
    print("direct refused:" + type(e).__name__)
try:
    req = urllib.request.Request("http://%s:18080/" % gateway, headers={"Host": "beta.test"})
    body = urllib.request.urlopen(req, timeout=10).read().decode()
    print("proxy", "served" if "hello from static" in body else "wrong-body")
except OSError as e:
    print("proxy failed:" + type(e).__name__)
EOF
'
# check_probes WHERE OUTPUT: the probes' results from one container.
check_probes() {
  local where=$1 results=$2 procs line
  while IFS= read -r line; do echo "  [$where] $line"; done <<<"$results"
  field() { sed -n "s/^$1 //p" <<<"$results"; }
  assert_eq none "$(field environ)" "$where: beta's secret is in no visible process's environment"
  procs="$(field procs)"
  if [[ $procs =~ ^[0-9]+$ ]] && ((procs < 10)); then
    pass "$where: sees only its own processes ($procs)"
  else
    fail "$where: sees $procs processes"
  fi
  assert_eq absent "$(field berth_root)" "$where: BERTH_ROOT and /var/lib/berth are not visible"
  assert_eq none "$(field files)" "$where: no file holds beta's secret or its log lines"
  assert_eq denied "$(field shadow)" "$where: /etc/shadow cannot be read"
  assert_eq denied "$(field mount)" "$where: mounting a filesystem is refused"
  assert_eq 32767 "$(field uid)" "$where: runs as the app user, not root"
  assert_eq 0000000000000000 "$(field capeff)" "$where: no effective capabilities"
  assert_eq 0000000000000000 "$(field capbnd)" "$where: no capabilities in the bounding set"
  assert_eq 1 "$(field nnp)" "$where: no_new_privs is set"
  assert_contains "$(field direct)" "refused" "$where: beta's web process at $beta_ip:5000 is out of reach"
  assert_eq served "$(field proxy)" "$where: beta is reached through the proxy at $gateway"
}

run_berth enter alpha web.1 sh -c "$probe" sh "$secret" "$marker" "$BERTH_ROOT" "$beta_ip" "$gateway"
check_probes "alpha's web container" "$out"

"$BERTH_BIN" network:set alpha mode bridge >/dev/null  # one-off containers join the bridge too
run_berth run alpha sh -c "$probe" sh "$secret" "$marker" "$BERTH_ROOT" "$beta_ip" "$gateway"
check_probes "a berth run container of alpha" "$out"

# --- limits: a fork bomb and a memory hog in alpha ------------------------------
# beta_watch FILE: GETs beta through the proxy every 0.2 s until FILE.stop
# exists, one status code per line in FILE.
beta_watch() {
  while [[ ! -e $1.stop ]]; do
    curl -s -o /dev/null -m 5 -w '%{http_code}\n' -H 'Host: beta.test' "http://127.0.0.1:$E2E_HTTP/" >>"$1" || echo 000 >>"$1"
    sleep 0.2
  done
}
host_procs() {
  local procs=(/proc/[0-9]*)
  echo "${#procs[@]}"
}
"$BERTH_BIN" resource:limit alpha --pids 64 --memory 64m --cpu 0.5 >/dev/null
procs_before="$(host_procs)"
watch="$PUSH_WORK/beta-watch"
beta_watch "$watch" &
watcher=$!
push_remember_pid "$watcher"

# The bomb forks until the pids limit stops it; the container's first process
# ends after 10 s, which ends every process of its pid namespace.
bomb_started=$SECONDS
"$BERTH_BIN" run alpha sh -c 'b() { b & b & wait; }; b >/dev/null 2>&1 & sleep 10; echo bomb-over' \
  >"$PUSH_WORK/bomb.out" 2>&1 &
bomb=$!
push_remember_pid "$bomb"
peak=0
cgroup_pids=0
while kill -0 "$bomb" 2>/dev/null && ((SECONDS - bomb_started < 60)); do
  now="$(host_procs)"
  ((now > peak)) && peak=$now
  while read -r n; do
    ((n > cgroup_pids)) && cgroup_pids=$n
  done < <(find /sys/fs/cgroup -maxdepth 4 -path '*alpha.run*' -name pids.current -exec cat {} + 2>/dev/null)
  # The host still forks.
  /bin/true || fail "the host cannot fork during the bomb"
  sleep 0.5
done
wait "$bomb" || true
echo "fork bomb: host processes $procs_before before, peak $peak; alpha's cgroup peaked at $cgroup_pids pids"
assert_contains "$(cat "$PUSH_WORK/bomb.out")" "bomb-over" "the bomb's container ran its course"
if ((peak - procs_before <= 64 + 20)); then
  pass "the bomb stayed within its pids limit (host +$((peak - procs_before)))"
else
  fail "the bomb grew the host's processes by $((peak - procs_before))"
fi
settle() { (($(host_procs) <= procs_before + 5)); }
wait_for 20 settle || fail "the host's process count did not return ($(host_procs), was $procs_before)"
pass "the host's process count is back ($(host_procs), was $procs_before)"

run_berth run alpha sh -c 'x=$(head -c 200000000 /dev/zero | tr "\0" x); echo survived ${#x}'
assert_eq 137 "$code" "the memory hog is killed by the OOM killer"
assert_not_contains "$out" "survived" "the memory hog does not get its 200 MB"

touch "$watch.stop"
wait "$watcher" || true
codes="$(sort "$watch" | uniq -c | tr -s ' ' | tr '\n' ',')"
total="$(wc -l <"$watch")"
ok="$(grep -c '^200$' "$watch" || true)"
echo "beta during the bomb and the hog: $total requests ($codes)"
if ((total > 10)) && ((ok == total)); then
  pass "beta answered all $total requests while alpha misbehaved"
else
  fail "beta answered $ok of $total requests while alpha misbehaved ($codes)"
fi
assert_contains "$(e2e_get alpha.test)" "200 " "alpha's web process itself still serves"
echo "isolation test took $((SECONDS - started)) s"
finish
