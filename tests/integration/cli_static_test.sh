#!/usr/bin/env bash
# The berth command is a static PIE (core/cli/CMakeLists.txt): it loads no shared
# library, keeps address-space randomisation, carries packed relative relocations,
# and still runs commands and looks up users (getpwnam from a static glibc).
# berth-pipeline (BERTH_STATIC_PIPELINE) takes libgit2, libarchive, yaml-cpp and
# OpenSSL from their archives (every push test runs it: export, slug, checks).
set -euo pipefail
# shellcheck source=tests/lib/assert.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/assert.sh"
if [[ "${BERTH_STATIC_CLI:-ON}" != ON ]]; then
  echo "skipped: built with BERTH_STATIC_CLI=${BERTH_STATIC_CLI}"
  exit 77
fi
berth_test_root

dynamic="$(readelf -dW "$BERTH_BIN")"
header="$(readelf -hW "$BERTH_BIN")"
segments="$(readelf -lW "$BERTH_BIN")"

if grep -q NEEDED <<<"$dynamic"; then
  fail "berth needs shared libraries: $(grep NEEDED <<<"$dynamic" | tr -s ' ')"
else
  pass "berth needs no shared library"
fi
if grep -q INTERP <<<"$segments"; then
  fail "berth has a program interpreter (it is not static)"
else
  pass "berth has no program interpreter"
fi
assert_contains "$header" "DYN (Position-Independent Executable file)" "berth is position-independent (ASLR)"
assert_contains "$dynamic" "(RELR)" "berth's relative relocations are packed (DT_RELR)"

assert_contains "$("$BERTH_BIN" version)" "berth" "the static berth runs"
"$BERTH_BIN" apps:create static-check >/dev/null
"$BERTH_BIN" config:set --no-restart static-check GREETING=hello >/dev/null
assert_eq "hello" "$("$BERTH_BIN" config:get static-check GREETING)" "it opens the state database"
assert_contains "$("$BERTH_BIN" apps:list)" "static-check" "and lists apps"

if [[ "${BERTH_STATIC_PIPELINE:-ON}" == ON ]]; then
  pipeline="$(dirname "$BERTH_BIN")/berth-pipeline"
  needed="$(readelf -dW "$pipeline" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | tr '\n' ' ')"
  for lib in libgit2 libarchive libyaml-cpp libssl libcrypto libxml2 libicu libstdc++; do
    if [[ " $needed" == *" $lib"* ]]; then
      fail "berth-pipeline loads $lib (needed: $needed)"
    else
      pass "berth-pipeline links $lib statically"
    fi
  done
fi
finish
