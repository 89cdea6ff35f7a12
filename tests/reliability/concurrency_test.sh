#!/usr/bin/env bash
# Concurrency (M6): four apps pushed over ssh at once through nginx, and while
# one of them (busy, already serving v1) deploys its v2, 20 config:set at once
# on it, each a different key: 10 with --no-restart (written at once) and 10
# that restart (they queue on the app's deploy lock and redeploy one after the
# other once the push is done). Then: every push and config:set ended with 0
# or a clear error, every key is stored and reaches the serving container (no
# lost write), each restart made exactly one release, versions have no gap,
# no berth process is left (no deadlock), one web container per app, the
# state database is sound, and each app answers through the proxy with its
# own release. (tests/integration/push_concurrency_test.sh covers two pushes
# to one app and config_concurrency_test.sh config:set without deploys.)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=tests/lib/assert.sh
source "$here/../lib/assert.sh"
# shellcheck source=tests/lib/push.sh
source "$here/../lib/push.sh"
# shellcheck source=tests/lib/e2e_proxy.sh
source "$here/../lib/e2e_proxy.sh"
# shellcheck source=tests/lib/reliability.sh
source "$here/../lib/reliability.sh"
push_test_setup
e2e_proxy_start nginx
started=$SECONDS

# Each app gets the domain APP.test and a repo of its sample.
declare -A sample=([busy]=procfile [second]=procfile [third]=static [fourth]=python)
for app in busy second third fourth; do
  push_ssh apps:create "$app"
  assert_eq 0 "$code" "apps:create $app over ssh: $out"
  push_ssh domains:add "$app" "$app.test"
  push_make_repo "${sample[$app]}" "$PUSH_WORK/$app"
done

push_app "$PUSH_WORK/busy" busy
assert_eq 0 "$code" "busy: v1 is deployed first: $out"
v1="$(push_rev "$PUSH_WORK/busy")"
assert_contains "$(e2e_get busy.test)" "200 hello from procfile GIT_REV=$v1" "busy v1 answers"

# --- four pushes at once; 20 config:set on busy while it deploys -------------------
push_commit "$PUSH_WORK/busy" "busy v2"
sed -i 's/hello from procfile/hello from the second app/' "$PUSH_WORK/second/server.py"
push_commit "$PUSH_WORK/second" "second, own text"
pushes_started=$SECONDS
declare -A push_code
for app in busy second third fourth; do push_app_bg "$PUSH_WORK/$app" "$app" "$app"; done
wait_for 60 rel_lock_held busy || fail "busy's deploy never took its lock: $(cat "$PUSH_WORK/busy.out")"
for i in $(seq 1 20); do
  flags=()
  ((i % 2 == 1)) || flags=(--no-restart)
  (
    rc=0
    timeout 400 "$BERTH_BIN" config:set busy "${flags[@]}" "KEY_$i=value $i" >"$PUSH_WORK/config-$i.out" 2>&1 || rc=$?
    echo "$rc" >"$PUSH_WORK/config-$i.code"
  ) &
  push_remember_pid $!
done
deployed_during=$(rel_lock_held busy && echo yes || echo no)
echo "the 20 config:set started $((SECONDS - pushes_started)) s after the pushes (busy deploying: $deployed_during)"

for app in busy second third fourth; do
  push_wait "$app"
  echo "$app: push exit $code after $((SECONDS - pushes_started)) s"
  if [[ $code == 0 ]]; then
    pass "$app: the push succeeds alongside the others"
  elif [[ $out == *"remote:  !     "* && $out == *"[remote rejected]"* ]]; then
    pass "$app: the push failed cleanly: $(grep -m1 ' !  ' <<<"$out")"
  else
    fail "$app: the push failed without a clear error (exit $code): $out"
  fi
  push_code[$app]=$code
done
assert_eq 0 "${push_code[busy]}" "busy's push is not disturbed by the config changes: $(cat "$PUSH_WORK/busy.out")"

