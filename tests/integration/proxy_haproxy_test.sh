#!/usr/bin/env bash
# The proxy integration test (proxy_nginx_test.sh) with haproxy as the proxy:
# routing, 404, round-robin, validation, TLS and reloads under load.
set -euo pipefail
PROXY_TYPE=haproxy exec bash "$(dirname "${BASH_SOURCE[0]}")/proxy_nginx_test.sh"
