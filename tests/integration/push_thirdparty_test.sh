#!/usr/bin/env bash
# Single quotes hold text for the container's shell, unexpanded here.
# shellcheck disable=SC2016
# A third-party buildpack written for Heroku's classic API
# (tests/fixtures/buildpacks/hello), served from a local bare git repo, builds a
# pushed app unchanged: chosen by the BUILDPACK_URL config var, by a .buildpacks
# file and by buildpacks:add, in that order of precedence. Asserted: its compile
# output streams back, it reads config vars from ENV_DIR, its build cache
# survives between builds, its `export` reaches the next buildpack, its
# .profile.d script runs at process start, its release config_vars become
# defaults the app's config overrides, its default_process_types are recorded;
# URL#tag builds the tagged version; a plain directory and a tarball work too.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=tests/lib/assert.sh
source "$here/../lib/assert.sh"
# shellcheck source=tests/lib/push.sh
source "$here/../lib/push.sh"
push_test_setup

hello_src="$PUSH_FIXTURES/buildpacks/hello"
hello_web='python3 -m http.server $PORT --bind 0.0.0.0 --directory hello-public'

# --- the buildpack as a git repo: tag v1, then a v2 commit on main --------------
bp_work="$PUSH_WORK/hello-buildpack"
bp_repo="$PUSH_WORK/hello-buildpack.git"
push_make_repo "$hello_src" "$bp_work" "hello buildpack"
git -C "$bp_work" tag -a v1 -m "v1"
sed -i 's/^echo "-----> Saying hello"$/echo "-----> Saying hello (v2)"/' "$bp_work/bin/compile"
grep -q 'Saying hello (v2)' "$bp_work/bin/compile" || fail "could not make the v2 buildpack"
push_commit "$bp_work" "v2: says so"
git clone -q --bare "$bp_work" "$bp_repo"

# A second buildpack that runs after hello: shows what hello's `export` gave it.
after="$PUSH_WORK/after-buildpack"
mkdir -p "$after/bin"
cat >"$after/bin/compile" <<'EOF'
#!/bin/sh
echo "-----> After: HELLO_GREETING=${HELLO_GREETING:-unset}"
echo "${HELLO_GREETING:-unset}" >"$1/after.txt"
EOF
printf '#!/bin/sh\necho After\n' >"$after/bin/detect"
chmod 0755 "$after/bin/compile" "$after/bin/detect"

# --- BUILDPACK_URL=<bare repo> ---------------------------------------------------
repo="$PUSH_WORK/tp"
mkdir -p "$repo"
echo "an app built by a third-party buildpack" >"$repo/README.txt"
git -C "$repo" init -q -b main
push_commit "$repo" "first"
rev="$(push_rev "$repo")"
"$BERTH_BIN" apps:create tp >/dev/null
run_berth config:set --no-restart tp "BUILDPACK_URL=$bp_repo" "GREETING=hi there, it's me"
assert_eq 0 "$code" "config:set BUILDPACK_URL and GREETING: $out"
push_app "$repo" tp
assert_eq 0 "$code" "the push with BUILDPACK_URL=<git repo> succeeds: $out"
assert_contains "$out" "remote: -----> Fetching buildpack $bp_repo" "the buildpack is fetched"
assert_contains "$out" "remote: -----> Hello app detected" "the buildpack is named by its bin/detect"
assert_contains "$out" "remote: -----> Saying hello (v2)" "the default branch's version runs"
assert_contains "$out" "Using GREETING from the app's config" "compile reads GREETING from ENV_DIR"
assert_contains "$out" "This is build number 1 of this app" "the first build starts with an empty cache"
assert_contains "$out" "Default types for buildpack -> web" "the default web process is announced"
assert_contains "$out" "Release v1 created: Deploy ${rev:0:7}" "v1 is created"
assert_eq Hello "$(push_release_field tp v1 buildpacks)" "v1 records the buildpack"
assert_eq "web: $hello_web" "$(push_release_field tp v1 process_types)" \
  "v1 records the buildpack's default_process_types"
assert_eq "hi there, it's me|build 1 of revision $rev" \
  "$("$BERTH_BIN" run tp cat hello-public/index.html | paste -sd'|')" "the built page is in the release"
