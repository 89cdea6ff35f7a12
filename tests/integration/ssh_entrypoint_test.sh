#!/usr/bin/env bash
# berth behind a real sshd: the authorized_keys forced command written by
# `berth ssh-keys:add` runs `berth ssh-dispatch`, which must parse
# SSH_ORIGINAL_COMMAND without a shell, keep the ssh restrictions, fire user-auth,
# log with the key name and redacted values, and lose access once a key is removed.
# Runs as root (sshd's root login is limited to forced commands), on a random
# loopback port; sshd is always stopped on exit.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# (shellcheck -x from the repository root follows these)
# shellcheck source=tests/lib/assert.sh disable=SC1091
source "$here/../lib/assert.sh"
# shellcheck source=scripts/lib/sshd.sh disable=SC1091
source "$here/../../scripts/lib/sshd.sh"

require_root
for tool in /usr/sbin/sshd ssh ssh-keygen ss timeout base64; do
  command -v "$tool" >/dev/null || { echo "SKIP: $tool is missing"; exit 77; }
done

berth_test_root
work="$(mktemp -d /tmp/berth-ssh.XXXXXX)"
# If this shell is killed outright: remove the dirs once a command in flight is done.
reap() { sleep 3; rm -rf "$work" "$BERTH_ROOT"; }
berth_after_exit reap
reaper_pid=$BERTH_AFTER_EXIT_PID
forward_pid=
berth_test_extra_cleanup() {
  trap '' INT TERM  # finish cleaning up
  berth_cancel_after_exit "$reaper_pid"
  berth_stop_pid "$forward_pid"
  berth_stop_test_sshd
  if [[ $BERTH_TEST_FAILURES -gt 0 && -f $work/sshd.log ]]; then
    echo "--- sshd log" >&2
    tail -n 40 "$work/sshd.log" >&2
  fi
  rm -rf "$work"
}
trap 'exit 130' INT
trap 'exit 143' TERM

keys="$work/authorized_keys"
export BERTH_AUTHORIZED_KEYS="$keys"

# sq WORD: WORD quoted for the remote side's shell-style splitting.
sq() { printf "'%s'" "${1//\'/\'\\\'\'}"; }

