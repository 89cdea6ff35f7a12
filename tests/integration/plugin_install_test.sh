#!/usr/bin/env bash
# Plugin management end to end with the test plugin tests/fixtures/plugins/probe:
# install/uninstall round trips from a folder, a tarball, a local git URL and a
# bare repository path; the probe's triggers (observe, veto, answer via stdout),
# its command and its [plugin.config]; enable/disable; update to another ref;
# and refusals (bad names, broken plugin.toml, a trigger file that is not
# executable, a failing install trigger, non-root) that leave nothing behind.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=tests/lib/assert.sh disable=SC1091
source "$here/../lib/assert.sh"

require_root
command -v git >/dev/null || { echo "SKIP: git is missing"; exit 77; }
berth_test_root
work="$(mktemp -d /tmp/berth-plugins.XXXXXX)"
berth_test_extra_cleanup() { rm -rf "$work"; }
probe="$BERTH_SOURCE_DIR/tests/fixtures/plugins/probe"
plugins="$BERTH_ROOT/plugins"

# nothing_left NAME: no trace of plugin NAME under $BERTH_ROOT/plugins.
nothing_left() {
  local left
  left="$(find "$plugins" -mindepth 2 -name "$1*" 2>/dev/null)"
  assert_eq "" "$left" "nothing of $1 is left behind"
}

# ---- from a folder ---------------------------------------------------------
run_berth plugin:install "$probe"
assert_eq 0 "$code" "install from a folder: $out"
assert_contains "$out" "Plugin probe installed and enabled" "install says what it did"
assert_eq "../available/probe" "$(readlink "$plugins/enabled/probe")" "enabled/probe links to available/"
assert_eq "probe" "$(cat "$BERTH_ROOT/probe-installed")" "the install trigger ran"
assert_eq "probe" "$(cat "$BERTH_ROOT/probe-dependencies")" "the dependencies trigger ran"
run_berth plugin:installed probe
assert_eq 0 "$code" "plugin:installed probe exits 0"
run_berth plugin:installed nosuch
assert_eq "1:" "$code:$out" "plugin:installed of a missing plugin exits 1 silently"
run_berth plugin:list
assert_contains "$out" "probe" "plugin:list shows the plugin"
assert_contains "$out" "1.0.0" "plugin:list shows its version"
run_berth plugin:install "$probe"
assert_eq 1 "$code" "installing the same plugin twice is refused"
assert_contains "$out" "plugin:update probe" "and says how to update it"

# observe: post-create with APP, PLUGIN_PATH and the plugin's config.
run_berth apps:create demo
assert_eq 0 "$code" "apps:create with the plugin: $out"
assert_eq "post-create demo APP=demo PLUGIN_PATH=$plugins/enabled PLUGIN_NAME=probe greeting=hello from config" \
  "$(cat "$BERTH_ROOT/probe.log")" "post-create got its argument, env and the plugin's config"

# a command the plugin adds.
run_berth probe:hello world
assert_eq 0 "$code" "probe:hello runs"
assert_eq "hello world (hello from config, 1)" "$out" "the command reads its config and its files"

# veto: pre-delete refuses keep-*; the app stays and the plugin's stderr is shown.
"$BERTH_BIN" apps:create keep-me >/dev/null
run_berth apps:destroy keep-me --force
assert_eq 1 "$code" "the veto stops apps:destroy"
assert_contains "$out" "probe keeps keep-me" "the plugin's stderr is shown"
run_berth apps:list
assert_contains "$out" "keep-me" "the vetoed app still exists"
run_berth apps:destroy demo --force
assert_eq 0 "$code" "other apps can be destroyed"

# answer: the first non-empty stdout.
mkdir -p "$work/src"
run_berth plugin:trigger builder-detect demo "$work/src"
assert_eq "0:" "$code:$out" "no answer when the plugin prints nothing"
touch "$work/src/.probe-null"
run_berth plugin:trigger builder-detect demo "$work/src"
assert_eq "0:null" "$code:$out" "the plugin's stdout is the answer"

# disable / enable.
run_berth plugin:disable probe
assert_eq 0 "$code" "plugin:disable"
if [[ -d $plugins/available/probe && ! -e $plugins/enabled/probe ]]; then
  pass "disable keeps the files and removes the link"
else
  fail "disable removes only the link"
fi
run_berth probe:hello x
assert_contains "$out" "is not a berth command" "a disabled plugin's command is gone"
run_berth plugin:list
assert_contains "$out" "disabled" "plugin:list shows it disabled"
run_berth plugin:enable probe
assert_eq 0 "$code" "plugin:enable"
run_berth probe:hello x
assert_eq 0 "$code" "its command is back"

# uninstall.
run_berth plugin:uninstall probe
assert_eq 0 "$code" "plugin:uninstall: $out"
assert_eq "probe" "$(cat "$BERTH_ROOT/probe-uninstalled")" "the uninstall trigger ran"
nothing_left probe
run_berth plugin:installed probe
assert_eq 1 "$code" "an uninstalled plugin is not installed"
run_berth plugin:uninstall probe
assert_eq 1 "$code" "uninstalling it again fails"
assert_contains "$out" "not installed" "and says why"