assert_eq yes "$("$BERTH_BIN" run tp printenv HELLO_PROFILE_LOADED)" "its .profile.d script runs"
assert_eq yes "$("$BERTH_BIN" run tp printenv HELLO_BUILDPACK)" "its release config_vars are set"
run_berth run tp sh -c '
  python3 -m http.server 5124 --bind 127.0.0.1 --directory hello-public >/dev/null 2>&1 &
  for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
    python3 -c "import sys, urllib.request as u; sys.stdout.write(u.urlopen(\"http://127.0.0.1:5124/\").read().decode())" 2>/dev/null && exit 0
    sleep 0.2
  done
  exit 1'
assert_contains "$out" "hi there, it's me" "the page is served from hello-public"

# The app's own value wins over the buildpack's config_vars default.
run_berth config:set --no-restart tp HELLO_BUILDPACK=overridden
assert_eq 0 "$code" "config:set HELLO_BUILDPACK: $out"
assert_eq overridden "$("$BERTH_BIN" run tp printenv HELLO_BUILDPACK)" \
  "the app's config var overrides the buildpack's config_vars default"
run_berth config:unset --no-restart tp HELLO_BUILDPACK
assert_eq 0 "$code" "config:unset HELLO_BUILDPACK: $out"

# The cache survives: build 2; GREETING changed.
run_berth config:set --no-restart tp "GREETING=second greeting"
assert_eq 0 "$code" "config:set --no-restart tp GREETING=second greeting: $out"
push_commit "$repo" "second"
rev2="$(push_rev "$repo")"
push_app "$repo" tp
assert_eq 0 "$code" "the second push succeeds: $out"
assert_contains "$out" "This is build number 2 of this app" "the build cache survived"
assert_eq "second greeting|build 2 of revision $rev2" \
  "$("$BERTH_BIN" run tp cat hello-public/index.html | paste -sd'|')" "v2 has the new greeting"

# --- URL#tag: the tagged version -------------------------------------------------
run_berth config:set --no-restart tp "BUILDPACK_URL=$bp_repo#v1"
assert_eq 0 "$code" "config:set --no-restart tp BUILDPACK_URL=\$bp_repo#v1: $out"
push_commit "$repo" "third"
push_app "$repo" tp
assert_eq 0 "$code" "the push with BUILDPACK_URL=<repo>#v1 succeeds: $out"
assert_contains "$out" "Fetching buildpack $bp_repo#v1" "the ref is shown"
assert_contains "$out" "remote: -----> Saying hello" "the tagged buildpack runs"
assert_not_contains "$out" "Saying hello (v2)" "the tag's version runs, not main's"
assert_contains "$out" "This is build number 3 of this app" "the cache is the app's, whatever the buildpack ref"
run_berth config:set --no-restart tp "BUILDPACK_URL=$bp_repo#no-such-tag"
assert_eq 0 "$code" "config:set --no-restart tp BUILDPACK_URL=\$bp_repo#no-such-tag: $out"
push_commit "$repo" "fourth"
push_app "$repo" tp
assert_eq 1 "$((code != 0))" "a missing #ref fails the push"
assert_contains "$out" "no-such-tag" "the missing ref is named"
assert_eq "v3 v2 v1" "$(push_release_versions tp)" "no release from the failed push"

# --- .buildpacks: several buildpacks in order, export chaining ---------------------
run_berth config:unset --no-restart tp BUILDPACK_URL
assert_eq 0 "$code" "config:unset BUILDPACK_URL: $out"
printf '# built by two buildpacks\n%s\n%s\n' "file://$bp_repo#v1" "$after" >"$repo/.buildpacks"
push_commit "$repo" "with .buildpacks"
rev5="$(push_rev "$repo")"
push_app "$repo" tp
assert_eq 0 "$code" "the push with a .buildpacks file succeeds: $out"
assert_contains "$out" "remote: -----> Hello app detected" "the first buildpack of .buildpacks runs"
assert_contains "$out" "remote: -----> After app detected" "the second buildpack of .buildpacks runs"
assert_contains "$out" "remote: -----> After: HELLO_GREETING=second greeting" \
  "hello's export reaches the next buildpack"
assert_contains "$out" "Release v4 created: Deploy ${rev5:0:7}" "v4 is created"
assert_eq "Hello,After" "$(push_release_field tp v4 buildpacks)" "v4 records both buildpacks in order"
assert_eq "" "$(push_release_field tp v4 process_types)" \
  "the last buildpack (no bin/release) gives no process types"
