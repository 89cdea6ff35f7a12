#!/usr/bin/env bash
# Container start: the median wall time of `berth run APP true` on the tiny
# stack, next to a bare `runc run` of the same bundle (the config.json berth
# generated, captured in this run; the same stack under an overlay; same
# namespaces, uid 32767, no capabilities) and to `docker run --rm` when a Docker
# engine answers. Goal: berth <= 1.3x bare runc. Also prints the resident memory
# of one berth-shim (a `run:detached APP sleep 30`).
#
#   sudo scripts/bench/container-start.sh [path/to/berth]
#
# RUNS (default 30) runs per command after a warmup. Uses its own temporary
# BERTH_ROOT and runs inside its own mount namespace, so no mount outlives it.
# The tiny stack is cached in BERTH_STACK_CACHE (default /var/cache/berth/stacks).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
berth="$(realpath "${1:-$here/build/bin/berth}")"
runs="${RUNS:-30}"
((runs >= 2 && runs <= 1000)) || { echo " !     RUNS must be 2..1000" >&2; exit 1; }
[[ $(id -u) -eq 0 ]] || { echo " !     needs root (containers are mounted and started by root)" >&2; exit 1; }
for tool in hyperfine runc python3 unshare; do
  command -v "$tool" >/dev/null || { echo " !     $tool is missing: run scripts/install-deps.sh" >&2; exit 1; }
done
if [[ -z "${BERTH_BENCH_IN_NS:-}" ]]; then
  BERTH_BENCH_IN_NS=1 exec unshare --mount --propagation private bash "${BASH_SOURCE[0]}" "$berth"
fi

BERTH_ROOT="$(mktemp -d /tmp/berth-bench.XXXXXX)"
export BERTH_ROOT
export BERTH_STACK_CACHE="${BERTH_STACK_CACHE:-/var/cache/berth/stacks}"
tmp="$BERTH_ROOT/bench"
detached=""
cleanup() {
  if [[ -n "$detached" ]]; then
    "$berth" run:stop bench --container "$detached" --stop-timeout 1 >/dev/null 2>&1 || true
  fi
  runc --root "$tmp/runc-state" delete --force bare-bench >/dev/null 2>&1 || true
  umount "$tmp/bare/rootfs" 2>/dev/null || true
  "$berth" ps:retire >/dev/null 2>&1 || true
  rm -rf "$BERTH_ROOT"
}
trap cleanup EXIT
mkdir -p "$tmp/bare/rootfs" "$tmp/upper" "$tmp/work" "$tmp/runc-state"

"$berth" stacks:build tiny >/dev/null
"$berth" apps:create bench >/dev/null
"$berth" stacks:set --global tiny >/dev/null
stack_rootfs="$(realpath "$BERTH_ROOT/stacks/tiny/current/rootfs")"

# Capture the config.json berth hands to runc, and the files of its bundle: a
# runtime wrapper copies them and execs runc (one run only, not timed).
cat >"$tmp/runc-capture" <<EOF
#!/bin/sh
prev=""
for a in "\$@"; do
  if [ "\$prev" = --bundle ]; then
    cp "\$a/config.json" "$tmp/captured.json"
    echo "\$a" >"$tmp/captured.bundle"
    mkdir -p "$tmp/captured-files"
    find "\$a" -maxdepth 1 -type f ! -name config.json -exec cp {} "$tmp/captured-files/" \;
  fi
  prev="\$a"
done
exec runc "\$@"
EOF
chmod 755 "$tmp/runc-capture"
BERTH_OCI_RUNTIME="$tmp/runc-capture" "$berth" run bench true
[[ -s "$tmp/captured.json" ]] || { echo " !     could not capture berth's config.json" >&2; exit 1; }

# The bare bundle: the same config, root on an overlay of the same stack.
mount -t overlay overlay -o "lowerdir=$stack_rootfs,upperdir=$tmp/upper,workdir=$tmp/work" \
  "$tmp/bare/rootfs"
# Files berth bind-mounts from the container's own directory (/etc/hosts and
# the like) were removed with it: the copies the wrapper made stand in.
python3 - "$tmp/captured.json" "$tmp/bare/config.json" "$tmp/bare/rootfs" \
  "$(cat "$tmp/captured.bundle")" "$tmp/captured-files" <<'PY'
import json, os, sys
config = json.load(open(sys.argv[1]))
config["root"]["path"] = sys.argv[3]
for mount in config.get("mounts", []):
    if os.path.dirname(mount.get("source", "")) == sys.argv[4].rstrip("/"):
        mount["source"] = os.path.join(sys.argv[5], os.path.basename(mount["source"]))
config["hostname"] = "bare-bench"
config["linux"]["cgroupsPath"] = "/berth/bare-bench"
json.dump(config, open(sys.argv[2], "w"), indent=2)
PY

docker_args=()
docker_note="docker: no engine"
if command -v docker >/dev/null && timeout 5 docker version --format '{{.Server.Version}}' >/dev/null 2>&1; then
  if timeout 10 docker image inspect busybox >/dev/null 2>&1; then
    docker_args=(-n "docker run --rm" --prepare true "docker run --rm busybox true")
    docker_note=""
  else
    docker_note="docker: an engine answers but has no busybox image (the bench pulls nothing)"
  fi
fi

json="$tmp/hyperfine.json"
# Each runc run gets a fresh container: --prepare deletes any record left under
# the id (runc run removes its own on exit).
hyperfine -N --warmup 3 --runs "$runs" --export-json "$json" \
  -n "berth run" --prepare true "$berth run bench true" \
  -n "runc run" --prepare "runc --root $tmp/runc-state delete --force bare-bench" \
  "runc --root $tmp/runc-state run --bundle $tmp/bare bare-bench" \
  "${docker_args[@]}" >/dev/null

# One detached container: the shim's resident memory.
detached="$("$berth" run:detached bench sleep 30 | tail -n1)"
shim_pid="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["shim_pid"])' \
  "$BERTH_ROOT/containers/$detached/shim.json")"
shim_rss="$(awk '/^VmRSS:/ {print $2}' "/proc/$shim_pid/status")"
"$berth" run:stop bench --container "$detached" --stop-timeout 1 >/dev/null
detached=""

python3 - "$json" "$runs" "$shim_rss" "$docker_note" <<'PY'
import json, statistics, sys
results = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
print(f"runs per command: {sys.argv[2]} (after 3 warmup runs); tiny stack, `true`")
print(f"{'command':<18}{'median ms':>10}{'min ms':>9}{'max ms':>9}")
med = {}
for name, r in results.items():
    med[name] = statistics.median(r["times"]) * 1000
    print(f"{name:<18}{med[name]:>10.1f}{min(r['times']) * 1000:>9.1f}{max(r['times']) * 1000:>9.1f}")
ratio = med["berth run"] / med["runc run"]
print(f"berth/runc: {ratio:.2f}x (goal <= 1.3x: {'ok' if ratio <= 1.3 else 'MISSED'})")
if sys.argv[4]:
    print(sys.argv[4])
print(f"berth-shim VmRSS: {int(sys.argv[3])} KiB (goal <= 2048 KiB)")
PY
