#!/usr/bin/env bash
# Push to live: for the static and nodejs sample apps (tests/apps), the median
# wall time from the start of `git push` to the first 200 through the proxy
# that comes from the pushed version, for
#   first - an app's first push (a new app, named APPN for run N: empty build
#           cache, no containers),
#   warm  - a re-push with a one-line change in the served page (static) or in
#           server.js (nodejs, which answers with its GIT_REV), cache kept, while
#           the previous version is still serving.
# A poller (one python3 process: a new connection with the app's Host header to
# the proxy on loopback every 10 ms from the moment the push starts) records the
# first 200 whose body has the new line (static) or the new GIT_REV (nodejs): the
# old version answering 200 does not count. Goal: static warm <= 3 s.
#
#   sudo scripts/bench/push-to-live.sh [path/to/berth]
#
# The apps keep berth's defaults (web=1, the default health check, wait-to-
# retire); the proxy is nginx (PROXY=haproxy for haproxy) on PROXY_PORT
# (default 28080) of the host's network. Also printed, from the push's own
# output (each line timed as it arrives): the median time to each deploy step,
# to see where the time goes. RUNS (default 3, 1..20) pushes per case. Same
# setup as push-build.sh (scripts/bench/lib/push-bench.sh); nodejs's first push
# needs the npm registry. SAMPLES (default "static nodejs") picks the apps.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=scripts/bench/lib/push-bench.sh
source "$here/scripts/bench/lib/push-bench.sh"
runs="${RUNS:-3}"
((runs >= 1 && runs <= 20)) || { echo " !     RUNS must be 1..20" >&2; exit 1; }
port="${PROXY_PORT:-28080}"
proxy="${PROXY:-nginx}"
command -v "$proxy" >/dev/null || [[ -x /usr/sbin/$proxy ]] ||
  { echo " !     $proxy is missing: run scripts/install-deps.sh" >&2; exit 1; }
if ss -Hltn "sport = :$port" | grep -q . || ss -Hltn "sport = :$((port + 363))" | grep -q .; then
  echo " !     port $port or $((port + 363)) is in use: set PROXY_PORT" >&2
  exit 1
fi
pushb_init "${BASH_SOURCE[0]}" "${1:-$here/build/bin/berth}"
berth=$PUSHB_BERTH
work=$PUSHB_WORK
pushb_start_proxy "$proxy" "$port" "$((port + 363))"

# poll HOST MARKER START_MS OUT: writes to OUT the ms from START_MS to the first
# 200 whose body contains MARKER (gives up after 120 s, writing nothing). One
# process, not a curl per try: a try costs about 1 ms, so the figure is the
# proxy's, not the poller's start-up (a curl loop added 50-100 ms).
poll() {
  python3 - "$@" "$port" <<'PY'
import http.client, sys, time
host, marker, start_ms, out, port = sys.argv[1], sys.argv[2].encode(), int(sys.argv[3]), sys.argv[4], int(sys.argv[5])
while time.time() * 1000 < start_ms + 120000:
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        conn.request("GET", "/", headers={"Host": host})
        response = conn.getresponse()
        body = response.read()
        conn.close()
        if response.status == 200 and marker in body:
            with open(out, "w") as f:
                f.write("%d\n" % (time.time() * 1000 - start_ms))
            break
    except OSError:
        pass
    time.sleep(0.01)
PY
}

# The steps of a deploy as the push prints them, and the label for each.
steps=(
  "Building .* with" "build starts"
  "Buildpacks compiled in" "compiled"
  "Deploying .* v[0-9]" "deploy starts"
  "Checking .* at" "container started"
  "Default check passed" "check passed (its log comes at its end)"
  "Release v[0-9]* created" "release recorded"
)

