#!/usr/bin/env bash
# CLI latency: with 100 apps created, the median wall time of `berth apps:list`,
# `berth config:get APP KEY` and `berth help`, over RUNS runs each (default 50),
# next to /bin/true measured in the same run. Goal: every median <= 5 ms.
#
#   scripts/bench/cli-latency.sh [path/to/berth]
#
# Prints a table of medians and the ratio to /bin/true. Uses its own temporary
# BERTH_ROOT; touches nothing else.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
berth="${1:-$here/build/bin/berth}"
runs="${RUNS:-50}"
command -v hyperfine >/dev/null || { echo " !     hyperfine is missing: run scripts/install-deps.sh" >&2; exit 1; }

BERTH_ROOT="$(mktemp -d /tmp/berth-bench.XXXXXX)"
export BERTH_ROOT
trap 'rm -rf "$BERTH_ROOT"' EXIT

for i in $(seq -w 1 100); do
  "$berth" apps:create "app-$i" >/dev/null
  "$berth" config:set "app-$i" DATABASE_URL="postgres://db/app$i" SECRET_KEY="s$i" >/dev/null
done

json="$BERTH_ROOT/hyperfine.json"
hyperfine -N --warmup 5 --runs "$runs" --export-json "$json" \
  -n true /bin/true \
  -n apps:list "$berth apps:list" \
  -n config:get "$berth config:get app-050 DATABASE_URL" \
  -n help "$berth help" >/dev/null

python3 - "$json" "$runs" <<'PY'
import json, statistics, sys
results = json.load(open(sys.argv[1]))["results"]
base = statistics.median(results[0]["times"]) * 1000
print(f"runs per command: {sys.argv[2]}; 100 apps; medians in ms")
print(f"{'command':<22}{'median ms':>10}{'x /bin/true':>13}{'goal <= 5 ms':>14}")
worst = 0.0
for r in results:
    med = statistics.median(r["times"]) * 1000
    name = r["command"]
    goal = "-" if name == "true" else ("ok" if med <= 5 else "MISSED")
    if name != "true":
        worst = max(worst, med)
    print(f"{name:<22}{med:>10.2f}{med / base:>13.1f}{goal:>14}")
print(f"slowest berth median: {worst:.2f} ms")
PY
