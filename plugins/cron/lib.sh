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

# cron_sync_systemd APP: one timer and service per entry; stale ones removed.
cron_sync_systemd() {
  local app="$1" id schedule _next _human command calendar unit
  local -a keep=() timers=()
  while IFS=$'\t' read -r id schedule _next _human command; do
    unit="berth-cron-$app-$id"
    keep+=("$unit.timer" "$unit.service")
    timers+=("$unit.timer")
    {
      echo "[Unit]"
      echo "Description=berth cron $id of $app: ${command:0:80}"
      echo "[Service]"
      echo "Type=oneshot"
      echo "Environment=\"BERTH_ROOT=$BERTH_ROOT\""
      echo "ExecStart=\"$BERTH_BIN\" cron:run $app $id"
    } >"$CRON_UNIT_DIR/$unit.service"
    {
      echo "[Unit]"
      echo "Description=berth cron $id of $app ($schedule)"
      echo "[Timer]"
      while IFS= read -r calendar; do echo "OnCalendar=$calendar"; done \
        < <("$BERTH_BIN" cron-schedule "$schedule" --systemd)
      echo "[Install]"
      echo "WantedBy=timers.target"
    } >"$CRON_UNIT_DIR/$unit.timer"
  done <"$CRON_DATA/$app/entries"
  while IFS= read -r unit; do
    if [[ " ${keep[*]} " != *" $unit "* ]]; then
      [[ $unit != *.timer ]] || systemctl disable --now "$unit" >/dev/null 2>&1 || true
      rm -f "${CRON_UNIT_DIR:?}/$unit"
    fi
  done < <(cron_units "$app")
  systemctl daemon-reload
  if ((${#timers[@]} > 0)); then
    systemctl enable --now "${timers[@]}" >/dev/null
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
  local app="$1" unit
  if [[ -d $CRON_UNIT_DIR ]]; then
    while IFS= read -r unit; do
      [[ $unit != *.timer ]] || systemctl disable --now "$unit" >/dev/null 2>&1 || true
      rm -f "${CRON_UNIT_DIR:?}/$unit"
    done < <(cron_units "$app")
  fi
  rm -rf "${CRON_DATA:?}/$app"
}
