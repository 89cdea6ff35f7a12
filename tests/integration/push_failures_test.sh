#!/usr/bin/env bash
# A push whose build fails is rejected: git push exits non-zero and shows the
# buildpack's error with the line at fault; the release that ran before stays
# the newest and still runs; the app's build cache is untouched; the branch in
# the app's repo does not move; the failed build is listed with its log.
# Procfile errors (duplicate type, malformed line, bad type name), an invalid
# app.json, an app no buildpack accepts, a failing release command and a
# pre-receive-app veto all reject the push the same way.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=tests/lib/assert.sh
source "$here/../lib/assert.sh"
# shellcheck source=tests/lib/push.sh
source "$here/../lib/push.sh"
push_test_setup

repo="$PUSH_WORK/demo"

# cache_state: every file of the app's build cache with its checksum.
cache_state() {
  (cd "$BERTH_ROOT/cache/demo" && find . -type f -print0 | sort -z | xargs -0r sha256sum)
}

# rejected WHAT NEEDLE...: the last push ($out, $code) was rejected with every NEEDLE
# in its output, and nothing changed: still v1 only, main still at $good_rev.
rejected() {
  local what=$1 needle
  shift
  assert_eq 1 "$((code != 0))" "$what: git push fails (exit $code)"
  assert_contains "$out" "[remote rejected] main -> main (pre-receive hook declined)" \
    "$what: git reports the push as rejected"
  for needle in "$@"; do assert_contains "$out" "$needle" "$what: the output says why"; done
  assert_contains "$out" "Deploy of demo failed; the previous release is unchanged" \
    "$what: the output says the release is unchanged"
  assert_not_contains "$out" "Release v2" "$what: no release is created"
  assert_eq v1 "$(push_release_versions demo)" "$what: v1 is still the only release"
  assert_eq "$good_rev" "$(git --git-dir "$BERTH_ROOT/repos/demo.git" rev-parse main)" \
    "$what: the app's main branch did not move"
}

# --- a good release first (the python sample: it builds offline) ---------------
push_make_repo python "$repo"
good_rev="$(push_rev "$repo")"
push_app "$repo" demo
assert_eq 0 "$code" "the first push (python sample) succeeds: $out"
assert_contains "$out" "Release v1 created" "v1 is created"
good_digest="$(push_release_field demo v1 slug_digest)"
before_cache="$(cache_state)"
assert_contains "$before_cache" "./python/" "the build cache holds the virtualenv"

# --- the failing-build sample: invalid package.json at line 4 -------------------
git -C "$repo" rm -q -r .
cp -a "$PUSH_APPS/failing-build/." "$repo/"
push_commit "$repo" "broken package.json"
push_app "$repo" demo
rejected "failing build" "remote:  !     package.json is not valid JSON at line 4" \
  "Build failed: Node.js's bin/compile exited with code 1"
assert_eq "$before_cache" "$(cache_state)" "failing build: the build cache is intact"
assert_eq "$good_digest" "$(push_release_field demo v1 slug_digest)" "failing build: v1 keeps its slug"
run_berth run demo python3 -c "from berth_sample_greeting import greet; print(greet('v1'))"
assert_eq 0 "$code" "failing build: v1 still runs: $out"
assert_eq "hello from v1" "$out" "failing build: v1's virtualenv is intact"
run_berth run demo printenv GIT_REV
assert_eq "$good_rev" "$out" "failing build: berth run still runs the good commit"
run_berth builds:list demo
assert_eq 0 "$code" "builds:list works"
assert_contains "$out" "failed  $(push_rev "$repo" | cut -c1-7)" "builds:list shows the failed build"
assert_contains "$out" "succeeded  ${good_rev:0:7}" "builds:list shows the good build"
run_berth builds:output demo
assert_contains "$out" "package.json is not valid JSON at line 4" "builds:output has the failed build's log"
echo "waiting for leftovers of the failed build"
push_no_leftovers

# Each case below: a commit on top of the good one (the rejected one is dropped).
# case_push WHAT: commits the work tree and pushes; the repo goes back to good_rev after.
case_push() {
  push_commit "$repo" "$1"
  push_app "$repo" demo main --force
}
reset_repo() {
  git -C "$repo" reset -q --hard "$good_rev"
  git -C "$repo" clean -q -fdx
}
reset_repo

