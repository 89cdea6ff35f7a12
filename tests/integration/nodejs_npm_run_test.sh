#!/usr/bin/env bash
# The nodejs buildpack's script runner (buildpacks/nodejs/lib/npm-run.sh) does
# what the default stack's `npm run` does: same output, banner, environment,
# pre/post scripts, exit status; an .npmrc or NPM_RUN_WITH_NPM=true hands the
# scripts to npm itself. Runs in the cached default stack's rootfs (chroot),
# with a private tmpfs on its /tmp so that the shared cache is not written.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=tests/lib/assert.sh
source "$here/../lib/assert.sh"
[[ $(id -u) -eq 0 ]] || { echo "skip: needs root (chroot)"; exit 77; }
rootfs="$(find "${BERTH_STACK_CACHE:-/var/cache/berth/stacks}/default" -mindepth 2 -maxdepth 2 \
  -name rootfs -type d 2>/dev/null | head -n 1)"
[[ -n "$rootfs" && -x "$rootfs/usr/bin/npm" ]] || { echo "skip: no cached default stack with npm"; exit 77; }

if [[ -z "${NPM_RUN_TEST_IN_NS:-}" ]]; then
  NPM_RUN_TEST_IN_NS=1 exec unshare --mount --propagation private bash "${BASH_SOURCE[0]}"
fi
mount -t tmpfs tmpfs "$rootfs/tmp"
mkdir -p "$rootfs/tmp/app" "$rootfs/tmp/bp"
cp -r "$here/../../buildpacks/nodejs/." "$rootfs/tmp/bp/"
cat >"$rootfs/tmp/app/package.json" <<'EOF'
{"name": "runner-app", "version": "1.2.3", "config": {"port": "8080"},
 "engines": {"node": ">=18"}, "bin": {"runner": "bin.js"},
 "scripts": {
   "prebuild": "  echo pre $npm_lifecycle_event",
   "build": "env | grep -v -e ^OLDPWD= -e ^_= -e ^SHLVL= | sort\n# a second line",
   "postbuild": "echo post; exit 3",
   "preinstall": "echo only the preinstall", "prepreinstall": "echo not this one"}}
EOF
cat >"$rootfs/tmp/run.sh" <<'EOF'
set -euo pipefail
build_dir=/tmp/app npm_dir=/usr/share/nodejs/npm
cd "$build_dir"
declare -A scripts=()
pkg_env=()
eval "$(node /tmp/bp/lib/package.js facts "$build_dir/package.json" "$npm_dir")"
source /tmp/bp/lib/npm-run.sh
npm_run "$@"
EOF
in_stack() {
  code=0
  out="$(cd / && chroot "$rootfs" env -i PATH=/usr/bin:/bin HOME=/tmp npm_config_cache=/tmp/npm \
    npm_config_update_notifier=false npm_config_loglevel=warn NPM_CONFIG_REGISTRY=http://registry.invalid/ \
    "$@" 2>&1)" || code=$?
}

in_stack sh -c 'cd /tmp/app && npm run build'
npm_out="$out" npm_code=$code
in_stack bash /tmp/run.sh build
assert_eq "$npm_code" "$code" "the runner exits with the failing script's status, as npm does"
assert_eq 3 "$code" "postbuild's exit 3 is the status"
assert_eq "$npm_out" "$out" "the runner's output and the scripts' environment are npm run's"
assert_contains "$out" "npm_lifecycle_event=build" "npm_lifecycle_event is set"
assert_contains "$out" "npm_package_name=runner-app" "npm_package_name is set"
assert_contains "$out" "PATH=/tmp/app/node_modules/.bin:" "node_modules/.bin comes first on PATH"
assert_contains "$out" "pre prebuild" "the pre script runs"

in_stack bash /tmp/run.sh preinstall --only
assert_eq 0 "$code" "an install hook runs: $out"
assert_contains "$out" "only the preinstall" "--only runs the hook"
assert_not_contains "$out" "not this one" "--only runs no pre script, as npm ci does"

in_stack NPM_RUN_WITH_NPM=true bash /tmp/run.sh preinstall --only
assert_contains "$out" "running the script with npm: NPM_RUN_WITH_NPM is set" "NPM_RUN_WITH_NPM hands the script to npm"
assert_contains "$out" "not this one" "npm run runs the pre script too"
in_stack Npm_Config_Foo=bar bash /tmp/run.sh preinstall --only
assert_contains "$out" "running the script with npm: Npm_Config_Foo is set" \
  "an npm setting in the environment, in any case, hands the script to npm"
in_stack NPM_CONFIG_REGISTRY=http://other.invalid/ bash /tmp/run.sh preinstall --only
assert_not_contains "$out" "running the script with npm" "a registry setting does not"
touch "$rootfs/tmp/app/.npmrc"
in_stack bash /tmp/run.sh build
assert_contains "$out" "running the script with npm: /tmp/app/.npmrc exists" "an .npmrc hands the script to npm"
assert_eq 3 "$code" "npm's exit status is kept"
finish