# measure APP CASE FILE MARKER: one push of APP, timed from its start to the
# first new 200; appends "TOTAL_MS PUSH_MS STEP_MS..." to FILE.
measure() {
  local app=$1 kind=$2 file=$3 marker=$4 log="$work/$1.$2.log" start end poller i t row
  rm -f "$work/first200"
  pushb_now_ms_var start
  poll "$app.bench.test" "$marker" "$start" "$work/first200" &
  poller=$!
  pushb_push "$app" "$log"
  pushb_now_ms_var end
  wait "$poller" || true
  [[ -s "$work/first200" ]] || { echo " !     $app ($kind) never answered 200 with the new version" >&2; cat "$log" >&2; exit 1; }
  row="$(cat "$work/first200") $((end - start))"
  for ((i = 0; i < ${#steps[@]}; i += 2)); do
    t="$(grep -m 1 -e "${steps[$i]}" "$log" | awk '{ print $1 }')"
    row+=" ${t:--1}"
  done
  # The default check's own figures: connections accepted after, stayed up for.
  row+=" $(sed -n -e 's/.*Accepting connections on .* after \([0-9.]*\)\(m*s\).*/\1 \2/p' \
    -e 's/.*Default check passed: still running \([0-9.]*\)\(m*s\).*/\1 \2/p' "$log" |
    awk '{ v = ($2 == "ms") ? $1 : $1 * 1000; printf "%d ", v } END { for (i = NR; i < 2; i++) printf "-1 " }')"
  echo "$row" >>"$file"
}

# change CASE RUN: commits a one-line change to the app and measures its push.
change() {
  local marker
  marker="bench $1 $2 $(pushb_now_ms)"
  # shellcheck disable=SC2059  # the comment syntax of the changed file
  pushb_commit "$app" "$change_file" "$(printf "$comment" "$marker")"
  [[ $sample == static ]] || marker="GIT_REV=$(git -C "$work/$app" rev-parse HEAD)"
  measure "$app" "$1" "$work/$sample.$1" "$marker"
}

report() {
  local app=$1 kind=$2 file=$3 col i line
  printf '%-7s %-5s first new 200 %6.0f ms   push returned %6.0f ms\n' "$app" "$kind" \
    "$(cut -d' ' -f1 "$file" | pushb_median)" "$(cut -d' ' -f2 "$file" | pushb_median)"
  line=""
  for ((i = 0; i < ${#steps[@]}; i += 2)); do
    col=$((i / 2 + 3))
    line+="$(printf '%s %.0f' "${steps[$((i + 1))]}" "$(cut -d' ' -f$col "$file" | pushb_median)"), "
  done
  echo "                  steps (ms after the push started, medians): ${line%, }"
  col=$((${#steps[@]} / 2 + 3))
  printf '                  default check: accepting connections after %.0f ms, stay-up wait %.0f ms\n' \
    "$(cut -d' ' -f$col "$file" | pushb_median)" "$(cut -d' ' -f$((col + 1)) "$file" | pushb_median)"
  eval "${app}_${kind}=$(cut -d' ' -f1 "$file" | pushb_median)"
}

echo "-----> push-to-live: $runs pushes per case, $proxy on 127.0.0.1:$port ($(nproc) cores," \
  "load $(cut -d' ' -f1 /proc/loadavg))"
read -r -a samples <<<"${SAMPLES:-static nodejs}"
for sample in "${samples[@]}"; do
  [[ $sample == static || $sample == nodejs ]] || { echo " !     SAMPLES: static and/or nodejs" >&2; exit 1; }
  if [[ $sample == static ]]; then
    change_file=public/index.html comment='<!-- %s -->'
  else
    change_file=server.js comment='// %s'
  fi
  : >"$work/$sample.first"
  : >"$work/$sample.warm"
  for ((i = 0; i < runs; i++)); do
    # First push: a new app with its domain, nothing built or running yet.
    app="$sample$i"
    pushb_app "$sample" "$app"
    "$berth" apps:create "$app" >/dev/null
    "$berth" domains:add "$app" "$app.bench.test" >/dev/null
    change first "$i"
    # Warm re-push: a one-line change while the first version serves.
    change warm "$i"
  done
  report "$sample" first "$work/$sample.first"
  report "$sample" warm "$work/$sample.warm"
done
[[ " ${samples[*]} " == *" static "* ]] || exit 0
# shellcheck disable=SC2154  # set by report through eval
awk -v w="$static_warm" 'BEGIN { printf "static warm re-push to live: %.2f s (goal <= 3 s): %s\n", w / 1000,
  (w <= 3000 ? "met" : "missed") }'
