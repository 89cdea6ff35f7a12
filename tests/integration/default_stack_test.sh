#!/usr/bin/env bash
# The default stack (Debian bookworm from Debian's packages) has what the
# built-in buildpacks need, the app user, and the host's extra CA certificates;
# `berth run` works on it. scripts/test.sh builds it once per machine into
# BERTH_STACK_CACHE; without that cache this test is skipped.
set -euo pipefail
# shellcheck source=tests/lib/assert.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/assert.sh"
require_root
export BERTH_STACK_CACHE="${BERTH_STACK_CACHE:-/var/cache/berth/stacks}"
if ! compgen -G "$BERTH_STACK_CACHE/default/*/.complete" >/dev/null; then
  echo "SKIP: the default stack is not built (scripts/test.sh builds it)"
  exit 77
fi
if [[ -z "${BERTH_IN_TEST_NS:-}" ]]; then
  BERTH_IN_TEST_NS=1 exec unshare --mount --propagation private bash "${BASH_SOURCE[0]}" "$@"
fi
berth_test_root

"$BERTH_BIN" stacks:build default >/dev/null
"$BERTH_BIN" apps:create pyapp >/dev/null

run_berth run pyapp sh -c 'python3 --version && node --version && npm --version && go version && git --version && tini --version && gcc --version | head -n1'
assert_eq 0 "$code" "the runtimes the buildpacks need are in the stack"
assert_contains "$out" "Python 3" "python3 is there"
assert_contains "$out" "go version" "go is there"
# shellcheck disable=SC2016  # expanded by the container's shell
assert_eq "32767 app 32767" "$("$BERTH_BIN" run pyapp sh -c 'echo "$(id -u) $(id -un) $(id -g)"')" \
  "the app user exists in the stack"
assert_eq "/app" "$("$BERTH_BIN" run pyapp sh -c 'cd && pwd')" "the app user's home is /app"
for ca in /usr/local/share/ca-certificates/*.crt; do
  [[ -e "$ca" ]] || continue
  name="$(basename "$ca")"
  run_berth run pyapp test -f "/usr/local/share/ca-certificates/$name"
  assert_eq 0 "$code" "the host's extra CA $name is trusted in the stack"
done
assert_eq 0 "$(grep -c " $BERTH_ROOT/" /proc/self/mountinfo || true)" "no mounts are left under BERTH_ROOT"
finish