# ---- from a tarball --------------------------------------------------------
tar -czf "$work/probe-plugin.tar.gz" -C "$(dirname "$probe")" probe
run_berth plugin:install "$work/probe-plugin.tar.gz" --name tarred
assert_eq 0 "$code" "install from a tarball: $out"
run_berth tarred:hello tar
assert_eq "hello tar (hello from config, 1)" "$out" "the tarball's plugin works (top folder stripped)"
run_berth plugin:uninstall tarred
assert_eq 0 "$code" "uninstall the tarball's plugin"
nothing_left tarred

# ---- from git: a file:// URL and a bare repository's path -----------------
git_in() { git -C "$work/checkout" -c user.name=t -c user.email=t@example.com "$@" >/dev/null; }
cp -r "$probe" "$work/checkout"
git init -q -b main "$work/checkout"
git_in add -A
git_in commit -q -m v1
git_in tag v1
echo 2 >"$work/checkout/VERSION"
git_in commit -q -am v2
git clone -q --bare "$work/checkout" "$work/probe.git"

rm -f "$BERTH_ROOT/probe-installed"
run_berth plugin:install "file://$work/probe.git" --committish v1
assert_eq 0 "$code" "install from a file:// git URL at a tag: $out"
run_berth probe:hello git
assert_eq "hello git (hello from config, 1)" "$out" "the tag's version is installed"
run_berth plugin:update probe main
assert_eq 0 "$code" "plugin:update to another ref: $out"
run_berth probe:hello git
assert_eq "hello git (hello from config, 2)" "$out" "the update brought the new version"
assert_eq "probe probe" "$(tr '\n' ' ' <"$BERTH_ROOT/probe-installed" | sed 's/ $//')" \
  "install ran again after the update"
if PROBE_FAIL_INSTALL=1 "$BERTH_BIN" plugin:update probe v1 >"$work/update.out" 2>&1; then
  fail "a failing update succeeded"
else
  pass "a failing install trigger fails the update"
fi
assert_contains "$(cat "$work/update.out")" "previous version is back" "and says the old version is back"
run_berth probe:hello git
assert_eq "hello git (hello from config, 2)" "$out" "the previous version still serves"
run_berth plugin:uninstall probe
nothing_left probe

run_berth plugin:install "$work/probe.git" --name bare-path
assert_eq 0 "$code" "install from a bare repository's path: $out"
run_berth bare-path:hello x
assert_eq "hello x (hello from config, 2)" "$out" "the default branch is installed"
run_berth plugin:uninstall bare-path
nothing_left bare-path

# ---- refusals leave nothing behind -----------------------------------------
if PROBE_FAIL_INSTALL=1 "$BERTH_BIN" plugin:install "$probe" --name failing >"$work/fail.out" 2>&1; then
  fail "a failing install trigger was accepted"
else
  pass "a failing install trigger fails the install"
fi
assert_contains "$(cat "$work/fail.out")" "install refused on purpose" "the plugin's stderr is shown"
nothing_left failing
assert_eq "" "$(ls -A "$plugins/.staging")" "no staging folder is left"

for bad in ../evil Bad a:b; do
  run_berth plugin:install "$probe" --name "$bad"
  assert_eq 1 "$code" "the name '$bad' is refused"
  assert_contains "$out" "Invalid plugin name" "with a message for '$bad'"
done

cp -r "$probe" "$work/broken"
printf '[plugin]\ndescription = "unterminated\n' >"$work/broken/plugin.toml"
run_berth plugin:install "$work/broken"
assert_eq 1 "$code" "a broken plugin.toml is refused"
assert_contains "$out" "plugin.toml:2:" "with toml's line and column"
nothing_left broken

cp -r "$probe" "$work/noexec"
chmod 0644 "$work/noexec/pre-delete"
run_berth plugin:install "$work/noexec"
assert_eq 1 "$code" "a trigger file that is not executable is refused"
assert_contains "$out" "pre-delete" "naming the file"
nothing_left noexec

cp -r "$probe" "$work/typo"
install -m 0755 /dev/null "$work/typo/post-deplyo"
run_berth plugin:install "$work/typo"
assert_eq 0 "$code" "an executable named like no trigger installs"
assert_contains "$out" "post-deplyo" "with a warning naming it"
"$BERTH_BIN" plugin:uninstall typo >/dev/null

run_berth plugin:install "$work/does-not-exist"
assert_eq 1 "$code" "a missing source is refused"

# Over ssh (the forced command's entry): refused, nothing installed.
for cmd in "plugin:install $probe" "plugin:uninstall typo" "plugin:enable typo" "plugin:update"; do
  set +e
  out="$(SSH_ORIGINAL_COMMAND="$cmd" "$BERTH_BIN" ssh-dispatch --key alice 2>&1)"
  code=$?
  set -e
  assert_eq 1 "$code" "${cmd%% *} over ssh is refused"
  assert_contains "$out" "can only be run there" "${cmd%% *} over ssh says to run it on the host"
done
nothing_left probe

# Not root: refused before anything is fetched.
if command -v setpriv >/dev/null && setpriv --reuid=65534 --regid=65534 --clear-groups \
  "$BERTH_BIN" version >/dev/null 2>&1; then
  set +e
  out="$(setpriv --reuid=65534 --regid=65534 --clear-groups "$BERTH_BIN" plugin:uninstall typo 2>&1)"
  code=$?
  set -e
  assert_eq 1 "$code" "plugin:uninstall as a normal user is refused"
  assert_contains "$out" "as root" "and says to run it as root"
else
  echo "skip: cannot run berth as nobody here"
fi

finish
