#!/usr/bin/env bash
# Access control over the real sshd (docs/access-control.md): the admin key of
# tests/lib/push.sh and a key `dev` added without --admin. dev cannot push to an
# app it has no rights on (the push fails, the release count stays), cannot read
# its config or logs or run in it, cannot run global commands; after
# `acl:add shop dev` it can push and config:get, after acl:remove it cannot
# again. dev creates its own apps (apps:create, a first push) and apps:list shows
# only those. The audit log has a line for each, with key, fingerprint,
# redacted secrets and result=denied for the refusals, and is private.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=tests/lib/assert.sh
source "$here/../lib/assert.sh"
# shellcheck source=tests/lib/push.sh
source "$here/../lib/push.sh"
push_test_setup

ssh-keygen -q -t ed25519 -N '' -C dev@berth-test -f "$PUSH_WORK/dev"
"$BERTH_BIN" ssh-keys:add dev "$PUSH_WORK/dev.pub" >/dev/null
dev_fingerprint="$(ssh-keygen -l -E sha256 -f "$PUSH_WORK/dev.pub" | awk '{print $2}')"
dev_ssh=("${PUSH_SSH[@]}")
for i in "${!dev_ssh[@]}"; do
  [[ ${dev_ssh[$i]} == "$PUSH_WORK/admin" ]] && dev_ssh[i]="$PUSH_WORK/dev"
done

# as_dev COMMAND...: a berth command over ssh with dev's key; $out and $code.
as_dev() {
  set +e
  out="$(timeout "$PUSH_TIMEOUT" "${dev_ssh[@]}" -- "$PUSH_REMOTE_HOST" "$@" 2>&1)"
  code=$?
  set -e
}
# dev_push DIR APP: git push as dev; $out and $code.
dev_push() {
  local saved=$GIT_SSH_COMMAND
  GIT_SSH_COMMAND="${dev_ssh[*]}"
  push_app "$1" "$2"
  GIT_SSH_COMMAND=$saved
}
release_count() { "$BERTH_BIN" releases "$1" --format json | push_json_query 'len(j)'; }
no_access="The key \`dev\` has no access to app \`shop\`. An admin can grant it: berth acl:add shop dev"

# --- an app dev has no rights on ---------------------------------------------------
push_make_repo static "$PUSH_WORK/shop"
push_app "$PUSH_WORK/shop" shop
assert_eq 0 "$code" "the admin key pushes shop: $out"
"$BERTH_BIN" config:set --no-restart shop DB_PASSWORD=hunter2 >/dev/null
releases_before="$(release_count shop)"

push_commit "$PUSH_WORK/shop" "dev's change"
dev_push "$PUSH_WORK/shop" shop
assert_eq 1 "$((code != 0))" "dev's push to shop fails"
assert_contains "$out" "$no_access" "git shows why the push was refused"
assert_eq "$releases_before" "$(release_count shop)" "no release was made"
as_dev config:get shop DB_PASSWORD
assert_eq 1 "$code" "dev cannot config:get shop"
assert_contains "$out" "$no_access" "config:get refused with the access message"
assert_not_contains "$out" hunter2 "the value is not shown"
for cmd in "logs shop" "run shop true" "enter shop" "config:set shop X=1" "apps:destroy shop --force"; do
  as_dev "$cmd"
  assert_eq 1 "$code" "dev cannot $cmd"
  assert_contains "$out" "$no_access" "$cmd refused with the access message"
done
as_dev config:get ghost X
assert_contains "$out" "has no access to app \`ghost\`" "a missing app is refused alike (its existence stays hidden)"
for cmd in "config:set --global X=1" "ps:restore" "apps:report" "plugin:list" "acl:add shop dev"; do
  as_dev "$cmd"
  assert_eq 1 "$code" "dev cannot run $cmd"
  assert_contains "$out" "that is for admin keys" "$cmd is for admin keys"
done
assert_eq "" "$("$BERTH_BIN" config:get --global X 2>/dev/null || true)" "no global config was set"

# --- granted, then taken away -------------------------------------------------------
push_ssh acl:add shop dev
assert_eq 0 "$code" "the admin key grants dev shop over ssh: $out"
dev_push "$PUSH_WORK/shop" shop
assert_eq 0 "$code" "dev pushes shop once granted: $out"
assert_eq "$((releases_before + 1))" "$(release_count shop)" "dev's push made a release"
as_dev config:get shop DB_PASSWORD
assert_eq "hunter2" "$out" "dev reads shop's config once granted"
as_dev acl:list shop
assert_contains "$out" "dev" "acl:list shop shows dev to dev"
"$BERTH_BIN" acl:remove shop dev >/dev/null
as_dev config:get shop DB_PASSWORD
assert_eq 1 "$code" "dev cannot config:get shop after acl:remove"

# --- dev's own apps ---------------------------------------------------------------------
as_dev apps:create devapp
assert_eq 0 "$code" "dev creates devapp: $out"
as_dev config:set --no-restart devapp API_TOKEN=s3cr3t-value
assert_eq 0 "$code" "dev configures its app: $out"
push_make_repo static "$PUSH_WORK/auto"
dev_push "$PUSH_WORK/auto" devauto
assert_eq 0 "$code" "dev's first push creates and deploys devauto: $out"
assert_eq "dev" "$("$BERTH_BIN" acl:list devauto --format json | push_json_query 'j[0]')" \
  "the pushing key owns the app its push created"
as_dev apps:list
assert_eq "$(printf '=====> My Apps\ndevapp\ndevauto')" "$out" "dev's apps:list shows only its apps"
push_ssh apps:list --format json
assert_eq "devapp,devauto,shop" "$(push_json_query 'j' <<<"$out")" "the admin key lists every app"

# --- the audit log ------------------------------------------------------------------------
log_file="$BERTH_ROOT/logs/berth.log"
log="$(cat "$log_file")"
assert_eq 600 "$(stat -c %a "$log_file")" "the audit log is readable by root only"
line() { grep -F -- "$1" "$log_file" | head -1 || true; }
denied_push="$(line "key=dev fingerprint=$dev_fingerprint via=ssh")"
assert_contains "$denied_push" "key=dev" "dev's commands are logged with its name and fingerprint"
assert_contains "$(line 'command="git-receive-pack shop" result=denied')" "key=dev" \
  "the refused push is logged as denied"
assert_contains "$(line 'command="config:get shop DB_PASSWORD" result=denied')" "key=dev" \
  "the refused config:get is logged as denied"
assert_contains "$(line 'command="config:get shop DB_PASSWORD" result=ok')" "key=dev" \
  "the granted config:get is logged as ok"
assert_contains "$(line 'command="config:set --no-restart devapp API_TOKEN=<redacted>" result=ok')" \
  "key=dev" "dev's config:set is logged with the value redacted"
assert_not_contains "$log" "s3cr3t-value" "no secret value is in the log"
assert_contains "$(line 'command="acl:add shop dev" result=ok')" "key=admin" "the grant is logged with the admin key"

finish
