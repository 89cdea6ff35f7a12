# What the proxy benchmarks (zero-downtime.sh, proxy-overhead.sh) share: their
# own mount and network namespaces (the apps' bridge, the proxy's ports and the
# load stay inside; load goes to loopback and the bridge only), their own
# BERTH_ROOT, the proxy on high ports, a small node web app pushed with git
# the way sshd's forced command runs berth, and wrk's figures.
# Source it; it defines functions only.
# shellcheck shell=bash

PB_HTTP=18080
PB_HTTPS=18443

# shellcheck source=scripts/bench/lib/push-bench.sh
source "$(dirname "${BASH_SOURCE[0]}")/push-bench.sh"

# pb_init SCRIPT BERTH: checks, re-executes SCRIPT in private mount and network
# namespaces, then pushb_init (BERTH_ROOT, PB_WORK, the default stack, git as
# sshd's forced command, everything removed on exit), and starts the proxy
# (PROXY: nginx unless set) on PB_HTTP / PB_HTTPS.
pb_init() {
  local script=$1 tool
  PB_BERTH="$(realpath "$2")"
  [[ $(id -u) -eq 0 ]] || { echo " !     needs root (apps run in containers)" >&2; exit 1; }
  for tool in wrk unshare ip "${PROXY:-nginx}"; do
    command -v "$tool" >/dev/null || [[ -x /usr/sbin/$tool ]] ||
      { echo " !     $tool is missing: run scripts/install-deps.sh" >&2; exit 1; }
  done
  if [[ -z "${BERTH_BENCH_IN_NS:-}" ]]; then
    BERTH_BENCH_IN_NS=1 exec unshare --mount --net --propagation private bash "$script" "$PB_BERTH"
  fi
  ip link set lo up
  mkdir -p /run/netns
  mount -t tmpfs -o mode=0755 berth-bench-netns /run/netns
  pushb_init "$script" "$PB_BERTH"
  PB_WORK=$PUSHB_WORK
  pushb_start_proxy "${PROXY:-nginx}" "$PB_HTTP" "$PB_HTTPS"
}

# pb_node_app APP DOMAIN: creates APP answering on DOMAIN and pushes a small
# node http server to it (Procfile; node from the stack, no npm install): it
# answers "hello from DYNO GREETING" with keep-alive. Waits for its first 200.
pb_node_app() {
  local app=$1 domain=$2 dir="$PB_WORK/$1"
  mkdir -p "$dir"
  echo "web: node server.js" >"$dir/Procfile"
  cat >"$dir/server.js" <<'JS'
const http = require("http");
const server = http.createServer((req, res) => {
  const body = `hello from ${process.env.DYNO} ${process.env.GREETING || ""}\n`;
  res.writeHead(200, { "Content-Type": "text/plain", "Content-Length": Buffer.byteLength(body) });
  res.end(body);
});
server.keepAliveTimeout = 120000;  // longer than the proxy keeps idle connections
server.listen(Number(process.env.PORT || 5000), "0.0.0.0");
JS
  git -C "$dir" init -q -b main
  git -C "$dir" add -A
  git -C "$dir" -c user.name=bench -c user.email=bench@localhost commit -qm initial
  pb_push_and_wait "$app" "$domain"
}

# pb_sample_app SAMPLE APP DOMAIN: tests/apps/SAMPLE pushed to APP answering on
# DOMAIN; waits for its first 200.
pb_sample_app() {
  pushb_app "$1" "$2"
  pb_push_and_wait "$2" "$3"
}

# pb_push_and_wait APP DOMAIN: creates APP with DOMAIN, pushes PB_WORK/APP to it
# and waits until it answers 200 through the proxy.
pb_push_and_wait() {
  local app=$1 domain=$2 dir="$PB_WORK/$1"
  "$PB_BERTH" apps:create "$app" >/dev/null
  "$PB_BERTH" domains:add "$app" "$domain" >/dev/null
  (cd "$dir" && git push -q "berth@host:$app" main >"$PB_WORK/$app.push.log" 2>&1) ||
    { echo " !     the push of $app failed:" >&2; cat "$PB_WORK/$app.push.log" >&2; exit 1; }
  local i
  for ((i = 0; i < 100; i++)); do
    [[ $(curl -s -o /dev/null -w '%{http_code}' -H "Host: $domain" "http://127.0.0.1:$PB_HTTP/") == 200 ]] && return 0
    sleep 0.1
  done
  echo " !     $app does not answer through the proxy" >&2
  exit 1
}

# pb_wrk_requests FILE: requests wrk made; pb_wrk_rps FILE: requests/s;
# pb_wrk_non2xx FILE: responses with a status >= 400 (wrk's "Non-2xx or 3xx");
# pb_wrk_errors FILE: socket errors (connect+read+write+timeout);
# pb_wrk_p99 FILE: the 99th percentile latency as wrk prints it.
pb_wrk_requests() { sed -n 's/^ *\([0-9]*\) requests in .*/\1/p' "$1"; }
pb_wrk_rps() { sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p' "$1"; }
pb_wrk_non2xx() { sed -n 's/^ *Non-2xx or 3xx responses: *\([0-9]*\).*/\1/p' "$1" | grep . || echo 0; }
pb_wrk_errors() {
  sed -n 's/^ *Socket errors: connect \([0-9]*\), read \([0-9]*\), write \([0-9]*\), timeout \([0-9]*\).*/\1 \2 \3 \4/p' "$1" |
    awk '{ s = $1 + $2 + $3 + $4 } END { print s + 0 }'
}
pb_wrk_p99() { sed -n 's/^ *99% *\([0-9.]*[a-z]*\).*/\1/p' "$1"; }

