#!/usr/bin/env bash
# Deploys that do not come from a git push, and what the app's repo serves:
# `git:from-archive APP -` with a tarball on stdin over ssh, `git:sync APP
# file:///repo.git REF [--build]` on the host, `ps:rebuild` (v(N+1), same
# commit), `releases:rollback` (a new release with the old slug and config),
# `builds:list` / `builds:output` from the stored logs, and `git clone` over
# ssh (git-upload-pack) of the app's repo; a config change makes a release.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=tests/lib/assert.sh
source "$here/../lib/assert.sh"
# shellcheck source=tests/lib/push.sh
source "$here/../lib/push.sh"
push_test_setup

bare="$BERTH_ROOT/repos/src.git"
"$BERTH_BIN" apps:create src >/dev/null
"$BERTH_BIN" config:set --no-restart src FOO=one >/dev/null

# --- git:from-archive APP - over ssh ----------------------------------------------
site="$PUSH_WORK/site"
cp -a "$PUSH_APPS/static" "$site"
echo "<p>from the archive</p>" >>"$site/public/index.html"
tar -czf "$PUSH_WORK/site.tgz" -C "$site" .
push_ssh git:from-archive src - <"$PUSH_WORK/site.tgz"
assert_eq 0 "$code" "git:from-archive src - over ssh succeeds: $out"
assert_contains "$out" "-----> Static HTML app detected" "the archive is built"
archive_rev="$(git --git-dir "$bare" rev-parse main 2>/dev/null || true)"
assert_contains "$out" "Release v1 created: Deploy ${archive_rev:0:7} (archive)" "the archive makes v1"
assert_eq "$archive_rev" "$(push_release_field src v1 git_rev)" "v1's rev is the commit berth made"
assert_eq "Deploy from archive -" "$(git --git-dir "$bare" log -1 --format=%s main)" \
  "the archive is committed to the app's main branch"
assert_contains "$("$BERTH_BIN" run src cat public/index.html)" "from the archive" "berth run sees the archive"
assert_eq "$archive_rev" "$("$BERTH_BIN" run src printenv GIT_REV)" "GIT_REV is the archive's commit"
push_ssh git:from-archive src "$PUSH_WORK/site.tgz"
assert_eq 1 "$((code != 0))" "git:from-archive with a host path is refused over ssh"
assert_contains "$out" "Over ssh, give an https URL or -" "the refusal says what to give"
push_ssh git:from-archive src - </dev/null
assert_eq 1 "$((code != 0))" "git:from-archive with an empty stdin fails"
assert_eq v1 "$(push_release_versions src)" "the refused archives made no release"

# --- git:sync APP file:///repo.git REF [--build] on the host ------------------------
upstream_work="$PUSH_WORK/upstream"
push_make_repo static "$upstream_work"
echo "<p>synced one</p>" >>"$upstream_work/public/index.html"
push_commit "$upstream_work" "synced one"
git -C "$upstream_work" tag -a release-1 -m "release 1"
sync_rev1="$(push_rev "$upstream_work")"
echo "<p>synced two</p>" >>"$upstream_work/public/index.html"
push_commit "$upstream_work" "synced two"
sync_rev2="$(push_rev "$upstream_work")"
upstream="$PUSH_WORK/upstream.git"
git clone -q --bare "$upstream_work" "$upstream"

run_berth git:sync src "file://$upstream" release-1
assert_eq 0 "$code" "git:sync to a tag without --build succeeds: $out"
assert_eq "$sync_rev1" "$(git --git-dir "$bare" rev-parse main)" "main is moved to the tag's commit"
assert_eq v1 "$(push_release_versions src)" "git:sync without --build makes no release"
"$BERTH_BIN" config:set --no-restart src FOO=two BAR=bar >/dev/null
run_berth git:sync src "file://$upstream" main --build
assert_eq 0 "$code" "git:sync --build succeeds: $out"
assert_contains "$out" "Release v2 created: Deploy ${sync_rev2:0:7}" "git:sync --build makes v2"
assert_eq "$sync_rev2" "$(push_release_field src v2 git_rev)" "v2's rev is upstream main's commit"
assert_eq "$sync_rev2" "$(git --git-dir "$bare" rev-parse main)" "main is upstream main's commit"
assert_contains "$("$BERTH_BIN" run src cat public/index.html)" "synced two" "berth run sees the synced tree"
push_ssh git:sync src "file://$upstream" main --build
assert_eq 1 "$((code != 0))" "git:sync with a host path is refused over ssh"
run_berth git:sync src "file://$PUSH_WORK/nowhere.git" main --build
assert_eq 1 "$((code != 0))" "git:sync from a missing repo fails"
assert_eq "v2 v1" "$(push_release_versions src)" "the failed syncs made no release"

# --- ps:rebuild -----------------------------------------------------------------
run_berth ps:rebuild src
assert_eq 0 "$code" "ps:rebuild succeeds: $out"
assert_contains "$out" "Static HTML app detected" "ps:rebuild runs the build again"
assert_contains "$out" "Release v3 created: Rebuild ${sync_rev2:0:7}" "ps:rebuild makes v3"
assert_eq "$sync_rev2" "$(push_release_field src v3 git_rev)" "v3 has v2's commit"
"$BERTH_BIN" apps:create empty >/dev/null
run_berth ps:rebuild empty
assert_eq 1 "$((code != 0))" "ps:rebuild of an app never deployed fails"
assert_contains "$out" "empty has not been deployed yet" "ps:rebuild says why"

