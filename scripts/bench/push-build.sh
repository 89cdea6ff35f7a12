#!/usr/bin/env bash
# Push to release: for the nodejs and static sample apps (tests/apps), the
# median wall time of `git push` until "Release vN created" for
#   cold  - the app's build cache emptied first (repo:purge-cache),
#   warm  - a re-push with a one-line change and the cache kept,
# and, measured in the same runs, the time spent inside the buildpacks'
# bin/compile (the builder records it). berth's overhead = total - compile.
# Goals: nodejs warm <= 1/3 of cold; overhead <= 1.5 s. For nodejs, a third case
# (npmrun) is the warm re-push with NPM_RUN_WITH_NPM=true, the build script run by
# npm itself instead of the buildpack's runner, as a baseline in the same run.
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
# shellcheck source=scripts/bench/lib/push-bench.sh
source "$here/scripts/bench/lib/push-bench.sh"
runs="${RUNS:-5}"
((runs >= 1 && runs <= 50)) || { echo " !     RUNS must be 1..50" >&2; exit 1; }
pushb_init "${BASH_SOURCE[0]}" "${1:-$here/build/bin/berth}"
berth=$PUSHB_BERTH
work=$PUSHB_WORK

# push APP: one commit with a changed line, pushed; prints "TOTAL_MS COMPILE_MS".
push() {
  local app=$1 log="$work/$1.log" start end compile
  pushb_commit "$app" bench-change.txt "// bench $(pushb_now_ms)"
  pushb_now_ms_var start
  pushb_push "$app" "$log"
  pushb_now_ms_var end
  compile=$(sed -n 's/.*Buildpacks compiled in \([0-9]*\) ms.*/\1/p' "$log" | tail -n 1)
  echo "$((end - start)) ${compile:-0}"
}

report() {
  local app=$1 kind=$2 file=$3
  local total compile
  total=$(cut -d' ' -f1 "$file" | pushb_median)
  compile=$(cut -d' ' -f2 "$file" | pushb_median)
  overhead=$(awk '{ print $1 - $2 }' "$file" | pushb_median)
  printf '%-8s %-6s total %7.0f ms   compile %7.0f ms   berth overhead %6.0f ms\n' \
    "$app" "$kind" "$total" "$compile" "$overhead"
  eval "${app}_${kind}=$total"
}

echo "-----> push-build: $runs pushes per case ($(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg))"
for app in nodejs static; do
  pushb_app "$app"
  "$berth" apps:create "$app" >/dev/null
  "$berth" ps:scale "$app" web=0 >/dev/null
  push "$app" >/dev/null  # the first build is not counted
  : >"$work/$app.cold"
  : >"$work/$app.warm"
  : >"$work/$app.npmrun"
  for ((i = 0; i < runs; i++)); do
    "$berth" repo:purge-cache "$app" >/dev/null
    push "$app" >>"$work/$app.cold"
    push "$app" >>"$work/$app.warm"
    if [[ "$app" == nodejs ]]; then
      # The same warm re-push with the build script run by `npm run` itself (the
      # buildpack's escape hatch): what the buildpack's own script runner saves.
      "$berth" config:set --no-restart nodejs NPM_RUN_WITH_NPM=true >/dev/null
      push nodejs >>"$work/nodejs.npmrun"
      "$berth" config:unset --no-restart nodejs NPM_RUN_WITH_NPM >/dev/null
    fi
  done
  report "$app" cold "$work/$app.cold"
  report "$app" warm "$work/$app.warm"
  if [[ "$app" == nodejs ]]; then
    report nodejs npmrun "$work/nodejs.npmrun"
  fi
done
# shellcheck disable=SC2154  # set by report through eval
awk -v c="$nodejs_cold" -v w="$nodejs_warm" -v n="$nodejs_npmrun" 'BEGIN {
  printf "nodejs warm/cold: %.2f (goal <= 0.33); with NPM_RUN_WITH_NPM=true: %.2f\n", w / c, n / c }'
