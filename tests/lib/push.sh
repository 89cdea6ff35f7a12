# Helpers for the git-push integration tests (tests/integration/push_*_test.sh):
# a private sshd in front of berth with a key for the test, git repos made from
# the sample apps, pushes over ssh with real git, and the release records.
# Source it after tests/lib/assert.sh; it defines functions only.
# shellcheck shell=bash

# shellcheck source=scripts/lib/sshd.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib" && pwd)/sshd.sh"

# shellcheck disable=SC2034  # read by the tests
PUSH_SOURCE_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PUSH_APPS="$PUSH_SOURCE_DIR/tests/apps"
# shellcheck disable=SC2034  # read by the tests
PUSH_FIXTURES="$PUSH_SOURCE_DIR/tests/fixtures"
PUSH_TIMEOUT="${PUSH_TIMEOUT:-200}"  # seconds for one push; ctest allows 300 per test
PUSH_REMOTE_HOST=root@127.0.0.1
# The system's python3 for reading JSON (a python3 shim on PATH may start slowly).
PUSH_PYTHON=/usr/bin/python3
[[ -x $PUSH_PYTHON ]] || PUSH_PYTHON=python3

# push_test_setup: skips (77) without root, runc, sshd, git, python3 or the cached
# default stack; re-runs the test in private namespaces (below); makes BERTH_ROOT
# and PUSH_WORK (scratch for repos and keys), links the default stack, starts sshd
# with the admin key PUSH_WORK/admin (ssh-keys:add --admin admin) and exports GIT_SSH_COMMAND,
# so `git push root@127.0.0.1:APP` reaches berth. Everything is removed on exit,
# also when the test shell is killed outright.
push_test_setup() {
  require_root
  local tool
  for tool in /usr/sbin/sshd ssh ssh-keygen ss git runc timeout "$PUSH_PYTHON" tar; do
    command -v "$tool" >/dev/null || { echo "SKIP: $tool is missing"; exit 77; }
  done
  if ! compgen -G "${BERTH_STACK_CACHE:-/var/cache/berth/stacks}/default/*/.complete" >/dev/null; then
    echo "SKIP: the default stack is not built (scripts/test.sh builds it into BERTH_STACK_CACHE)"
    exit 77
  fi
  # The test runs in its own mount and network namespaces (re-executed there),
  # so the apps' bridge, veths and firewall rules stay inside it. A test that
  # needs the internet from its builds (the npm registry) sets
  # PUSH_HOST_NETWORK=1 first and shares the host's network instead (with a
  # bridge and subnet of its own, see container_test_setup).
  if [[ ${PUSH_HOST_NETWORK:-} == 1 ]]; then
    container_test_setup
  else
    container_test_setup --net
  fi
  PUSH_WORK="$(mktemp -d /tmp/berth-push.XXXXXX)"
  export PUSH_WORK
  PUSH_BG_PIDS=()
  berth_after_exit push_reap
  PUSH_REAPER_PID=$BERTH_AFTER_EXIT_PID
  trap 'exit 130' INT
  trap 'exit 143' TERM

  # git: a fixed identity and no user or system config.
  export HOME="$PUSH_WORK/home"
  mkdir -p "$HOME"
  export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
  export GIT_AUTHOR_NAME="berth test" GIT_AUTHOR_EMAIL="test@berth.invalid"
  export GIT_COMMITTER_NAME="berth test" GIT_COMMITTER_EMAIL="test@berth.invalid"
  export GIT_TERMINAL_PROMPT=0

  "$BERTH_BIN" stacks:build default >/dev/null
  # Old containers of an app are retired at once (no detached berth outlives the
  # test), and a new release's check wants its container up 1 s.
  "$BERTH_BIN" checks:set --global wait-to-retire 0 >/dev/null
  "$BERTH_BIN" checks:set --global wait 1 >/dev/null

  export BERTH_AUTHORIZED_KEYS="$PUSH_WORK/authorized_keys"
  ssh-keygen -q -t ed25519 -N '' -C admin@berth-test -f "$PUSH_WORK/admin"
  "$BERTH_BIN" ssh-keys:add --admin admin "$PUSH_WORK/admin.pub" >/dev/null
  berth_start_test_sshd "$PUSH_WORK" "AuthorizedKeysFile $BERTH_AUTHORIZED_KEYS" \
    "PermitRootLogin forced-commands-only"
  PUSH_SSH=(ssh -p "$BERTH_SSHD_PORT" -i "$PUSH_WORK/admin" -o StrictHostKeyChecking=no
    -o UserKnownHostsFile=/dev/null -o BatchMode=yes -o LogLevel=ERROR -o ConnectTimeout=10
    -o IdentitiesOnly=yes -o IdentityAgent=none)
  export GIT_SSH_COMMAND="${PUSH_SSH[*]}"
  echo "sshd listens on 127.0.0.1:$BERTH_SSHD_PORT; BERTH_ROOT=$BERTH_ROOT"
}

