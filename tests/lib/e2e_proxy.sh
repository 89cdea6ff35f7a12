# Helpers for the end-to-end tests that push an app over ssh and reach it
# through berth's proxy (tests/integration/e2e_haproxy_test.sh, e2e_tls_test.sh,
# e2e_custom_template_test.sh). Source it after tests/lib/assert.sh and
# tests/lib/push.sh, and call push_test_setup first; it defines functions only.
# shellcheck shell=bash

E2E_HTTP=18080
E2E_HTTPS=18443

# e2e_proxy_start TYPE: the proxy (nginx or haproxy) on E2E_HTTP / E2E_HTTPS in
# the test's network namespace; it is stopped when the test ends.
e2e_proxy_start() {
  local type=$1 tool
  for tool in "$type" curl; do
    command -v "$tool" >/dev/null || [[ -x /usr/sbin/$tool ]] ||
      { echo "SKIP: $tool is not installed (scripts/install-deps.sh)"; exit 77; }
  done
  chmod 0755 "$BERTH_ROOT"  # the proxy's workers (www-data, haproxy) reach its temp dirs
  "$BERTH_BIN" proxy:set --global "$type" >/dev/null
  "$BERTH_BIN" proxy:set --global http-port "$E2E_HTTP" >/dev/null
  "$BERTH_BIN" proxy:set --global https-port "$E2E_HTTPS" >/dev/null
  run_berth proxy:start
  # shellcheck disable=SC2154  # set by run_berth
  assert_eq 0 "$code" "proxy:start starts $type ($out)"
}

# Stops the proxy; push.sh's cleanup calls it.
push_test_extra_cleanup() {
  "$BERTH_BIN" proxy:stop >/dev/null 2>&1 || true
}

# e2e_get HOST [PATH]: "CODE BODY" (the body's lines joined with spaces) of GET
# http://127.0.0.1:E2E_HTTP/PATH with that Host header.
e2e_get() {
  local body="$PUSH_WORK/e2e-body" status
  status="$(curl -sS -m 10 -o "$body" -w '%{http_code}' -H "Host: $1" \
    "http://127.0.0.1:$E2E_HTTP${2:-/}" 2>/dev/null || true)"
  echo "$status $(tr '\n' ' ' <"$body" 2>/dev/null | sed 's/ $//')"
  rm -f "$body"
}

# e2e_get_norev HOST [PATH]: e2e_get without the GIT_REV=... of the samples' bodies.
e2e_get_norev() { e2e_get "$@" | sed 's/ GIT_REV=[0-9a-f]*//'; }

# e2e_app_repo DIR: the procfile sample (tests/apps/procfile: its body shows
# DYNO and the config var GREETING) as a git repo in DIR.
e2e_app_repo() { push_make_repo procfile "$1"; }

# e2e_dynos HOST N: the distinct DYNO values N requests to HOST saw, sorted,
# space-separated.
e2e_dynos() {
  local i
  for ((i = 0; i < $2; i++)); do
    e2e_get "$1" | grep -o 'DYNO=[a-z0-9.]*' || true
  done | sort -u | tr '\n' ' ' | sed 's/ $//'
}
