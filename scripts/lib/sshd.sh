# Helpers for running an sshd in front of berth without an init system: used by
# scripts/quickstart.sh and by the integration tests that start a private sshd.
# Source it; it defines functions only.
# shellcheck shell=bash

# berth_port_listening PORT [PID]: true when something listens on TCP PORT
# (with PID: when that process is the listener).
berth_port_listening() {
  local port=$1 pid=${2:-} listeners
  listeners="$(ss -Hltnp "sport = :$port" 2>/dev/null)" || return 1
  [[ -n $listeners ]] || return 1
  [[ -z $pid || $listeners == *"pid=$pid,"* ]]
}

# berth_wait_for_port PORT SECONDS [PID]: waits until PORT listens (by PID, if
# given); fails after SECONDS, or as soon as PID has exited.
berth_wait_for_port() {
  local port=$1 deadline=$((SECONDS + $2)) pid=${3:-}
  while ((SECONDS < deadline)); do
    berth_port_listening "$port" "$pid" && return 0
    if [[ -n $pid ]] && ! kill -0 "$pid" 2>/dev/null; then return 1; fi
    sleep 0.1
  done
  return 1
}

# berth_stop_pid PID: SIGTERM, then SIGKILL after ~5 s; reaps it when it is our child.
berth_stop_pid() {
  local pid=$1 i
  [[ -n $pid ]] || return 0
  kill "$pid" 2>/dev/null || return 0
  for ((i = 0; i < 50; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

# berth_after_exit COMMAND [ARG...]: runs COMMAND (a program or a function) once
# this shell ($$) has gone, however it died: also SIGKILL (a test timeout), which
# no trap sees. Sets BERTH_AFTER_EXIT_PID; cancel with berth_cancel_after_exit PID.
berth_after_exit() {
  (
    trap '' HUP INT TERM
    while kill -0 "$$" 2>/dev/null; do sleep 1; done
    "$@"
  ) </dev/null >/dev/null 2>&1 &
  BERTH_AFTER_EXIT_PID=$!
}

berth_cancel_after_exit() {
  [[ -n ${1:-} ]] || return 0
  kill -KILL "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}

# berth_start_test_sshd DIR [CONFIG_LINE...]: starts `sshd -D -e` on a free
# loopback port with a fresh host key in DIR; the extra lines are appended to its
# config (DIR/sshd_config). Sets BERTH_SSHD_PORT and BERTH_SSHD_PID; the daemon's
# log is DIR/sshd.log. sshd is stopped with this shell even if it dies without
# cleaning up. Stop it with berth_stop_test_sshd.
berth_start_test_sshd() {
  local dir=$1 attempt port line
  shift
  install -d -m 0755 /run/sshd
  [[ -f $dir/ssh_host_ed25519_key ]] ||
    ssh-keygen -q -t ed25519 -N '' -C berth-test-host -f "$dir/ssh_host_ed25519_key"
  for ((attempt = 0; attempt < 20; attempt++)); do
    port=$((20000 + RANDOM % 40000))
    berth_port_listening "$port" && continue
    {
      echo "Port $port"
      echo "ListenAddress 127.0.0.1"
      echo "HostKey $dir/ssh_host_ed25519_key"
      echo "PidFile $dir/sshd.pid"
      echo "PasswordAuthentication no"
      echo "KbdInteractiveAuthentication no"
      echo "UsePAM no"
      echo "StrictModes no"
      echo "PrintMotd no"
      echo "LogLevel VERBOSE"
      for line in "$@"; do echo "$line"; done
    } >"$dir/sshd_config"
    /usr/sbin/sshd -t -f "$dir/sshd_config" || return 1
    /usr/sbin/sshd -D -e -f "$dir/sshd_config" </dev/null >>"$dir/sshd.log" 2>&1 &
    BERTH_SSHD_PID=$!
    berth_after_exit kill "$BERTH_SSHD_PID"
    BERTH_SSHD_WATCHDOG_PID=$BERTH_AFTER_EXIT_PID
    if berth_wait_for_port "$port" 10 "$BERTH_SSHD_PID"; then
      # shellcheck disable=SC2034  # read by the caller
      BERTH_SSHD_PORT=$port
      return 0
    fi
    berth_stop_test_sshd  # most likely the port was taken meanwhile: try another
  done
  echo "could not start sshd; its log:" >&2
  cat "$dir/sshd.log" >&2 || true
  return 1
}

berth_stop_test_sshd() {
  berth_stop_pid "${BERTH_SSHD_PID:-}"
  BERTH_SSHD_PID=
  berth_cancel_after_exit "${BERTH_SSHD_WATCHDOG_PID:-}"
  BERTH_SSHD_WATCHDOG_PID=
}