config_done() { [[ -s $PUSH_WORK/config-$1.code ]]; }
restarted=0
for i in $(seq 1 20); do
  wait_for 400 config_done "$i" || fail "config:set KEY_$i never ended (deadlock?)"
  rc="$(cat "$PUSH_WORK/config-$i.code" 2>/dev/null || echo none)"
  text="$(cat "$PUSH_WORK/config-$i.out")"
  if [[ $rc == 0 ]]; then
    ((i % 2 == 0)) || restarted=$((restarted + 1))
  elif [[ $text == *" !     "*"was not restarted"* ]]; then
    pass "config:set KEY_$i failed cleanly: $text"
  else
    fail "config:set KEY_$i failed without a clear error (exit $rc): $text"
  fi
done
echo "the config changes ended $((SECONDS - pushes_started)) s after the pushes; $restarted of 10 restarts succeeded"
assert_eq 10 "$restarted" "the 10 restarting config:set all redeployed busy after waiting for the push"
waited="$(grep -l "Waiting for the running deploy of busy to finish" "$PUSH_WORK"/config-*.out | wc -l)"
echo "$waited config:set waited for busy's deploy lock"
if ((waited > 0)); then pass "restarting config:set queued on the deploy lock"; else fail "no config:set waited for the push"; fi

# No write lost: every key is stored, and the serving container has them all.
for i in $(seq 1 20); do
  assert_eq "value $i" "$("$BERTH_BIN" config:get busy "KEY_$i")" "KEY_$i is stored"
done
mapfile -t webs < <(rel_web_containers busy)
assert_eq 1 "${#webs[@]}" "busy runs one web container after the queued redeploys (${webs[*]})"
missing=()
for i in $(seq 1 20); do
  [[ "$(rel_container_env "${webs[0]:-none}" "KEY_$i")" == "value $i" ]] || missing+=("KEY_$i")
done
assert_eq "" "${missing[*]}" "the serving container of busy has all 20 keys"
# Releases: v1, the push's v2, then one per restarting config:set, no gap.
expected="$(seq $((2 + restarted)) -1 1 | sed 's/^/v/' | paste -sd' ')"
assert_eq "$expected" "$(push_release_versions busy)" "busy's release versions have no gap or duplicate"
assert_eq "$v1" "$(push_release_field busy v1 git_rev)" "v1 is the first push"
assert_eq "$(push_rev "$PUSH_WORK/busy")" "$(push_release_field busy v2 git_rev)" "v2 is the concurrent push"
sets="$("$BERTH_BIN" releases busy --format json | push_json_query 'len([r for r in j if r["description"].startswith("Set KEY_")])')"
assert_eq "$restarted" "$sets" "one release per successful restarting config:set"

# No deadlock, nothing left running, one web container per app.
if wait_for 30 rel_no_berth_running; then
  pass "no berth process is left running"
else
  fail "berth processes still run: $(rel_berth_pids | xargs -r ps -o pid,args -p)"
fi
for app in second third fourth; do
  [[ ${push_code[$app]} != 0 ]] || assert_eq 1 "$(rel_web_containers "$app" | wc -l)" "$app runs one web container"
done
rel_assert_db_ok "after the concurrent pushes and config changes"

# Each app answers through the proxy with its own release.
assert_contains "$(e2e_get busy.test)" "200 hello from procfile GIT_REV=$(push_rev "$PUSH_WORK/busy")" \
  "busy answers with its last release"
[[ ${push_code[second]} != 0 ]] || assert_contains "$(e2e_get second.test)" \
  "200 hello from the second app GIT_REV=$(push_rev "$PUSH_WORK/second")" "second answers with its release"
[[ ${push_code[third]} != 0 ]] || assert_contains "$(e2e_get third.test | sed "s/ .*<h1>/ /")" "200 hello from static" "third answers"
[[ ${push_code[fourth]} != 0 ]] || assert_contains "$(e2e_get fourth.test)" \
  "200 hello from python GIT_REV=$(push_rev "$PUSH_WORK/fourth")" "fourth answers with its release"
push_no_leftovers
echo "concurrency test took $((SECONDS - started)) s"
finish
