#!/usr/bin/env bash
# End to end TLS, as a new user would: the procfile sample pushed over ssh;
# certs:generate APP DOMAIN over ssh; https through the proxy (curl -k
# --resolve) answers 200 with the app's body and the generated certificate;
# plain http redirects (301) to https; certs:report shows the expiry and the
# domains; certs:remove brings plain http back. With nginx, then the same
# with haproxy (the proxy switched, no new push).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=tests/lib/assert.sh
source "$here/../lib/assert.sh"
# shellcheck source=tests/lib/push.sh
source "$here/../lib/push.sh"
# shellcheck source=tests/lib/e2e_proxy.sh
source "$here/../lib/e2e_proxy.sh"
command -v openssl >/dev/null || { echo "SKIP: openssl is not installed"; exit 77; }
push_test_setup
e2e_proxy_start nginx

app=secure
domain=secure.test
push_ssh apps:create "$app"
assert_eq 0 "$code" "apps:create over ssh ($out)"
push_ssh domains:add "$app" "$domain"
e2e_app_repo "$PUSH_WORK/$app"
push_app "$PUSH_WORK/$app" "$app"
assert_eq 0 "$code" "the push over ssh succeeds: $out"
assert_contains "$(e2e_get_norev "$domain")" "200 hello from procfile" "before a certificate, http serves the app"

# https GET through the proxy: "CODE BODY" (-k: the certificate is self-signed).
https_get() {
  curl -sS -k -m 10 --resolve "$domain:$E2E_HTTPS:127.0.0.1" -w ' %{http_code}' \
    "https://$domain:$E2E_HTTPS${1:-/}" 2>&1 | tr '\n' ' ' | awk '{ code = $NF; $NF = ""; print code, $0 }' |
    sed 's/ *$//; s/ GIT_REV=[0-9a-f]*//'
}

tls_flow() {  # PROXY
  local proxy=$1 served redirect cert
  push_ssh certs:generate "$app" "$domain"
  assert_eq 0 "$code" "$proxy: certs:generate over ssh ($out)"
  served="$(https_get /)"
  assert_eq "200 hello from procfile DYNO=web.1 GREETING=" "$served" \
    "$proxy: https through the proxy answers 200 with the app's body"
  cert="$(echo | openssl s_client -connect "127.0.0.1:$E2E_HTTPS" -servername "$domain" 2>/dev/null |
    openssl x509 -noout -subject 2>/dev/null || true)"
  assert_contains "$cert" "$domain" "$proxy: the proxy presents the generated certificate"
  redirect="$(curl -sS -m 10 -o /dev/null -w '%{http_code} %{redirect_url}' -H "Host: $domain" \
    "http://127.0.0.1:$E2E_HTTP/x?y=1")"
  assert_eq "301 https://$domain:$E2E_HTTPS/x?y=1" "$redirect" "$proxy: http redirects to https"

  push_ssh certs:report "$app"
  assert_eq 0 "$code" "$proxy: certs:report over ssh ($out)"
  assert_contains "$out" "Ssl enabled:" "$proxy: certs:report has the enabled line"
  run_berth certs:report "$app" --ssl-hostnames
  assert_eq "$domain" "$out" "$proxy: certs:report lists the certificate's domain"
  run_berth certs:report "$app" --ssl-expires-at
  local year
  year="$(date -u -d '+365 days' +%Y)"
  assert_contains "$out" "$year GMT" "$proxy: certs:report shows the expiry a year ahead ($out)"

  push_ssh certs:remove "$app"
  assert_eq 0 "$code" "$proxy: certs:remove over ssh ($out)"
  assert_eq "200 hello from procfile DYNO=web.1 GREETING=" "$(e2e_get_norev "$domain")" \
    "$proxy: without the certificate, http serves the app again"
  run_berth certs:report "$app" --ssl-enabled
  assert_eq false "$out" "$proxy: certs:report says ssl is off"
  set +e
  curl -sS -k -m 5 --resolve "$domain:$E2E_HTTPS:127.0.0.1" "https://$domain:$E2E_HTTPS/" >/dev/null 2>&1
  local tls=$?
  set -e
  assert_eq 1 "$((tls != 0))" "$proxy: https no longer serves the app"
}

tls_flow nginx

# The same with haproxy: one proxy listens at a time.
"$BERTH_BIN" proxy:stop >/dev/null
e2e_proxy_start haproxy
assert_contains "$(e2e_get_norev "$domain")" "200 hello from procfile" "haproxy serves the app over http"
tls_flow haproxy

finish
