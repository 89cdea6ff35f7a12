#!/usr/bin/env bash
# Two pushes at once to one app: while the first is building (a buildpack that
# sleeps, tests/fixtures/push/slow-buildpack), the second fails at once with the
# deploy lock message and leaves everything as it was; the first completes as
# v1; pushed again afterwards the second makes v2. No release is lost, both
# slugs are intact, and the builds of the app never overlapped. Pushes to two
# different apps at once both succeed, and their builds do run at the same time.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=tests/lib/assert.sh
source "$here/../lib/assert.sh"
# shellcheck source=tests/lib/push.sh
source "$here/../lib/push.sh"
push_test_setup

slow="$PUSH_FIXTURES/push/slow-buildpack"

# tiny_app DIR TEXT: a repo with one file, built by the slow buildpack.
tiny_app() {
  mkdir -p "$1"
  echo "$2" >"$1/hello.txt"
  git -C "$1" init -q -b main
  push_commit "$1" "$2"
}

# builds_log APP: the slow buildpack's start/end lines for APP.
builds_log() { cat "$BERTH_ROOT/cache/$1/builds.log" 2>/dev/null || true; }

# started APP REV: the slow buildpack has started compiling REV for APP.
started() { grep -q "^start $2 " "$BERTH_ROOT/cache/$1/builds.log" 2>/dev/null; }

# --- one app, two pushes at once ------------------------------------------------
"$BERTH_BIN" apps:create one >/dev/null
"$BERTH_BIN" config:set --no-restart one "BUILDPACK_URL=$slow" SLOW_SECONDS=8 >/dev/null
tiny_app "$PUSH_WORK/a" "version a"
rev_a="$(push_rev "$PUSH_WORK/a")"
git clone -q "$PUSH_WORK/a" "$PUSH_WORK/b"
echo "version b" >"$PUSH_WORK/b/hello.txt"
push_commit "$PUSH_WORK/b" "version b"
rev_b="$(push_rev "$PUSH_WORK/b")"

push_app_bg "$PUSH_WORK/a" one a
if wait_for 60 started one "$rev_a"; then
  pass "the first push is compiling"
else
  fail "the first push did not start compiling: $(cat "$PUSH_WORK/a.out")"
fi
started_b=$SECONDS
push_app "$PUSH_WORK/b" one
echo "the second push ended after $((SECONDS - started_b)) s"
assert_eq 1 "$((code != 0))" "the second push fails while the first builds"
assert_contains "$out" "one is being deployed by another push" "the second push gets the lock message"
assert_contains "$out" "[remote rejected] main -> main (pre-receive hook declined)" "git reports the rejection"
if push_done a; then
  fail "the second push did not fail at once: the first had already finished"
else
  pass "the second push failed while the first was still building"
fi
assert_not_contains "$(builds_log one)" "start $rev_b" "the second push never started a build"
# The output streams back as it happens: the first push's client already shows
# the buildpack's line while that buildpack is still sleeping.
if wait_for 5 grep -q "remote: -----> Slow build of $rev_a: sleeping" "$PUSH_WORK/a.out" && ! push_done a; then
  pass "the build output reaches the pusher while the build runs"
else
  fail "the build output did not stream back during the build: [$(cat "$PUSH_WORK/a.out")]"
fi

push_wait a
assert_eq 0 "$code" "the first push succeeds: $out"
assert_contains "$out" "Slow build of $rev_a: sleeping 8 s" "the first push ran the slow buildpack"
assert_contains "$out" "Release v1 created: Deploy ${rev_a:0:7}" "the first push makes v1"
assert_eq v1 "$(push_release_versions one)" "one release after the race"
assert_eq "$rev_a" "$(push_release_field one v1 git_rev)" "v1 is the first push's commit"
assert_eq "$rev_a" "$(git --git-dir "$BERTH_ROOT/repos/one.git" rev-parse main)" \
  "the app's main is the first push's commit"

# Afterwards the second push goes through.
push_app "$PUSH_WORK/b" one
assert_eq 0 "$code" "the second push, repeated, succeeds: $out"
assert_contains "$out" "Release v2 created: Deploy ${rev_b:0:7}" "it makes v2"
assert_eq "v2 v1" "$(push_release_versions one)" "no release is lost"
assert_eq "$rev_a" "$(push_release_field one v1 git_rev)" "v1 still has the first commit"
assert_eq "$rev_b" "$(push_release_field one v2 git_rev)" "v2 has the second commit"
assert_eq "start $rev_a|end $rev_a|start $rev_b|end $rev_b" \
  "$(builds_log one | cut -d' ' -f1-2 | paste -sd'|')" "the app's builds ran one after the other"
assert_eq "version b" "$("$BERTH_BIN" run one cat hello.txt)" "berth run runs v2"
for v in v1 v2; do
  digest="$(push_release_field one "$v" slug_digest)"
  slug="$BERTH_ROOT/slugs/$digest.tar.zst"
  if ! command -v zstd >/dev/null; then
    if [[ -n $digest && -s $slug ]]; then pass "$v's slug is stored"; else fail "$v's slug $digest is missing"; fi
  elif [[ -n $digest ]] && zstd -dc "$slug" 2>/dev/null | tar -t 2>/dev/null | grep -qx './hello.txt\|hello.txt'; then
    pass "$v's slug is a readable archive with the app"
  else
    fail "$v's slug $digest is missing or corrupt"
  fi
