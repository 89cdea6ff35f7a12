#!/usr/bin/env bash
# Regenerates the documentation that is made from data: docs/triggers.md from
# hooks/triggers.yaml. A unit test fails while the checked-in copy is stale.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
build="${BERTH_BUILD_DIR:-build}"
if [[ ! -f "$build/CMakeCache.txt" ]]; then
  cmake -S . -B "$build" -G Ninja >/dev/null
fi
cmake --build "$build" --target berth_trigger_catalogue
cp "$build/generated/triggers.md" docs/triggers.md
echo "-----> docs/triggers.md regenerated"
