#!/usr/bin/env bash
# Single quotes hold text for the container's shell, unexpanded here.
# shellcheck disable=SC2016
# `git push` over a real sshd builds every sample app (tests/apps) with its
# built-in buildpack on the default stack: the streamed output names the
# buildpack and the release, the release record has the commit and the
# buildpack, and `berth run APP` sees the built app (dependencies installed,
# binaries built, .profile.d sourced, GIT_REV set) and its web process answers
# on $PORT inside the release. The nodejs app, which needs the npm registry, is
# in push_nodejs_test.sh.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=tests/lib/assert.sh
source "$here/../lib/assert.sh"
# shellcheck source=tests/lib/push.sh
source "$here/../lib/push.sh"
push_test_setup

# --- procfile: no build step, the Procfile's release command runs ---------------
push_sample procfile "Procfile app detected" Procfile "python3 -u server.py"
assert_contains "$out" "GIT_REV=$rev" "procfile: the server sees GIT_REV"
run_berth run procfile cat Procfile
assert_contains "$out" "release: echo release phase ran" "procfile: the source is at /app"
run_berth builds:output procfile
assert_contains "$out" "release phase ran" "procfile: the release command ran before v1 (stored log)"
assert_contains "$(push_release_field procfile v1 process_types)" "release: echo release phase ran" \
  "procfile: the release process type is recorded"

# --- static -------------------------------------------------------------------
push_sample static "Static HTML app detected" "Static HTML" \
  'python3 -u -m http.server $PORT --bind 0.0.0.0 --directory public'
run_berth run static test -f /app/public/index.html
assert_eq 0 "$code" "static: public/index.html is in the slug"

# --- python: a virtualenv at /app/.venv from vendor/ -----------------------------
push_sample python "Python app detected" Python "python3 app.py"
assert_contains "$out" "virtualenv=/app/.venv" "python: the server runs in the virtualenv"
run_berth run python test -x /app/.venv/bin/python3
assert_eq 0 "$code" "python: /app/.venv exists in the release"
run_berth run python sh -c 'command -v python3; python3 -c "import berth_sample_greeting as g; print(g.greet(\"x\"))"'
assert_eq 0 "$code" "python: the vendored package imports: $out"
assert_contains "$out" "/app/.venv/bin/python3" "python: .profile.d puts the virtualenv first on PATH"
assert_contains "$out" "hello from x" "python: the package from vendor/ is installed"

# --- go: bin/ built from the module ----------------------------------------------
push_sample go "Go app detected" Go "bin/hello"
assert_contains "$out" "GIT_REV=$rev" "go: the server sees GIT_REV"
run_berth run go sh -c 'test -x /app/bin/hello && command -v hello'
assert_eq 0 "$code" "go: /app/bin/hello is built: $out"
assert_eq /app/bin/hello "$out" "go: .profile.d puts /app/bin on PATH"

# --- make: ./app built by make ---------------------------------------------------
push_sample make "Make app detected" Make "./app"
assert_contains "$out" "GIT_REV=$rev" "make: the server sees GIT_REV"
run_berth run make sh -c 'test -x /app/app && head -c 4 /app/app | od -An -c'
assert_eq 0 "$code" "make: ./app is built: $out"
assert_contains "$out" "E   L   F" "make: ./app is an ELF executable"

# --- every app has its own build cache and repo ---------------------------------
for app in procfile static python go make; do
  if [[ -f $BERTH_ROOT/repos/$app.git/HEAD && -x $BERTH_ROOT/repos/$app.git/hooks/pre-receive ]]; then
    pass "$app: the bare repo has berth's pre-receive hook"
  else
    fail "$app: no repo or hook in $BERTH_ROOT/repos/$app.git"
  fi
done
assert_eq "$rev" "$(git --git-dir "$BERTH_ROOT/repos/make.git" rev-parse main)" \
  "make: the app's repo has the pushed branch"
push_no_leftovers
finish
