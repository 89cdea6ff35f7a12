#!/usr/bin/env bash
# Which pushes deploy: the first branch pushed becomes the app's deploy branch;
# a push to another branch is accepted with a warning and makes no release;
# tags and branch deletions are accepted without a deploy; `git:set APP
# deploy-branch` (and --global) moves the deploy branch; one push with several
# refs deploys the deploy branch only. Also: app names in the remote path
# ("/APP.git"), invalid names, `apps:set --global disable-autocreation true`
# and `apps:lock` / `apps:unlock`.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=tests/lib/assert.sh
source "$here/../lib/assert.sh"
# shellcheck source=tests/lib/push.sh
source "$here/../lib/push.sh"
push_test_setup

repo="$PUSH_WORK/br"
bare="$BERTH_ROOT/repos/br.git"
remote="$(push_url br)"

# no_deploy WHAT: the last push was accepted and deployed nothing.
no_deploy() {
  assert_eq 0 "$code" "$1: the push is accepted: $out"
  assert_not_contains "$out" "Receiving br" "$1: nothing is built"
  assert_not_contains "$out" "created" "$1: no release is created"
}

# --- the first push remembers its branch -------------------------------------
push_make_repo static "$repo"
main_rev="$(push_rev "$repo")"
push_git "$repo" push "$remote" main
assert_eq 0 "$code" "the first push (main) succeeds: $out"
assert_contains "$out" "Release v1 created: Deploy ${main_rev:0:7}" "the first push deploys main"
assert_eq main "$("$BERTH_BIN" git:report br --git-deploy-branch)" "main is remembered as the deploy branch"

# --- another branch: accepted, warned, not deployed ------------------------------
git -C "$repo" checkout -q -b feature
echo "<p>feature</p>" >>"$repo/public/index.html"
push_commit "$repo" "a feature"
feature_rev="$(push_rev "$repo")"
push_git "$repo" push "$remote" feature
no_deploy "a push to feature"
assert_contains "$out" "WARNING: deploy did not complete, you must push to main" \
  "a push to feature says where to push"
assert_contains "$out" "* [new branch]      feature -> feature" "git accepted the feature branch"
assert_eq "$feature_rev" "$(git --git-dir "$bare" rev-parse feature)" "the app's repo has the feature branch"
assert_eq v1 "$(push_release_versions br)" "still only v1 after the feature push"
assert_eq main "$("$BERTH_BIN" git:report br --git-deploy-branch)" "the deploy branch stays main"

# --- tags and deletions ---------------------------------------------------------
git -C "$repo" tag -a v1.0 -m "version 1.0" "$main_rev"
git -C "$repo" tag light "$feature_rev"
push_git "$repo" push "$remote" v1.0 light
no_deploy "a push of two tags"
assert_not_contains "$out" "WARNING" "a tag push does not warn"
assert_eq "$main_rev" "$(git --git-dir "$bare" rev-parse 'v1.0^{commit}')" "the annotated tag arrived"
assert_eq "$feature_rev" "$(git --git-dir "$bare" rev-parse light)" "the lightweight tag arrived"
push_git "$repo" push "$remote" :feature :refs/tags/light
no_deploy "deleting a branch and a tag"
assert_contains "$out" "[deleted]" "git reports the deletions"
if git --git-dir "$bare" rev-parse -q --verify refs/heads/feature >/dev/null; then
  fail "the feature branch is still in the app's repo"
else
  pass "the feature branch is deleted"
fi
assert_eq v1 "$(push_release_versions br)" "still only v1 after tags and deletions"

# --- several refs in one push: only the deploy branch deploys ----------------------
git -C "$repo" checkout -q main
echo "<p>two</p>" >>"$repo/public/index.html"
push_commit "$repo" "second"
main_rev2="$(push_rev "$repo")"
git -C "$repo" branch -q -f side "$feature_rev"
push_git "$repo" push "$remote" main side v1.0
assert_eq 0 "$code" "a push of main, side and a tag succeeds: $out"
assert_contains "$out" "WARNING: deploy did not complete, you must push to main" "side is warned about"
assert_contains "$out" "Release v2 created: Deploy ${main_rev2:0:7}" "main deploys as v2"
assert_eq 1 "$(grep -c "Receiving br" <<<"$out")" "exactly one deploy ran"
assert_eq "v2 v1" "$(push_release_versions br)" "v2 and v1"
assert_eq "$main_rev2" "$("$BERTH_BIN" run br printenv GIT_REV)" "berth run runs main's commit"

# --- git:set APP deploy-branch ---------------------------------------------------
run_berth git:set br deploy-branch other
assert_eq 0 "$code" "git:set br deploy-branch other: $out"
git -C "$repo" checkout -q -b other "$feature_rev"
echo "<p>other</p>" >>"$repo/public/index.html"
push_commit "$repo" "on other"
other_rev="$(push_rev "$repo")"
push_git "$repo" push "$remote" other
assert_eq 0 "$code" "a push to the new deploy branch succeeds: $out"
assert_contains "$out" "Release v3 created: Deploy ${other_rev:0:7}" "other deploys as v3"
assert_eq "$other_rev" "$(push_release_field br v3 git_rev)" "v3 records other's commit"
git -C "$repo" checkout -q main
push_commit "$repo" "main again"
push_git "$repo" push "$remote" main
no_deploy "a push to main after the switch"
assert_contains "$out" "WARNING: deploy did not complete, you must push to other" "main is now warned about"
assert_eq "v3 v2 v1" "$(push_release_versions br)" "no release from main after the switch"
run_berth run br grep -c other public/index.html
assert_eq 1 "$out" "berth run runs other's commit"

