#!/usr/bin/env bash
# Proxy overhead: requests/s through the proxy (GET / with the app's Host on
# loopback) against straight to the app's container (its bridge address), with
# the same wrk load (-c 20 -t 2, keep-alive), alternating ROUNDS times (default
# 3) in the same run; prints the medians and their ratio. Goal: >= 0.8.
#
#   sudo scripts/bench/proxy-overhead.sh [path/to/berth]
#   sudo PROXY=haproxy scripts/bench/proxy-overhead.sh
#
# The app is a small node http server (one process, keep-alive;
# scripts/bench/lib/proxy-bench.sh), pushed with git. Runs in its own mount and
# network namespaces with its own BERTH_ROOT; the default stack comes from
# BERTH_STACK_CACHE. SECONDS_PER_RUN (default 10) per wrk run. SAMPLE=procfile
# serves tests/apps/procfile instead (python3's ThreadingHTTPServer, HTTP/1.0:
# one connection per request, a few hundred requests/s).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=scripts/bench/lib/proxy-bench.sh
source "$here/scripts/bench/lib/proxy-bench.sh"
pb_init "${BASH_SOURCE[0]}" "${1:-$here/build/bin/berth}"
berth=$PB_BERTH
rounds="${ROUNDS:-3}"
seconds="${SECONDS_PER_RUN:-10}"
((rounds >= 1 && rounds <= 20)) || { echo " !     ROUNDS must be 1..20" >&2; exit 1; }
((seconds >= 2 && seconds <= 120)) || { echo " !     SECONDS_PER_RUN must be 2..120" >&2; exit 1; }

if [[ ${SAMPLE:-} == procfile ]]; then
  pb_sample_app procfile po po.test  # python3's ThreadingHTTPServer, a connection per request
else
  pb_node_app po po.test
fi
ip="$("$berth" proxy:report po --proxy-upstreams)"
[[ $ip =~ ^[0-9.]+$ ]] || { echo " !     po has no single upstream: '$ip'" >&2; exit 1; }
echo "-----> proxy-overhead: ${PROXY:-nginx}, wrk -c 20 -t 2 -d ${seconds}s x $rounds rounds" \
  "($(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg)); the container is $ip:5000"

run() {  # NAME URL [HOST]
  local f="$PB_WORK/$1.out"
  wrk -c 20 -t 2 -d "${seconds}s" ${3:+-H "Host: $3"} "$2" >"$f" 2>&1
  if (($(pb_wrk_errors "$f") > 0 || $(pb_wrk_non2xx "$f") > 0)); then
    echo " !     $1: errors during the run:" >&2
    cat "$f" >&2
  fi
  pb_wrk_rps "$f"
}

: >"$PB_WORK/direct"
: >"$PB_WORK/proxy"
for ((r = 1; r <= rounds; r++)); do
  direct="$(run direct "http://$ip:5000/")"
  proxied="$(run proxy "http://127.0.0.1:$PB_HTTP/" po.test)"
  ratio="$(awk -v d="$direct" -v p="$proxied" 'BEGIN { printf "%.2f", p / d }')"
  echo "       round $r: direct $direct req/s, through ${PROXY:-nginx} $proxied req/s, ratio $ratio"
  echo "$direct" >>"$PB_WORK/direct"
  echo "$proxied" >>"$PB_WORK/proxy"
  echo "$ratio" >>"$PB_WORK/ratio"
done
printf 'median: direct %.0f req/s, through %s %.0f req/s, ratio (median of the rounds) %s (goal >= 0.8)\n' \
  "$(pushb_median <"$PB_WORK/direct")" "${PROXY:-nginx}" "$(pushb_median <"$PB_WORK/proxy")" \
  "$(pushb_median <"$PB_WORK/ratio")"
