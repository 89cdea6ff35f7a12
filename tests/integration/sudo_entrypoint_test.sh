#!/usr/bin/env bash
# The unprivileged path of DESIGN.md "Privileges": an ssh key of an ordinary user
# (standing in for the `berth` user) runs the forced command as that user; berth
# cannot write the root-owned state dir, so ssh-dispatch re-runs itself through
# `sudo -n` under a sudoers drop-in that allows exactly
# `BERTH --root ROOT ssh-dispatch *` and keeps SSH_ORIGINAL_COMMAND.
# Needs root; makes a temporary system user, sudoers drop-in and sshd, and removes
# all three on exit.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# (shellcheck -x from the repository root follows these)
# shellcheck source=tests/lib/assert.sh disable=SC1091
source "$here/../lib/assert.sh"
# shellcheck source=scripts/lib/sshd.sh disable=SC1091
source "$here/../../scripts/lib/sshd.sh"

require_root
for tool in sudo visudo useradd usermod userdel runuser /usr/sbin/sshd ssh ssh-keygen ss timeout; do
  command -v "$tool" >/dev/null || { echo "SKIP: $tool is missing"; exit 77; }
done

berth_test_root
chmod 0755 "$BERTH_ROOT"  # root-owned and not writable by the user
work="$(mktemp -d /tmp/berth-sudo.XXXXXX)"
chmod 0755 "$work"
user="berth-t$$"
home="$work/home"
sudoers="/etc/sudoers.d/berth-test-$$"
reaper_pid=
remove_user_and_rule() {
  rm -f "$sudoers"
  userdel -r -f "$user" 2>/dev/null || userdel -f "$user" || true
}
berth_test_extra_cleanup() {
  trap '' INT TERM  # finish cleaning up
  berth_stop_test_sshd
  if [[ -n $reaper_pid ]]; then
    berth_cancel_after_exit "$reaper_pid"
    remove_user_and_rule
  fi
  if [[ $BERTH_TEST_FAILURES -gt 0 && -f $work/sshd.log ]]; then
    echo "--- sshd log" >&2
    tail -n 30 "$work/sshd.log" >&2
  fi
  rm -rf "$work"
}
trap 'exit 130' INT
trap 'exit 143' TERM

# sq WORD: WORD quoted for the remote side's shell-style splitting.
sq() { printf "'%s'" "${1//\'/\'\\\'\'}"; }

run_ssh() {
  set +e
  out="$(timeout 30 ssh -p "$BERTH_SSHD_PORT" -i "$work/key" -o StrictHostKeyChecking=no \
    -o UserKnownHostsFile=/dev/null -o BatchMode=yes -o LogLevel=ERROR -o ConnectTimeout=10 \
    -o IdentitiesOnly=yes -o IdentityAgent=none -- "$user@127.0.0.1" "$@" </dev/null 2>&1)"
  code=$?
  set -e
}

# as_user CMD...: runs CMD as the test user; $out and $code as run_berth.
as_user() {
  set +e
  out="$(timeout 30 runuser -u "$user" -- "$@" </dev/null 2>&1)"
  code=$?
  set -e
}

# --- the user, the binary it may run, the sudoers rule ------------------------
if getent passwd "$user" >/dev/null; then
  echo "user $user exists already; refusing to touch it" >&2
  exit 1
fi
useradd --system --user-group --home-dir "$home" --create-home --shell /bin/sh "$user"
# If this shell is killed outright, the user, the sudoers rule and the dirs still go.
reap() { sleep 3; remove_user_and_rule; rm -rf "$work" "$BERTH_ROOT"; }
berth_after_exit reap
reaper_pid=$BERTH_AFTER_EXIT_PID
usermod -p '*' "$user"  # '!' (locked) would make sshd refuse the key

bin="$(readlink -f "$BERTH_BIN")"  # what berth's forced command and re-exec name
if ! runuser -u "$user" -- test -x "$bin"; then
  install -d -m 0755 "$work/bin"
  install -m 0755 "$bin" "$work/bin/berth"
  bin="$work/bin/berth"
  echo "the build dir is not reachable by $user: using a copy at $bin"
fi