# --- git:set APP rev-env-var: the commit id under another name ---------------------
run_berth git:set br rev-env-var MY_REV
assert_eq 0 "$code" "git:set br rev-env-var MY_REV: $out"
# shellcheck disable=SC2016  # expanded by the container's shell
assert_eq "$other_rev|unset" "$("$BERTH_BIN" run br sh -c 'echo "$MY_REV"; echo "${GIT_REV:-unset}"' | paste -sd'|')" \
  "berth run has the commit in MY_REV, not in GIT_REV"
run_berth git:set br rev-env-var
assert_eq 0 "$code" "git:set br rev-env-var (unset): $out"
assert_eq "$other_rev" "$("$BERTH_BIN" run br printenv GIT_REV)" "GIT_REV is back"

# --- a global deploy branch for apps without their own ----------------------------
run_berth git:set --global deploy-branch prod
assert_eq 0 "$code" "git:set --global deploy-branch prod: $out"
push_make_repo static "$PUSH_WORK/glob"
push_git "$PUSH_WORK/glob" push "$(push_url glob)" main
assert_eq 0 "$code" "a first push of main to a new app is accepted: $out"
assert_contains "$out" "WARNING: deploy did not complete, you must push to prod" \
  "with a global deploy branch the first push of main is not deployed"
assert_eq "" "$(push_release_versions glob)" "glob has no release"
push_git "$PUSH_WORK/glob" push "$(push_url glob)" main:prod
assert_eq 0 "$code" "a push to prod succeeds: $out"
assert_contains "$out" "Release v1 created" "prod deploys"
git -C "$repo" checkout -q other
push_commit "$repo" "under a global deploy branch"
push_git "$repo" push "$remote" other
assert_eq 0 "$code" "br's own deploy branch wins over the global one: $out"
assert_not_contains "$out" "WARNING" "no warning for br's own deploy branch"
assert_contains "$out" "Release v4 created" "br's push to other makes v4"
run_berth git:set --global deploy-branch
assert_eq 0 "$code" "git:set --global deploy-branch (unset): $out"

# --- the app name in the remote path ------------------------------------------------
push_make_repo static "$PUSH_WORK/slash"
push_git "$PUSH_WORK/slash" push "root@127.0.0.1:/slashed.git" main
assert_eq 0 "$code" "a push to /slashed.git succeeds: $out"
assert_contains "$out" "Release v1 created" "/slashed.git deploys"
run_berth apps:exists slashed
assert_eq 0 "$code" "the app is named without the / and .git"
push_git "$PUSH_WORK/slash" push "root@127.0.0.1:Bad_Name" main
assert_eq 1 "$((code != 0))" "a push to an invalid app name fails"
assert_contains "$out" "Bad_Name" "the invalid name is reported"
run_berth apps:exists Bad_Name
assert_eq 1 "$((code != 0))" "no app is created for an invalid name"
push_git "$PUSH_WORK/slash" push "root@127.0.0.1:../etc" main
assert_eq 1 "$((code != 0))" "a push to ../etc fails"
if [[ -e $BERTH_ROOT/etc.git || -e $BERTH_ROOT/repos/../etc.git ]]; then
  fail "a repo was created outside repos/"
else
  pass "no repo is created outside repos/"
fi

# --- disable-autocreation ----------------------------------------------------------
run_berth apps:set --global disable-autocreation true
assert_eq 0 "$code" "apps:set --global disable-autocreation true: $out"
push_make_repo static "$PUSH_WORK/fresh"
push_git "$PUSH_WORK/fresh" push "$(push_url fresh)" main
assert_eq 1 "$((code != 0))" "a push to a new app fails without autocreation"
assert_contains "$out" "fresh does not exist" "the push says the app does not exist"
assert_not_contains "$out" "Creating fresh" "nothing is created"
run_berth apps:exists fresh
assert_eq 1 "$((code != 0))" "the app fresh was not created"
if [[ -e $BERTH_ROOT/repos/fresh.git ]]; then fail "a repo was made for fresh"; else pass "no repo for fresh"; fi
"$BERTH_BIN" apps:create fresh >/dev/null
push_git "$PUSH_WORK/fresh" push "$(push_url fresh)" main
assert_eq 0 "$code" "after apps:create the push succeeds: $out"
assert_contains "$out" "Release v1 created" "fresh deploys after apps:create"
run_berth apps:set --global disable-autocreation false
assert_eq 0 "$code" "apps:set --global disable-autocreation false"

# --- apps:lock ----------------------------------------------------------------------
run_berth apps:lock br
assert_eq 0 "$code" "apps:lock br: $out"
push_commit "$repo" "while locked"
locked_rev="$(push_rev "$repo")"
push_git "$repo" push "$remote" other
assert_eq 1 "$((code != 0))" "a push to a locked app is rejected"
assert_contains "$out" "Deploys of br are locked; run \`berth apps:unlock br\`" "the lock is explained"
assert_eq "v4 v3 v2 v1" "$(push_release_versions br)" "no release while locked"
run_berth apps:unlock br
assert_eq 0 "$code" "apps:unlock br: $out"
push_git "$repo" push "$remote" other
assert_eq 0 "$code" "after apps:unlock the push succeeds: $out"
assert_contains "$out" "Release v5 created: Deploy ${locked_rev:0:7}" "the unlocked push makes v5"

push_no_leftovers
finish
