#!/usr/bin/env bash
# The single-quoted $(...) and backticks are the hostile input, meant literally.
# shellcheck disable=SC2016
# Hostile input through the real `berth` binary, in its own BERTH_ROOT (no
# containers): every refusal says what was wrong, creates nothing on disk
# outside BERTH_ROOT and leaves the state as it was (apps:list and
# config:export before == after); config values with shell metacharacters,
# newlines, non-UTF-8 bytes and 120 KiB (one argv string is at most 128 KiB;
# the 256 KiB limit itself is unit tested) come back byte for byte and are never
# run (a canary file that `$(touch ...)` would create stays absent):
#  a) apps:create of '../x', 'a/b', '..', names with NUL-free control bytes,
#     metacharacters, unicode and 10 KB;
#  b) config:set/config:get round trips, and refused keys and oversized values;
#  c) storage:mount with traversal, relative paths and /proc;
#  d) plugin:install --name '../x' and friends;
#  e) git:from-archive of tarballs with '../' entries, absolute paths, a
#     symlink pointing out and then written through, and a hard link out.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=tests/lib/assert.sh
source "$here/../lib/assert.sh"
require_root
berth_test_root
started=$SECONDS

outside="$(mktemp -d /tmp/berth-hostile-outside.XXXXXX)"
canary="$outside/canary"
berth_test_extra_cleanup() { rm -rf "$outside"; }
echo original >"$outside/victim"

run_berth apps:create good
assert_eq 0 "$code" "apps:create good: $out"
run_berth config:set good BASE=1
assert_eq 0 "$code" "config:set good BASE=1: $out"

snapshot() { "$BERTH_BIN" apps:list 2>&1; "$BERTH_BIN" config:export good 2>&1; }
before="$(snapshot)"
# unchanged WHEN: state as before, nothing new outside BERTH_ROOT, no canary.
unchanged() {
  assert_eq "$before" "$(snapshot)" "$1: state unchanged"
  assert_eq "victim" "$(find "$outside" -mindepth 1 -printf '%P\n' | sort | paste -sd' ')" \
    "$1: nothing written outside BERTH_ROOT"
  assert_eq original "$(cat "$outside/victim")" "$1: the outside file is untouched"
}

