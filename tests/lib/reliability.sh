# Helpers for the reliability tests (tests/reliability/*_test.sh): the state
# database's integrity, the deploy lock, berth processes still running, and a
# test plugin whose triggers kill the deploy that fired them. Source it after
# tests/lib/assert.sh (and tests/lib/push.sh for the push helpers); it defines
# functions only.
# shellcheck shell=bash

# rel_db_check: prints what SQLite's integrity check of BERTH_ROOT/berth.db says
# ("ok" when it is sound), with the sqlite3 CLI, else python3's sqlite3 module.
rel_db_check() {
  local db="$BERTH_ROOT/berth.db"
  if command -v sqlite3 >/dev/null; then
    sqlite3 "$db" 'PRAGMA integrity_check' 2>&1 | paste -sd' '
  else
    /usr/bin/python3 -c '
import sqlite3, sys
con = sqlite3.connect(sys.argv[1], timeout=30)
print(" ".join(r[0] for r in con.execute("PRAGMA integrity_check")))
' "$db" 2>&1
  fi
}

# rel_assert_db_ok WHEN: asserts that the state database passes its integrity check.
rel_assert_db_ok() { assert_eq ok "$(rel_db_check)" "the state database is sound $1"; }

# rel_lock_held APP: true while a deploy of APP holds its deploy lock. Read from
# /proc/locks: trying the lock (flock -n) would take it for a moment, and a push
# arriving just then would be refused.
rel_lock_held() {
  local inode
  inode="$(stat -c %i "$BERTH_ROOT/locks/$1.lock" 2>/dev/null)" || return 1
  grep -qE "FLOCK +ADVISORY +WRITE +[0-9]+ +[0-9a-f]+:[0-9a-f]+:$inode " /proc/locks
}

# rel_berth_pids: the pids of berth and berth-pipeline processes working on this
# test's BERTH_ROOT (by --root on their command line or BERTH_ROOT in their
# environment), one a line.
rel_berth_pids() {
  local dir pid exe
  for dir in /proc/[0-9]*; do
    pid=${dir#/proc/}
    exe="$(readlink "$dir/exe" 2>/dev/null)" || continue
    [[ $exe == */berth || $exe == */berth-pipeline ]] || continue
    if tr '\0' '\n' <"$dir/cmdline" 2>/dev/null | grep -qxF -- "$BERTH_ROOT" ||
      tr '\0' '\n' <"$dir/environ" 2>/dev/null | grep -qxF -- "BERTH_ROOT=$BERTH_ROOT"; then
      echo "$pid"
    fi
  done
}

# rel_no_berth_running: true when no berth process of this test runs.
rel_no_berth_running() { [[ -z "$(rel_berth_pids)" ]]; }

# rel_web_containers APP: the ids of APP's web containers (APP.web.N.G), sorted.
rel_web_containers() {
  find "$BERTH_ROOT/containers" -mindepth 1 -maxdepth 1 -name "$1.web.*" -printf '%f\n' 2>/dev/null | sort
}

# rel_container_env ID KEY: KEY's value in the environment of container ID's
# process (empty when unset).
rel_container_env() {
  local pid
  pid="$(shim_field "$1" container_pid)"
  tr '\0' '\n' <"/proc/$pid/environ" 2>/dev/null | sed -n "s/^$2=//p"
}

# rel_killer_plugin DIR TRIGGER...: writes a plugin into DIR (named after DIR's
# last part) with one script per TRIGGER. A script does nothing unless
# DIR/arm-TRIGGER exists; then it takes the app's name from that file, removes
# it, writes the pid and name of the process it kills to DIR/killed-TRIGGER and
# kills -9 the deploy that fired it: the process holding the app's deploy lock
# (its pid is in the lock file), which must be berth or berth-pipeline. Install
# it with `berth plugin:install DIR`.
rel_killer_plugin() {
  local dir=$1 trigger
  shift
  mkdir -p "$dir"
  printf '[plugin]\ndescription = "kills the deploy that fires an armed trigger (reliability tests)"\nversion = "1.0.0"\n' \
    >"$dir/plugin.toml"
  for trigger in "$@"; do
    cat >"$dir/$trigger" <<EOF
#!/usr/bin/env bash
set -euo pipefail
arm="$dir/arm-$trigger" killed="$dir/killed-$trigger" locks="$BERTH_ROOT/locks"
[[ -e \$arm ]] || exit 0
app=\$(cat "\$arm")
rm -f "\$arm"
pid=\$(tr -dc 0-9 <"\$locks/\$app.lock")
exe=\$(readlink "/proc/\$pid/exe")
case \$exe in */berth | */berth-pipeline) ;; *) echo "killer: pid \$pid is \$exe, not berth" >&2; exit 1 ;; esac
echo "\$pid \${exe##*/}" >"\$killed"
kill -9 "\$pid"
EOF
    chmod 0755 "$dir/$trigger"
  done
}

# rel_arm DIR TRIGGER APP: the next TRIGGER of the killer plugin in DIR kills
# APP's deploy.
rel_arm() { echo "$3" >"$1/arm-$2"; }
