# shellcheck shell=bash
# Sourced by the cron plugin's scripts. The entries come from the app.json of the
# app's current release, read and validated by `berth cron-entries` (tab-separated:
# ID, schedule, next run as unix time, next run as local time, command). State under
# $BERTH_ROOT/data/cron/: APP/entries (the current entries), APP/next.ID (when the
# scheduler runs the entry next), APP/cron.log (what the scheduler's runs printed),
# scheduler.pid / scheduler.lock / scheduler.log (berth's scheduler process).

CRON_DATA="$BERTH_ROOT/data/cron"
CRON_UNIT_DIR="${BERTH_CRON_SYSTEMD_DIR:-/etc/systemd/system}"

cron_fail() {
  echo " !     $*" >&2
  exit 1
}

# cron_app NAME USAGE: exits with an error unless NAME is an existing app.
cron_app() {
  local app="$1" usage="$2"
  [[ -n $app ]] || cron_fail "Usage: berth $usage"
  [[ $app =~ ^[a-z0-9][a-z0-9-]{0,62}$ ]] ||
    cron_fail "Invalid app name '${app:0:64}': use lowercase letters, digits and dashes"
  "$BERTH_BIN" apps:exists "$app" >/dev/null || exit 1
}

# cron_backend: systemd or loop. The setting (cron:set-backend, kept in
# $CRON_DATA/backend), else CRON_BACKEND from plugin.toml; auto: systemd timers
# when systemd runs.
cron_backend() {
  local chosen="${CRON_BACKEND:-auto}"
  [[ ! -f $CRON_DATA/backend ]] || chosen="$(<"$CRON_DATA/backend")"
  case "$chosen" in
    systemd | loop) echo "$chosen" ;;
    *)
      if [[ -d /run/systemd/system ]] && command -v systemctl >/dev/null; then
        echo systemd
      else
        echo loop
      fi
      ;;
  esac
}

# cron_scheduler_pid: the pid of berth's running scheduler process, or nothing.
cron_scheduler_pid() {
  local pid
  [[ -f $CRON_DATA/scheduler.pid ]] || return 0
  pid="$(<"$CRON_DATA/scheduler.pid")"
  [[ $pid =~ ^[0-9]+$ ]] || return 0
  # The lock is held while the scheduler lives.
  if ! flock -n "$CRON_DATA/scheduler.lock" true 2>/dev/null; then
    echo "$pid"
  fi
}

# cron_scheduler_start: starts berth's scheduler process unless it runs.
cron_scheduler_start() {
  install -d -m 0700 "$BERTH_ROOT/data" "$CRON_DATA"
  [[ -z $(cron_scheduler_pid) ]] || return 0
  setsid -f "$PLUGIN_DIR/libexec/scheduler" </dev/null >>"$CRON_DATA/scheduler.log" 2>&1
  local i
  for ((i = 0; i < 50; i++)); do
    [[ -z $(cron_scheduler_pid) ]] || return 0
    sleep 0.1
  done
  echo " !     The cron scheduler did not start; see $CRON_DATA/scheduler.log" >&2
  return 1
}

# cron_units APP: the systemd units of the app's entries (file names).
cron_units() {
  local unit
  for unit in "$CRON_UNIT_DIR/berth-cron-$1-"*.timer "$CRON_UNIT_DIR/berth-cron-$1-"*.service; do
    [[ -e $unit ]] && basename "$unit"
  done
  return 0
}

# cron_drop_units APP [KEEP...]: the app's units go (timers stopped and
# disabled first), but for those named KEEP.
cron_drop_units() {
  local app="$1" unit
  shift
  while IFS= read -r unit; do
    [[ " $* " != *" $unit "* ]] || continue
    [[ $unit != *.timer ]] || systemctl disable --now "$unit" >/dev/null 2>&1 || true
    rm -f "${CRON_UNIT_DIR:?}/$unit"
  done < <(cron_units "$app")
}

# cron_unit_value TEXT: TEXT for a double-quoted unit-file value (systemd
# expands % specifiers and backslash escapes there); sets REPLY.
cron_unit_value() {
  REPLY="${1//\\/\\\\}"
  REPLY="${REPLY//\"/\\\"}"
  REPLY="${REPLY//%/%%}"
}

# cron_sync_systemd APP: one timer and service per entry; stale ones removed.
# As with berth's own scheduler, a run's output is appended to APP/cron.log and a
# run missed while the host was down runs once when it is back (Persistent=);
# the timers fire within a second of the minute (systemd's default: a minute).
cron_sync_systemd() {
  local app="$1" id schedule _next _human _command calendar unit root bin log
  local -a keep=() timers=()
  cron_unit_value "$BERTH_ROOT"
  root=$REPLY
  cron_unit_value "$BERTH_BIN"
  bin=$REPLY
  log="${CRON_DATA//%/%%}/$app/cron.log"  # unquoted there: only % is special
  while IFS=$'\t' read -r id schedule _next _human _command; do
    unit="berth-cron-$app-$id"
    keep+=("$unit.timer" "$unit.service")
    timers+=("$unit.timer")
    {
      echo "[Unit]"
      echo "Description=berth cron $id of $app"
      echo "[Service]"
      echo "Type=oneshot"
      echo "Environment=\"BERTH_ROOT=$root\""
      echo "ExecStart=\"$bin\" cron:run $app $id"
      echo "StandardOutput=append:$log"
      echo "StandardError=inherit"
    } >"$CRON_UNIT_DIR/$unit.service"
    {
      echo "[Unit]"
      echo "Description=berth cron $id of $app ($schedule)"
      echo "[Timer]"
      while IFS= read -r calendar; do echo "OnCalendar=$calendar"; done \
        < <("$BERTH_BIN" cron-schedule "$schedule" --systemd)
      echo "AccuracySec=1s"
      echo "Persistent=true"
      echo "[Install]"
      echo "WantedBy=timers.target"
    } >"$CRON_UNIT_DIR/$unit.timer"
  done <"$CRON_DATA/$app/entries"
  cron_drop_units "$app" "${keep[@]}"
  systemctl daemon-reload
  if ((${#timers[@]} > 0)); then
    # restart, not start: a timer that runs already takes its new schedule.
    systemctl enable --quiet "${timers[@]}"
    systemctl restart "${timers[@]}"
  fi
}

# cron_sync APP: the entries of the app's current release become what runs.
cron_sync() {
  local app="$1" dir entries
  dir="$CRON_DATA/$app"
  entries="$("$BERTH_BIN" cron-entries "$app")" || return 1
  install -d -m 0700 "$BERTH_ROOT/data" "$CRON_DATA" "$dir"
  if [[ -n $entries ]]; then
    printf '%s\n' "$entries" >"$dir/entries.tmp"
  else
    : >"$dir/entries.tmp"
  fi
  mv -f "$dir/entries.tmp" "$dir/entries"
  rm -f "$dir"/next.*
  if [[ $(cron_backend) == systemd ]]; then
    cron_sync_systemd "$app"
  elif [[ -n $entries ]]; then
    cron_scheduler_start
  fi
}

# cron_forget APP: the app's units and state go.
cron_forget() {
  local app="$1"
  cron_drop_units "$app"
  rm -rf "${CRON_DATA:?}/$app"
}