# --- releases:rollback ----------------------------------------------------------
v1_digest="$(push_release_field src v1 slug_digest)"
run_berth releases:rollback src v1
assert_eq 0 "$code" "releases:rollback src v1 succeeds: $out"
assert_contains "$out" "Release v4 created: Rollback to v1" "the rollback makes v4"
assert_eq "v4 v3 v2 v1" "$(push_release_versions src)" "no release is replaced"
assert_eq "$v1_digest" "$(push_release_field src v4 slug_digest)" "v4 has v1's slug"
assert_eq "$archive_rev" "$(push_release_field src v4 git_rev)" "v4 has v1's commit"
assert_eq "Rollback to v1" "$(push_release_field src v4 description)" "v4's description"
assert_eq one "$("$BERTH_BIN" config:get src FOO)" "the app's config is v1's again (FOO)"
run_berth config:get src BAR
assert_eq 1 "$((code != 0))" "BAR, set after v1, is gone"
# shellcheck disable=SC2016  # expanded by the container's shell
assert_eq "one|unset" "$("$BERTH_BIN" run src sh -c 'echo "$FOO"; echo "${BAR:-unset}"' | paste -sd'|')" \
  "berth run runs with v1's config"
assert_contains "$("$BERTH_BIN" run src cat public/index.html)" "from the archive" "berth run runs v1's slug"
run_berth releases:info src v4
assert_eq 0 "$code" "releases:info src v4: $out"
assert_contains "$out" "Rollback to v1" "releases:info shows the description"
assert_contains "$out" "$v1_digest" "releases:info shows the slug digest"
run_berth releases:rollback src
assert_eq 0 "$code" "releases:rollback src (the one before) succeeds: $out"
assert_contains "$out" "Release v5 created: Rollback to v3" "the default target is the release before the newest"
assert_eq two "$("$BERTH_BIN" config:get src FOO)" "v3's config is back"
assert_eq "$(push_release_field src v3 slug_digest)" "$(push_release_field src v5 slug_digest)" "v5 has v3's slug"
run_berth releases:rollback src v9
assert_eq 1 "$((code != 0))" "rolling back to a missing release fails"
assert_eq "v5 v4 v3 v2 v1" "$(push_release_versions src)" "the failed rollback made no release"

# --- builds:list / builds:output ----------------------------------------------------
run_berth builds:list src
assert_eq 0 "$code" "builds:list src: $out"
list=$out
for source in archive sync rebuild; do
  assert_contains "$list" "succeeded" "builds:list shows succeeded builds"
  assert_contains "$list" "  $source  " "builds:list shows the $source build"
done
assert_eq 3 "$(grep -c succeeded <<<"$list")" "three builds (the rollbacks build nothing)"
first_id="$(awk -F: '/  archive  / { print $1 }' <<<"$list" | tr -d ' ')"
run_berth builds:output src "$first_id"
assert_eq 0 "$code" "builds:output src $first_id"
assert_contains "$out" "Release v1 created" "builds:output ID shows that build's log"
run_berth builds:output src
assert_contains "$out" "Release v3 created: Rebuild" "builds:output shows the newest build by default"
run_berth builds:output src 999
assert_eq 1 "$((code != 0))" "builds:output of a missing build fails"
assert_contains "$out" "src has no build 999" "the missing build is named"

# --- git clone over ssh (git-upload-pack) ------------------------------------------
push_git "$PUSH_WORK" clone -q "$(push_url src)" clone
assert_eq 0 "$code" "git clone over ssh succeeds: $out"
assert_eq "$sync_rev2" "$(push_rev "$PUSH_WORK/clone" 2>/dev/null)" "the clone has the app's main"
assert_contains "$(cat "$PUSH_WORK/clone/public/index.html" 2>/dev/null)" "synced two" "the clone has the files"
push_git "$PUSH_WORK" clone -q "$(push_url empty)" clone-empty
assert_eq 1 "$((code != 0))" "cloning an app without a repo fails"
assert_contains "$out" "empty has no repository yet" "the clone error says why"
push_git "$PUSH_WORK" clone -q "$(push_url nope)" clone-nope
assert_eq 1 "$((code != 0))" "cloning a missing app fails"
assert_contains "$out" "nope does not exist" "the missing app is named"
# A push from the clone deploys as usual (the repo is the same one).
echo "<p>pushed from the clone</p>" >>"$PUSH_WORK/clone/public/index.html"
push_commit "$PUSH_WORK/clone" "from the clone"
push_app "$PUSH_WORK/clone" src
assert_eq 0 "$code" "a push from the clone succeeds: $out"
assert_contains "$out" "Release v6 created" "it makes v6"

# --- a config change of the deployed app is a release too ------------------------------
v6_digest="$(push_release_field src v6 slug_digest)"
run_berth config:set src NEW=value
assert_eq 0 "$code" "config:set src NEW=value: $out"
assert_contains "$out" "Release v7 created: Set NEW" "a config change makes v7"
assert_eq "$v6_digest" "$(push_release_field src v7 slug_digest)" "v7 keeps v6's slug"
assert_eq "$(push_release_field src v6 git_rev)" "$(push_release_field src v7 git_rev)" "v7 keeps v6's commit"
assert_eq value "$("$BERTH_BIN" run src printenv NEW)" "berth run has the new config var"
run_berth config:unset src NEW
assert_eq 0 "$code" "config:unset src NEW: $out"
assert_contains "$out" "Release v8 created: Unset NEW" "unsetting makes v8"

push_no_leftovers
finish
