#!/usr/bin/env bash
# Crashes (M6): a push whose berth is killed with SIGKILL at each stage of the
# pipeline, on the procfile sample served through nginx:
#   receive        (receive-app trigger: the source has not been extracted)
#   build          (the test kills it while the build container runs a slow buildpack)
#   slug           (post-build: built, the slug not packed yet)
#   release        (pre-release: the slug is stored, no release recorded)
#   health check   (check-deploy: the new container passed its checks, no traffic yet)
#   proxy swap     (proxy-static-responses: the upstreams are stored, the proxy not reloaded)
#   proxy reloaded (proxy-build-config: the proxy sends traffic to the new container,
#                   the deploy is not recorded)
# A test plugin (tests/lib/reliability.sh, rel_killer_plugin) kills the process
# holding the app's deploy lock from inside the trigger. After each kill: the
# push is rejected, the current release keeps serving (after the last stage,
# once ps:retire has put the proxy back), the database is sound, the deploy lock
# is free, `ps:retire` removes every container, runtime state, mount, veth,
# workspace and running build record the killed deploy left, and the next push
# succeeds and serves the new commit.
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

app=crashy
host=crashy.test
repo="$PUSH_WORK/$app"
killer="$PUSH_WORK/killer"
slow="$PUSH_FIXTURES/push/slow-buildpack"
rel_killer_plugin "$killer" receive-app post-build pre-release check-deploy \
  proxy-static-responses proxy-build-config
run_berth plugin:install "$killer"
assert_eq 0 "$code" "the killer plugin installs: $out"
push_ssh apps:create "$app"
assert_eq 0 "$code" "apps:create over ssh: $out"
push_ssh domains:add "$app" "$host"
push_make_repo procfile "$repo"
push_app "$repo" "$app"
assert_eq 0 "$code" "v1 is deployed: $out"
serving="$(push_rev "$repo")"
assert_contains "$(e2e_get "$host")" "200 hello from procfile GIT_REV=$serving" "v1 answers through the proxy"

# serves REV: the proxy answers with REV's release.
serves() { [[ "$(e2e_get "$host")" == "200 hello from procfile GIT_REV=$1"* ]]; }

# assert_only_current WHEN: the app's one web container of the current
# generation is all there is: container directories, runtime state, mounts and
# veths of nothing else; no workspace; no build record still running.
assert_only_current() {
  local when=$1 current state mounts veths
  current="$(find "$BERTH_ROOT/containers" -mindepth 1 -maxdepth 1 -printf '%f\n' | sort | paste -sd' ')"
  if [[ $current == "$app.web.1."* && $current != *" "* ]]; then
    pass "$when: only the serving container's directory is left ($current)"
  else
    fail "$when: container directories: [$current], want one $app.web.1.G"
  fi
  state="$(find "$BERTH_ROOT"/runtime/* -mindepth 1 -maxdepth 1 -printf '%f\n' 2>/dev/null | sort | paste -sd' ')"
  assert_eq "$current" "$state" "$when: only its runtime state is left"
  mounts="$(awk -v root="$BERTH_ROOT/" 'index($5, root) == 1 { print $5 }' /proc/self/mountinfo |
    grep -v -e "/containers/$current/" -e "/stacks/" | paste -sd' ' || true)"
  assert_eq "" "$mounts" "$when: no mount of the killed deploy is left"
  veths="$(ip -o link show type veth | wc -l)"
  assert_eq 1 "$veths" "$when: one veth (the serving container's)"
  assert_eq 0 "$(find "$BERTH_ROOT/tmp" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)" "$when: no workspace is left"
  run_berth builds:list "$app"
  assert_not_contains "$out" running "$when: no build is recorded as still running"
}