# run_ssh KEY [SSH OPTION...] -- REMOTE_COMMAND: $out gets stdout+stderr, $code the exit code.
run_ssh() {
  local key=$1
  shift
  local opts=()
  while [[ $# -gt 0 && $1 != -- ]]; do opts+=("$1"); shift; done
  [[ ${1:-} == -- ]] && shift
  set +e
  out="$(timeout 30 ssh -p "$BERTH_SSHD_PORT" -i "$key" -o StrictHostKeyChecking=no \
    -o UserKnownHostsFile=/dev/null -o BatchMode=yes -o LogLevel=ERROR -o ConnectTimeout=10 \
    -o IdentitiesOnly=yes -o IdentityAgent=none "${opts[@]}" -- root@127.0.0.1 "$@" </dev/null 2>&1)"
  code=$?
  set -e
}

# --- sshd and keys ------------------------------------------------------------
for k in admin other stranger; do
  ssh-keygen -q -t ed25519 -N '' -C "$k@berth-test" -f "$work/$k"
done
echo "# hand-written comment: berth must keep this line" >"$keys"

run_berth ssh-keys:add --admin admin "$work/admin.pub"
assert_eq 0 "$code" "ssh-keys:add admin (from a file) succeeds: $out"
set +e
out="$("$BERTH_BIN" ssh-keys:add --admin other <"$work/other.pub" 2>&1)"
code=$?
set -e
assert_eq 0 "$code" "ssh-keys:add other (from stdin) succeeds: $out"
admin_line="$(grep -F -- '--key admin ' "$keys" || true)"
assert_contains "$admin_line" "command=\"$BERTH_BIN --root $BERTH_ROOT ssh-dispatch --key admin --fingerprint SHA256:" \
  "the admin line is a forced command with --root"
assert_contains "$admin_line" "no-port-forwarding" "the admin line forbids port forwarding"

berth_start_test_sshd "$work" "AuthorizedKeysFile $keys" "PermitRootLogin forced-commands-only"
echo "sshd listens on 127.0.0.1:$BERTH_SSHD_PORT (pid $BERTH_SSHD_PID)"

# --- ordinary commands --------------------------------------------------------
run_ssh "$work/admin" -- apps:create foo
assert_eq 0 "$code" "apps:create foo over ssh: $out"
run_berth apps:exists foo
assert_eq 0 "$code" "foo exists in the local store"

marker="$work/pwned"
secret="s3cret-value-$$"
run_ssh "$work/admin" -- "config:set foo $(sq "A=\$(touch $marker)") $(sq "B=it's") $(sq 'C=a;b|c&d') $(sq 'D=x=y') $(sq "S=$secret") $(sq "E=\`touch $marker\`")"
assert_eq 0 "$code" "config:set with awkward values over ssh"
declare -A expected=([A]="\$(touch $marker)" [B]="it's" [C]='a;b|c&d' [D]='x=y' [S]="$secret" [E]="\`touch $marker\`")
for key in A B C D S E; do
  run_ssh "$work/admin" -- "config:get foo $key"
  assert_eq 0 "$code" "config:get foo $key exits 0"
  assert_eq "${expected[$key]}" "$out" "config:get foo $key round trips"
done
# Words that a shell would act on reach berth as plain words.
run_ssh "$work/admin" -- "apps:list; touch $marker"
assert_eq 1 "$code" "'apps:list; touch' is one unknown command"
run_ssh "$work/admin" -- "apps:list \$(touch $marker) && touch $marker"
assert_eq 1 "$code" "apps:list with extra words is refused: $out"
if [[ -e $marker ]]; then fail "$marker was created: a shell ran a value"; else pass "no shell ran the values"; fi

multiline=$'first line\nsecond \'line\' $HOME'
encoded="$(printf '%s' "$multiline" | base64 -w0)"
run_ssh "$work/admin" -- "config:set foo --encoded $(sq "M=$encoded")"
assert_eq 0 "$code" "config:set --encoded over ssh"
run_ssh "$work/admin" -- config:get foo M
assert_eq "$multiline" "$out" "a value with a newline round trips through --encoded"

# --- errors and help ----------------------------------------------------------
run_ssh "$work/admin" -- config:get nope A
assert_eq 20 "$code" "a missing app exits 20 over ssh"
assert_contains "$out" "nope does not exist" "a missing app is named"
run_ssh "$work/admin" -- frobnicate foo
assert_eq 1 "$code" "an unknown command exits 1"
assert_contains "$out" "is not a berth command" "an unknown command is reported"
run_ssh "$work/admin" --
assert_eq 0 "$code" "an empty command exits 0"
assert_contains "$out" "Usage:" "an empty command prints help"
# git's transport reaches git-receive-pack on the app's new repo (stdin is
# empty here, so git ends the exchange after advertising its refs).
run_ssh "$work/admin" -- "git-receive-pack '/foo.git'"
assert_contains "$out" "report-status" "git-receive-pack advertises its capabilities"
assert_eq 0 "$([[ -f $BERTH_ROOT/repos/foo.git/hooks/pre-receive ]]; echo $?)" \
  "the first push creates the app's repo with its pre-receive hook"
run_ssh "$work/admin" -- "git-receive-pack '../etc'"
assert_eq 1 "$((code != 0))" "git-receive-pack refuses a path as the app"
assert_contains "$out" "Invalid app name" "git-receive-pack names the bad app"
run_ssh "$work/admin" -- "ssh-keys:add evil"
assert_eq 1 "$((code != 0))" "ssh-keys:add is refused over ssh"
assert_contains "$out" "can only be run there" "ssh-keys:add says it is host-only"
run_ssh "$work/admin" -- ssh-keys:list
assert_eq 1 "$((code != 0))" "ssh-keys:list is refused over ssh"
run_ssh "$work/admin" -- "--root /tmp apps:list"
assert_eq 1 "$((code != 0))" "--root is refused over ssh"
assert_contains "$out" "Unknown global flag --root" "--root over ssh is named"

# --- the forced command cannot be escaped -------------------------------------
run_ssh "$work/stranger" -- apps:list
assert_eq 255 "$code" "a key that is not in authorized_keys is refused"
run_ssh "$work/admin" -- "/bin/sh -c 'echo hacked'"
assert_eq 1 "$code" "/bin/sh is dispatched as a berth command and fails"
assert_not_contains "$out" "hacked" "/bin/sh -c 'echo hacked' does not run a shell"
assert_contains "$out" "is not a berth command" "/bin/sh is not a berth command"
# An interactive login gets help, not a shell; what a shell would run never runs.
set +e
out="$(printf 'echo hac""ked\nexit\n' | timeout 30 ssh -tt -p "$BERTH_SSHD_PORT" -i "$work/admin" \
  -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o BatchMode=yes -o LogLevel=ERROR \
  -o ConnectTimeout=10 -o IdentitiesOnly=yes root@127.0.0.1 2>&1)"
code=$?
set -e
assert_eq 0 "$code" "ssh -tt login exits 0"
assert_contains "$out" "Usage:" "ssh -tt login prints help"
assert_not_contains "$out" "hacked" "ssh -tt login does not give a shell"

# Port forwarding: the tunnel opens on the client side, but sshd refuses the
# channel, so nothing from the target (sshd's own banner) comes through.
for ((attempt = 0; attempt < 20; attempt++)); do
  lport=$((20000 + RANDOM % 40000))
  berth_port_listening "$lport" || break
done
timeout 60 ssh -N -o ExitOnForwardFailure=yes -L "127.0.0.1:$lport:127.0.0.1:$BERTH_SSHD_PORT" -p "$BERTH_SSHD_PORT" -i "$work/admin" \
  -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o BatchMode=yes -o LogLevel=ERROR \
  -o ConnectTimeout=10 -o IdentitiesOnly=yes root@127.0.0.1 </dev/null >"$work/forward.log" 2>&1 &
forward_pid=$!
if berth_wait_for_port "$lport" 15; then
  # shellcheck disable=SC2016  # $1 is expanded by the inner bash
  banner="$(timeout 10 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1" && head -c 8 <&3' _ "$lport" 2>/dev/null || true)"
  assert_not_contains "$banner" "SSH-2.0" "nothing comes through a local port forward"
  for ((i = 0; i < 50; i++)); do
    grep -q "refused local port forward" "$work/sshd.log" && break
    sleep 0.1
  done
  assert_contains "$(cat "$work/sshd.log")" "refused local port forward" "sshd logs the refused forward"
else
  fail "ssh -N -L did not open its local port: $(cat "$work/forward.log")"
fi
berth_stop_pid "$forward_pid"
forward_pid=

# --- user-auth veto -----------------------------------------------------------
plugin="$BERTH_ROOT/plugins/enabled/deny"
mkdir -p "$plugin"
cat >"$plugin/user-auth" <<'EOF'
#!/usr/bin/env bash
# $1 unix user, $2 ssh key name, $3 command
if [[ $2 == admin && $3 == apps:destroy ]]; then
  echo "admins may not destroy" >&2
  exit 1
fi
exit 0
EOF
chmod 0755 "$plugin/user-auth"
run_ssh "$work/admin" -- apps:destroy foo --force
assert_eq 1 "$((code != 0))" "user-auth vetoes apps:destroy for admin"
assert_contains "$out" "admins may not destroy" "the veto's stderr is shown over ssh"
run_berth apps:exists foo
assert_eq 0 "$code" "foo still exists after the vetoed destroy"
run_ssh "$work/admin" -- apps:list
assert_eq 0 "$code" "other commands still work under the plugin"
assert_contains "$out" "foo" "apps:list over ssh lists foo"
run_ssh "$work/other" -- apps:report foo
assert_eq 0 "$code" "the veto applies to one key name only"

# --- the log --------------------------------------------------------------------
log="$(cat "$BERTH_ROOT/logs/berth.log")"
set_line="$(grep -F 'command="config:set foo A=' "$BERTH_ROOT/logs/berth.log" || true)"
assert_contains "$set_line" "key=admin" "the config:set log line names the key"
assert_contains "$set_line" "via=ssh" "the config:set log line says it came over ssh"
assert_contains "$set_line" "S=<redacted>" "config:set values are redacted in the log"
assert_not_contains "$log" "$secret" "the secret value is not in the log"
assert_not_contains "$log" "$encoded" "the encoded value is not in the log"
assert_contains "$log" "command=\"apps:destroy foo --force\" result=denied" "the vetoed destroy is logged as denied"

# --- removing a key -------------------------------------------------------------
run_ssh "$work/other" -- apps:list
assert_eq 0 "$code" "the other key works before removal"
before="$(cat "$keys")"
run_berth ssh-keys:remove other
assert_eq 0 "$code" "ssh-keys:remove other: $out"
expected_keys="$(grep -vF -- '--key other ' <<<"$before")"
assert_eq "$expected_keys" "$(cat "$keys")" "exactly the other key's line is gone"
assert_contains "$(cat "$keys")" "# hand-written comment" "the hand-written line stays"
assert_eq 3 "$(wc -l <<<"$before")" "authorized_keys had three lines before"
run_ssh "$work/other" -- apps:list
assert_eq 255 "$code" "the removed key is refused by sshd"
run_ssh "$work/admin" -- apps:list
assert_eq 0 "$code" "the admin key still works"

finish