# Containers a killed berth left behind, mounts under BERTH_ROOT (this is the
# test's own mount namespace, but rm -rf must not walk into a mounted stack),
# then the scratch directories.
push_cleanup_all() {
  local state id mnt
  for state in "$BERTH_ROOT"/runtime/*; do
    [[ -d $state ]] || continue
    for id in "$state"/*; do
      [[ -e $id ]] || continue
      timeout 30 runc --root "$state" delete --force "$(basename "$id")" >/dev/null 2>&1 || true
    done
  done
  while read -r mnt; do
    umount -l "$mnt" 2>/dev/null || true
  done < <(awk -v root="$BERTH_ROOT/" 'index($5, root) == 1 { print $5 }' /proc/self/mountinfo | sort -r)
  rm -rf "$PUSH_WORK"
}

# The test shell was killed (e.g. SIGKILL at the ctest timeout): no trap ran.
push_reap() {
  sleep 3
  push_cleanup_all
  if [[ -n ${BERTH_TEST_BRIDGE:-} ]]; then berth_test_remove_bridge "$BERTH_TEST_BRIDGE"; fi
  rm -rf "$BERTH_ROOT"
}

berth_test_extra_cleanup() {
  trap '' INT TERM  # finish cleaning up
  local pid
  for pid in "${PUSH_BG_PIDS[@]}"; do berth_stop_pid "$pid"; done
  if declare -F push_test_extra_cleanup >/dev/null; then push_test_extra_cleanup || true; fi
  # The apps' own containers, if a deploy started any.
  timeout 60 "$BERTH_BIN" ps:stop --all --stop-timeout 1 >/dev/null 2>&1 || true
  timeout 60 "$BERTH_BIN" ps:retire >/dev/null 2>&1 || true
  berth_cancel_after_exit "${PUSH_REAPER_PID:-}"
  berth_stop_test_sshd
  if ((BERTH_TEST_FAILURES > 0)) && [[ -f $PUSH_WORK/sshd.log ]]; then
    echo "--- sshd log (last lines)" >&2
    tail -n 20 "$PUSH_WORK/sshd.log" >&2
  fi
  push_cleanup_all
}

# push_remember_pid PID: a background job stopped on exit.
push_remember_pid() { PUSH_BG_PIDS+=("$1"); }

# push_make_repo SRC DEST [MESSAGE]: DEST becomes a git repo (branch main) with
# one commit holding SRC's files (SRC: a directory, or a sample app's name).
push_make_repo() {
  local src=$1 dest=$2 message=${3:-initial}
  [[ $src == /* ]] || src="$PUSH_APPS/$src"
  mkdir -p "$dest"
  cp -a "$src/." "$dest/"
  git -C "$dest" init -q -b main
  git -C "$dest" add -A
  git -C "$dest" commit -q -m "$message"
}

# push_commit DIR MESSAGE: commits every change in DIR (or an empty commit).
push_commit() {
  git -C "$1" add -A
  git -C "$1" commit -q --allow-empty -m "$2"
}

# push_rev DIR [REV]: the full commit id of REV (default HEAD) in DIR.
push_rev() { git -C "$1" rev-parse "${2:-HEAD}"; }

# push_url APP: the ssh remote of APP.
push_url() { echo "$PUSH_REMOTE_HOST:$1"; }

# push_git DIR ARG...: runs `git ARG...` in DIR (bounded by PUSH_TIMEOUT);
# stdout+stderr in $out, the exit code in $code.
# shellcheck disable=SC2034  # out and code are read by the calling test
push_git() {
  local dir=$1
  shift
  set +e
  out="$(cd "$dir" && timeout "$PUSH_TIMEOUT" git "$@" 2>&1 </dev/null)"
  code=$?
  set -e
}

# push_app DIR APP [REFSPEC...]: pushes DIR (default refspec: main) to APP over ssh;
# $out and $code as push_git.
push_app() {
  local dir=$1 app=$2
  shift 2
  (($# > 0)) || set -- main
  push_git "$dir" push "$(push_url "$app")" "$@"
}

# push_app_bg DIR APP NAME [REFSPEC...]: push_app in the background; its output goes
# to PUSH_WORK/NAME.out and its exit code, once done, to PUSH_WORK/NAME.code.
# Collect it with push_wait NAME.
push_app_bg() {
  local dir=$1 app=$2 name=$3
  shift 3
  (($# > 0)) || set -- main
  rm -f "$PUSH_WORK/$name.code"
  (
    rc=0
    cd "$dir" && timeout "$PUSH_TIMEOUT" git push "$(push_url "$app")" "$@" \
      >"$PUSH_WORK/$name.out" 2>&1 </dev/null || rc=$?
    echo "$rc" >"$PUSH_WORK/$name.code"
  ) &
  push_remember_pid $!
}

# push_done NAME: true once the background push NAME has finished.
push_done() { [[ -s $PUSH_WORK/$1.code ]]; }

# push_wait NAME: waits for the background push NAME; $out and $code as push_git.
# shellcheck disable=SC2034
push_wait() {
  if ! wait_for "$PUSH_TIMEOUT" push_done "$1"; then
    out="$(cat "$PUSH_WORK/$1.out" 2>/dev/null)"
    code=124
    return 0
  fi
  out="$(cat "$PUSH_WORK/$1.out")"
  code="$(cat "$PUSH_WORK/$1.code")"
}

# push_ssh COMMAND...: runs a berth command over ssh with the test's key; stdin
# comes from the caller; $out and $code as push_git.
# shellcheck disable=SC2034
push_ssh() {
  set +e
  out="$(timeout "$PUSH_TIMEOUT" "${PUSH_SSH[@]}" -- "$PUSH_REMOTE_HOST" "$@" 2>&1)"
  code=$?
  set -e
}

# push_json_query PYTHON_EXPR: reads JSON on stdin as `j` and prints the value of
# the expression: lists joined with commas, objects as sorted "key: value"
# lines, null as nothing.
push_json_query() {
  "$PUSH_PYTHON" -c '
import json, sys
j = json.load(sys.stdin)
x = eval(sys.argv[1], {"j": j})
if isinstance(x, list):
    print(",".join(str(i) for i in x))
elif isinstance(x, dict):
    print("\n".join("%s: %s" % (k, x[k]) for k in sorted(x)))
elif x is not None:
    print(x)
' "$1"
}

# push_release_field APP vN FIELD: a field of release vN in `releases APP
# --format json` (version, description, git_rev, slug_digest, builder,
# buildpacks, process_types, created_at); fails when there is no such release.
push_release_field() {
  local json
  json="$("$BERTH_BIN" releases "$1" --format json)" || return 1
  "$PUSH_PYTHON" -c '
import json, sys
v = int(sys.argv[1].lstrip("v"))
for r in json.loads(sys.argv[3]):
    if r["version"] == v:
        x = r.get(sys.argv[2])
        if isinstance(x, list):
            print(",".join(str(i) for i in x))
        elif isinstance(x, dict):
            print("\n".join("%s: %s" % (k, x[k]) for k in sorted(x)))
        elif x is not None:
            print(x)
        sys.exit(0)
sys.exit(3)
' "$2" "$3" "$json"
}

# push_release_count APP: how many releases APP has.
push_release_count() {
  "$BERTH_BIN" releases "$1" --format json | push_json_query 'len(j)'
}

# push_release_versions APP: the versions, newest first, space-separated.
push_release_versions() {
  "$BERTH_BIN" releases "$1" --format json | push_json_query '" ".join("v%d" % r["version"] for r in j)'
}

# push_no_leftovers: asserts that no build, release-command or run container, no
# runtime state or mount of one, and no deploy workspace is left once the pushes
# are done (an app's own process containers may run).
push_no_leftovers() {
  local left one_off='[.](build|release|run)[.]'
  left="$(find "$BERTH_ROOT/containers" -mindepth 1 -maxdepth 1 2>/dev/null | grep -cE "$one_off" || true)"
  assert_eq 0 "$left" "no build or one-off container directories are left"
  left="$(find "$BERTH_ROOT"/runtime/* -mindepth 1 -maxdepth 1 2>/dev/null | grep -cE "$one_off" || true)"
  assert_eq 0 "$left" "no runtime state of a build or one-off container is left"
  left="$(grep " $BERTH_ROOT/" /proc/self/mountinfo | grep -cE "$one_off| $BERTH_ROOT/tmp/" || true)"
  assert_eq 0 "$left" "no mounts of builds or one-off containers are left"
  left="$(find "$BERTH_ROOT/tmp" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)"
  assert_eq 0 "$left" "no deploy workspace is left in BERTH_ROOT/tmp"
}

# push_serve APP: starts the release's web process ($web of v1) with PORT=5123 inside
# one `berth run` container and prints what GET / answers (the container's
# own loopback; the run has no other network).
push_serve() {
  local app=$1 web
  web="$(push_release_field "$app" v1 process_types | sed -n 's/^web: //p')"
  # shellcheck disable=SC2016  # expanded by the container's shell
  run_berth run "$app" --env PORT=5123 sh -c '
    ( eval "$1" ) >/tmp/web.log 2>&1 &
    i=0
    while [ $i -lt 100 ]; do
      if python3 -c "import sys, urllib.request as u; sys.stdout.write(u.urlopen(\"http://127.0.0.1:5123/\", timeout=2).read().decode())" 2>/dev/null; then
        exit 0
      fi
      i=$((i + 1))
      sleep 0.1
    done
    echo "the web process did not answer; its output:"
    cat /tmp/web.log
    exit 1' sh "$web"
}

# push_sample APP DETECTED_LINE BUILDPACK_NAME WEB_COMMAND: pushes the sample app,
# checks the stream and the release v1 record; sets $rev (and $code, $out from
# push_serve: what the web process answered).
push_sample() {
  local app=$1 detected=$2 buildpack=$3 web=$4 started=$SECONDS
  push_make_repo "$app" "$PUSH_WORK/$app"
  rev="$(push_rev "$PUSH_WORK/$app")"
  push_app "$PUSH_WORK/$app" "$app"
  echo "pushed $app in $((SECONDS - started)) s"
  assert_eq 0 "$code" "$app: the push succeeds: $out"
  assert_contains "$out" "remote: -----> Receiving $app at ${rev:0:7}" "$app: the export step streams back"
  assert_contains "$out" "remote: -----> $detected" "$app: the buildpack's detection line"
  assert_contains "$out" "remote: -----> Compiled slug size: " "$app: the slug size is printed"
  assert_contains "$out" "remote: -----> Release v1 created: Deploy ${rev:0:7}" "$app: release v1 is created"
  assert_contains "$out" "* [new branch]      main -> main" "$app: git accepted the branch"
  assert_eq 1 "$(push_release_count "$app")" "$app: one release"
  assert_eq "$rev" "$(push_release_field "$app" v1 git_rev)" "$app: v1 records the pushed commit"
  assert_eq "$buildpack" "$(push_release_field "$app" v1 buildpacks)" "$app: v1 records the buildpack"
  assert_eq herokuish "$(push_release_field "$app" v1 builder)" "$app: v1 was built by herokuish"
  assert_contains "$(push_release_field "$app" v1 process_types)" "web: $web" "$app: v1's web process"
  assert_eq "Deploy ${rev:0:7}" "$(push_release_field "$app" v1 description)" "$app: v1's description"
  local digest
  digest="$(push_release_field "$app" v1 slug_digest)"
  if [[ $digest =~ ^[0-9a-f]{64}$ && -f $BERTH_ROOT/slugs/$digest.tar.zst ]]; then
    pass "$app: the slug is stored by its digest"
  else
    fail "$app: no slug $BERTH_ROOT/slugs/$digest.tar.zst"
  fi
  assert_eq "$rev" "$("$BERTH_BIN" run "$app" printenv GIT_REV)" "$app: GIT_REV is set in berth run"
  push_serve "$app"
  assert_eq 0 "$code" "$app: the web process answers on \$PORT: $out"
  assert_contains "$out" "hello from $app" "$app: the web process says hello"
}
