# What the push benchmarks (push-build.sh, push-to-live.sh) share: their own
# mount namespace and BERTH_ROOT (the host's network, since the nodejs app's
# first build needs the npm registry), git reaching berth the way sshd's forced
# command runs it (`berth ssh-dispatch`, GIT_SSH_COMMAND: ssh's own handshake is
# left out), the sample apps from tests/apps in git repositories, one-line
# changes, and medians. Everything is removed when the script exits.
# Source it; it defines functions only.
# shellcheck shell=bash

# pushb_init SCRIPT BERTH: checks, re-executes SCRIPT in a private mount
# namespace, makes BERTH_ROOT and PUSHB_WORK, builds (links) the default stack.
pushb_init() {
  local script=$1 tool
  PUSHB_BERTH="$(realpath "$2")"
  PUSHB_HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
  [[ $(id -u) -eq 0 ]] || { echo " !     needs root (builds run in containers)" >&2; exit 1; }
  for tool in git unshare python3 curl ssh-keygen; do
    command -v "$tool" >/dev/null || { echo " !     $tool is missing: run scripts/install-deps.sh" >&2; exit 1; }
  done
  if [[ -z "${BERTH_BENCH_IN_NS:-}" ]]; then
    BERTH_BENCH_IN_NS=1 exec unshare --mount --propagation private bash "$script" "$PUSHB_BERTH"
  fi
  BERTH_ROOT="$(mktemp -d /tmp/berth-bench.XXXXXX)"
  export BERTH_ROOT
  chmod 0755 "$BERTH_ROOT" # the proxy's workers reach its temp dirs
  export BERTH_STACK_CACHE="${BERTH_STACK_CACHE:-/var/cache/berth/stacks}"
  PUSHB_WORK="$BERTH_ROOT/bench"
  mkdir -p "$PUSHB_WORK"
  trap pushb_cleanup EXIT
  "$PUSHB_BERTH" stacks:build default >/dev/null
  # The pushes come from an admin key, as the quickstart's do (access control).
  local fingerprint
  ssh-keygen -q -t ed25519 -N '' -C bench@berth-bench -f "$PUSHB_WORK/key"
  BERTH_AUTHORIZED_KEYS="$PUSHB_WORK/authorized_keys" \
    "$PUSHB_BERTH" ssh-keys:add --admin bench "$PUSHB_WORK/key.pub" >/dev/null
  fingerprint="$(ssh-keygen -l -f "$PUSHB_WORK/key.pub" | awk '{ print $2 }')"
  cat >"$PUSHB_WORK/ssh" <<EOF
#!/bin/sh
shift
SSH_ORIGINAL_COMMAND="\$*" exec "$PUSHB_BERTH" --root "$BERTH_ROOT" ssh-dispatch --key bench --fingerprint $fingerprint
EOF
  chmod +x "$PUSHB_WORK/ssh"
  export GIT_SSH_COMMAND="$PUSHB_WORK/ssh"
}

pushb_cleanup() {
  local pid mnt
  "$PUSHB_BERTH" proxy:stop >/dev/null 2>&1 || true
  # The detached retirements the deploys scheduled (berth ps:retire-old in this
  # root): they would wake up later and write into a removed BERTH_ROOT.
  for pid in $(pgrep -f -- "--root $BERTH_ROOT ps:retire-old" || true); do kill "$pid" 2>/dev/null || true; done
  timeout 120 "$PUSHB_BERTH" ps:stop --all --stop-timeout 1 >/dev/null 2>&1 || true
  timeout 120 "$PUSHB_BERTH" ps:retire >/dev/null 2>&1 || true
  while read -r mnt; do
    umount -l "$mnt" 2>/dev/null || true
  done < <(awk -v root="$BERTH_ROOT/" 'index($5, root) == 1 { print $5 }' /proc/self/mountinfo | sort -r)
  rm -rf "$BERTH_ROOT"
}

# pushb_start_proxy TYPE HTTP_PORT HTTPS_PORT: berth's own proxy (nginx or
# haproxy) listening on those ports.
pushb_start_proxy() {
  "$PUSHB_BERTH" proxy:set --global "$1" >/dev/null
  "$PUSHB_BERTH" proxy:set --global http-port "$2" >/dev/null
  "$PUSHB_BERTH" proxy:set --global https-port "$3" >/dev/null
  "$PUSHB_BERTH" proxy:start >/dev/null
}

# pushb_app SAMPLE [APP]: tests/apps/SAMPLE as a git repository in
# PUSHB_WORK/APP (APP: SAMPLE unless given), pushed to the app of that name.
pushb_app() {
  local dir="$PUSHB_WORK/${2:-$1}"
  rm -rf "$dir"
  cp -r "$PUSHB_HERE/tests/apps/$1" "$dir"
  git -C "$dir" init -q -b main
  git -C "$dir" config user.name bench
  git -C "$dir" config user.email bench@localhost
  git -C "$dir" add -A
  git -C "$dir" commit -qm initial
}

# pushb_commit APP FILE LINE: appends LINE to FILE in the app and commits it.
pushb_commit() {
  (cd "$PUSHB_WORK/$1" && echo "$3" >>"$2" && git add -A && git commit -qm "bench change")
}

# pushb_push APP LOG: git push to APP (main), its output in LOG, each line
# prefixed with the milliseconds since the push started. Fails with the log.
# The stamps come from bash's clock, not a process per line: on two cores the
# harness would otherwise take CPU from the push it times.
pushb_push() {
  local start line now
  pushb_now_ms_var start
  (cd "$PUSHB_WORK/$1" && git push -q berth@host:"$1" HEAD:main 2>&1) | while IFS= read -r line; do
    pushb_now_ms_var now
    printf '%6d %s\n' $((now - start)) "$line"
  done >"$2" || { echo " !     push of $1 failed:" >&2; cat "$2" >&2; exit 1; }
}

# pushb_now_ms_var VAR: VAR=the wall clock in milliseconds (no subshell). Its
# local has a name no caller uses: `printf -v` sets the innermost variable of
# that name, so a caller's VAR called like the local would stay unset.
pushb_now_ms_var() {
  local pushb_usec=${EPOCHREALTIME//[!0-9]/}
  printf -v "$1" '%d' $((pushb_usec / 1000))
}
pushb_now_ms() {
  local now
  pushb_now_ms_var now
  echo "$now"
}
pushb_median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
