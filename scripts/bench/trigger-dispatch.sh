#!/usr/bin/env bash
# Trigger dispatch: what plugins cost commands.
#   1. With 20 plugins installed, none implementing the triggers `apps:list` and
#      `config:get` fire (user-auth), their median wall time next to the same
#      commands with no plugins, in the same run. Goal: within 5 ms median (no
#      fork per plugin: one stat per plugin for the fired trigger); the goal
#      column shows both that and what the plugins add. This harness (Python,
#      fork and wait per run) adds about 0.5 ms to every command against
#      hyperfine's measure (scripts/bench/cli-latency.sh).
#   2. With one plugin implementing user-auth (a link to /bin/true), the extra
#      time of firing it, next to a bare fork+exec of /bin/true. Goal: about one
#      fork+exec.
#
#   scripts/bench/trigger-dispatch.sh [path/to/berth]
#
# Uses its own temporary BERTH_ROOTs; touches nothing else. RUNS (default 100).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
berth="${1:-$here/build/bin/berth}"
runs="${RUNS:-100}"

work="$(mktemp -d /tmp/berth-bench-triggers.XXXXXX)"
trap 'rm -rf "$work"' EXIT
none="$work/none" twenty="$work/twenty" one="$work/one"

# make_root DIR: ten apps with a config var each.
make_root() {
  mkdir -p "$1"
  for i in $(seq -w 1 10); do
    "$berth" --root "$1" apps:create "app-$i" >/dev/null
    "$berth" --root "$1" config:set --no-restart "app-$i" DATABASE_URL="postgres://db/app$i" >/dev/null
  done
}

# add_plugin ROOT NAME TRIGGER TARGET: a plugin whose TRIGGER is a link to TARGET,
# installed with plugin:install when running as root, else placed in enabled/.
add_plugin() {
  local src="$work/src/$2"
  mkdir -p "$src/subcommands"
  printf '[plugin]\ndescription = "bench plugin %s"\nversion = "1"\n' "$2" >"$src/plugin.toml"
  ln -s "$4" "$src/$3"
  ln -s /bin/true "$src/subcommands/noop"
  if [[ $(id -u) -eq 0 ]]; then
    "$berth" --root "$1" plugin:install "$src" >/dev/null
  else
    mkdir -p "$1/plugins/enabled"
    cp -a "$src" "$1/plugins/enabled/$2"
  fi
}

make_root "$none"
make_root "$twenty"
make_root "$one"
for i in $(seq -w 1 20); do add_plugin "$twenty" "bench-$i" post-deploy /bin/true; done
add_plugin "$one" subscriber user-auth /bin/true

# Interleaved runs (each round runs every command once, in a shuffled order), so
# a busy machine slows the baseline and the measured commands alike. Wall time
# and CPU time (user+system of the command and the processes it waited for).
python3 - "$runs" "$berth" "$none" "$twenty" "$one" <<'PY'
import os, random, statistics, sys, time
runs, berth, none, twenty, one = int(sys.argv[1]), *sys.argv[2:]
commands = {
    "/bin/true": ["/bin/true"],
    "apps:list, 0 plugins": [berth, "--root", none, "apps:list"],
    "apps:list, 20 plugins": [berth, "--root", twenty, "apps:list"],
    "config:get, 0 plugins": [berth, "--root", none, "config:get", "app-05", "DATABASE_URL"],
    "config:get, 20 plugins": [berth, "--root", twenty, "config:get", "app-05", "DATABASE_URL"],
    "apps:list, 1 subscriber": [berth, "--root", one, "apps:list"],
}
devnull = os.open(os.devnull, os.O_WRONLY)
def run(argv):
    start = time.perf_counter()
    pid = os.posix_spawn(argv[0], argv, os.environ,
                         file_actions=[(os.POSIX_SPAWN_DUP2, devnull, 1), (os.POSIX_SPAWN_DUP2, devnull, 2)])
    _, status, usage = os.wait4(pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{' '.join(argv)} failed")
    return wall * 1000, (usage.ru_utime + usage.ru_stime) * 1000
samples = {name: ([], []) for name in commands}
names = list(commands)
for _ in range(5):
    for name in names: run(commands[name])  # warm-up
for _ in range(runs):
    random.shuffle(names)
    for name in names:
        wall, cpu = run(commands[name])
        samples[name][0].append(wall)
        samples[name][1].append(cpu)
wall = {n: statistics.median(s[0]) for n, s in samples.items()}
cpu = {n: statistics.median(s[1]) for n, s in samples.items()}
print(f"{runs} interleaved rounds; 10 apps per root; medians in ms; load average {os.getloadavg()[0]:.1f}")
print(f"{'command':<26}{'wall':>8}{'+ vs 0':>8}{'cpu':>8}{'+ vs 0':>8}   goal")
for name in commands:
    if name == "/bin/true":
        print(f"{name:<26}{wall[name]:>8.2f}{'':>8}{cpu[name]:>8.2f}")
        continue
    base = name.split(",")[0] + ", 0 plugins"
    dw, dc = wall[name] - wall[base], cpu[name] - cpu[base]
    goal = ""
    if "20 plugins" in name:
        goal = ("ok" if wall[name] <= 5 else "MISSED") + f" (<= 5 ms: {wall[name]:.2f}; plugins add {dw:+.2f})"
    print(f"{name:<26}{wall[name]:>8.2f}{dw:>+8.2f}{cpu[name]:>8.2f}{dc:>+8.2f}   {goal}")
fire_wall = wall["apps:list, 1 subscriber"] - wall["apps:list, 0 plugins"]
fire_cpu = cpu["apps:list, 1 subscriber"] - cpu["apps:list, 0 plugins"]
print(f"firing user-auth at one plugin (/bin/true): wall {fire_wall:+.2f} ms = "
      f"{fire_wall / wall['/bin/true']:.1f}x a bare fork+exec of /bin/true ({wall['/bin/true']:.2f} ms); "
      f"cpu {fire_cpu:+.2f} ms vs {cpu['/bin/true']:.2f} ms")
PY
