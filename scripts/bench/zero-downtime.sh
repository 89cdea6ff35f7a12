#!/usr/bin/env bash
# Zero-downtime deploys: a bounded load through the proxy on loopback
# (wrk -c 20 -t 2 -d 30s --latency, keep-alive, GET / with the app's Host)
# while 5 redeploys run one after the other (`config:set` each: a new release,
# new containers checked beside the old ones, the proxy switched to them, the
# old containers retired after wait-to-retire). Goal: 0 failed requests
# (wrk's socket errors) and 0 non-2xx responses. Reports requests served,
# requests/s, p99 latency, how long each redeploy took and whether the proxy
# was reloaded (with service addresses a redeploy swaps NAT rules instead).
#
#   sudo scripts/bench/zero-downtime.sh [path/to/berth]
#   sudo PROXY=haproxy scripts/bench/zero-downtime.sh
#   sudo WAIT_TO_RETIRE=0 scripts/bench/zero-downtime.sh   # old containers stopped at once
#
# The app is a small node http server (scripts/bench/lib/proxy-bench.sh),
# pushed with git. Runs in its own mount and network namespaces with its own
# BERTH_ROOT; the default stack comes from BERTH_STACK_CACHE.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=scripts/bench/lib/proxy-bench.sh
source "$here/scripts/bench/lib/proxy-bench.sh"
pb_init "${BASH_SOURCE[0]}" "${1:-$here/build/bin/berth}"
berth=$PB_BERTH
duration="${DURATION:-30}"
((duration >= 10 && duration <= 300)) || { echo " !     DURATION must be 10..300 seconds" >&2; exit 1; }
if [[ -n "${WAIT_TO_RETIRE:-}" ]]; then
  "$berth" checks:set --global wait-to-retire "$WAIT_TO_RETIRE" >/dev/null
fi

pb_node_app zd zd.test
echo "-----> zero-downtime: ${PROXY:-nginx}, wrk -c 20 -t 2 -d ${duration}s, 5 config:set redeploys" \
  "($(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg))"
# The proxy's worker processes: the same set after the redeploys means no reload.
proxy_workers() { pgrep -P "$(cat "$BERTH_ROOT/proxy/${PROXY:-nginx}/${PROXY:-nginx}.pid")" | sort | tr '\n' ' '; }
workers_before="$(proxy_workers)"
wrk -c 20 -t 2 -d "${duration}s" --latency -H "Host: zd.test" "http://127.0.0.1:$PB_HTTP/" \
  >"$PB_WORK/wrk.out" 2>&1 &
wrk_pid=$!
sleep 2
start=$SECONDS
for i in 1 2 3 4 5; do
  t0=$(date +%s%3N)
  "$berth" config:set zd "GREETING=run-$i" >"$PB_WORK/deploy-$i.log" 2>&1 ||
    { echo " !     redeploy $i failed:" >&2; cat "$PB_WORK/deploy-$i.log" >&2; exit 1; }
  echo "       redeploy $i: $(($(date +%s%3N) - t0)) ms"
done
deploys_s=$((SECONDS - start))
wait "$wrk_pid"
body="$(curl -s -H "Host: zd.test" "http://127.0.0.1:$PB_HTTP/")"
[[ $body == *run-5* ]] || echo " !     the last release is not the one serving: $body" >&2
((deploys_s + 2 <= duration)) || echo " !     the redeploys took ${deploys_s} s: longer than the load; raise DURATION" >&2

f="$PB_WORK/wrk.out"
errors="$(pb_wrk_errors "$f")"
non2xx="$(pb_wrk_non2xx "$f")"
printf 'requests %s   requests/s %s   p99 %s   failed (socket errors) %s   non-2xx %s   redeploys %s s\n' \
  "$(pb_wrk_requests "$f")" "$(pb_wrk_rps "$f")" "$(pb_wrk_p99 "$f")" "$errors" "$non2xx" "$deploys_s"
grep -E "Socket errors|Non-2xx" "$f" || true
if [[ "$(proxy_workers)" == "$workers_before" ]]; then
  echo "the proxy was not reloaded (the same worker processes)"
else
  echo "the proxy was reloaded"
fi
if ((errors == 0 && non2xx == 0)); then
  echo "goal (0 failed, 0 non-2xx): met"
else
  echo "goal (0 failed, 0 non-2xx): missed"
fi