# --- Procfile errors: line numbers ---------------------------------------------
printf '# processes\nweb: python3 app.py\nworker: python3 worker.py\nweb: python3 other.py\n' >"$repo/Procfile"
case_push "duplicate type"
rejected "duplicate Procfile type" "Procfile line 4: 'web' is defined twice"
reset_repo

printf 'web: python3 app.py\n\nthis line has no colon\n' >"$repo/Procfile"
case_push "malformed Procfile"
rejected "malformed Procfile line" "Procfile line 3: expected 'type: command'"
reset_repo

printf 'web: python3 app.py\nweb.1: python3 x.py\n' >"$repo/Procfile"
case_push "bad process type"
rejected "invalid process type" "Procfile line 2: invalid process type"
reset_repo

# --- app.json: the position of the error ---------------------------------------
printf '{\n  "name": "demo",\n  "scripts": {\n    "dokku": { "predeploy": "true", }\n  }\n}\n' >"$repo/app.json"
case_push "invalid app.json"
rejected "invalid app.json" "app.json is not valid JSON at line 4, column "
reset_repo

# --- a git submodule: reported as unsupported ----------------------------------------
git -C "$repo" update-index --add --cacheinfo "160000,$good_rev,vendor/lib"
printf '[submodule "vendor/lib"]\n\tpath = vendor/lib\n\turl = https://example.invalid/lib.git\n' >"$repo/.gitmodules"
git -C "$repo" add .gitmodules
git -C "$repo" commit -q -m "a submodule"
push_app "$repo" demo main --force
rejected "a submodule" "'vendor/lib' is a git submodule, and berth does not fetch submodules"
reset_repo

# --- a release command that fails: no release -----------------------------------
printf 'web: python3 app.py\nrelease: echo migrating; exit 3\n' >"$repo/Procfile"
case_push "failing release command"
rejected "failing release command" "migrating" "The release command exited with code 3"
reset_repo

# --- a pre-receive-app veto -----------------------------------------------------
plugin="$BERTH_ROOT/plugins/enabled/needs-license"
mkdir -p "$plugin"
cat >"$plugin/pre-receive-app" <<'EOF'
#!/usr/bin/env bash
# APP SOURCE_TYPE SOURCE_DIR REV
echo "$1 $2 $4" >>"$(dirname "$0")/calls"
[[ -f "$3/LICENSE" ]] || { echo "add a LICENSE file first" >&2; exit 1; }
EOF
chmod 0755 "$plugin/pre-receive-app"
echo "# change" >>"$repo/app.py"
case_push "no license"
veto_rev="$(push_rev "$repo")"
rejected "pre-receive-app veto" "add a LICENSE file first"
assert_eq "demo git $veto_rev" "$(cat "$plugin/calls" 2>/dev/null)" \
  "the veto plugin got APP, the source type and the pushed commit"
reset_repo
echo MIT >"$repo/LICENSE"
case_push "with a license"
assert_eq 0 "$code" "with a LICENSE the plugin lets the push through: $out"
assert_contains "$out" "Release v2 created" "the push after the veto makes v2"
rm -rf "$plugin"
reset_repo

# --- no buildpack accepts the app ------------------------------------------------
v2_rev="$(git --git-dir "$BERTH_ROOT/repos/demo.git" rev-parse main)"
git -C "$repo" rm -q -r .
echo "just words" >"$repo/README.txt"
case_push "nothing to build"
assert_eq 1 "$((code != 0))" "an app no buildpack detects: the push fails"
assert_contains "$out" "Unable to select a buildpack" "an app no buildpack detects: the output says so"
assert_eq "v2 v1" "$(push_release_versions demo)" "an app no buildpack detects: no release"
assert_eq "$v2_rev" "$(git --git-dir "$BERTH_ROOT/repos/demo.git" rev-parse main)" \
  "an app no buildpack detects: main did not move"

run_berth run demo python3 -c "import berth_sample_greeting; print('still runs')"
assert_eq "still runs" "$out" "after all the rejected pushes the last release still runs"
push_no_leftovers
finish