# after_kill STAGE RELEASES: what must hold after the push killed at STAGE
# (which must have been rejected): RELEASES releases still, the lock free, the
# database sound, ps:retire cleans up, and the next push serves a new commit.
after_kill() {
  local stage=$1 releases=$2
  assert_eq 1 "$((code != 0))" "$stage: the killed push is rejected (exit $code)"
  assert_eq "$releases" "$(push_release_count "$app")" "$stage: no release was recorded"
  if rel_lock_held "$app"; then fail "$stage: the deploy lock is still held"; else pass "$stage: the deploy lock is free"; fi
  rel_assert_db_ok "after the kill at $stage"
  run_berth ps:retire
  assert_eq 0 "$code" "$stage: ps:retire: $out"
  if wait_for 10 serves "$serving"; then
    pass "$stage: the current release serves after ps:retire"
  else
    fail "$stage: the current release does not serve after ps:retire: $(e2e_get "$host")"
  fi
  assert_only_current "$stage, after ps:retire"
  echo "$stage" >"$repo/deployed.txt"
  push_commit "$repo" "after the kill at $stage"
  push_app "$repo" "$app"
  assert_eq 0 "$code" "$stage: the next push succeeds: $out"
  serving="$(push_rev "$repo")"
  if serves "$serving"; then pass "$stage: the next push serves"; else fail "$stage: the next push does not serve: $(e2e_get "$host")"; fi
  assert_only_current "$stage, after the next push"
}

# kill_at TRIGGER STAGE: pushes a new commit with the killer armed for TRIGGER.
kills=0
kill_at() {
  local trigger=$1 stage=$2 releases t0=$SECONDS
  releases="$(push_release_count "$app")"
  echo "$stage" >"$repo/stage.txt"
  push_commit "$repo" "killed at $stage"
  rel_arm "$killer" "$trigger" "$app"
  push_app "$repo" "$app"
  if [[ -s $killer/killed-$trigger ]]; then
    pass "$stage: the $trigger trigger killed $(cat "$killer/killed-$trigger")"
    kills=$((kills + 1))
  else
    fail "$stage: nothing was killed at $trigger: $out"
  fi
  rm -f "$killer/killed-$trigger" "$killer/arm-$trigger"
  case $trigger in
    proxy-build-config)
      # The proxy had moved to the new container before the kill.
      if serves "$(push_rev "$repo")" || serves "$serving"; then
        pass "$stage: the app answers after the kill"
      else
        fail "$stage: the app does not answer after the kill: $(e2e_get "$host")"
      fi ;;
    *)
      if serves "$serving"; then pass "$stage: the current release keeps serving"; else fail "$stage: $(e2e_get "$host")"; fi ;;
  esac
  after_kill "$stage" "$releases"
  echo "--- $stage: $((SECONDS - t0)) s"
}

kill_at receive-app receive

# build: killed by the test while the slow buildpack's build container sleeps.
t0=$SECONDS
releases="$(push_release_count "$app")"
"$BERTH_BIN" config:set --no-restart "$app" "BUILDPACK_URL=$slow" SLOW_SECONDS=20 >/dev/null
push_commit "$repo" "killed at build"
build_rev="$(push_rev "$repo")"
push_app_bg "$repo" "$app" build
building() { grep -q "^start $build_rev " "$BERTH_ROOT/cache/$app/builds.log" 2>/dev/null; }
if wait_for 60 building; then
  pid="$(tr -dc 0-9 <"$BERTH_ROOT/locks/$app.lock")"
  exe="$(readlink "/proc/$pid/exe")"
  assert_contains "$exe" berth-pipeline "build: the lock holder is berth-pipeline"
  kill -9 "$pid"
  kills=$((kills + 1))
  pass "build: killed $pid ${exe##*/} while the build container runs"
else
  fail "build: the build did not start: $(cat "$PUSH_WORK/build.out")"
fi
push_wait build
if serves "$serving"; then pass "build: the current release keeps serving"; else fail "build: $(e2e_get "$host")"; fi
"$BERTH_BIN" config:unset --no-restart "$app" BUILDPACK_URL SLOW_SECONDS >/dev/null
after_kill build "$releases"
echo "--- build: $((SECONDS - t0)) s"

kill_at post-build slug
kill_at pre-release release
kill_at check-deploy "health check"
kill_at proxy-static-responses "proxy swap"
kill_at proxy-build-config "proxy reloaded"

echo "$kills kills survived; crash test took $((SECONDS - started)) s"
assert_eq 7 "$kills" "berth was killed at 7 stages"
push_no_leftovers
finish
