#!/usr/bin/env bash
# docs/commands.md is generated from the command table (`berth help --markdown`);
# it must match what the binary prints, or the docs are stale.
set -euo pipefail
# shellcheck source=tests/lib/assert.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/assert.sh"
berth_test_root

if diff -u "$BERTH_SOURCE_DIR/docs/commands.md" <("$BERTH_BIN" help --markdown); then
  pass "docs/commands.md matches the command table"
else
  fail "docs/commands.md is stale: run scripts/gen-docs.sh"
fi
finish