assert_eq "second greeting" "$("$BERTH_BIN" run tp cat after.txt)" "the second buildpack's file is in the slug"
# BUILDPACK_URL wins over .buildpacks.
run_berth config:set --no-restart tp "BUILDPACK_URL=$hello_src"
assert_eq 0 "$code" "config:set --no-restart tp BUILDPACK_URL=\$hello_src: $out"
push_commit "$repo" "BUILDPACK_URL over .buildpacks"
push_app "$repo" tp
assert_eq 0 "$code" "BUILDPACK_URL=<a plain directory> works: $out"
assert_not_contains "$out" "After app detected" "BUILDPACK_URL wins over .buildpacks"
assert_eq Hello "$(push_release_field tp v5 buildpacks)" "v5 was built by hello alone"
run_berth config:unset --no-restart tp BUILDPACK_URL
assert_eq 0 "$code" "config:unset --no-restart tp BUILDPACK_URL: $out"

# --- buildpacks:add / list / remove / clear ---------------------------------------
git -C "$repo" rm -q .buildpacks
echo "web: python3 -m http.server \$PORT --directory hello-public" >"$repo/Procfile"
push_commit "$repo" "no .buildpacks, a Procfile"
run_berth buildpacks:add tp "$after"
assert_eq 0 "$code" "buildpacks:add <after>: $out"
run_berth buildpacks:add tp "$bp_repo#v1" --index 1
assert_eq 0 "$code" "buildpacks:add <hello>#v1 --index 1: $out"
run_berth buildpacks:add tp "$after"
assert_eq 1 "$((code != 0))" "adding the same buildpack twice fails"
run_berth buildpacks:list tp
assert_eq "=====> tp buildpack urls|$bp_repo#v1|$after" "$(paste -sd'|' <<<"$out")" "buildpacks:list in order"
push_app "$repo" tp
assert_eq 0 "$code" "the push with buildpacks:add succeeds: $out"
assert_contains "$out" "After: HELLO_GREETING=second greeting" "both listed buildpacks ran, in order"
assert_eq "Hello,After" "$(push_release_field tp v6 buildpacks)" "v6 records the listed buildpacks"
assert_eq "web: python3 -m http.server \$PORT --directory hello-public" \
  "$(push_release_field tp v6 process_types)" "the Procfile's web wins"
run_berth buildpacks:remove tp "$after"
assert_eq 0 "$code" "buildpacks:remove <after>: $out"
push_commit "$repo" "hello alone"
push_app "$repo" tp
assert_eq 0 "$code" "the push after buildpacks:remove succeeds: $out"
assert_not_contains "$out" "After app detected" "the removed buildpack does not run"
run_berth buildpacks:clear tp
assert_eq 0 "$code" "buildpacks:clear: $out"
push_commit "$repo" "detected again"
push_app "$repo" tp
assert_eq 0 "$code" "the push after buildpacks:clear succeeds: $out"
assert_contains "$out" "remote: -----> Procfile app detected" "after clear the built-in buildpacks are detected"
assert_not_contains "$out" "Saying hello" "hello no longer runs"

# --- a tarball, over http and as a local file ---------------------------------------
tar -czf "$PUSH_WORK/hello.tgz" -C "$hello_src" .
for ((attempt = 0; attempt < 20; attempt++)); do
  http_port=$((20000 + RANDOM % 40000))
  berth_port_listening "$http_port" || break
done
"$PUSH_PYTHON" -m http.server "$http_port" --bind 127.0.0.1 --directory "$PUSH_WORK" \
  </dev/null >/dev/null 2>&1 &
push_remember_pid $!
berth_wait_for_port "$http_port" 15 || fail "the http server for the tarball did not start"
run_berth config:set --no-restart tp "BUILDPACK_URL=http://127.0.0.1:$http_port/hello.tgz"
assert_eq 0 "$code" "config:set --no-restart tp BUILDPACK_URL=http://127.0.0.1:\$http_port/hello.tgz: $out"
push_commit "$repo" "from a tarball over http"
push_app "$repo" tp
assert_eq 0 "$code" "BUILDPACK_URL=<an http .tgz> works: $out"
assert_contains "$out" "remote: -----> Saying hello" "the downloaded tarball's buildpack runs"
run_berth config:set --no-restart tp "BUILDPACK_URL=$PUSH_WORK/hello.tgz"
assert_eq 0 "$code" "config:set --no-restart tp BUILDPACK_URL=\$PUSH_WORK/hello.tgz: $out"
push_commit "$repo" "from a local tarball"
push_app "$repo" tp
assert_eq 0 "$code" "BUILDPACK_URL=<a local .tgz> works: $out"
assert_contains "$out" "remote: -----> Saying hello" "the local tarball's buildpack runs"

push_no_leftovers
finish