# --- a) app names --------------------------------------------------------------------
long_name="$(printf 'a%.0s' $(seq 1 10240))"
tag="hostile-$$"
for name in "../$tag" "../${outside#/tmp/}/x" 'a/b' '..' '.' '/abs' $'x\ny' '$(touch '"$canary"')' \
  '`id`' 'a;b' 'a|b' 'a&b' 'a>b' 'Caf'$'\xc3\xa9' $'\xff\xfe' '-rf' "$long_name" ''; do
  run_berth apps:create "$name"
  shown="${name:0:20}"
  assert_eq 1 "$((code != 0))" "apps:create '${shown//$'\n'/\\n}' is refused"
  assert_contains "${out,,}" "app name" "apps:create '${shown//$'\n'/\\n}' says the name is invalid"
  if ((${#out} > 1000)); then fail "the message for a ${#name}-byte name is ${#out} bytes"; fi
done
unchanged "a) app names"
if [[ -e "/tmp/$tag" ]]; then fail "a) a traversal name created /tmp/$tag"; fi

# --- b) config values ----------------------------------------------------------------
values=(
  '$(touch '"$canary"')' '`touch '"$canary"'`' 'a;b|c&d<e>f' "it's \"quoted\"" $'line1\nline2\n'
  $'\xff\xfe\x80 not utf-8' '${HOME} $PATH \ \n' '-e' "$(head -c 122880 /dev/zero | tr '\0' v)")
i=0
for value in "${values[@]}"; do
  i=$((i + 1))
  run_berth config:set good "V$i=$value"
  assert_eq 0 "$code" "config:set of value $i is accepted: ${out:0:200}"
  if cmp -s <(printf '%s\n' "$value") <("$BERTH_BIN" config:get good "V$i"); then
    pass "value $i (${#value} bytes) comes back byte for byte"
  else
    fail "value $i (${#value} bytes) changed: $("$BERTH_BIN" config:get good "V$i" | head -c 200 | od -c | head -3)"
  fi
done
if [[ -e "$canary" ]]; then fail "b) a config value was executed (the canary exists)"; fi
run_berth config:unset good $(seq -f 'V%g' 1 "$i")
assert_eq 0 "$code" "config:unset of the hostile values: $out"

for pair in '../K=v' 'A-B=v' '1A=v' 'A B=v' '$(touch '"$canary"')=v' '=v'; do
  run_berth config:set good "$pair"
  assert_eq 1 "$((code != 0))" "config:set '$pair' is refused"
  assert_contains "$out" "Invalid" "config:set '$pair' says what is invalid: $out"
done
unchanged "b) config"

# --- c) storage mounts ---------------------------------------------------------------
mkdir -p "$outside/data"
for spec in "$outside/data/../../etc:/data" "$outside/data:/app/../proc" "relative:/data" \
  "$outside/data:relative" "$outside/data:/proc/self" "$outside/data:/" "/:/data" "/etc:/data" \
  "$BERTH_ROOT:/data" "$outside/data:/data:rx"; do
  run_berth storage:mount good "$spec"
  assert_eq 1 "$((code != 0))" "storage:mount $spec is refused"
  if [[ -z "$out" ]]; then fail "storage:mount $spec gave no message"; fi
done
run_berth storage:list good
assert_not_contains "$out" "/data" "c) no mount was stored"
rmdir "$outside/data"
unchanged "c) storage"

# --- d) plugin names -----------------------------------------------------------------
plugin_src="$outside/plugin"
mkdir -p "$plugin_src"
printf '[plugin]\ndescription = "x"\nversion = "1"\n' >"$plugin_src/plugin.toml"
for name in "../$tag" "../../tmp/$tag" 'a/b' '..' '.x' '$(touch '"$canary"')' $'x\ny'; do
  run_berth plugin:install "$plugin_src" --name "$name"
  assert_eq 1 "$((code != 0))" "plugin:install --name '${name//$'\n'/\\n}' is refused"
  assert_contains "$out" "plugin name" "plugin:install --name '${name//$'\n'/\\n}' names the problem"
done
if [[ -e "/tmp/$tag" ]]; then fail "d) a traversal plugin name created /tmp/$tag"; fi
rm -rf "$plugin_src"
unchanged "d) plugins"

# --- e) hostile tarballs -------------------------------------------------------------
tarballs="$(mktemp -d /tmp/berth-hostile-tar.XXXXXX)"
python3 - "$tarballs" "$outside" <<'EOF'
import io, sys, tarfile
out, outside = sys.argv[1], sys.argv[2]
def make(name, entries):
    with tarfile.open(f"{out}/{name}.tar.gz", "w:gz") as tar:
        for kind, path, arg in entries:
            info = tarfile.TarInfo(path)
            if kind == "file":
                data = arg.encode()
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
            elif kind == "symlink":
                info.type, info.linkname = tarfile.SYMTYPE, arg
                tar.addfile(info)
            elif kind == "hardlink":
                info.type, info.linkname = tarfile.LNKTYPE, arg
                tar.addfile(info)
make("dotdot", [("file", "Procfile", "web: x\n"), ("file", f"../../../..{outside}/evil", "x")])
make("absolute", [("file", "Procfile", "web: x\n"), ("file", f"{outside}/evil", "x")])
make("symlink_out", [("symlink", "link", outside), ("file", "link/evil", "x")])
make("hardlink_out", [("hardlink", "h", f"{outside}/victim")])
EOF
declare -A reasons=([dotdot]="'..' part" [absolute]="absolute path" [symlink_out]="through the symlink"
  [hardlink_out]="hard link")
for t in dotdot absolute symlink_out hardlink_out; do
  run_berth git:from-archive good "$tarballs/$t.tar.gz"
  assert_eq 1 "$((code != 0))" "git:from-archive $t is refused"
  assert_contains "$out" "${reasons[$t]}" "git:from-archive $t names the entry's problem"
done
rm -rf "$tarballs"
unchanged "e) tarballs"

if [[ -e "$canary" ]]; then fail "the canary exists: something was executed"; fi
echo "hostile input: $((SECONDS - started)) s"
finish
