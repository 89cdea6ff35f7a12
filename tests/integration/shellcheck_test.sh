#!/usr/bin/env bash
# Every shell script in the tree (scripts, tests, plugins, hooks) is shellcheck-clean.
set -euo pipefail
cd "$BERTH_SOURCE_DIR"
command -v shellcheck >/dev/null || { echo "shellcheck is missing: run scripts/install-deps.sh" >&2; exit 1; }

mapfile -t scripts < <(
  { find scripts tests hooks plugins .ci -type f -name '*.sh' -o -type f -path '.ci/run'
    # Extension-less executables in plugins/ (trigger scripts) with a shell shebang.
    find plugins hooks tests/fixtures/plugins -type f -perm -u+x ! -name '*.*' -exec grep -lE '^#!.*\b(ba)?sh\b' {} + 2>/dev/null
  } | sort -u)
echo "checking ${#scripts[@]} scripts"
shellcheck -x "${scripts[@]}"
echo "shellcheck: all clean"
