#!/usr/bin/env bash
# Push to release: for the nodejs and static sample apps (tests/apps), the
# median wall time of `git push` until "Release vN created" for
#   cold  - the app's build cache emptied first (repo:purge-cache),
#   warm  - a re-push with a one-line change and the cache kept,
# and, measured in the same runs, the time spent inside the buildpacks'
# bin/compile (the builder records it). berth's overhead = total - compile.
# Goals: nodejs warm <= 1/3 of cold; overhead <= 1.5 s.
#
#   sudo scripts/bench/push-build.sh [path/to/berth]
#
# A push also deploys the release; here the apps are scaled to web=0, so the
# figures are the build's, not the containers' start and health checks.
#
# RUNS (default 5) pushes per case. git reaches berth the way sshd would run
# it, as the forced command `berth ssh-dispatch` (GIT_SSH_COMMAND), so the
# figures leave out ssh's own handshake (tens of milliseconds on loopback).
# Uses its own BERTH_ROOT inside its own mount namespace; the default stack
# comes from BERTH_STACK_CACHE (default /var/cache/berth/stacks). nodejs needs
# the npm registry.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
berth="$(realpath "${1:-$here/build/bin/berth}")"
runs="${RUNS:-5}"
((runs >= 1 && runs <= 50)) || { echo " !     RUNS must be 1..50" >&2; exit 1; }
[[ $(id -u) -eq 0 ]] || { echo " !     needs root (builds run in containers)" >&2; exit 1; }
for tool in git unshare python3; do
  command -v "$tool" >/dev/null || { echo " !     $tool is missing: run scripts/install-deps.sh" >&2; exit 1; }
done
if [[ -z "${BERTH_BENCH_IN_NS:-}" ]]; then
  BERTH_BENCH_IN_NS=1 exec unshare --mount --propagation private bash "${BASH_SOURCE[0]}" "$berth"
fi

BERTH_ROOT="$(mktemp -d /tmp/berth-bench.XXXXXX)"
export BERTH_ROOT
export BERTH_STACK_CACHE="${BERTH_STACK_CACHE:-/var/cache/berth/stacks}"
work="$BERTH_ROOT/bench"
cleanup() {
  "$berth" ps:retire >/dev/null 2>&1 || true
  rm -rf "$BERTH_ROOT"
}
trap cleanup EXIT
mkdir -p "$work"
"$berth" stacks:build default >/dev/null

# The forced command sshd would run, with the words git asks for.
cat >"$work/ssh" <<EOF
#!/bin/sh
shift
SSH_ORIGINAL_COMMAND="\$*" exec "$berth" --root "$BERTH_ROOT" ssh-dispatch --key bench
EOF
chmod +x "$work/ssh"
export GIT_SSH_COMMAND="$work/ssh"

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
now_ms() { date +%s%3N; }

# push APP: one commit with a changed line, pushed; prints "TOTAL_MS COMPILE_MS".
push() {
  local app=$1 log="$work/$1.log" start end compile
  (cd "$work/$app" && echo "// bench $(now_ms)" >>bench-change.txt && git add -A &&
    git commit -qm "bench change" && start=$(now_ms) &&
    git push -q berth@host:"$app" HEAD:main >"$log" 2>&1 && end=$(now_ms) &&
    compile=$(sed -n 's/.*Buildpacks compiled in \([0-9]*\) ms.*/\1/p' "$log" | tail -n 1) &&
    echo "$((end - start)) ${compile:-0}") || { echo " !     push of $app failed:" >&2; cat "$log" >&2; exit 1; }
}

report() {
  local app=$1 kind=$2 file=$3
  local total compile
  total=$(cut -d' ' -f1 "$file" | median)
  compile=$(cut -d' ' -f2 "$file" | median)
  overhead=$(awk '{ print $1 - $2 }' "$file" | median)
  printf '%-8s %-5s total %7.0f ms   compile %7.0f ms   berth overhead %6.0f ms\n' \
    "$app" "$kind" "$total" "$compile" "$overhead"
  eval "${app}_${kind}=$total"
}

echo "-----> push-build: $runs pushes per case ($(nproc) cores)"
for app in nodejs static; do
  rm -rf "${work:?}/$app"
  cp -r "$here/tests/apps/$app" "$work/$app"
  (cd "$work/$app" && git init -q -b main && git add -A && git -c user.name=bench \
    -c user.email=bench@localhost commit -qm initial)
  git -C "$work/$app" config user.name bench
  git -C "$work/$app" config user.email bench@localhost
  "$berth" apps:create "$app" >/dev/null
  "$berth" ps:scale "$app" web=0 >/dev/null
  push "$app" >/dev/null  # the first build is not counted
  : >"$work/$app.cold"
  : >"$work/$app.warm"
  for ((i = 0; i < runs; i++)); do
    "$berth" repo:purge-cache "$app" >/dev/null
    push "$app" >>"$work/$app.cold"
    push "$app" >>"$work/$app.warm"
  done
  report "$app" cold "$work/$app.cold"
  report "$app" warm "$work/$app.warm"
done
# shellcheck disable=SC2154  # set by report through eval
awk -v c="$nodejs_cold" -v w="$nodejs_warm" 'BEGIN { printf "nodejs warm/cold: %.2f (goal <= 0.33)\n", w / c }'