{
  echo "# berth integration test $$ (removed when the test exits)"
  echo "Defaults!$bin env_keep += \"SSH_ORIGINAL_COMMAND\""
  echo "$user ALL=(root) NOPASSWD: $bin --root $BERTH_ROOT ssh-dispatch *"
} >"$work/sudoers"
visudo -cqf "$work/sudoers"
install -m 0440 "$work/sudoers" "$sudoers"

# --- the key and sshd ----------------------------------------------------------
ssh-keygen -q -t ed25519 -N '' -C "tester@berth-test" -f "$work/key"
keys="$home/.ssh/authorized_keys"
set +e
out="$(BERTH_AUTHORIZED_KEYS="$keys" "$bin" ssh-keys:add --admin tester "$work/key.pub" 2>&1)"
code=$?
set -e
assert_eq 0 "$code" "ssh-keys:add tester into the user's authorized_keys: $out"
assert_eq "$user" "$(stat -c %U "$keys")" "authorized_keys belongs to the user"
assert_eq "$user" "$(stat -c %U "$home/.ssh")" "the .ssh dir belongs to the user"
# Without BERTH_AUTHORIZED_KEYS berth finds the file through the user's passwd
# entry (getpwnam, from the static glibc of the berth command).
ssh-keygen -q -t ed25519 -N '' -C "lookup@berth-test" -f "$work/lookup-key"
BERTH_USER="$user" "$bin" ssh-keys:add lookup "$work/lookup-key.pub" >/dev/null
assert_contains "$(cat "$keys")" "--key lookup " "ssh-keys:add finds the user's home by its passwd entry"
BERTH_USER="$user" "$bin" ssh-keys:remove lookup >/dev/null
assert_not_contains "$(cat "$keys")" "--key lookup " "and ssh-keys:remove removes the key there"

berth_start_test_sshd "$work" "AuthorizedKeysFile $keys" "AllowUsers $user" "PermitRootLogin no"
echo "sshd listens on 127.0.0.1:$BERTH_SSHD_PORT (pid $BERTH_SSHD_PID), user $user"

# --- the user cannot write the store itself; sudo is limited to ssh-dispatch ---
as_user test -w "$BERTH_ROOT"
assert_eq 1 "$code" "the user cannot write the state dir"
as_user sudo -n /bin/true
assert_eq 1 "$((code != 0))" "the user cannot sudo anything else"
as_user sudo -n "$bin" --root "$BERTH_ROOT" apps:list
assert_eq 1 "$((code != 0))" "the user cannot sudo berth outside ssh-dispatch"
as_user sudo -n "$bin" --root /tmp ssh-dispatch --key tester --fingerprint x
assert_eq 1 "$((code != 0))" "the user cannot sudo berth with another --root"

# --- over ssh: berth runs as the user, elevates, writes the root-owned store ---
run_ssh apps:create bar
assert_eq 0 "$code" "apps:create bar over ssh as $user: $out"
assert_contains "$out" "Creating bar" "apps:create reports its step"
run_berth apps:exists bar
assert_eq 0 "$code" "bar exists in the root-owned store"
assert_eq root "$(stat -c %U "$BERTH_ROOT/berth.db")" "the store stays root-owned"

value="two words; \$(touch $work/pwned) \"q\" 'it'\''s'"
run_ssh "config:set bar $(sq "X=$value")"
assert_eq 0 "$code" "config:set through sudo"
run_ssh config:get bar X
assert_eq "$value" "$out" "SSH_ORIGINAL_COMMAND survives sudo unchanged"
if [[ -e $work/pwned ]]; then fail "a shell ran the value"; else pass "no shell ran the value"; fi

run_ssh
assert_eq 0 "$code" "an empty command through sudo exits 0"
assert_contains "$out" "Usage:" "an empty command through sudo prints help"
run_ssh config:get nope X
assert_eq 20 "$code" "exit code 20 survives sudo"
run_ssh ssh-keys:list
assert_eq 1 "$((code != 0))" "host-only commands are refused through sudo"

log_line="$(grep -F 'command="apps:create bar"' "$BERTH_ROOT/logs/berth.log" || true)"
assert_contains "$log_line" "key=tester" "the log names the key"
assert_contains "$log_line" "user=$user" "the log names the unix user (SUDO_USER)"
assert_contains "$log_line" "via=ssh" "the log says it came over ssh"

finish
