# shellcheck shell=bash
# Sourced by the webhooks plugin's scripts. State, per app, under
# $BERTH_ROOT/data/webhooks/APP/: `urls` (one URL a line, mode 0600: URLs may carry
# tokens) and `deliveries.log` (one line per POST: time, event, status, host, result).

WEBHOOKS_DATA="$BERTH_ROOT/data/webhooks"
WEBHOOKS_MAX_URL=2048

webhooks_fail() {
  echo " !     $*" >&2
  exit 1
}

# webhooks_app NAME USAGE: exits with an error unless NAME is an existing app.
webhooks_app() {
  local app="$1" usage="$2"
  [[ -n $app ]] || webhooks_fail "Usage: berth $usage"
  [[ $app =~ ^[a-z0-9][a-z0-9-]{0,62}$ ]] ||
    webhooks_fail "Invalid app name '${app:0:64}': use lowercase letters, digits and dashes"
  "$BERTH_BIN" apps:exists "$app" >/dev/null || exit 1
}

webhooks_urls_file() { printf '%s/%s/urls' "$WEBHOOKS_DATA" "$1"; }

# webhooks_valid_url URL: exits with an error unless URL is an http(s) URL with a
# host, without spaces or control characters.
webhooks_valid_url() {
  local url="$1"
  ((${#url} <= WEBHOOKS_MAX_URL)) || webhooks_fail "The URL is longer than $WEBHOOKS_MAX_URL characters"
  [[ $url != *[[:space:][:cntrl:]]* ]] ||
    webhooks_fail "Invalid URL '${url:0:80}': it contains spaces or control characters"
  [[ $url =~ ^https?://[^/?#@]*@?[A-Za-z0-9._~%-]+(:[0-9]{1,5})?([/?#].*)?$ ||
     $url =~ ^https?://([^/?#@]*@)?\[[0-9A-Fa-f:.]+\](:[0-9]{1,5})?([/?#].*)?$ ]] ||
    webhooks_fail "Invalid URL '${url:0:80}': use http://HOST[:PORT]/PATH or https://..."
}

# webhooks_host URL: scheme://host[:port] only (no credentials, path or query),
# for messages and the delivery log.
webhooks_host() {
  local rest="${1#*://}"
  rest="${rest%%[/?#]*}"
  printf '%s://%s' "${1%%://*}" "${rest##*@}"
}

# json_string TEXT: TEXT as a JSON string literal.
json_string() {
  local s="$1" out="" c i code
  s="${s//\\/\\\\}"
  s="${s//\"/\\\"}"
  s="${s//$'\n'/\\n}"
  s="${s//$'\r'/\\r}"
  s="${s//$'\t'/\\t}"
  if [[ $s == *[[:cntrl:]]* ]]; then
    for ((i = 0; i < ${#s}; i++)); do
      c="${s:i:1}"
      if [[ $c == [[:cntrl:]] ]]; then
        printf -v code '%d' "'$c"
        printf -v c '\\u%04x' "$code"
      fi
      out+="$c"
    done
    s="$out"
  fi
  printf '"%s"' "$s"
}

# webhooks_deliver APP EVENT_JSON STATUS: POSTs the event to every URL of the app
# at the same time, each bounded by WEBHOOKS_TIMEOUT; a failure is a warning.
webhooks_deliver() {
  local app="$1" body="$2" status="$3" file dir url timeout
  file="$(webhooks_urls_file "$app")"
  [[ -s $file ]] || return 0
  dir="$(dirname "$file")"
  timeout="${WEBHOOKS_TIMEOUT:-5}"
  [[ $timeout =~ ^[0-9]{1,3}$ ]] || timeout=5
  local -a pids=() urls=()
  local errors
  errors="$(mktemp -d "$dir/deliver.XXXXXX")"
  while IFS= read -r url; do
    [[ -n $url ]] || continue
    curl -sS -o /dev/null --fail --proto =http,https --max-time "$timeout" --connect-timeout 3 \
      -X POST -H 'Content-Type: application/json' -H 'User-Agent: berth-webhooks' \
      --data-binary "$body" -- "$url" 2>"$errors/${#pids[@]}" &
    pids+=("$!")
    urls+=("$url")
  done <"$file"
  local i result now host err errfile
  for i in "${!pids[@]}"; do
    host="$(webhooks_host "${urls[i]}")"
    errfile="$errors/$i"
    if wait "${pids[i]}"; then
      result=ok
    else
      err="$(tr '\n' ' ' <"$errfile")"
      result="failed: ${err:0:200}"
      echo " !     Webhook $host did not take the $status deploy event of $app: ${err:0:200}" >&2
    fi
    now="$(date -u +%FT%TZ)"
    echo "$now deploy $status $host $result" >>"$dir/deliveries.log"
  done
  rm -rf "$errors"
}

# webhooks_event APP RELEASE GIT_REV STATUS [REASON]: the deploy event, as JSON.
webhooks_event() {
  local reason=""
  [[ $# -lt 5 ]] || reason=",\"reason\":$(json_string "$5")"
  printf '{"event":"deploy","app":%s,"release":%s,"git_rev":%s,"status":%s,"time":%s%s}' \
    "$(json_string "$1")" "$(json_string "$2")" "$(json_string "$3")" \
    "$(json_string "$4")" "$(json_string "$(date -u +%FT%TZ)")" "$reason"
}
