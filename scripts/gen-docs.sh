#!/usr/bin/env bash
# Regenerates the documentation that is made from data: docs/triggers.md from
# hooks/triggers.yaml, docs/commands.md from the command table. Tests fail while
# a checked-in copy is stale.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
build="${BERTH_BUILD_DIR:-build}"
if [[ ! -f "$build/CMakeCache.txt" ]]; then
  cmake -S . -B "$build" -G Ninja >/dev/null
fi
cmake --build "$build" --target berth_trigger_catalogue berth
cp "$build/generated/triggers.md" docs/triggers.md
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
BERTH_ROOT="$tmp" "$build/bin/berth" help --markdown >docs/commands.md
echo "-----> docs/triggers.md and docs/commands.md regenerated"
