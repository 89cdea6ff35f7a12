# A private systemd for a test (sd_test_setup). systemd runs as PID 1 of its own
# PID, UTS, cgroup and network namespaces, in cgroups of its own below the
# test's, and the test runs again inside that PID namespace: systemd's private
# bus refuses a peer whose PID it cannot see. /run, /etc/systemd/system and
# /var/lib/systemd are tmpfs mounts made for the test and shared with its own
# namespaces, so systemctl in the test (and in berth, and under the test's sshd)
# talks to this systemd, which reads unit files from /etc/systemd/system only: a
# few empty targets to begin with, so it starts nothing of the host's.
# Source after tests/lib/assert.sh.
# shellcheck shell=bash

SD_SYSTEMD=/lib/systemd/systemd

# sd_cgroups: one line per cgroup hierarchy of this shell, "MOUNTPOINT TYPE
# OPTIONS DIR" (DIR: this shell's cgroup in it; OPTIONS: its controllers).
sd_cgroups() {
  local cgroups line root mnt rest fstype super options option key path
  cgroups="$(</proc/self/cgroup)"
  while read -r _ _ _ root mnt rest; do
    fstype="${rest#* - }"
    fstype="${fstype%% *}"
    [[ $fstype == cgroup || $fstype == cgroup2 ]] || continue
    super="${rest##* }"
    options=""
    if [[ $fstype == cgroup ]]; then
      for option in ${super//,/ }; do
        case "$option" in
          rw | ro | noprefix | clone_children | xattr | cpuset_v2_mode | release_agent=*) ;;
          *) options+="${options:+,}$option" ;;
        esac
      done
    fi
    key="$options"
    path=""
    while IFS= read -r line; do
      [[ ${line#*:} == "$key:"* ]] || continue
      path="${line#*:"$key":}"
    done <<<"$cgroups"
    [[ -n $path && $root == / ]] || continue
    echo "$mnt $fstype ${options:--} ${mnt}${path%/}"
  done </proc/self/mountinfo
}

# sd_private_run: /run becomes an empty tmpfs (systemd mounts its own over a
# /run that is no mount point, and writes there), with the host's directories
# in it, empty (sshd wants /run/sshd).
sd_private_run() {
  local entry
  mount -t tmpfs -o mode=0755 berth-test-run "$SD_WORK/run"
  for entry in /run/*; do
    [[ -d $entry && ! -L $entry ]] || continue
    install -d -m "$(stat -c %a "$entry")" "$SD_WORK/run/${entry#/run/}"
  done
  mount --move "$SD_WORK/run" /run
}

# sd_test_setup: run first by a test that needs systemd. Re-runs the test in a
# private mount namespace, boots systemd there, runs the test again inside
# systemd's PID namespace (where it returns, and where the test goes on), then
# stops systemd and exits with the test's status.
sd_test_setup() {
  [[ -z ${BERTH_IN_SD_NS:-} ]] || return 0
  require_root
  if [[ -z ${BERTH_SD_MOUNT_NS:-} ]]; then
    BERTH_SD_MOUNT_NS=1 exec unshare --mount --propagation private bash "$0"
  fi
  trap 'sd_stop' EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  sd_start
  local code=0
  # With a /proc of that namespace (ss -p, kill and pgrep see the same pids).
  BERTH_IN_SD_NS=1 nsenter --target "$SD_PID" --pid -- \
    unshare --mount --propagation private --mount-proc bash "$0" || code=$?
  exit "$code"
}

# sd_start: boots the private systemd; sets SD_PID (its PID 1, as this shell
# sees it). It is stopped with sd_stop, and also when the test shell is killed
# outright.
sd_start() {
  local mnt fstype options dir target
  [[ -x $SD_SYSTEMD ]] || { echo "SKIP: systemd is not installed"; exit 77; }
  SD_WORK="$(mktemp -d /tmp/berth-systemd.XXXXXX)"
  mkdir "$SD_WORK/run"
  : >"$SD_WORK/systemd.log"
  sd_private_run
  mkdir -p /etc/systemd/system /var/lib/systemd
  mount -t tmpfs -o mode=0755 berth-test-systemd-units /etc/systemd/system
  mount -t tmpfs -o mode=0755 berth-test-systemd-state /var/lib/systemd  # timer stamps
  # The targets units depend on by default, empty; berth-test.target boots.
  for target in sysinit basic timers shutdown berth-test; do
    printf '[Unit]\nDescription=%s (berth test)\n' "$target" >"/etc/systemd/system/$target.target"
  done
  SD_CGROUP_DIRS=()
  # Its console (where it logs) is the log file.
  local console="mount --bind $SD_WORK/systemd.log /dev/console;"
  local remount="mount -t tmpfs -o mode=0755 berth-test-cgroups /sys/fs/cgroup;"
  while read -r mnt fstype options dir; do
    dir+="/berth-test-systemd-$$"
    mkdir -p "$dir"
    SD_CGROUP_DIRS+=("$dir")
    if [[ -f $dir/cpuset.cpus ]]; then  # a v1 cpuset takes tasks once it has these
      cat "$dir/../cpuset.cpus" >"$dir/cpuset.cpus"
      cat "$dir/../cpuset.mems" >"$dir/cpuset.mems"
    fi
    if [[ $mnt == /sys/fs/cgroup ]]; then  # a cgroup-v2-only host
      remount+="mount -t cgroup2 berth-test-cgroup2 $mnt;"
    elif [[ $mnt == /sys/fs/cgroup/* && $fstype == cgroup2 ]]; then  # a hybrid host's
      remount+="mkdir -p $mnt; mount -t cgroup2 berth-test-cgroup2 $mnt;"
    elif [[ $mnt == /sys/fs/cgroup/* ]]; then
      remount+="mkdir -p $mnt; mount -t cgroup -o $options berth-test-cgroup $mnt;"
    fi
  done < <(sd_cgroups)
  (
    for dir in "${SD_CGROUP_DIRS[@]}"; do echo "$BASHPID" >"$dir/cgroup.procs"; done
    # In its own cgroup namespace the hierarchies are mounted again, rooted
    # at the cgroups made above, over a tmpfs (the kernel refuses a filesystem
    # mounted again right on itself); container=… tells systemd it is not the
    # host's.
    exec env -i container=berth-test SYSTEMD_UNIT_PATH=/etc/systemd/system \
      PATH=/usr/sbin:/usr/bin:/sbin:/bin \
      unshare --pid --fork --kill-child --mount --uts --cgroup --net --mount-proc --propagation private \
      sh -c "${console}${remount}exec $SD_SYSTEMD --system --unit=berth-test.target --log-target=console --log-level=${SD_LOG_LEVEL:-info} --show-status=false"
  ) </dev/null >>"$SD_WORK/systemd.log" 2>&1 &
  SD_UNSHARE_PID=$!
  disown "$SD_UNSHARE_PID"  # sd_reap waits for it by its cgroups
  berth_after_exit sd_reap "$SD_UNSHARE_PID" "$SD_WORK" "${SD_CGROUP_DIRS[@]}"
  SD_REAPER_PID=$BERTH_AFTER_EXIT_PID
  SD_PID=""
  if ! wait_for 20 sd_running; then
    echo "FAIL: the test's systemd did not start: $(tail -n 20 "$SD_WORK/systemd.log")" >&2
    sd_stop
    exit 1
  fi
  echo "systemd runs as pid $SD_PID (PID 1 of its namespace)"
}

# sd_running: sets SD_PID once systemd is PID 1 of the namespace; true once it
# has booted.
sd_running() {
  [[ -n $SD_PID ]] || SD_PID="$(pgrep -P "$SD_UNSHARE_PID" | head -n 1)"
  [[ -n $SD_PID ]] &&
    [[ $(nsenter --target "$SD_PID" --pid systemctl is-system-running 2>/dev/null) == running ]]
}

# sd_reap UNSHARE_PID WORK CGROUP_DIR...: stops the systemd, waits until its
# namespace is empty, removes its cgroups and WORK.
sd_reap() {
  local pid="$1" work="$2" dir i
  shift 2
  kill -KILL "$pid" 2>/dev/null || true  # --kill-child: PID 1 goes, then all it ran
  for dir in "$@"; do
    # Until the killed processes have left it (at most 5 s).
    for ((i = 0; i < 50; i++)); do
      find "$dir" -depth -type d -exec rmdir {} + 2>/dev/null || true
      [[ -d $dir ]] || break
      sleep 0.1
    done
  done
  rm -rf "$work"
}

# sd_stop: stops the private systemd and removes what it left.
sd_stop() {
  [[ -n ${SD_UNSHARE_PID:-} ]] || return 0
  berth_cancel_after_exit "${SD_REAPER_PID:-}"
  sd_reap "$SD_UNSHARE_PID" "$SD_WORK" "${SD_CGROUP_DIRS[@]}"
  umount /etc/systemd/system /var/lib/systemd 2>/dev/null || true
  SD_UNSHARE_PID=""
}