done
run_berth builds:list one
assert_eq 2 "$(grep -c succeeded <<<"$out")" "builds:list has the two builds: $out"

# --- two apps at once ---------------------------------------------------------
for app in two three; do
  "$BERTH_BIN" apps:create "$app" >/dev/null
  "$BERTH_BIN" config:set --no-restart "$app" "BUILDPACK_URL=$slow" SLOW_SECONDS=6 >/dev/null
  tiny_app "$PUSH_WORK/$app" "app $app"
done
started_both=$SECONDS
push_app_bg "$PUSH_WORK/two" two two
push_app_bg "$PUSH_WORK/three" three three
for app in two three; do
  push_wait "$app"
  assert_eq 0 "$code" "$app: its push succeeds alongside the other: $out"
  assert_contains "$out" "Release v1 created" "$app: v1 is created"
  assert_eq "app $app" "$("$BERTH_BIN" run "$app" cat hello.txt)" "$app: berth run runs its own release"
done
echo "both pushes took $((SECONDS - started_both)) s"
# Each log: "start REV T0" then "end REV T1"; the two intervals must overlap.
read -r _ _ s2 < <(builds_log two | grep '^start') || s2=
read -r _ _ e2 < <(builds_log two | grep '^end') || e2=
read -r _ _ s3 < <(builds_log three | grep '^start') || s3=
read -r _ _ e3 < <(builds_log three | grep '^end') || e3=
if [[ -n $s2 && -n $e2 && -n $s3 && -n $e3 ]] && awk -v s2="$s2" -v e2="$e2" -v s3="$s3" -v e3="$e3" \
  'BEGIN { exit !(s2 < e3 && s3 < e2) }'; then
  pass "the two apps were built at the same time"
else
  fail "the two apps' builds did not overlap: two [$s2, $e2], three [$s3, $e3]"
fi

# --- two first pushes at once to a new app (autocreated; .buildpacks) -------------
for x in p q; do
  mkdir -p "$PUSH_WORK/new-$x"
  echo "$slow" >"$PUSH_WORK/new-$x/.buildpacks"
  echo "SLOW_SECONDS is not set: the default 6 s" >"$PUSH_WORK/new-$x/hello.txt"
  echo "$x" >"$PUSH_WORK/new-$x/which.txt"
  git -C "$PUSH_WORK/new-$x" init -q -b main
  push_commit "$PUSH_WORK/new-$x" "new app, $x"
done
push_app_bg "$PUSH_WORK/new-p" fresh new-p
push_app_bg "$PUSH_WORK/new-q" fresh new-q
push_wait new-p
out_p=$out code_p=$code
push_wait new-q
out_q=$out code_q=$code
if [[ $code_p == 0 && $code_q != 0 ]]; then
  winner=p loser_out=$out_q winner_out=$out_p
else
  winner=q loser_out=$out_p winner_out=$out_q
fi
assert_eq "1 0" "$((code_p == 0 || code_q == 0)) $((code_p == 0 && code_q == 0))" \
  "two first pushes to a new app: exactly one succeeds (exit codes $code_p and $code_q)"
assert_contains "$loser_out" "fresh is being deployed by another push" "the other gets the lock message"
assert_contains "$winner_out" "Release v1 created" "the winner makes v1"
assert_eq 1 "$(cat "$PUSH_WORK"/new-p.out "$PUSH_WORK"/new-q.out | grep -c 'Creating fresh')" \
  "the app is created once"
assert_eq v1 "$(push_release_versions fresh)" "one release for the new app"
winner_rev="$(push_rev "$PUSH_WORK/new-$winner")"
assert_eq "$winner_rev" "$(push_release_field fresh v1 git_rev)" "v1 is the winner's commit"
assert_eq "$winner_rev" "$(git --git-dir "$BERTH_ROOT/repos/fresh.git" rev-parse main)" \
  "the new app's main is the winner's commit"
assert_eq "$winner" "$("$BERTH_BIN" run fresh cat which.txt)" "berth run runs the winner's release"

# --- a stuck deploy holding the lock: apps:unlock lets the next push through --------
# (the subshell becomes the sleep, so stopping $holder releases the lock)
(
  exec 9>"$BERTH_ROOT/locks/one.lock"
  flock 9
  exec sleep 120
) </dev/null >/dev/null 2>&1 &
holder=$!
push_remember_pid "$holder"
wait_for 10 sh -c "! flock -n '$BERTH_ROOT/locks/one.lock' true" || fail "the lock was not taken"
echo "version c" >"$PUSH_WORK/b/hello.txt"
push_commit "$PUSH_WORK/b" "version c"
push_app "$PUSH_WORK/b" one
assert_eq 1 "$((code != 0))" "a push while a stuck deploy holds the lock fails"
assert_contains "$out" "one is being deployed by another push" "the stuck lock is reported"
assert_contains "$out" "berth apps:unlock one" "the message names apps:unlock"
run_berth apps:unlock one
assert_eq 0 "$code" "apps:unlock one: $out"
push_app "$PUSH_WORK/b" one
assert_eq 0 "$code" "after apps:unlock the push succeeds: $out"
assert_contains "$out" "Release v3 created" "it makes v3"
berth_stop_pid "$holder"

push_no_leftovers
finish
