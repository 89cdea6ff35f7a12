#!/usr/bin/env bash
# Single quotes hold text for the container's shell, unexpanded here.
# shellcheck disable=SC2016
# `git push` of the nodejs sample app over a real sshd: npm ci installs `ms`
# from the npm registry, the build script runs, .slugignore leaves docs/ out,
# `berth run` can require('ms') with NODE_ENV=production from .profile.d, and
# the web process answers on $PORT; a warm re-push with a one-line change
# restores node_modules from the build cache instead of running npm ci.
# The build needs the npm registry, so this test shares the host's network.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=tests/lib/assert.sh
source "$here/../lib/assert.sh"
# shellcheck source=tests/lib/push.sh
source "$here/../lib/push.sh"
PUSH_HOST_NETWORK=1
push_test_setup

# --- nodejs: npm ci from the registry, the build script, .slugignore -----------
push_sample nodejs "Node.js app detected" "Node.js" "npm start"
assert_contains "$out" "GIT_REV=$rev" "nodejs: the server sees GIT_REV"
assert_contains "$out" "NODE_ENV=production" "nodejs: .profile.d sets NODE_ENV"
nodejs_v1_out="$("$BERTH_BIN" builds:output nodejs)"
assert_contains "$nodejs_v1_out" "Installing dependencies (npm ci" "nodejs: dependencies installed with npm ci"
assert_contains "$nodejs_v1_out" "wrote build-info.json" "nodejs: the build script ran"
run_berth run nodejs node -e "process.stdout.write(require('ms')(60000, {long: true}))"
assert_eq 0 "$code" "nodejs: require('ms') works in the release: $out"
assert_eq "1 minute" "$out" "nodejs: ms is the installed package"
run_berth run nodejs test -f /app/build-info.json
assert_eq 0 "$code" "nodejs: build-info.json from the build script is in the slug"
run_berth run nodejs test -e /app/docs
assert_eq 1 "$code" "nodejs: docs/ is left out of the slug (.slugignore)"
run_berth run nodejs sh -c 'echo "$NODE_ENV $PATH"'
assert_contains "$out" "production /app/node_modules/.bin:" "nodejs: .profile.d/nodejs.sh is sourced"
# A one-line change: the build cache restores node_modules, npm ci does not run.
echo "// a one-line change" >>"$PUSH_WORK/nodejs/server.js"
push_commit "$PUSH_WORK/nodejs" "one-line change"
rev2="$(push_rev "$PUSH_WORK/nodejs")"
started=$SECONDS
push_app "$PUSH_WORK/nodejs" nodejs
echo "re-pushed nodejs in $((SECONDS - started)) s"
assert_eq 0 "$code" "nodejs: the warm re-push succeeds: $out"
assert_contains "$out" "Restoring node_modules from the cache" "nodejs: node_modules comes from the build cache"
assert_not_contains "$out" "Installing dependencies" "nodejs: npm ci does not run again"
assert_contains "$out" "Release v2 created: Deploy ${rev2:0:7}" "nodejs: the re-push makes v2"
assert_eq "$rev2" "$(push_release_field nodejs v2 git_rev)" "nodejs: v2 records the new commit"
assert_eq "$rev" "$(push_release_field nodejs v1 git_rev)" "nodejs: v1 is unchanged"
run_berth run nodejs sh -c 'tail -n 1 server.js; node -e "require(\"ms\")" && echo ms-ok'
assert_contains "$out" "// a one-line change" "nodejs: berth run uses the newest release"
assert_contains "$out" "ms-ok" "nodejs: ms is still installed in v2"

assert_eq "$rev2" "$(git --git-dir "$BERTH_ROOT/repos/nodejs.git" rev-parse main)" \
  "nodejs: the app's repo has the pushed branch"
push_no_leftovers
finish
